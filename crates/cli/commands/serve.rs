//! `cashline serve` and `cashline demo`: the long-running fronts, which open their own ledger.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};
use clap::Args;

use cashline_http::LocalServer;
use cashline_service::{connections, inbox, Service};

use crate::output::shown;

#[derive(Args)]
pub struct ServeArgs {
    /// Port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Load the demo data first.
    #[arg(long)]
    demo: bool,
    /// Folder of the built web UI.
    #[arg(long, env = "CASHLINE_UI_DIR", value_name = "DIR")]
    ui: Option<PathBuf>,
}

#[derive(Args)]
pub struct DemoArgs {
    /// Serve the web UI even where a display exists.
    #[arg(long)]
    web: bool,
    #[arg(long, default_value_t = 0)]
    port: u16,
    #[arg(long, env = "CASHLINE_UI_DIR", value_name = "DIR")]
    ui: Option<PathBuf>,
    /// A seeded Tryton to connect the demo to (`scripts/demo` starts one where it can).
    #[arg(long, value_name = "URL", requires = "tryton_database")]
    tryton: Option<String>,
    #[arg(long, value_name = "DB", requires = "tryton")]
    tryton_database: Option<String>,
}

/// The ledger `serve` works on: demo data goes to the demo ledger, never into the real one,
/// unless `--db` says so.
pub fn serve_ledger(args: &ServeArgs, db: Option<PathBuf>, data_dir: &Path) -> PathBuf {
    match (db, args.demo) {
        (Some(db), _) => db,
        (None, true) => demo_ledger(data_dir),
        (None, false) => data_dir.join("ledger.sqlite"),
    }
}

/// The demo never touches the real ledger unless asked to with `--db`.
pub fn demo_ledger(data_dir: &Path) -> PathBuf {
    data_dir.join("demo").join("ledger.sqlite")
}

pub async fn serve(service: Service, args: ServeArgs, data_dir: &Path) -> anyhow::Result<()> {
    if args.demo {
        load_demo(&service, data_dir).await?;
    }
    run_server(service, args.port, args.ui).await
}

pub async fn demo(
    service: Service,
    db: &Path,
    args: DemoArgs,
    data_dir: &Path,
) -> anyhow::Result<()> {
    load_demo(&service, data_dir).await?;
    // The simulated banks serve from this process for as long as the demo runs, the window's
    // included.
    let (_banks, lines) = service.load_demo_banks().await?;
    println!("Demo banks: {}.", lines.join(", "));
    match (&args.tryton, &args.tryton_database) {
        (Some(url), Some(database)) => {
            let line = service.load_demo_erp(url, database).await?;
            println!("Demo ERP: {}.", shown(&line));
        }
        _ => println!(
            "Demo ERP: none. scripts/demo starts a seeded Tryton where Python 3 can install it \
             from PyPI (scripts/tryton/ensure); or give --tryton URL --tryton-database DB."
        ),
    }
    if !args.web && has_display() {
        if let Some(desktop) = desktop_binary() {
            service.close().await;
            let db = db.to_path_buf();
            return tokio::task::spawn_blocking(move || open_window(&desktop, &db)).await?;
        }
        println!("The desktop app is not built (cargo build -p cashline-desktop); serving the web UI instead.");
    }
    run_server(service, args.port, args.ui).await
}

async fn load_demo(service: &Service, data_dir: &Path) -> anyhow::Result<()> {
    let folder = data_dir.join("demo").join("files");
    let loaded = service.load_demo(&folder).await?;
    println!(
        "Demo data from {}: {}.",
        shown(&folder.display().to_string()),
        loaded.lines.join(", ")
    );
    Ok(())
}

fn has_display() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()))
}

/// The desktop app sits next to this binary when both are built or installed together.
fn desktop_binary() -> Option<PathBuf> {
    let exe = std::env::current_exe().ok()?;
    let candidate = exe.parent()?.join("cashline-desktop");
    candidate.is_file().then_some(candidate)
}

fn open_window(desktop: &Path, db: &Path) -> anyhow::Result<()> {
    println!("Opening the Cashline window…");
    let status = std::process::Command::new(desktop)
        .arg("--db")
        .arg(db)
        .status()
        .with_context(|| format!("cannot start {}", desktop.display()))?;
    if !status.success() {
        return Err(anyhow!("the desktop app exited with {status}"));
    }
    Ok(())
}

fn ui_dir(explicit: Option<PathBuf>) -> PathBuf {
    if let Some(dir) = explicit {
        return dir;
    }
    // Installed next to the binary, else the build tree this binary came from.
    let beside = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|p| p.join("ui")));
    match beside {
        Some(dir) if dir.join("index.html").is_file() => dir,
        _ => PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/ui/dist")),
    }
}

async fn run_server(service: Service, port: u16, ui: Option<PathBuf>) -> anyhow::Result<()> {
    let inbox_folder = service.inbox_folder().await?;
    let watcher_service = service.clone();
    let server = LocalServer::bind(service, port, ui_dir(ui)).await?;
    // Whoever started us may stop reading stdout once it has the URL; that is no reason to stop.
    let mut stdout = std::io::stdout();
    let _ = writeln!(stdout, "Cashline is serving the web UI at {}", server.url());
    let _ = writeln!(
        stdout,
        "Only this machine can reach it, and only with the token in that address. Press Ctrl-C to stop."
    );
    if let Some(folder) = &inbox_folder {
        let _ = writeln!(
            stdout,
            "Watching the inbox folder {}.",
            shown(&folder.display().to_string())
        );
    }
    let _ = stdout.flush();
    // The watcher follows the inbox setting, so a folder set in the UI is watched at once.
    // Beside it, the bank and ERP connections' scheduled syncs, and the audit log's anchor.
    let (stop_sender, stop_receiver) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(async move {
        let stopped = |mut receiver: tokio::sync::watch::Receiver<bool>| async move {
            let _ = receiver.changed().await;
        };
        tokio::join!(
            inbox::watch_setting(&watcher_service, |_| (), stopped(stop_receiver.clone())),
            connections::run_schedule(&watcher_service, stopped(stop_receiver.clone())),
            cashline_service::anchor::keep(&watcher_service, stopped(stop_receiver)),
        );
    });
    server
        .run(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    let _ = stop_sender.send(true);
    let _ = watcher.await;
    Ok(())
}
