//! `cashline exceptions`: the queue, and assigning, commenting and resolving its cases.

use clap::{Args, Subcommand};

use cashline_service::{request, wire, Service};

use crate::output::{self, shown};

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ExceptionsArgs {
    #[command(subcommand)]
    command: Option<ExceptionCommand>,
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    state: Option<String>,
    #[arg(long)]
    owner: Option<String>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    entity: Option<String>,
    #[arg(long)]
    bank: Option<String>,
    /// An aging bucket: 0-2, 3-7, 8-30 or over-30 (days since opened).
    #[arg(long)]
    age: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum ExceptionCommand {
    /// One case with its comments and history.
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Give cases to an owner.
    Assign {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        to: String,
    },
    /// Take cases from their owner.
    Unassign {
        #[arg(required = true)]
        ids: Vec<String>,
    },
    /// Comment on a case.
    Comment {
        id: String,
        #[arg(long)]
        text: String,
    },
    /// Close cases with a resolution (or write them off, or move them back or in progress).
    Resolve {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        resolution: Option<String>,
        /// resolved (default), written_off, in_progress or open.
        #[arg(long)]
        state: Option<String>,
    },
}

pub async fn exec(service: &Service, args: ExceptionsArgs) -> anyhow::Result<()> {
    match args.command {
        None => {
            let query = request::ExceptionsQuery {
                kind: args.kind,
                state: args.state,
                owner: args.owner,
                account: args.account,
                entity: args.entity,
                bank: args.bank,
                age: args.age,
            };
            output::show(
                args.json,
                &service.exceptions(query).await?,
                output::exceptions,
            )
        }
        Some(ExceptionCommand::Show { id, json }) => output::show(
            json,
            &service
                .exception_detail(request::ExceptionId { id })
                .await?,
            detail,
        ),
        Some(ExceptionCommand::Assign { ids, to }) => {
            let changed = service
                .exceptions_assign(request::ExceptionsAssign {
                    ids,
                    owner: Some(to.clone()),
                })
                .await?;
            println!("{} exceptions assigned to {}.", changed.changed, shown(&to));
            Ok(())
        }
        Some(ExceptionCommand::Unassign { ids }) => {
            let changed = service
                .exceptions_assign(request::ExceptionsAssign { ids, owner: None })
                .await?;
            println!("{} exceptions unassigned.", changed.changed);
            Ok(())
        }
        Some(ExceptionCommand::Comment { id, text }) => {
            let detail = service
                .exception_comment(request::ExceptionComment { id, text })
                .await?;
            println!(
                "Comment added to exception {} ({} comments).",
                detail.exception.id,
                detail.notes.len()
            );
            Ok(())
        }
        Some(ExceptionCommand::Resolve {
            ids,
            resolution,
            state,
        }) => {
            let changed = service
                .exceptions_resolve(request::ExceptionsResolve {
                    ids,
                    state: state.clone(),
                    resolution,
                })
                .await?;
            println!(
                "{} exceptions {}.",
                changed.changed,
                state.as_deref().unwrap_or("resolved").replace('_', " ")
            );
            Ok(())
        }
    }
}

fn detail(report: &wire::ExceptionDetail) {
    let e = &report.exception;
    println!(
        "{} {} ({}), opened {} ({} days), owner {}",
        e.id,
        e.kind,
        e.state,
        e.opened_at,
        e.age_days,
        e.owner.as_deref().map_or("nobody".into(), shown)
    );
    println!("  {}", shown(&e.subject));
    if let Some(detail) = &e.detail {
        println!("  {}", shown(detail));
    }
    if let Some(resolution) = &e.resolution {
        println!("  resolution: {}", shown(resolution));
    }
    for note in &report.notes {
        println!(
            "  comment by {} at {}: {}",
            shown(&note.author),
            note.written_at,
            shown(&note.text)
        );
    }
    for event in &report.history {
        println!(
            "  {} {} by {}{}",
            event.at,
            event.action,
            shown(&event.actor),
            event
                .detail
                .as_deref()
                .map(|d| format!(": {}", shown(d)))
                .unwrap_or_default()
        );
    }
}
