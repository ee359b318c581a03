//! The treasurer's commands: positions now or at a past date, per entity, consolidated.

use chrono::{NaiveDate, SecondsFormat};
use tracing::{info_span, Instrument};

use cashline_domain::Currency;
use cashline_engine::{freshness, position};
use cashline_ledger::entity;

use crate::request::{ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest};
use crate::wire;
use crate::{Service, ServiceError};

/// The reporting currency when neither the request nor the entity names one.
pub const REPORTING_CURRENCY_DEFAULT: Currency = Currency::EUR;

impl Service {
    pub(crate) async fn reporting_currency(
        &self,
        requested: Option<&str>,
        entity_code: Option<&str>,
    ) -> Result<Currency, ServiceError> {
        if let Some(code) = requested {
            return Currency::from_code(code)
                .map_err(|e| ServiceError::BadRequest(format!("reporting currency: {e}")));
        }
        if let Some(code) = entity_code {
            let found = entity::find(self.ledger.pool(), code)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("there is no entity '{code}'")))?;
            if let Some(currency) = found.reporting_currency {
                return Currency::from_code(&currency)
                    .map_err(|e| ServiceError::BadRequest(e.to_string()));
            }
        }
        Ok(REPORTING_CURRENCY_DEFAULT)
    }

    pub async fn positions(
        &self,
        request: PositionsRequest,
    ) -> Result<wire::PositionsReport, ServiceError> {
        let now = self.clock.now();
        let reporting = self
            .reporting_currency(
                request.reporting_currency.as_deref(),
                request.entity.as_deref(),
            )
            .await?;
        let at = match request.as_of {
            // A past day is taken at its end: the figures known then.
            Some(date) if date < now.date_naive() => date
                .and_hms_opt(23, 59, 59)
                .expect("a valid time")
                .and_utc(),
            Some(date) if date > now.date_naive() => {
                return Err(ServiceError::BadRequest(format!(
                    "--as-of {date} is in the future; see `cashline forecast`"
                )))
            }
            _ => now,
        };
        let query = position::PositionQuery {
            at,
            entity: request.entity.clone(),
            reporting_currency: reporting,
        };
        let report = position::positions(&self.ledger, &query)
            .instrument(info_span!("command", name = "positions"))
            .await?;
        // A read never writes: the stale flags are in the report, and the exception rows
        // follow from the writers and the scheduler (`freshness_sweep`).
        Ok(to_wire(report, at, request.entity))
    }

    /// Opens and resolves the freshness exceptions (`stale_balance`, `data_not_received`) as
    /// of now. A long-running front runs it on a timer (`inbox::watch_setting` and
    /// `inbox::watch` do), so an account goes stale without anyone importing; imports resolve
    /// what their data answers themselves. Returns how many exceptions were opened.
    pub async fn freshness_sweep(&self) -> Result<u64, ServiceError> {
        Ok(
            freshness::sweep_now(&self.ledger, self.clock.now(), freshness::Sweep::Full)
                .instrument(info_span!("command", name = "freshness_sweep"))
                .await?,
        )
    }
}

fn consolidated(total: &position::Consolidated) -> wire::Consolidated {
    wire::Consolidated {
        scope: total.scope.clone(),
        currency: total.currency.to_string(),
        booked: total.booked.map(|m| m.amount_text()),
        rates_date: total.rates_date.map(|d| d.to_string()),
        complete: total.missing_rates.is_empty(),
        missing_rates: total.missing_rates.iter().map(|c| c.to_string()).collect(),
    }
}

