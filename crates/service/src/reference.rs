//! Reference data: entities, accounts and their settings, FX rates.

use std::path::Path;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use cashline_domain::Right;
use cashline_domain::{Cadence, Currency};
use cashline_engine::fx;
use cashline_ledger::{account, audit, entity, fx_rate};
use cashline_rates::{validate_rate, FxRate};

use crate::request::{AccountUpdate, CalendarRequest, Reveal};
use crate::wire;
use crate::{Service, ServiceError};

/// Rates listed at once.
const RATES_LISTED_MAX: u32 = 2000;

impl Service {
    pub async fn entities(&self) -> Result<wire::EntitiesReport, ServiceError> {
        Ok(wire::EntitiesReport {
            entities: entity::list(self.ledger.pool())
                .await?
                .into_iter()
                .map(|e| wire::Entity {
                    code: e.code,
                    name: e.name,
                    country: e.country,
                    reporting_currency: e.reporting_currency,
                })
                .collect(),
        })
    }

    pub async fn entity_save(
        &self,
        code: &str,
        name: &str,
        country: Option<&str>,
        reporting_currency: Option<&str>,
    ) -> Result<wire::Entity, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let code = code.trim();
        if code.is_empty()
            || code.len() > 32
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ServiceError::BadRequest(format!(
                "entity code '{code}' must be 1 to 32 letters, digits, '-' or '_'"
            )));
        }
        if name.trim().is_empty() {
            return Err(ServiceError::BadRequest("an entity needs a name".into()));
        }
        let reporting = match reporting_currency {
            Some(code) => Some(
                Currency::from_code(code)
                    .map_err(|e| ServiceError::BadRequest(e.to_string()))?
                    .to_string(),
            ),
            None => None,
        };
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        entity::save(
            &mut tx,
            code,
            name.trim(),
            country,
            reporting.as_deref(),
            now,
        )
        .await?;
        let record = audit::NewAuditRecord {
            actor: user,
            action: "entity.save",
            subject: code,
            detail: serde_json::json!({ "name": name, "country": country, "reporting_currency": reporting }),
        };
        audit::append(&mut tx, &record, now).await?;
        tx.commit().await?;
        Ok(wire::Entity {
            code: code.to_string(),
            name: name.trim().to_string(),
            country: country.map(str::to_string),
            reporting_currency: reporting,
        })
    }

    pub async fn accounts(&self) -> Result<wire::AccountsReport, ServiceError> {
        Ok(wire::AccountsReport {
            accounts: account::list(self.ledger.pool())
                .await?
                .into_iter()
                .map(account_wire)
                .collect(),
        })
    }

    /// Changes an account (all its currencies, where it has several).
    pub async fn account_update(
        &self,
        account_key: &str,
        update: AccountUpdate,
    ) -> Result<wire::AccountsReport, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let key = account_key
            .split_whitespace()
            .collect::<String>()
            .to_ascii_uppercase();
        let found = account::find(self.ledger.pool(), &key).await?;
        let found = if found.is_empty() {
            account::find(self.ledger.pool(), account_key.trim()).await?
        } else {
            found
        };
        if found.is_empty() {
            return Err(ServiceError::NotFound(format!(
                "there is no account '{account_key}'"
            )));
        }
        let entity_id = match update.entity.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(code) => Some(Some(
                entity::find(self.ledger.pool(), code)
                    .await?
                    .ok_or_else(|| ServiceError::NotFound(format!("there is no entity '{code}'")))?
                    .id,
            )),
        };
        let cadence = update
            .cadence
            .as_deref()
            .map(|cadence| {
                Cadence::parse(cadence).ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "cadence '{}' is neither daily nor intraday",
                        cashline_domain::shown(cadence)
                    ))
                })
            })
            .transpose()?;
        if let Some(time) = &update.statement_due_time_utc {
            chrono::NaiveTime::parse_from_str(time, "%H:%M")
                .map_err(|_| ServiceError::BadRequest(format!("due time '{time}' is not HH:MM")))?;
        }
        if update
            .intraday_hours
            .is_some_and(|h| !(1..=168).contains(&h))
        {
            return Err(ServiceError::BadRequest(
                "intraday hours run from 1 to 168".into(),
            ));
        }
        let change = account::AccountChange {
            name: update.name.clone(),
            purpose: update.purpose.clone(),
            entity_id,
            cadence,
            statement_due_time_utc: update.statement_due_time_utc.clone(),
            intraday_hours: update.intraday_hours.map(Some),
        };
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        for row in &found {
            account::update(&mut tx, row.id, &change).await?;
        }
        let record = audit::NewAuditRecord {
            actor: user,
            action: "account.update",
            subject: &found[0].account_key,
            detail: serde_json::json!({
                "name": update.name, "purpose": update.purpose, "entity": update.entity,
                "cadence": update.cadence, "statement_due_time_utc": update.statement_due_time_utc,
                "intraday_hours": update.intraday_hours,
            }),
        };
        audit::append(&mut tx, &record, now).await?;
        tx.commit().await?;
        let updated = account::find(self.ledger.pool(), &found[0].account_key).await?;
        Ok(wire::AccountsReport {
            accounts: updated.into_iter().map(account_wire).collect(),
        })
    }

    /// Imports an ECB eurofxref XML or `base,quote,date,rate` CSV file of rates.
    pub async fn fx_import(&self, path: &Path) -> Result<wire::RatesImported, ServiceError> {
        let name = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| ServiceError::BadRequest(format!("{name}: cannot read the file: {e}")))?;
        let source =
            if String::from_utf8_lossy(&bytes[..bytes.len().min(2048)]).contains("eurofxref") {
                "ecb"
            } else {
                "file"
            };
        self.fx_store(&name, &bytes, source).await
    }

    /// Fetches the ECB's daily rates (or the same format from `url`).
    pub async fn fx_fetch(&self, url: Option<&str>) -> Result<wire::RatesImported, ServiceError> {
        let url = url.unwrap_or(cashline_rates::ecb::ECB_DAILY_URL);
        let bytes = cashline_rates::ecb::fetch(url)
            .await
            .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        self.fx_store(url, &bytes, "ecb").await
    }

    async fn fx_store(
        &self,
        name: &str,
        bytes: &[u8],
        source: &str,
    ) -> Result<wire::RatesImported, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let (rates, warnings) = cashline_rates::file::parse(bytes)
            .map_err(|e| ServiceError::BadRequest(format!("{name}: {e}")))?;
        let stored = fx::store(&self.ledger, &rates, source, user, self.clock.now()).await?;
        Ok(wire::RatesImported {
            file: name.to_string(),
            rates: stored.rates,
            written: stored.written,
            first_date: stored.first_date.map(|d| d.to_string()),
            last_date: stored.last_date.map(|d| d.to_string()),
            warnings,
        })
    }

    /// Enters one rate by hand (source `manual`, which wins over a file's rate of the same day).
    pub async fn fx_set(
        &self,
        base: &str,
        quote: &str,
        date: NaiveDate,
        rate: &str,
    ) -> Result<wire::RatesImported, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let bad = |m: String| ServiceError::BadRequest(m);
        let base = Currency::from_code(base).map_err(|e| bad(e.to_string()))?;
        let quote = Currency::from_code(quote).map_err(|e| bad(e.to_string()))?;
        if base == quote {
            return Err(bad(format!("a rate from {base} to itself")));
        }
        let rate: Decimal = rate
            .trim()
            .parse()
            .map_err(|_| bad(format!("rate '{rate}' is not a decimal")))?;
        validate_rate(rate).map_err(bad)?;
        let rates = [FxRate {
            base,
            quote,
            date,
            rate,
        }];
        let stored = fx::store(&self.ledger, &rates, "manual", user, self.clock.now()).await?;
        Ok(wire::RatesImported {
            file: "manual".into(),
            rates: stored.rates,
            written: stored.written,
            first_date: Some(date.to_string()),
            last_date: Some(date.to_string()),
            warnings: Vec::new(),
        })
    }

    pub async fn fx_rates(
        &self,
        date: Option<NaiveDate>,
    ) -> Result<wire::RatesReport, ServiceError> {
        Ok(wire::RatesReport {
            rates: fx_rate::list(self.ledger.pool(), date, RATES_LISTED_MAX)
                .await?
                .into_iter()
                .map(|r| wire::Rate {
                    base: r.base_currency,
                    quote: r.quote_currency,
                    date: r.rate_date,
                    rate: r.rate_text,
                    source: r.source,
                })
                .collect(),
        })
    }
}

