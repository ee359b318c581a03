//! Reference data: `calendar`, `entities`, `accounts` and `fx`.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use cashline_service::request::{AccountUpdate, CalendarRequest};
use cashline_service::Service;

use crate::output::{self, shown};

#[derive(Args)]
pub struct CalendarArgs {
    /// The currency whose calendar to show (default EUR, TARGET2).
    #[arg(long, value_name = "CCY")]
    currency: Option<String>,
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
pub enum EntityCommand {
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
pub enum AccountCommand {
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
pub enum FxCommand {
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

pub fn calendar(service: &Service, args: CalendarArgs) -> anyhow::Result<()> {
    let request = CalendarRequest {
        currency: args.currency,
        from: args.from,
        to: args.to,
    };
    let report = service.calendar(&request)?;
    if args.json {
        output::json(&report)?;
    } else {
        for day in &report.days {
            println!("{}  {}", day.date, day.closed.unwrap_or("open"));
        }
    }
    Ok(())
}

pub async fn exec_entities(service: &Service, command: EntityCommand) -> anyhow::Result<()> {
    match command {
        EntityCommand::List { json } => {
            let report = service.entities().await?;
            if json {
                output::json(&report)?;
            } else {
                for entity in &report.entities {
                    println!(
                        "{}  {}  {}",
                        shown(&entity.code),
                        shown(&entity.name),
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
            println!(
                "Saved entity {} ({}).",
                shown(&saved.code),
                shown(&saved.name)
            );
        }
    }
    Ok(())
}

pub async fn exec_accounts(service: &Service, command: AccountCommand) -> anyhow::Result<()> {
    match command {
        AccountCommand::List { json } => {
            let report = service.accounts().await?;
            output::show(json, &report, output::accounts)
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
            output::show(json, &report, output::accounts)
        }
    }
}

pub async fn exec_fx(service: &Service, command: FxCommand) -> anyhow::Result<()> {
    match command {
        FxCommand::Import { file, json } => {
            let report = service.fx_import(&file).await?;
            output::rates_imported(&report, json)
        }
        FxCommand::Fetch { url, json } => {
            let report = service.fx_fetch(url.as_deref()).await?;
            output::rates_imported(&report, json)
        }
        FxCommand::Set {
            base,
            quote,
            date,
            rate,
        } => {
            service.fx_set(&base, &quote, date, &rate).await?;
            println!(
                "1 {} = {} {} on {date} (manual).",
                shown(&base),
                shown(&rate),
                shown(&quote)
            );
            Ok(())
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
            Ok(())
        }
    }
}
