//! Charts for the screens and for export: the same SVG in the UI and, rasterised, as PNG.

use std::collections::BTreeMap;

use cashline_chart::balances::{balances_by_currency_svg, CurrencySeries};
use cashline_chart::bars::bars_svg;
use cashline_chart::forecast::{forecast_svg, ForecastDayPoint, ForecastSeries};
use cashline_domain::{Currency, Money};
use cashline_engine::{forecast, history, position};

use crate::request::ChartRequest;
use crate::{Service, ServiceError};

/// A chart's SVG as PNG.
pub fn chart_png(svg: &str) -> Result<Vec<u8>, ServiceError> {
    Ok(cashline_chart::png::svg_to_png(svg)?)
}

impl Service {
    pub async fn chart_svg(&self, request: &ChartRequest) -> Result<String, ServiceError> {
        let now = self.clock.now();
        let reporting = self
            .reporting_currency(
                request.reporting_currency.as_deref(),
                request.entity.as_deref(),
            )
            .await?;
        match request.chart.as_str() {
            "balances" => self.balances_chart_svg().await,
            "history" => {
                let to = request.to.unwrap_or_else(|| now.date_naive());
                let from = request
                    .from
                    .unwrap_or(to - chrono::Duration::days(crate::positions::HISTORY_DAYS_DEFAULT));
                let report =
                    history::history(&self.ledger, from, to, request.entity.as_deref()).await?;
                let series: Vec<CurrencySeries> = report
                    .totals
                    .into_iter()
                    .map(|(currency, points)| CurrencySeries { currency, points })
                    .collect();
                Ok(balances_by_currency_svg(&series)?)
            }
            "forecast" => {
                let query = forecast::ForecastQuery {
                    at: now,
                    days: request
                        .days
                        .unwrap_or(crate::positions::FORECAST_DAYS_DEFAULT),
                    entity: request.entity.clone(),
                    reporting_currency: reporting,
                };
                let report = forecast::forecast(&self.ledger, &query).await?;
                let series: Vec<ForecastSeries> = report
                    .per_currency
                    .iter()
                    .map(|f| ForecastSeries {
                        currency: f.currency,
                        days: f
                            .days
                            .iter()
                            .map(|d| ForecastDayPoint {
                                date: d.date,
                                receipts: d.receipts,
                                payments: d.payments,
                                closing: d.closing,
                            })
                            .collect(),
                    })
                    .collect();
                Ok(forecast_svg(&series)?)
            }
            "entities" | "banks" => {
                let at = match request.as_of {
                    Some(day) if day < now.date_naive() => {
                        day.and_hms_opt(23, 59, 59).expect("a valid time").and_utc()
                    }
                    _ => now,
                };
                let query = position::PositionQuery {
                    at,
                    entity: request.entity.clone(),
                    reporting_currency: reporting,
                };
                let report = position::positions(&self.ledger, &query).await?;
                let mut sums: BTreeMap<String, Money> = BTreeMap::new();
                let mut missing: Vec<Currency> = Vec::new();
                for account in &report.accounts {
                    let label = if request.chart == "entities" {
                        account
                            .entity
                            .clone()
                            .unwrap_or_else(|| "(no entity)".into())
                    } else {
                        account
                            .bank
                            .clone()
                            .unwrap_or_else(|| "(unknown bank)".into())
                    };
                    match &account.converted {
                        Some((money, _)) => {
                            let sum = sums.entry(label).or_insert(Money::zero(reporting));
                            *sum = sum
                                .checked_add(money)
                                .map_err(cashline_engine::EngineError::from)?;
                        }
                        None if !missing.contains(&account.booked.currency()) => {
                            missing.push(account.booked.currency())
                        }
                        None => {}
                    }
                }
                let by = if request.chart == "entities" {
                    "entity"
                } else {
                    "bank"
                };
                let mut title = format!("Booked balances by {by}, in {reporting}");
                if !missing.is_empty() {
                    let codes: Vec<String> = missing.iter().map(|c| c.to_string()).collect();
                    title.push_str(&format!(" (without {}: no rate)", codes.join(", ")));
                }
                let empty = if missing.is_empty() {
                    "No balances yet".to_string()
                } else {
                    let codes: Vec<String> = missing.iter().map(|c| c.to_string()).collect();
                    format!("No rate to convert {} into {reporting}", codes.join(", "))
                };
                Ok(bars_svg(
                    &title,
                    &sums.into_iter().collect::<Vec<_>>(),
                    &empty,
                )?)
            }
            other => Err(ServiceError::BadRequest(format!(
                "there is no chart '{other}' (balances, history, forecast, entities, banks)"
            ))),
        }
    }
}
