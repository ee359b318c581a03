//! `cashline erp`: ERP connections (Tryton over JSON-RPC): add, list with their health,
//! remove, and sync now (open items and approved payments read, what the bank said written
//! back).

use std::io::Read;

use anyhow::Context;
use clap::Subcommand;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::Service;

use crate::output::{self, shown};

/// Longest password read from stdin.
const PASSWORD_BYTES_MAX: u64 = 4096;

#[derive(Subcommand)]
pub enum ErpCommand {
    /// Connect a Tryton server: the login is tried first, and the password kept in the OS
    /// keychain (read from stdin with --password-stdin, else asked for there).
    Add {
        name: String,
        /// The Tryton server's base URL (https; http only for one on this machine).
        #[arg(long = "tryton", value_name = "URL")]
        tryton: String,
        #[arg(long, value_name = "DB")]
        database: String,
        #[arg(long, value_name = "U")]
        user: String,
        /// Read the password from stdin (its first line).
        #[arg(long)]
        password_stdin: bool,
        /// Minutes between scheduled syncs in `serve` and the desktop app.
        #[arg(long, value_name = "MINUTES")]
        every: Option<i64>,
        #[arg(long)]
        json: bool,
    },
    /// The ERP connections with their health: last sync, next sync, items, payments, errors.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Forget an ERP connection (its items and payments stay; its password leaves the keychain).
    Remove { name: String },
    /// Sync now: read open items and approved payments, write back payment ends and matches.
    Sync {
        /// Only this connection.
        #[arg(long, value_name = "NAME")]
        connection: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec(service: &Service, command: ErpCommand) -> anyhow::Result<()> {
    match command {
        ErpCommand::Add {
            name,
            tryton,
            database,
            user,
            password_stdin,
            every,
            json,
        } => {
            if !password_stdin {
                eprintln!("Password for {} (then Enter):", shown(&user));
            }
            let password = read_password()?;
            let added = service
                .erp_add(&ErpAdd {
                    name,
                    tryton_url: tryton,
                    database,
                    user,
                    password,
                    cadence_minutes: every,
                })
                .await?;
            if json {
                output::json(&added)?;
            } else {
                println!(
                    "Connected {} to {} (database {}); it syncs every {} minutes.",
                    shown(&added.name),
                    shown(&added.url),
                    shown(&added.database),
                    added.cadence_minutes
                );
            }
        }
        ErpCommand::List { json } => {
            let report = service.erp_connections().await?;
            output::show(json, &report, output::erp_connections)?;
        }
        ErpCommand::Remove { name } => {
            service.erp_remove(&ErpName { name: name.clone() }).await?;
            println!("Removed ERP connection {}.", shown(&name));
        }
        ErpCommand::Sync { connection, json } => {
            let report = service.erp_sync(&ErpSyncRequest { connection }).await?;
            output::show(json, &report, output::erp_sync)?;
            if report.runs.iter().any(|r| r.outcome != "ok") {
                return Err(super::Reported.into());
            }
        }
    }
    Ok(())
}

/// The first line of stdin, without its line ending; at most `PASSWORD_BYTES_MAX` bytes.
pub(crate) fn read_password() -> anyhow::Result<String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .take(PASSWORD_BYTES_MAX + 1)
        .read_to_end(&mut bytes)
        .context("reading the password from stdin")?;
    if bytes.len() as u64 > PASSWORD_BYTES_MAX {
        anyhow::bail!("the password on stdin is longer than {PASSWORD_BYTES_MAX} bytes");
    }
    let text = String::from_utf8(bytes).context("the password on stdin is not UTF-8")?;
    Ok(text.lines().next().unwrap_or_default().to_string())
}
