//! `cashline audit`: verify the log's chain and anchor, list it with filters, export it as CSV.

use std::path::PathBuf;

use clap::{Args, Subcommand};

use cashline_service::request::AuditQuery;
use cashline_service::Service;

use super::Reported;
use crate::output::{self, shown};

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Re-compute the audit log's hash chain and check it against its anchor.
    Verify {
        #[arg(long)]
        json: bool,
    },
    /// The records, newest first: who did what to which subject, and when.
    List {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// At most this many records (default 200).
        #[arg(long)]
        limit: Option<u32>,
        #[arg(long)]
        json: bool,
    },
    /// Every record the filters take, oldest first, as CSV for an auditor.
    Export {
        #[command(flatten)]
        filter: AuditFilterArgs,
        /// The CSV file to write (it must not exist yet).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args)]
pub struct AuditFilterArgs {
    /// Records by this user.
    #[arg(long)]
    actor: Option<String>,
    /// An action (`payments.approve`) or its group (`payments`).
    #[arg(long)]
    action: Option<String>,
    /// Part of the subject, in any case.
    #[arg(long)]
    subject: Option<String>,
    /// From this day (UTC), included.
    #[arg(long, value_name = "DATE")]
    from: Option<String>,
    /// To this day (UTC), included.
    #[arg(long, value_name = "DATE")]
    to: Option<String>,
}

impl AuditFilterArgs {
    fn query(self, limit: Option<u32>) -> anyhow::Result<AuditQuery> {
        let query = serde_json::json!({
            "actor": self.actor, "action": self.action, "subject": self.subject,
            "from": self.from, "to": self.to, "limit": limit,
        });
        Ok(serde_json::from_value(query)?)
    }
}

pub async fn exec(service: &Service, command: AuditCommand) -> anyhow::Result<()> {
    match command {
        AuditCommand::Verify { json } => verify(service, json).await,
        AuditCommand::List {
            filter,
            limit,
            json,
        } => {
            let log = service.audit_log(&filter.query(limit)?).await?;
            output::show(json, &log, output::audit_log)
        }
        AuditCommand::Export { filter, out } => {
            let csv = service.audit_export_csv(&filter.query(None)?).await?;
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&out)
                .map_err(|e| {
                    anyhow::anyhow!("cannot create {}: {e}", shown(&out.display().to_string()))
                })?;
            std::io::Write::write_all(&mut file, csv.as_bytes())?;
            println!(
                "Wrote {} records to {}.",
                csv.lines().count().saturating_sub(1),
                shown(&out.display().to_string())
            );
            Ok(())
        }
    }
}

async fn verify(service: &Service, json: bool) -> anyhow::Result<()> {
    let report = service.audit_verify().await?;
    if json {
        output::json(&report)?;
    } else if report.ok {
        println!("The audit log verifies: {} records.", report.records);
    } else {
        println!(
            "The audit log does NOT verify: {}",
            shown(report.problem.as_deref().unwrap_or("it was changed"))
        );
    }
    if !report.ok {
        return Err(Reported.into());
    }
    Ok(())
}
