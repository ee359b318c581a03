//! `cashline`: the command line. It parses arguments, calls the service layer and prints what
//! comes back, as tables or (with `--json`) as exactly one JSON document.

mod output;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{anyhow, Context};
use chrono::{DateTime, NaiveDate, Utc};
use clap::{Args, Parser, Subcommand};

use cashline_domain::{Clock, FixedClock, SystemClock};
use cashline_http::LocalServer;
use cashline_service::{
    chart_png, inbox, AccountUpdate, ChartRequest, EntriesQuery, ForecastRequest, ImportOptions,
    PositionsRequest, Service, ServiceConfig,
};

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

#[derive(Args)]
struct GlobalArgs {
    /// The ledger file (default: the user's data folder).
    #[arg(long, global = true, env = "CASHLINE_DB", value_name = "PATH")]
    db: Option<PathBuf>,
    /// Who is acting, recorded in the audit log (default: the OS user).
    #[arg(long, global = true, env = "CASHLINE_USER", value_name = "NAME")]
    user: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Import bank files (format detected from content); each file is all-or-nothing.
    Import {
        #[arg(required_unless_present = "watch", value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Keep watching this folder and import every file that lands in it (moved to
        /// imported/ or failed/ afterwards). With --json, one JSON line per file.
        #[arg(long, value_name = "DIR", conflicts_with = "files")]
        watch: Option<PathBuf>,
        /// Read the files as CSV with this saved mapping, whatever their header.
        #[arg(long, value_name = "NAME")]
        csv_mapping: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// This installation's settings (the watched inbox folder).
    Settings {
        /// Watch this folder for bank files while the app or `cashline serve` runs.
        #[arg(long, value_name = "DIR", conflicts_with = "no_inbox")]
        inbox: Option<PathBuf>,
        /// Stop watching an inbox folder.
        #[arg(long)]
        no_inbox: bool,
        #[arg(long)]
        json: bool,
    },
    /// Saved CSV mappings: how each bank's CSV export is read.
    CsvMapping {
        #[command(subcommand)]
        command: CsvMappingCommand,
    },
    /// Cash positions: the latest booked and available balance of every account.
    Positions {
        /// Positions as they stood at the end of this day (YYYY-MM-DD).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
        /// Only this entity's accounts (its code).
        #[arg(long, value_name = "CODE")]
        entity: Option<String>,
        /// Consolidate into this currency (default: the entity's, else EUR).
        #[arg(long, value_name = "CCY")]
        reporting_currency: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Bank entries, filtered by account and booking date.
    Entries {
        #[arg(long, value_name = "ACCOUNT")]
        account: Option<String>,
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Exceptions waiting for a person (balance mismatches, …).
    Exceptions {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// The projected balance for the coming business days.
    Forecast {
        #[arg(long, default_value_t = 10)]
        days: usize,
        #[arg(long, value_name = "CODE")]
        entity: Option<String>,
        #[arg(long, value_name = "CCY")]
        reporting_currency: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Daily closing balances per account and currency over a period.
    History {
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long, value_name = "CODE")]
        entity: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// The entries of one day (today by default), with each account's running movement.
    Intraday {
        #[arg(long, value_name = "DATE")]
        date: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Draw a chart to a file: balances, history, forecast, entities or banks (.svg or .png).
    Chart {
        name: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        #[arg(long, value_name = "CODE")]
        entity: Option<String>,
        #[arg(long, value_name = "CCY")]
        reporting_currency: Option<String>,
        #[arg(long)]
        days: Option<usize>,
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        /// Balances at the end of this day (entities, banks).
        #[arg(long, value_name = "DATE")]
        as_of: Option<NaiveDate>,
    },
    /// Business days of a currency (TARGET2 for EUR, weekends for others).
    Calendar {
        #[arg(long, default_value = "EUR", value_name = "CCY")]
        currency: String,
        #[arg(long, value_name = "DATE")]
        from: Option<NaiveDate>,
        #[arg(long, value_name = "DATE")]
        to: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
    /// Legal entities of the group.
    Entities {
        #[command(subcommand)]
        command: EntityCommand,
    },
    /// Bank accounts: list, and assign to entities, name, purpose and reporting cadence.
    Accounts {
        #[command(subcommand)]
        command: AccountCommand,
    },
    /// Foreign-exchange reference rates.
    Fx {
        #[command(subcommand)]
        command: FxCommand,
    },
    /// Receivables and payables from the ERP.
    OpenItems {
        #[command(subcommand)]
        command: OpenItemCommand,
    },
    /// Outgoing payments from the ERP's payment runs.
    Payments {
        #[command(subcommand)]
        command: PaymentCommand,
    },
    /// Serve the web UI and its API on 127.0.0.1 with a random access token.
    Serve {
        /// Port to listen on; 0 picks a free one.
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// Load the demo data first.
        #[arg(long)]
        demo: bool,
        /// Folder of the built web UI.
        #[arg(long, env = "CASHLINE_UI_DIR", value_name = "DIR")]
        ui: Option<PathBuf>,
    },
    /// Load demo data, then open the desktop window (or serve the web UI without a display).
    Demo {
        /// Serve the web UI even where a display exists.
        #[arg(long)]
        web: bool,
        #[arg(long, default_value_t = 0)]
        port: u16,
        #[arg(long, env = "CASHLINE_UI_DIR", value_name = "DIR")]
        ui: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum EntityCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create an entity, or change the one with this code.
    Add {
        code: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        country: Option<String>,
        #[arg(long, value_name = "CCY")]
        reporting_currency: Option<String>,
    },
}

#[derive(Subcommand)]
enum AccountCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an account (by its IBAN or number).
    Set {
        account: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        purpose: Option<String>,
        /// The entity's code; an empty string detaches the account.
        #[arg(long)]
        entity: Option<String>,
        /// `daily` or `intraday`.
        #[arg(long)]
        cadence: Option<String>,
        /// When the end-of-day statement is due on the next business day (HH:MM, UTC).
        #[arg(long, value_name = "HH:MM")]
        due: Option<String>,
        /// For intraday accounts: a balance is expected at least this often.
        #[arg(long, value_name = "HOURS")]
        intraday_hours: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum FxCommand {
    /// Import an ECB eurofxref XML file (daily or history) or a base,quote,date,rate CSV.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Fetch the ECB's daily reference rates.
    Fetch {
        #[arg(long)]
        url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Enter a rate by hand: 1 BASE = RATE QUOTE on DATE.
    Set {
        base: String,
        quote: String,
        date: NaiveDate,
        rate: String,
    },
    List {
        #[arg(long, value_name = "DATE")]
        date: Option<NaiveDate>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum OpenItemCommand {
    /// Import the ERP's CSV export (idempotent by id).
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        kind: Option<String>,
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Set the probability (0 to 1) that a receivable is paid on its due date.
    Probability { id: String, probability: String },
}

#[derive(Subcommand)]
enum PaymentCommand {
    /// Import a payment run (CSV); payments are validated on the way in.
    Import {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    List {
        #[arg(long)]
        state: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Approve payments; the approver must not be who prepared them.
    Approve {
        #[arg(required = true)]
        ids: Vec<String>,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum CsvMappingCommand {
    /// Save a mapping from its JSON definition (replacing one of the same name).
    Add {
        #[arg(value_name = "MAPPING.json")]
        file: PathBuf,
    },
    List {
        #[arg(long)]
        json: bool,
    },
    Remove {
        name: String,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Re-compute the audit log's hash chain.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

/// A failure that has already been reported (e.g. one file of several failed to import).
#[derive(Debug)]
struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Reported {}

fn main() -> ExitCode {
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
                eprintln!("cashline: {error:#}");
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

fn user(global: &GlobalArgs) -> String {
    global
        .user
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("USERNAME").ok())
        .unwrap_or_else(|| "unknown".into())
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
    let user = user(&cli.global);
    let default_db = data_dir.join("ledger.sqlite");
    match cli.command {
        Command::Demo { web, port, ui } => {
            // The demo never touches the real ledger unless asked to with --db.
            let db = cli
                .global
                .db
                .unwrap_or_else(|| data_dir.join("demo").join("ledger.sqlite"));
            let service = open(db.clone(), user).await?;
            load_demo(&service, data_dir).await?;
            if !web && has_display() {
                if let Some(desktop) = desktop_binary() {
                    service.close().await;
                    return open_window(&desktop, &db);
                }
                println!("The desktop app is not built (cargo build -p cashline-desktop); serving the web UI instead.");
            }
            serve(service, port, ui).await
        }
        Command::Serve { port, demo, ui } => {
            // Demo data goes to the demo ledger, never into the real one, unless --db says so.
            let db = match (cli.global.db, demo) {
                (Some(db), _) => db,
                (None, true) => data_dir.join("demo").join("ledger.sqlite"),
                (None, false) => default_db,
            };
            let service = open(db, user).await?;
            if demo {
                load_demo(&service, data_dir).await?;
            }
            serve(service, port, ui).await
        }
        command => {
            let service = open(cli.global.db.unwrap_or(default_db), user).await?;
            let result = run_read_or_import(&service, command).await;
            service.close().await;
            result
        }
    }
}

async fn run_read_or_import(service: &Service, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import {
            watch: Some(folder),
            json,
            ..
        } => {
            let folder = std::path::absolute(&folder).unwrap_or(folder);
            println!(
                "Watching {} for bank files. Press Ctrl-C to stop.",
                folder.display()
            );
            let print = |result: &cashline_service::wire::FileResult| {
                if json {
                    println!("{}", serde_json::to_string(result).unwrap_or_default());
                } else {
                    match &result.error {
                        Some(error) => println!("failed: {error}"),
                        None => println!(
                            "{}: {} ({} new entries)",
                            result.status, result.file, result.new_entries
                        ),
                    }
                }
            };
            let stop = async {
                let _ = tokio::signal::ctrl_c().await;
            };
            inbox::watch(service, &folder, print, stop)
                .await
                .with_context(|| format!("cannot watch {}", folder.display()))?;
        }
        Command::Import {
            files,
            csv_mapping,
            json,
            ..
        } => {
            let report = service
                .import_paths(&files, &ImportOptions { csv_mapping })
                .await;
            for file in report.files.iter().filter(|f| f.error.is_some()) {
                eprintln!("cashline: {}", file.error.as_deref().unwrap_or_default());
            }
            output::show(json, &report, output::import)?;
            if report.any_failed() {
                return Err(Reported.into());
            }
        }
        Command::Positions {
            as_of,
            entity,
            reporting_currency,
            json,
        } => {
            let report = service
                .positions(PositionsRequest {
                    as_of,
                    entity,
                    reporting_currency,
                })
                .await?;
            output::show(json, &report, output::positions)?;
        }
        Command::Entries {
            account,
            from,
            to,
            json,
        } => {
            let report = service
                .entries(EntriesQuery {
                    account,
                    from,
                    to,
                    limit: None,
                })
                .await?;
            output::show(json, &report, output::entries)?;
        }
        Command::Exceptions { kind, state, json } => {
            let report = service
                .exceptions(kind.as_deref(), state.as_deref())
                .await?;
            output::show(json, &report, output::exceptions)?;
        }
        Command::Forecast {
            days,
            entity,
            reporting_currency,
            json,
        } => {
            let report = service
                .forecast(ForecastRequest {
                    days: Some(days),
                    entity,
                    reporting_currency,
                })
                .await?;
            output::show(json, &report, output::forecast)?;
        }
        Command::History {
            from,
            to,
            entity,
            json,
        } => {
            let report = service.history(from, to, entity.as_deref()).await?;
            output::show(json, &report, output::history)?;
        }
        Command::Intraday { date, json } => {
            let report = service.intraday(date).await?;
            output::show(json, &report, output::intraday)?;
        }
        Command::Chart {
            name,
            out,
            entity,
            reporting_currency,
            days,
            from,
            to,
            as_of,
        } => {
            let request = ChartRequest {
                chart: name,
                entity,
                reporting_currency,
                days,
                from,
                to,
                as_of,
            };
            let svg = service.chart_svg(&request).await?;
            let bytes = match out.extension().and_then(|e| e.to_str()) {
                Some("png") => chart_png(&svg)?,
                Some("svg") => svg.into_bytes(),
                _ => {
                    return Err(anyhow!(
                        "{}: the chart file must end in .svg or .png",
                        out.display()
                    ))
                }
            };
            std::fs::write(&out, bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!("Wrote {}.", out.display());
        }
        Command::Calendar {
            currency,
            from,
            to,
            json,
        } => {
            let report = service.calendar(&currency, from, to)?;
            if json {
                output::json(&report)?;
            } else {
                for day in &report.days {
                    println!("{}  {}", day.date, day.closed.unwrap_or("open"));
                }
            }
        }
        Command::Entities { command } => match command {
            EntityCommand::List { json } => {
                let report = service.entities().await?;
                if json {
                    output::json(&report)?;
                } else {
                    for entity in &report.entities {
                        println!(
                            "{}  {}  {}",
                            entity.code,
                            entity.name,
                            entity.reporting_currency.as_deref().unwrap_or("-")
                        );
                    }
                }
            }
            EntityCommand::Add {
                code,
                name,
                country,
                reporting_currency,
            } => {
                let saved = service
                    .entity_save(
                        &code,
                        &name,
                        country.as_deref(),
                        reporting_currency.as_deref(),
                    )
                    .await?;
                println!("Saved entity {} ({}).", saved.code, saved.name);
            }
        },
        Command::Accounts { command } => match command {
            AccountCommand::List { json } => {
                let report = service.accounts().await?;
                output::show(json, &report, output::accounts)?;
            }
            AccountCommand::Set {
                account,
                name,
                purpose,
                entity,
                cadence,
                due,
                intraday_hours,
                json,
            } => {
                let update = AccountUpdate {
                    name,
                    purpose,
                    entity,
                    cadence,
                    statement_due_time_utc: due,
                    intraday_hours,
                };
                let report = service.account_update(&account, update).await?;
                output::show(json, &report, output::accounts)?;
            }
        },
        Command::Fx { command } => match command {
            FxCommand::Import { file, json } => {
                let report = service.fx_import(&file).await?;
                output::rates_imported(&report, json)?;
            }
            FxCommand::Fetch { url, json } => {
                let report = service.fx_fetch(url.as_deref()).await?;
                output::rates_imported(&report, json)?;
            }
            FxCommand::Set {
                base,
                quote,
                date,
                rate,
            } => {
                service.fx_set(&base, &quote, date, &rate).await?;
                println!("1 {base} = {rate} {quote} on {date} (manual).");
            }
            FxCommand::List { date, json } => {
                let report = service.fx_rates(date).await?;
                if json {
                    output::json(&report)?;
                } else {
                    for rate in &report.rates {
                        println!(
                            "{}  1 {} = {} {}  ({})",
                            rate.date, rate.base, rate.rate, rate.quote, rate.source
                        );
                    }
                }
            }
        },
        Command::OpenItems { command } => match command {
            OpenItemCommand::Import { file, json } => {
                let report = service.open_items_import(&file).await?;
                if json {
                    output::json(&report)?;
                } else {
                    println!(
                        "{}: {} items, {} new.",
                        report.file, report.items, report.new_items
                    );
                }
            }
            OpenItemCommand::List { kind, state, json } => {
                let report = service
                    .open_items(kind.as_deref(), state.as_deref())
                    .await?;
                output::show(json, &report, output::open_items)?;
            }
            OpenItemCommand::Probability { id, probability } => {
                service.open_item_probability(&id, &probability).await?;
                println!("Item {id} is expected with probability {probability}.");
            }
        },
        Command::Payments { command } => match command {
            PaymentCommand::Import { file, json } => {
                let report = service.payments_import(&file).await?;
                if json {
                    output::json(&report)?;
                } else {
                    println!(
                        "{}: {} payments, {} new.",
                        report.file, report.payments, report.new_payments
                    );
                }
            }
            PaymentCommand::List { state, json } => {
                let report = service.payments(state.as_deref()).await?;
                output::show(json, &report, output::payments)?;
            }
            PaymentCommand::Approve { ids, json } => {
                let report = service.payments_approve(&ids).await?;
                output::show(json, &report, output::payments)?;
            }
        },
        Command::Settings {
            inbox,
            no_inbox,
            json,
        } => {
            let settings = if no_inbox {
                service.set_inbox_folder(None).await?
            } else if let Some(folder) = inbox {
                let folder = std::path::absolute(&folder).unwrap_or(folder);
                service.set_inbox_folder(Some(&folder)).await?
            } else {
                service.settings().await?
            };
            if json {
                output::json(&settings)?;
            } else {
                println!(
                    "inbox folder: {}",
                    settings.inbox_folder.as_deref().unwrap_or("(none)")
                );
            }
        }
        Command::CsvMapping { command } => match command {
            CsvMappingCommand::Add { file } => {
                let text = std::fs::read_to_string(&file)
                    .with_context(|| format!("cannot read {}", file.display()))?;
                let definition: serde_json::Value = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not JSON", file.display()))?;
                let saved = service.csv_mapping_save(definition).await?;
                println!(
                    "Saved CSV mapping '{}': it reads files whose header is {}",
                    saved.name, saved.header
                );
            }
            CsvMappingCommand::List { json } => {
                let report = service.csv_mappings().await?;
                if json {
                    output::json(&report)?;
                } else if report.mappings.is_empty() {
                    println!("No CSV mappings saved.");
                } else {
                    for mapping in &report.mappings {
                        println!("{}: {}", mapping.name, mapping.header);
                    }
                }
            }
            CsvMappingCommand::Remove { name } => {
                service.csv_mapping_remove(&name).await?;
                println!("Removed CSV mapping '{name}'.");
            }
        },
        Command::Audit {
            command: AuditCommand::Verify { json },
        } => {
            let report = service.audit_verify().await?;
            if json {
                output::json(&report)?;
            } else if report.ok {
                println!("The audit log verifies: {} records.", report.records);
            } else {
                println!(
                    "The audit log does NOT verify: record {} was changed or a record before it was removed.",
                    report.first_bad.as_deref().unwrap_or("?")
                );
            }
            if !report.ok {
                return Err(Reported.into());
            }
        }
        Command::Serve { .. } | Command::Demo { .. } => unreachable!("handled by run"),
    }
    Ok(())
}

async fn load_demo(service: &Service, data_dir: &Path) -> anyhow::Result<()> {
    let folder = data_dir.join("demo").join("files");
    let loaded = service.load_demo(&folder).await?;
    println!(
        "Demo data from {}: {}.",
        folder.display(),
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

async fn serve(service: Service, port: u16, ui: Option<PathBuf>) -> anyhow::Result<()> {
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
        let _ = writeln!(stdout, "Watching the inbox folder {}.", folder.display());
    }
    let _ = stdout.flush();
    // The watcher follows the inbox setting, so a folder set in the UI is watched at once.
    let (stop_sender, mut stop_receiver) = tokio::sync::watch::channel(false);
    let watcher = tokio::spawn(async move {
        let stopped = async move {
            let _ = stop_receiver.changed().await;
        };
        inbox::watch_setting(&watcher_service, |_| (), stopped).await;
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
