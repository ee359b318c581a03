//! `cashline connections` (bank connections over PSD2 and their consents), `cashline sync`
//! and `cashline bank-sim` (the bundled bank simulator).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};

use cashline_psd2::sim::{self, Faults, SimOptions};
use cashline_service::connections::CONSENT_WAIT;
use cashline_service::{request, wire, Service};

use super::Reported;
use crate::output::{self, shown};

/// Largest certificate or key file read: PEM files are a few kilobytes.
const PEM_BYTES_MAX: u64 = 1024 * 1024;

#[derive(Subcommand)]
pub enum ConnectionCommand {
    /// Connect a bank over its Berlin Group NextGenPSD2 API: asks for a consent to read every
    /// account, prints the bank's link to approve it, and waits for the approval.
    Add {
        name: String,
        /// The bank's XS2A base URL (https; http only for a simulator on this machine).
        #[arg(long = "psd2", value_name = "URL")]
        psd2: String,
        #[arg(long, value_name = "ID")]
        client_id: Option<String>,
        /// The TPP's client certificate (PEM), for a bank that requires mutual TLS.
        #[arg(long, value_name = "FILE", requires = "client_key")]
        client_cert: Option<PathBuf>,
        /// Its private key (PEM); it goes to the keychain, never to the ledger.
        #[arg(long, value_name = "FILE", requires = "client_cert")]
        client_key: Option<PathBuf>,
        /// A root certificate (PEM) to trust for this bank only: a bank's test CA.
        #[arg(long, value_name = "FILE")]
        bank_ca: Option<PathBuf>,
        /// Unattended reads a day the consent asks for.
        #[arg(long, value_name = "N")]
        reads_per_day: Option<u32>,
        /// Days the consent is asked for.
        #[arg(long, value_name = "DAYS")]
        valid_days: Option<u32>,
        /// Print the link and end, without waiting for the approval.
        #[arg(long)]
        no_wait: bool,
        #[arg(long)]
        json: bool,
    },
    /// The connections with their health: consent, last sync, next sync, reads left today.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Withdraw the consent at the bank and forget the connection (its entries stay).
    Remove { name: String },
    /// Ask the bank for a new consent, and wait for its approval.
    Renew {
        name: String,
        #[arg(long)]
        no_wait: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct SyncArgs {
    /// Only this connection.
    #[arg(long, value_name = "NAME")]
    connection: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct BankSimArgs {
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Approve consents at once, without the browser step.
    #[arg(long)]
    auto_consent: bool,
    /// Approve consents through an OAuth2 authorisation server (the OAuth SCA approach, with
    /// PKCE) instead of a redirect page; reads then need the access token. `--auto-consent`
    /// does not apply: the approval is the authorisation.
    #[arg(long)]
    oauth: bool,
    /// Faults to inject, e.g. `timeout:accounts*1,500:balances*2,lost-response:payments`.
    #[arg(long, value_name = "SPEC")]
    faults: Option<String>,
    /// The seed of the simulated activity.
    #[arg(long, default_value_t = 20_261_203)]
    seed: u64,
}

pub async fn exec(service: &Service, command: ConnectionCommand) -> anyhow::Result<()> {
    match command {
        ConnectionCommand::Add {
            name,
            psd2,
            client_id,
            client_cert,
            client_key,
            bank_ca,
            reads_per_day,
            valid_days,
            no_wait,
            json,
        } => {
            let add = request::ConnectionAdd {
                name,
                psd2_url: psd2,
                client_id,
                frequency_per_day: reads_per_day,
                valid_days,
                client_cert_pem: read_pem(client_cert.as_deref())?,
                client_key_pem: read_pem(client_key.as_deref())?,
                bank_ca_pem: read_pem(bank_ca.as_deref())?,
            };
            let connection = service.connection_add(&add).await?;
            approved(service, connection, no_wait, json).await
        }
        ConnectionCommand::List { json } => {
            output::show(json, &service.connections().await?, print_connections)
        }
        ConnectionCommand::Remove { name } => {
            service
                .connection_remove(&request::ConnectionName { name: name.clone() })
                .await?;
            println!("connection {} removed", shown(&name));
            Ok(())
        }
        ConnectionCommand::Renew {
            name,
            no_wait,
            json,
        } => {
            let connection = service
                .connection_renew(&request::ConnectionName { name })
                .await?;
            approved(service, connection, no_wait, json).await
        }
    }
}

/// Prints the bank's link where the consent waits for the person, and waits for them.
async fn approved(
    service: &Service,
    mut connection: wire::Connection,
    no_wait: bool,
    json: bool,
) -> anyhow::Result<()> {
    if let Some(link) = &connection.sca_redirect {
        // On stderr, so that `--json` still prints one document on stdout.
        // Printed whole: the service keeps only a serialised URL here (no control character
        // survives one), and masking or shortening would break the link.
        eprintln!("Approve the consent at the bank: {link}");
        if !no_wait {
            eprintln!(
                "Waiting up to {} minutes for the bank to send the browser back…",
                CONSENT_WAIT.as_secs() / 60
            );
            connection = service
                .connection_wait(
                    &request::ConnectionName {
                        name: connection.name.clone(),
                    },
                    CONSENT_WAIT,
                )
                .await?;
        }
    }
    output::show(json, &connection, |c| {
        print_connections(&wire::ConnectionsReport {
            connections: vec![c.clone()],
        })
    })
}

pub async fn sync(service: &Service, args: SyncArgs) -> anyhow::Result<()> {
    let report = service
        .sync(&request::SyncRequest {
            connection: args.connection,
        })
        .await?;
    output::show(args.json, &report, |report| {
        if report.runs.is_empty() {
            println!(
                "No connections to sync. Add one with `cashline connections add NAME --psd2 URL`."
            );
            return;
        }
        let rows: Vec<Vec<String>> = report
            .runs
            .iter()
            .map(|r| {
                vec![
                    r.connection.clone(),
                    r.outcome.clone(),
                    r.accounts.to_string(),
                    r.new_entries.to_string(),
                    r.error.clone().unwrap_or_default(),
                ]
            })
            .collect();
        output::table(
            &["Connection", "Outcome", "Accounts", "New entries", "Error"],
            &rows,
            &[2, 3],
        );
    })?;
    if report.runs.iter().any(|r| r.outcome != "ok") {
        return Err(Reported.into());
    }
    Ok(())
}

fn print_connections(report: &wire::ConnectionsReport) {
    if report.connections.is_empty() {
        println!("No bank connections. Add one with `cashline connections add NAME --psd2 URL`.");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .connections
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.state.clone(),
                c.consent_valid_until.clone().unwrap_or_default(),
                c.accounts.len().to_string(),
                c.last_ok_at.clone().unwrap_or_default(),
                c.next_sync_at.clone().unwrap_or_default(),
                c.reads_left_today
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ]
        })
        .collect();
    output::table(
        &[
            "Connection",
            "State",
            "Consent until",
            "Accounts",
            "Last good sync",
            "Next sync",
            "Reads left",
        ],
        &rows,
        &[3, 6],
    );
    for c in &report.connections {
        println!("{}: {}", shown(&c.name), shown(&c.state_text));
    }
}

fn read_pem(path: Option<&Path>) -> anyhow::Result<Option<String>> {
    let Some(path) = path else {
        return Ok(None);
    };
    let name = shown(&path.display().to_string());
    let size = std::fs::metadata(path)
        .with_context(|| format!("{name}: cannot be read"))?
        .len();
    if size > PEM_BYTES_MAX {
        anyhow::bail!("{name}: {size} bytes is too large for a certificate or key");
    }
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{name}: cannot be read as PEM text"))?;
    if !text.contains("-----BEGIN ") {
        anyhow::bail!("{name}: is not PEM (no -----BEGIN line)");
    }
    Ok(Some(text))
}

/// Serves the simulator until Ctrl-C, printing its base URL first. Its clock starts at
/// `start`; with `CASHLINE_NOW` set it stands still there unless advanced (`POST /sim/advance`),
/// otherwise it runs with the wall clock.
pub async fn bank_sim(args: BankSimArgs, start: DateTime<Utc>) -> anyhow::Result<()> {
    let faults = match &args.faults {
        Some(spec) => Faults::parse(spec).map_err(|e| anyhow::anyhow!("--faults: {e}"))?,
        None => Faults::default(),
    };
    let options = SimOptions {
        seed: args.seed,
        start,
        clock_runs: std::env::var_os("CASHLINE_NOW").is_none(),
        auto_consent: args.auto_consent,
        oauth: args.oauth,
        faults,
        stall: Duration::from_secs(60),
        ..SimOptions::default()
    };
    let running = sim::serve(SocketAddr::from(([127, 0, 0, 1], args.port)), options)
        .await
        .with_context(|| format!("the bank simulator cannot listen on port {}", args.port))?;
    println!("{}", running.base_url);
    tokio::signal::ctrl_c().await.ok();
    running.stop();
    Ok(())
}