fn account_wire(row: account::AccountRow) -> wire::Account {
    wire::Account {
        account_masked: cashline_domain::mask::mask_account(&row.account_key),
        account: row.account_key,
        currency: row.currency,
        name: row.name,
        purpose: row.purpose,
        bank: row.bank_name,
        bic: row.bic,
        entity: row.entity_code,
        cadence: row.cadence.as_str().to_string(),
        statement_due_time_utc: row.statement_due_time_utc,
        intraday_hours: row.intraday_hours,
    }
}

/// The calendar shown when the request names no currency: the euro's TARGET2.
pub const CALENDAR_CURRENCY_DEFAULT: Currency = Currency::EUR;
/// Longest calendar served at once, in days.
const CALENDAR_DAYS_MAX: i64 = 731;

impl Service {
    /// The business days of a currency between two dates.
    pub fn calendar(
        &self,
        request: &CalendarRequest,
    ) -> Result<wire::CalendarReport, ServiceError> {
        let currency = match request.currency.as_deref() {
            Some(code) => {
                Currency::from_code(code).map_err(|e| ServiceError::BadRequest(e.to_string()))?
            }
            None => CALENDAR_CURRENCY_DEFAULT,
        };
        let (from, to) = (request.from, request.to);
        let from = from.unwrap_or_else(|| self.clock.now().date_naive());
        let to = to.unwrap_or(from + chrono::Duration::days(30));
        if to < from || (to - from).num_days() > CALENDAR_DAYS_MAX {
            return Err(ServiceError::BadRequest(format!(
                "a calendar runs forward over at most {CALENDAR_DAYS_MAX} days"
            )));
        }
        let calendar = cashline_domain::BusinessCalendar::for_currency(currency);
        let mut days = Vec::new();
        let mut day = from;
        while day <= to {
            let closed = calendar.closed_because(day);
            days.push(wire::CalendarDay {
                date: day.to_string(),
                business_day: closed.is_none(),
                closed,
            });
            day += chrono::Duration::days(1);
        }
        Ok(wire::CalendarReport {
            currency: currency.to_string(),
            calendar: if currency == Currency::EUR {
                "TARGET2"
            } else {
                "weekends"
            },
            days,
        })
    }

    /// Account numbers are masked to their last four characters on every screen; a person
    /// whose role may (approver, controller, admin) sees them in full on one screen after
    /// asking, and the asking is recorded.
    pub async fn reveal(&self, request: &Reveal) -> Result<wire::Revealed, ServiceError> {
        let view = request.view.trim();
        if !REVEALABLE_VIEWS.contains(&view) {
            return Err(ServiceError::BadRequest(format!(
                "'{}' is not a screen that shows account numbers: one of {}",
                cashline_domain::shown(view),
                REVEALABLE_VIEWS.join(", ")
            )));
        }
        let write = self.write(Right::Reveal).await?;
        let user = write.actor().to_string();
        write
            .commit("accounts.reveal", view, serde_json::json!({ "view": view }))
            .await?;
        Ok(wire::Revealed {
            view: view.to_string(),
            user,
        })
    }
}

/// The screens with account numbers to reveal.
const REVEALABLE_VIEWS: [&str; 2] = ["positions", "accounts"];
