//! Cash positions: the latest closing booked (and available) balance of every account, with
//! its date, as-of time and source, and totals per currency.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

use cashline_domain::{AccountKey, Currency, Money};
use cashline_ledger::{balance, time, Ledger};

use crate::EngineError;

#[derive(Debug, Clone)]
pub struct AccountPosition {
    pub account: AccountKey,
    pub bank: Option<String>,
    pub booked: Money,
    pub available: Option<Money>,
    pub booked_date: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub source: String,
    pub stale: bool,
}

#[derive(Debug, Clone)]
pub struct CurrencyTotal {
    pub booked: Money,
    pub accounts: usize,
}

#[derive(Debug, Clone)]
pub struct PositionReport {
    pub as_of_date: NaiveDate,
    pub accounts: Vec<AccountPosition>,
    /// One total per currency, in currency-code order. Currencies are never added together.
    pub totals: Vec<CurrencyTotal>,
}

/// Positions as they stood at the end of `as_of_date`.
pub async fn positions(
    ledger: &Ledger,
    as_of_date: NaiveDate,
) -> Result<PositionReport, EngineError> {
    let rows = balance::latest_per_account(ledger.pool(), as_of_date).await?;
    let expected_from = previous_business_day(as_of_date);
    let mut accounts = Vec::with_capacity(rows.len());
    for row in rows {
        let currency = Currency::from_code(&row.currency)?;
        let booked_date = time::parse_date(&row.booked_date)?;
        accounts.push(AccountPosition {
            account: AccountKey::parse(&row.account_key)?,
            bank: row.bank_name,
            booked: Money::from_minor(row.booked_minor, currency),
            available: row
                .available_minor
                .map(|minor| Money::from_minor(minor, currency)),
            booked_date,
            as_of: time::parse_instant(&row.booked_as_of_at)?,
            source: row.booked_source,
            stale: booked_date < expected_from,
        });
    }
    let mut by_currency: BTreeMap<Currency, CurrencyTotal> = BTreeMap::new();
    for position in &accounts {
        let currency = position.booked.currency();
        let total = by_currency.entry(currency).or_insert(CurrencyTotal {
            booked: Money::zero(currency),
            accounts: 0,
        });
        total.booked = total.booked.checked_add(&position.booked)?;
        total.accounts += 1;
    }
    Ok(PositionReport {
        as_of_date,
        accounts,
        totals: by_currency.into_values().collect(),
    })
}

/// Until accounts carry their own cadence, every account is expected to deliver an
/// end-of-day statement for each weekday: a closing balance older than the weekday before
/// `date` is stale.
pub fn previous_business_day(date: NaiveDate) -> NaiveDate {
    let mut day = date - Duration::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day -= Duration::days(1);
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_business_day_skips_weekends() {
        let monday: NaiveDate = "2026-11-23".parse().unwrap();
        assert_eq!(previous_business_day(monday).to_string(), "2026-11-20");
        let wednesday: NaiveDate = "2026-11-25".parse().unwrap();
        assert_eq!(previous_business_day(wednesday).to_string(), "2026-11-24");
    }
}
