//! The commands, one module per group (the same groups as the HTTP routes, the Tauri commands
//! and the UI's API modules), as cargo's `src/bin/cargo/commands/`: each module owns its
//! arguments and runs them against the service, so adding a command touches no other.

use clap::Subcommand;

use cashline_service::Service;

pub mod audit;
pub mod connections;
pub mod cutoffs;
pub mod db;
pub mod erp;
pub mod exceptions;
pub mod import;
pub mod payments;
pub mod recon;
pub mod reference;
pub mod serve;
pub mod settings;
pub mod treasury;
pub mod users;

#[derive(Subcommand)]
pub enum Command {
    /// Import bank files (format detected from content); each file is all-or-nothing.
    Import(import::ImportArgs),
    /// Saved CSV mappings: how each bank's CSV export is read.
    CsvMapping {
        #[command(subcommand)]
        command: import::CsvMappingCommand,
    },
    /// This installation's settings (the watched inbox folder).
    Settings(settings::SettingsArgs),
    /// Cash positions: the latest booked and available balance of every account.
    Positions(treasury::PositionsArgs),
    /// Bank entries, filtered by account and booking date.
    Entries(treasury::EntriesArgs),
    /// The projected balance for the coming business days.
    Forecast(treasury::ForecastArgs),
    /// Daily closing balances per account and currency over a period.
    History(treasury::HistoryArgs),
    /// The entries of one day (today by default), with each account's running movement.
    Intraday(treasury::IntradayArgs),
    /// Draw a chart to a file: balances, history, forecast, entities or banks (.svg or .png).
    Chart(treasury::ChartArgs),
    /// Exceptions waiting for a person: list, show, assign, comment and resolve.
    Exceptions(exceptions::ExceptionsArgs),
    /// Reconciliation: bank entries matched to open items and payments.
    Recon {
        #[command(subcommand)]
        command: recon::ReconCommand,
    },
    /// The ledger file: encryption, its key, backups and restores.
    Db {
        #[command(subcommand)]
        command: db::DbCommand,
    },
    /// Users and their roles: viewer, preparer, approver, controller, admin.
    Users {
        #[command(subcommand)]
        command: users::UserCommand,
    },
    /// The audit log: verify it, list it, export it.
    Audit {
        #[command(subcommand)]
        command: audit::AuditCommand,
    },
    /// Business days of a currency (TARGET2 for EUR, weekends for others).
    Calendar(reference::CalendarArgs),
    /// Legal entities of the group.
    Entities {
        #[command(subcommand)]
        command: reference::EntityCommand,
    },
    /// Bank accounts: list, and assign to entities, name, purpose and reporting cadence.
    Accounts {
        #[command(subcommand)]
        command: reference::AccountCommand,
    },
    /// Foreign-exchange reference rates.
    Fx {
        #[command(subcommand)]
        command: reference::FxCommand,
    },
    /// Receivables and payables from the ERP.
    OpenItems {
        #[command(subcommand)]
        command: payments::OpenItemCommand,
    },
    /// Outgoing payments from the ERP's payment runs.
    Payments {
        #[command(subcommand)]
        command: payments::PaymentCommand,
    },
    /// Banks' cut-off times per currency.
    Cutoffs {
        #[command(subcommand)]
        command: cutoffs::CutoffCommand,
    },
    /// Bank connections over PSD2: add (with the consent), list with their health, renew, remove.
    Connections {
        #[command(subcommand)]
        command: connections::ConnectionCommand,
    },
    /// ERP connections (Tryton): add, list with their health, remove, sync.
    Erp {
        #[command(subcommand)]
        command: erp::ErpCommand,
    },
    /// Read balances and transactions from the connected banks now.
    Sync(connections::SyncArgs),
    /// The bundled bank simulator (Berlin Group NextGenPSD2), for demos and tests.
    BankSim(connections::BankSimArgs),
    /// Serve the web UI and its API on 127.0.0.1 with a random access token.
    Serve(serve::ServeArgs),
    /// Load demo data, then open the desktop window (or serve the web UI without a display).
    Demo(serve::DemoArgs),
}

/// Runs a command that works on an open ledger and ends (everything but `serve` and `demo`).
pub async fn exec(service: &Service, command: Command) -> anyhow::Result<()> {
    match command {
        Command::Import(args) => import::exec(service, args).await,
        Command::CsvMapping { command } => import::exec_csv_mapping(service, command).await,
        Command::Settings(args) => settings::exec(service, args).await,
        Command::Positions(args) => treasury::positions(service, args).await,
        Command::Entries(args) => treasury::entries(service, args).await,
        Command::Forecast(args) => treasury::forecast(service, args).await,
        Command::History(args) => treasury::history(service, args).await,
        Command::Intraday(args) => treasury::intraday(service, args).await,
        Command::Chart(args) => treasury::chart(service, args).await,
        Command::Exceptions(args) => exceptions::exec(service, args).await,
        Command::Recon { command } => recon::exec(service, command).await,
        Command::Users { command } => users::exec(service, command).await,
        Command::Audit { command } => audit::exec(service, command).await,
        Command::Calendar(args) => reference::calendar(service, args),
        Command::Entities { command } => reference::exec_entities(service, command).await,
        Command::Accounts { command } => reference::exec_accounts(service, command).await,
        Command::Fx { command } => reference::exec_fx(service, command).await,
        Command::OpenItems { command } => payments::exec_open_items(service, command).await,
        Command::Payments { command } => payments::exec_payments(service, command).await,
        Command::Cutoffs { command } => cutoffs::exec(service, command).await,
        Command::Connections { command } => connections::exec(service, command).await,
        Command::Sync(args) => connections::sync(service, args).await,
        Command::Erp { command } => erp::exec(service, command).await,
        Command::Db { command } => db::exec(service, command).await,
        Command::Serve(_) | Command::Demo(_) | Command::BankSim(_) => {
            unreachable!("serve, demo and bank-sim open their own ledger, or none")
        }
    }
}

/// A failure that has already been reported (e.g. one file of several failed to import).
#[derive(Debug)]
pub struct Reported;

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("failed")
    }
}

impl std::error::Error for Reported {}