fn to_wire(
    report: position::PositionReport,
    at: chrono::DateTime<chrono::Utc>,
    entity: Option<String>,
) -> wire::PositionsReport {
    let group = report
        .consolidated
        .iter()
        .find(|c| c.scope == "group")
        .filter(|_| !report.accounts.is_empty());
    wire::PositionsReport {
        as_of: at.to_rfc3339_opts(SecondsFormat::Secs, true),
        as_of_date: report.as_of_date.to_string(),
        entity,
        reporting_currency: report.reporting_currency.to_string(),
        consolidated: group.map(consolidated),
        entities: report
            .consolidated
            .iter()
            .filter(|c| c.scope != "group")
            .map(consolidated)
            .collect(),
        accounts_without_data: report
            .accounts_without_data
            .iter()
            .map(|k| k.reveal().to_string())
            .collect(),
        banks: report
            .bank_totals
            .iter()
            .map(|(bank, t)| wire::BankTotal {
                bank: bank.clone(),
                currency: t.booked.currency().to_string(),
                booked: t.booked.amount_text(),
                accounts: t.accounts,
            })
            .collect(),
        totals: report
            .totals
            .iter()
            .map(|t| wire::CurrencyTotal {
                currency: t.booked.currency().to_string(),
                booked: t.booked.amount_text(),
                accounts: t.accounts,
            })
            .collect(),
        accounts: report
            .accounts
            .into_iter()
            .map(|p| wire::AccountPosition {
                account: p.account.reveal().to_string(),
                account_masked: p.account.masked(),
                name: p.name,
                bank: p.bank,
                entity: p.entity,
                currency: p.booked.currency().to_string(),
                booked: p.booked.amount_text(),
                available: p.available.map(|m| m.amount_text()),
                basis: p.basis.as_str(),
                booked_date: p.booked_date.to_string(),
                as_of: p.as_of.to_rfc3339_opts(SecondsFormat::Secs, true),
                source: p.source,
                stale: p.freshness.stale,
                stale_reason: p.freshness.reason,
                expected_date: p.freshness.expected_date.map(|d| d.to_string()),
                converted: p.converted.map(|(money, applied)| wire::Converted {
                    currency: money.currency().to_string(),
                    amount: money.amount_text(),
                    rate: applied.as_ref().map(|a| a.rate.normalize().to_string()),
                    rate_date: applied.as_ref().map(|a| a.date.to_string()),
                    rate_source: applied.map(|a| a.source),
                }),
            })
            .collect(),
    }
}

/// Business days forecast when the request does not say.
pub const FORECAST_DAYS_DEFAULT: usize = 10;
/// Days of history when the request gives no start.
pub const HISTORY_DAYS_DEFAULT: i64 = 90;
/// Longest history served at once, in days (ten years of daily closings).
pub const HISTORY_DAYS_MAX: i64 = 3660;
/// Longest forecast, in business days: a year ahead is already guesswork.
pub const FORECAST_DAYS_MAX: usize = 260;

fn forecast_days(forecast: &cashline_engine::forecast::CurrencyForecast) -> Vec<wire::ForecastDay> {
    forecast
        .days
        .iter()
        .map(|day| wire::ForecastDay {
            date: day.date.to_string(),
            opening: day.opening.amount_text(),
            receipts: day.receipts.amount_text(),
            payments: day.payments.amount_text(),
            closing: day.closing.amount_text(),
            components: day
                .components
                .iter()
                .map(|c| wire::ForecastComponent {
                    kind: c.kind.as_str(),
                    id: c.id.clone(),
                    counterparty: c.counterparty.clone(),
                    date: c.date.to_string(),
                    amount: c.amount.amount_text(),
                    currency: c.amount.currency().to_string(),
                    probability: c.probability.map(|p| p.normalize().to_string()),
                    weighted: c.weighted.amount_text(),
                })
                .collect(),
        })
        .collect()
}

