//! `cashline users`: who works in this ledger and in which role; `users whoami` says who the
//! command runs as (`--user`, else `CASHLINE_USER`, else the OS user).

use clap::Subcommand;

use cashline_service::request::{UserAdd, UserChange};
use cashline_service::{wire, Service};

use crate::output;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Every user, with their role.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Add a user: `users add anna --role controller` (viewer, preparer, approver, controller
    /// or admin).
    Add {
        name: String,
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Give a user another role.
    Role {
        name: String,
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// Stop a user from working in this ledger (their name stays in the audit log).
    Disable {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Let a disabled user work again.
    Enable {
        name: String,
        #[arg(long)]
        json: bool,
    },
    /// Who this command runs as, their role and its rights.
    Whoami {
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec(service: &Service, command: UserCommand) -> anyhow::Result<()> {
    let change = |name: String, role: Option<String>, disabled: Option<bool>| UserChange {
        name,
        role,
        disabled,
    };
    match command {
        UserCommand::List { json } => {
            let report = service.users().await?;
            output::show(json, &report, output::users)
        }
        UserCommand::Add { name, role, json } => {
            let user = service.user_add(&UserAdd { name, role }).await?;
            output::show(json, &user, one)
        }
        UserCommand::Role { name, role, json } => {
            let user = service.user_change(&change(name, Some(role), None)).await?;
            output::show(json, &user, one)
        }
        UserCommand::Disable { name, json } => {
            let user = service.user_change(&change(name, None, Some(true))).await?;
            output::show(json, &user, one)
        }
        UserCommand::Enable { name, json } => {
            let user = service
                .user_change(&change(name, None, Some(false)))
                .await?;
            output::show(json, &user, one)
        }
        UserCommand::Whoami { json } => {
            let session = service.whoami().await?;
            output::show(json, &session, output::session)
        }
    }
}

fn one(user: &wire::User) {
    output::users(&wire::UsersReport {
        users: vec![user.clone()],
    });
}
