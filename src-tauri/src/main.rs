//! `cashline-desktop`: opens the ledger, then the Cashline window over it.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use cashline_domain::SystemClock;
use cashline_service::{Service, ServiceConfig};
use clap::Parser;

/// mimalloc rather than glibc's malloc: see the workspace Cargo.toml.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The Cashline desktop app.
#[derive(Debug, Parser)]
#[command(name = "cashline-desktop", version, about)]
struct Args {
    /// The ledger file [default: ~/.local/share/cashline/ledger.sqlite].
    #[arg(long, env = "CASHLINE_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Recorded in the audit log for every change [default: $USER or $LOGNAME].
    #[arg(long, env = "CASHLINE_USER", value_name = "NAME")]
    user: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    cashline_service::logging::init_desktop();

    if !cashline_desktop::display_available() {
        eprintln!("cashline-desktop: no display: run `cashline serve` for the web UI");
        return ExitCode::FAILURE;
    }
    let Some(db_path) = args.db.or_else(cashline_desktop::default_db_path) else {
        eprintln!(
            "cashline-desktop: no ledger given and no home folder to keep one in: pass --db PATH"
        );
        return ExitCode::FAILURE;
    };
    let user = args
        .user
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .filter(|u| !u.trim().is_empty())
        .unwrap_or_else(|| "unknown".to_string());

    // The service's database pool lives on Tauri's own tokio runtime, where the commands run.
    let opened = tauri::async_runtime::block_on(Service::open(ServiceConfig {
        db_path: db_path.clone(),
        user,
        clock: Arc::new(SystemClock),
    }));
    let service = match opened {
        Ok(service) => service,
        Err(error) => {
            eprintln!(
                "cashline-desktop: cannot open the ledger {}: {error}",
                db_path.display()
            );
            return ExitCode::FAILURE;
        }
    };
    tracing::info!(db = %db_path.display(), user = service.user(), "ledger open");

    match cashline_desktop::run_app(tauri::Builder::default(), service) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("cashline-desktop: {error}");
            ExitCode::FAILURE
        }
    }
}
