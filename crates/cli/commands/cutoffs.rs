//! `cashline cutoffs`: each bank's cut-off time per currency, after which a payment approved
//! for today is executed on the next business day.

use clap::Subcommand;

use cashline_service::request::CutoffSet;
use cashline_service::Service;

use crate::output;

#[derive(Subcommand)]
pub enum CutoffCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Set a bank's cut-off for a currency: `cutoffs set COBADEFF EUR 14:00 --time-zone Europe/Berlin`.
    Set {
        /// The bank's BIC (its first eight characters name the bank).
        bic: String,
        currency: String,
        /// HH:MM in the bank's time zone.
        time: String,
        /// An IANA time zone.
        #[arg(long, default_value = "Europe/Berlin")]
        time_zone: String,
        #[arg(long)]
        json: bool,
    },
}

pub async fn exec(service: &Service, command: CutoffCommand) -> anyhow::Result<()> {
    match command {
        CutoffCommand::List { json } => {
            let report = service.cutoffs().await?;
            output::show(json, &report, output::cutoffs)
        }
        CutoffCommand::Set {
            bic,
            currency,
            time,
            time_zone,
            json,
        } => {
            let report = service
                .cutoff_set(&CutoffSet {
                    bic,
                    currency,
                    time,
                    time_zone,
                })
                .await?;
            output::show(json, &report, output::cutoffs)
        }
    }
}
