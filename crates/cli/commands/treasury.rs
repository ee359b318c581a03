//! Treasury reads: `positions`, `entries`, `forecast`, `history`, `intraday` and `chart`.

use std::path::PathBuf;

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use clap::Args;

use cashline_service::request::{
    ChartRequest, EntriesQuery, ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest,
};
use cashline_service::{chart_png, Service};

use crate::output;

#[derive(Args)]
pub struct PositionsArgs {
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
}

#[derive(Args)]
pub struct EntriesArgs {
    #[arg(long, value_name = "ACCOUNT")]
    account: Option<String>,
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ForecastArgs {
    /// Business days ahead (default 10).
    #[arg(long)]
    days: Option<usize>,
    #[arg(long, value_name = "CODE")]
    entity: Option<String>,
    #[arg(long, value_name = "CCY")]
    reporting_currency: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct HistoryArgs {
    #[arg(long, value_name = "DATE")]
    from: Option<NaiveDate>,
    #[arg(long, value_name = "DATE")]
    to: Option<NaiveDate>,
    #[arg(long, value_name = "CODE")]
    entity: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct IntradayArgs {
    #[arg(long, value_name = "DATE")]
    date: Option<NaiveDate>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ChartArgs {
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
}

pub async fn positions(service: &Service, args: PositionsArgs) -> anyhow::Result<()> {
    let request = PositionsRequest {
        as_of: args.as_of,
        entity: args.entity,
        reporting_currency: args.reporting_currency,
    };
    let report = service.positions(request).await?;
    output::show(args.json, &report, output::positions)
}

pub async fn entries(service: &Service, args: EntriesArgs) -> anyhow::Result<()> {
    let query = EntriesQuery {
        account: args.account,
        from: args.from,
        to: args.to,
        limit: None,
    };
    let report = service.entries(query).await?;
    output::show(args.json, &report, output::entries)
}

pub async fn forecast(service: &Service, args: ForecastArgs) -> anyhow::Result<()> {
    let request = ForecastRequest {
        days: args.days,
        entity: args.entity,
        reporting_currency: args.reporting_currency,
    };
    let report = service.forecast(request).await?;
    output::show(args.json, &report, output::forecast)
}

pub async fn history(service: &Service, args: HistoryArgs) -> anyhow::Result<()> {
    let request = HistoryRequest {
        from: args.from,
        to: args.to,
        entity: args.entity,
    };
    let report = service.history(request).await?;
    output::show(args.json, &report, output::history)
}

pub async fn intraday(service: &Service, args: IntradayArgs) -> anyhow::Result<()> {
    let report = service
        .intraday(IntradayRequest { date: args.date })
        .await?;
    output::show(args.json, &report, output::intraday)
}

pub async fn chart(service: &Service, args: ChartArgs) -> anyhow::Result<()> {
    let request = ChartRequest {
        chart: args.name,
        entity: args.entity,
        reporting_currency: args.reporting_currency,
        days: args.days,
        from: args.from,
        to: args.to,
        as_of: args.as_of,
    };
    let out = args.out;
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
    std::fs::write(&out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    println!("Wrote {}.", output::shown(&out.display().to_string()));
    Ok(())
}
