//! `cashline exceptions` and `cashline audit`.

use clap::{Args, Subcommand};

use cashline_service::Service;

use super::Reported;
use crate::output;

#[derive(Args)]
pub struct ExceptionsArgs {
    #[arg(long)]
    kind: Option<String>,
    #[arg(long)]
    state: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Re-compute the audit log's hash chain.
    Verify {
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec(service: &Service, args: ExceptionsArgs) -> anyhow::Result<()> {
    let report = service
        .exceptions(args.kind.as_deref(), args.state.as_deref())
        .await?;
    output::show(args.json, &report, output::exceptions)
}

pub async fn exec_audit(service: &Service, command: AuditCommand) -> anyhow::Result<()> {
    let AuditCommand::Verify { json } = command;
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
    Ok(())
}