impl Service {
    pub async fn forecast(
        &self,
        request: ForecastRequest,
    ) -> Result<wire::ForecastReport, ServiceError> {
        let reporting = self
            .reporting_currency(
                request.reporting_currency.as_deref(),
                request.entity.as_deref(),
            )
            .await?;
        let days = request.days.unwrap_or(FORECAST_DAYS_DEFAULT);
        if days == 0 || days > FORECAST_DAYS_MAX {
            return Err(ServiceError::BadRequest(format!(
                "a forecast covers 1 to {FORECAST_DAYS_MAX} business days, not {days}"
            )));
        }
        let query = cashline_engine::forecast::ForecastQuery {
            at: self.clock.now(),
            days,
            entity: request.entity,
            reporting_currency: reporting,
        };
        let report = cashline_engine::forecast::forecast(&self.ledger, &query)
            .instrument(info_span!("command", name = "forecast"))
            .await?;
        Ok(wire::ForecastReport {
            currency: reporting.to_string(),
            days: report
                .consolidated
                .as_ref()
                .map(forecast_days)
                .unwrap_or_default(),
            complete: report.missing_rates.is_empty(),
            missing_rates: report.missing_rates.iter().map(|c| c.to_string()).collect(),
            currencies: report
                .per_currency
                .iter()
                .map(|f| wire::CurrencyForecast {
                    currency: f.currency.to_string(),
                    days: forecast_days(f),
                })
                .collect(),
        })
    }

    pub async fn history(
        &self,
        request: HistoryRequest,
    ) -> Result<wire::HistoryReport, ServiceError> {
        let to = request.to.unwrap_or_else(|| self.clock.now().date_naive());
        let from = request
            .from
            .unwrap_or(to - chrono::Duration::days(HISTORY_DAYS_DEFAULT));
        if from > to {
            return Err(ServiceError::BadRequest(format!(
                "the history starts on {from}, after its end {to}"
            )));
        }
        if (to - from).num_days() > HISTORY_DAYS_MAX {
            return Err(ServiceError::BadRequest(format!(
                "a history covers at most {HISTORY_DAYS_MAX} days; {from} to {to} is longer"
            )));
        }
        let history =
            cashline_engine::history::history(&self.ledger, from, to, request.entity.as_deref())
                .await?;
        let days = |points: &[(NaiveDate, cashline_domain::Money, bool)]| -> Vec<wire::HistoryDay> {
            points
                .iter()
                .map(|(date, money, reported)| wire::HistoryDay {
                    date: date.to_string(),
                    closing: money.amount_text(),
                    reported: *reported,
                })
                .collect()
        };
        Ok(wire::HistoryReport {
            from: from.to_string(),
            to: to.to_string(),
            accounts: history
                .accounts
                .iter()
                .map(|a| wire::AccountHistory {
                    account: a.account.reveal().to_string(),
                    account_masked: a.account.masked(),
                    entity: a.entity.clone(),
                    currency: a
                        .points
                        .first()
                        .map(|p| p.closing.currency().to_string())
                        .unwrap_or_default(),
                    days: days(
                        &a.points
                            .iter()
                            .map(|p| (p.date, p.closing, p.reported))
                            .collect::<Vec<_>>(),
                    ),
                })
                .collect(),
            totals: history
                .totals
                .iter()
                .map(|(currency, points)| wire::CurrencyHistory {
                    currency: currency.to_string(),
                    days: days(
                        &points
                            .iter()
                            .map(|(d, m)| (*d, *m, true))
                            .collect::<Vec<_>>(),
                    ),
                })
                .collect(),
        })
    }

    pub async fn intraday(
        &self,
        request: IntradayRequest,
    ) -> Result<wire::IntradayReport, ServiceError> {
        let date = request
            .date
            .unwrap_or_else(|| self.clock.now().date_naive());
        let entries = cashline_engine::history::intraday(&self.ledger, date).await?;
        Ok(wire::IntradayReport {
            date: date.to_string(),
            entries: entries
                .into_iter()
                .map(|e| wire::IntradayEntry {
                    account: e.account.reveal().to_string(),
                    account_masked: e.account.masked(),
                    amount: e.amount.amount_text(),
                    currency: e.amount.currency().to_string(),
                    status: e.status,
                    counterparty: e.counterparty,
                    remittance: e.remittance,
                    running: e.running.amount_text(),
                })
                .collect(),
        })
    }
}
