//! Cash positions: for every account the most trustworthy balance available, saying which it
//! is, how fresh, and from where; totals per currency; and, where rates allow, consolidated
//! totals per entity and for the group in a reporting currency.
//!
//! The best balance is chosen in this order (ARCHITECTURE.md, "Positions"):
//! 1. an interim balance (booked, else available) newer than the latest close: the bank's own
//!    intraday figure;
//! 2. else, where booked entries arrived after the latest close, that close rolled forward
//!    with them;
//! 3. else the closing booked balance of the latest day.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};

use cashline_domain::{AccountKey, BusinessCalendar, Cadence, Currency, Money};
use cashline_ledger::{account, balance, time, Ledger};

use crate::fx::{AppliedRate, RateTable};
use crate::EngineError;

/// Which figure a position is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    ClosingBooked,
    InterimBooked,
    InterimAvailable,
    RolledForward,
}

impl Basis {
    pub fn as_str(&self) -> &'static str {
        match self {
            Basis::ClosingBooked => "closing_booked",
            Basis::InterimBooked => "interim_booked",
            Basis::InterimAvailable => "interim_available",
            Basis::RolledForward => "rolled_forward",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Freshness {
    pub stale: bool,
    /// The business day whose end-of-day statement should be in by now (daily accounts).
    pub expected_date: Option<NaiveDate>,
    /// Why the position is stale, in words.
    pub reason: Option<String>,
}

#[derive(Debug, Clone)]
pub struct AccountPosition {
    pub account_id: i64,
    pub account: AccountKey,
    pub name: Option<String>,
    pub bank: Option<String>,
    pub entity: Option<String>,
    pub booked: Money,
    pub available: Option<Money>,
    pub basis: Basis,
    /// The business day the figure is for.
    pub booked_date: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub source: String,
    pub freshness: Freshness,
    /// The booked figure in the reporting currency, with the rate used; `None` where no rate is
    /// known (the figure is then left out of consolidated totals, which say so).
    pub converted: Option<(Money, Option<AppliedRate>)>,
}

#[derive(Debug, Clone)]
pub struct CurrencyTotal {
    pub booked: Money,
    pub accounts: usize,
}

/// A total in the reporting currency. `booked` is `None` when a rate is missing: a partial
/// sum would look like a complete one.
#[derive(Debug, Clone)]
pub struct Consolidated {
    pub scope: String,
    pub booked: Option<Money>,
    pub currency: Currency,
    /// The oldest rate date used.
    pub rates_date: Option<NaiveDate>,
    pub missing_rates: Vec<Currency>,
}

#[derive(Debug, Clone)]
pub struct PositionReport {
    pub as_of_date: NaiveDate,
    pub accounts: Vec<AccountPosition>,
    /// Accounts that have reported no balance yet.
    pub accounts_without_data: Vec<AccountKey>,
    /// One total per currency, in currency-code order. Currencies are never added together.
    pub totals: Vec<CurrencyTotal>,
    /// One total per bank and currency (accounts with no known bank under `None`).
    pub bank_totals: Vec<(Option<String>, CurrencyTotal)>,
    pub reporting_currency: Currency,
    /// The group total, then one per entity (accounts without an entity are only in the group).
    pub consolidated: Vec<Consolidated>,
}

pub struct PositionQuery {
    /// The moment positions are taken at: now, or the end of a past day.
    pub at: DateTime<Utc>,
    pub entity: Option<String>,
    pub reporting_currency: Currency,
}

/// Positions at `query.at`.
pub async fn positions(
    ledger: &Ledger,
    query: &PositionQuery,
) -> Result<PositionReport, EngineError> {
    Ok(positions_and_rates(ledger, query).await?.0)
}

/// Positions at `query.at`, with the rates they were converted at, for callers that convert
/// more at the same rates (the forecast) without loading them again.
pub(crate) async fn positions_and_rates(
    ledger: &Ledger,
    query: &PositionQuery,
) -> Result<(PositionReport, RateTable), EngineError> {
    let as_of_date = query.at.date_naive();
    let accounts = account::list(ledger.pool()).await?;
    let facts = balance::facts_per_account(ledger.pool(), as_of_date).await?;
    let rates = RateTable::on(ledger, as_of_date).await?;
    let mut positions = Vec::new();
    let mut without_data = Vec::new();
    for row in accounts {
        if query.entity.is_some() && row.entity_code.as_deref() != query.entity.as_deref() {
            continue;
        }
        let Some(fact) = facts.iter().find(|f| f.account_id == row.id) else {
            continue;
        };
        let key = AccountKey::parse(&row.account_key)?;
        let currency = Currency::from_code(&row.currency)?;
        let Some(mut position) = best_balance(fact, &row, key.clone(), currency)? else {
            without_data.push(key);
            continue;
        };
        position.freshness = freshness(&row, &position, query.at)?;
        position.converted = rates.convert(position.booked, query.reporting_currency)?;
        positions.push(position);
    }
    let totals = totals_per_currency(&positions)?;
    let mut banks: BTreeMap<Option<String>, Vec<AccountPosition>> = BTreeMap::new();
    for position in &positions {
        banks
            .entry(position.bank.clone())
            .or_default()
            .push(position.clone());
    }
    let mut bank_totals = Vec::new();
    for (bank, members) in banks {
        for total in totals_per_currency(&members)? {
            bank_totals.push((bank.clone(), total));
        }
    }
    let consolidated = consolidate(&positions, query.reporting_currency)?;
    let report = PositionReport {
        as_of_date,
        accounts: positions,
        accounts_without_data: without_data,
        totals,
        bank_totals,
        reporting_currency: query.reporting_currency,
        consolidated,
    };
    Ok((report, rates))
}

fn best_balance(
    fact: &balance::BalanceFacts,
    row: &account::AccountRow,
    key: AccountKey,
    currency: Currency,
) -> Result<Option<AccountPosition>, EngineError> {
    let date = |text: &Option<String>| text.as_deref().map(time::parse_date).transpose();
    let instant = |text: &Option<String>| text.as_deref().map(time::parse_instant).transpose();
    let close_date = date(&fact.close_date)?;
    let (basis, minor, booked_date, as_of, source) = match (
        fact.interim_minor,
        fact.close_minor,
        date(&fact.interim_date)?,
        close_date,
    ) {
        (Some(interim), _, Some(interim_date), _) => {
            let basis = if fact.interim_type.as_deref() == Some("interim_booked") {
                Basis::InterimBooked
            } else {
                Basis::InterimAvailable
            };
            let as_of = instant(&fact.interim_as_of_at)?.unwrap_or_else(|| end_of(interim_date));
            (
                basis,
                interim,
                interim_date,
                as_of,
                fact.interim_source.clone(),
            )
        }
        (_, Some(close), _, Some(close_date)) if fact.rolled_count > 0 => {
            let last = date(&fact.rolled_last_date)?.unwrap_or(close_date);
            // Entries have no bank time of their own: the figure is as fresh as the last report
            // that brought one.
            let as_of = instant(&fact.rolled_last_at)?.unwrap_or_else(|| end_of(last));
            // Balances and entry sums come from files: their sum can leave i64 (9.2e18 minor).
            let rolled = close.checked_add(fact.rolled_minor).ok_or_else(|| {
                EngineError::OutOfRange(format!(
                    "account {key}: the closing balance rolled forward with its entries \
                     exceeds the largest amount the ledger holds"
                ))
            })?;
            (
                Basis::RolledForward,
                rolled,
                last,
                as_of,
                fact.close_source.clone(),
            )
        }
        (_, Some(close), _, Some(close_date)) => {
            let as_of = instant(&fact.close_as_of_at)?.unwrap_or_else(|| end_of(close_date));
            (
                Basis::ClosingBooked,
                close,
                close_date,
                as_of,
                fact.close_source.clone(),
            )
        }
        _ => return Ok(None),
    };
    Ok(Some(AccountPosition {
        account_id: row.id,
        account: key,
        name: row.name.clone(),
        bank: row.bank_name.clone(),
        entity: row.entity_code.clone(),
        booked: Money::from_minor(minor, currency),
        available: fact.available_minor.map(|m| Money::from_minor(m, currency)),
        basis,
        booked_date,
        as_of,
        source: source.unwrap_or_else(|| "file".into()),
        freshness: Freshness {
            stale: false,
            expected_date: None,
            reason: None,
        },
        converted: None,
    }))
}

fn end_of(date: NaiveDate) -> DateTime<Utc> {
    date.and_hms_opt(23, 59, 59)
        .expect("a valid time")
        .and_utc()
}

/// The latest business day whose end-of-day statement was due by `at`: the statement of day
/// X is due at `due_time` (UTC) on the business day after X.
pub fn expected_statement_date(
    at: DateTime<Utc>,
    due_time: NaiveTime,
    calendar: &BusinessCalendar,
) -> NaiveDate {
    let today = at.date_naive();
    let last_due_day = if calendar.is_business_day(today) && at.time() >= due_time {
        today
    } else {
        calendar.previous(today)
    };
    calendar.previous(last_due_day)
}

/// Whether a position is older than its account's cadence allows.
pub fn freshness(
    row: &account::AccountRow,
    position: &AccountPosition,
    at: DateTime<Utc>,
) -> Result<Freshness, EngineError> {
    if row.cadence == Cadence::Intraday {
        let hours = row.intraday_hours.unwrap_or(4);
        let limit = at - Duration::hours(hours);
        let stale = position.as_of < limit;
        return Ok(Freshness {
            stale,
            expected_date: None,
            reason: stale.then(|| {
                format!(
                    "no balance in the last {hours} hours; the latest is as of {}",
                    position.as_of.format("%Y-%m-%d %H:%M UTC")
                )
            }),
        });
    }
    let due_time =
        NaiveTime::parse_from_str(&row.statement_due_time_utc, "%H:%M").map_err(|_| {
            cashline_ledger::LedgerError::Corrupt(format!(
                "statement due time '{}' is not HH:MM",
                row.statement_due_time_utc
            ))
        })?;
    let calendar = BusinessCalendar::for_currency(position.booked.currency());
    let expected = expected_statement_date(at, due_time, &calendar);
    let stale = position.booked_date < expected;
    Ok(Freshness {
        stale,
        expected_date: Some(expected),
        reason: stale.then(|| {
            format!(
                "the statement for {expected} was due by {} UTC on the next business day; the latest figure is for {}",
                row.statement_due_time_utc, position.booked_date
            )
        }),
    })
}

fn totals_per_currency(positions: &[AccountPosition]) -> Result<Vec<CurrencyTotal>, EngineError> {
    let mut by_currency: BTreeMap<Currency, CurrencyTotal> = BTreeMap::new();
    for position in positions {
        let currency = position.booked.currency();
        let total = by_currency.entry(currency).or_insert(CurrencyTotal {
            booked: Money::zero(currency),
            accounts: 0,
        });
        total.booked = total.booked.checked_add(&position.booked)?;
        total.accounts += 1;
    }
    Ok(by_currency.into_values().collect())
}

fn consolidate(
    positions: &[AccountPosition],
    reporting: Currency,
) -> Result<Vec<Consolidated>, EngineError> {
    let mut scopes: Vec<(String, Vec<&AccountPosition>)> =
        vec![("group".into(), positions.iter().collect())];
    let entities: BTreeSet<&str> = positions
        .iter()
        .filter_map(|p| p.entity.as_deref())
        .collect();
    for entity in entities {
        scopes.push((
            entity.to_string(),
            positions
                .iter()
                .filter(|p| p.entity.as_deref() == Some(entity))
                .collect(),
        ));
    }
    let mut out = Vec::with_capacity(scopes.len());
    for (scope, members) in scopes {
        let mut sum = Money::zero(reporting);
        let mut missing = BTreeSet::new();
        let mut rates_date: Option<NaiveDate> = None;
        for position in members {
            match &position.converted {
                Some((converted, applied)) => {
                    sum = sum.checked_add(converted)?;
                    if let Some(applied) = applied {
                        rates_date = Some(rates_date.map_or(applied.date, |d| d.min(applied.date)));
                    }
                }
                None => {
                    missing.insert(position.booked.currency());
                }
            }
        }
        out.push(Consolidated {
            scope,
            booked: missing.is_empty().then_some(sum),
            currency: reporting,
            rates_date,
            missing_rates: missing.into_iter().collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_expected_statement_follows_the_due_time_and_the_calendar() {
        let eur = BusinessCalendar::for_currency(Currency::EUR);
        let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
        // Wednesday before 09:00: Tuesday's statement is not due yet, Monday's is.
        assert_eq!(
            expected_statement_date(at("2026-11-25T08:00:00Z"), nine, &eur).to_string(),
            "2026-11-23"
        );
        assert_eq!(
            expected_statement_date(at("2026-11-25T09:30:00Z"), nine, &eur).to_string(),
            "2026-11-24"
        );
        // Monday morning: Friday's statement was due... on Monday at 09:00.
        assert_eq!(
            expected_statement_date(at("2026-11-23T08:00:00Z"), nine, &eur).to_string(),
            "2026-11-19"
        );
        assert_eq!(
            expected_statement_date(at("2026-11-23T10:00:00Z"), nine, &eur).to_string(),
            "2026-11-20"
        );
        // Sunday: Thursday's (Friday's is due on Monday).
        assert_eq!(
            expected_statement_date(at("2026-11-22T12:00:00Z"), nine, &eur).to_string(),
            "2026-11-19"
        );
        // Tuesday after Easter Monday: Thursday's statement was due on Tuesday.
        assert_eq!(
            expected_statement_date(at("2026-04-07T10:00:00Z"), nine, &eur).to_string(),
            "2026-04-02"
        );
    }
}
