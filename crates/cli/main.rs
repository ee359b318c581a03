//! `cashline`: the command line. It parses arguments, calls the service layer and prints what
//! comes back, as tables or (with `--json`) as exactly one JSON document.

mod commands;
mod output;

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Parser};

use cashline_domain::{Clock, FixedClock, SystemClock};
use cashline_service::{Service, ServiceConfig};

use commands::{Command, Reported};

/// mimalloc rather than glibc's malloc: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "cashline",
    version,
    about = "Cash positions, payments and reconciliation for small finance teams"
)]
struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// A reader that closes the pipe early (`| head`) ends the process as it would any Unix tool,
/// rather than making the next `println!` panic. A write in progress is rolled back by SQLite,
/// as on Ctrl-C.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first thing in `main`, before any thread exists; SIG_DFL is a valid action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

#[derive(Args)]
struct GlobalArgs {
    /// The ledger file (default: the user's data folder).
    #[arg(long, global = true, env = "CASHLINE_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Who is acting, recorded in the audit log (default: the OS user).
    #[arg(long, global = true, env = "CASHLINE_USER", value_name = "NAME")]
    user: Option<String>,
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    let data_dir = data_dir();
    cashline_service::logging::init(&data_dir);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cashline: cannot start: {error}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli, &data_dir)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            if error.downcast_ref::<Reported>().is_none() {
                tracing::error!(error = format!("{error:#}"), "command failed");
                eprintln!("cashline: {}", output::shown(&format!("{error:#}")));
            }
            ExitCode::from(1)
        }
    }
}

fn data_dir() -> PathBuf {
    std::env::var_os("CASHLINE_HOME")
        .map(PathBuf::from)
        .or_else(|| dirs::data_dir().map(|d| d.join("cashline")))
        .unwrap_or_else(|| PathBuf::from(".cashline"))
}

/// `CASHLINE_NOW` (RFC 3339) freezes the clock, for reproducible runs and tests.
fn clock() -> anyhow::Result<Arc<dyn Clock>> {
    match std::env::var("CASHLINE_NOW") {
        Ok(text) => {
            let at = DateTime::parse_from_rfc3339(&text)
                .with_context(|| format!("CASHLINE_NOW '{text}' is not an RFC 3339 time"))?;
            Ok(Arc::new(FixedClock(at.with_timezone(&Utc))))
        }
        Err(_) => Ok(Arc::new(SystemClock)),
    }
}

/// Who acts: `--user`, else `CASHLINE_USER`, else the OS user. `erp add` has a `--user` of
/// its own (the ERP's login, as CLI.md names it), which clap also hands to the global one; for
/// that command only a `--user` before the subcommand names who acts.
fn user(global: &GlobalArgs, command: &Command) -> String {
    let erp_login = matches!(
        command,
        Command::Erp {
            command: commands::erp::ErpCommand::Add { .. }
        }
    );
    let given = if erp_login {
        user_before_subcommand(std::env::args().skip(1))
            .or_else(|| std::env::var("CASHLINE_USER").ok())
    } else {
        global.user.clone()
    };
    given
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".into())
}

/// The value of a `--user` among the global flags that come before the subcommand's name.
fn user_before_subcommand(args: impl Iterator<Item = String>) -> Option<String> {
    let mut args = args.peekable();
    let mut user = None;
    while let Some(arg) = args.next() {
        if let Some(value) = arg.strip_prefix("--user=") {
            user = Some(value.to_string());
        } else if arg == "--user" {
            user = args.next();
        } else if arg == "--db" {
            args.next();
        } else if !arg.starts_with('-') {
            break;
        }
    }
    user
}

async fn open(db: PathBuf, user: String) -> anyhow::Result<Service> {
    let service = Service::open(ServiceConfig {
        db_path: db.clone(),
        user,
        clock: clock()?,
    })
    .await?;
    tracing::info!(db = %db.display(), "ledger open");
    Ok(service)
}

async fn run(cli: Cli, data_dir: &Path) -> anyhow::Result<()> {
    let user = user(&cli.global, &cli.command);
    match cli.command {
        Command::Serve(args) => {
            let db = commands::serve::serve_ledger(&args, cli.global.db, data_dir);
            let service = open(db, user).await?;
            commands::serve::serve(service, args, data_dir).await
        }
        Command::Demo(args) => {
            let db = cli
                .global
                .db
                .unwrap_or_else(|| commands::serve::demo_ledger(data_dir));
            let service = open(db.clone(), user).await?;
            commands::serve::demo(service, &db, args, data_dir).await
        }
        Command::BankSim(args) => commands::connections::bank_sim(args, clock()?.now()).await,
        Command::Db { command } if !commands::db::needs_service(&command) => {
            let db = cli
                .global
                .db
                .unwrap_or_else(|| data_dir.join("ledger.sqlite"));
            let acting = cashline_service::ledger_file::Acting {
                user: &user,
                now: clock()?.now(),
            };
            commands::db::exec_file(command, &db, acting).await
        }
        command => {
            let db = cli
                .global
                .db
                .unwrap_or_else(|| data_dir.join("ledger.sqlite"));
            let service = open(db, user).await?;
            let result = commands::exec(&service, command).await;
            // What the command appended to the audit log is anchored outside the ledger.
            service.anchor_audit().await;
            service.close().await;
            result
        }
    }
}

#[cfg(test)]
mod tests {
    use super::user_before_subcommand;

    fn args(text: &str) -> impl Iterator<Item = String> + '_ {
        text.split(' ').map(str::to_string)
    }

    #[test]
    fn the_acting_user_of_erp_add_is_the_one_before_the_subcommand() {
        let line = "--db l.sqlite --user tester erp add T --user admin";
        assert_eq!(
            user_before_subcommand(args(line)).as_deref(),
            Some("tester")
        );
        assert_eq!(
            user_before_subcommand(args("--user=anna erp add T --user admin")).as_deref(),
            Some("anna")
        );
        assert_eq!(user_before_subcommand(args("erp add T --user admin")), None);
    }
}
