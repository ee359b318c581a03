//! Balance history: each account's closing booked balance per day (carried over days without
//! a statement, and marked so), totals per currency, and today's intraday movement.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use cashline_domain::{AccountKey, Currency, Money};
use cashline_ledger::{account, balance, entry, Ledger};

use crate::EngineError;

/// Longest history served at once, in days.
pub const HISTORY_DAYS_MAX: i64 = 3660;

#[derive(Debug, Clone)]
pub struct HistoryPoint {
    pub date: NaiveDate,
    pub closing: Money,
    /// False where no statement closed that day and the previous close carries over.
    pub reported: bool,
}

#[derive(Debug, Clone)]
pub struct AccountHistory {
    pub account: AccountKey,
    pub entity: Option<String>,
    pub points: Vec<HistoryPoint>,
}

#[derive(Debug, Clone)]
pub struct History {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub accounts: Vec<AccountHistory>,
    /// Per currency and day, the sum of the accounts' closing balances known by then.
    pub totals: BTreeMap<Currency, Vec<(NaiveDate, Money)>>,
}

pub async fn history(
    ledger: &Ledger,
    from: NaiveDate,
    to: NaiveDate,
    entity: Option<&str>,
) -> Result<History, EngineError> {
    if from > to || (to - from).num_days() > HISTORY_DAYS_MAX {
        return Err(EngineError::InvalidRequest(format!(
            "a history runs forward over at most {HISTORY_DAYS_MAX} days ({from} to {to} does not)"
        )));
    }
    let accounts = account::list(ledger.pool()).await?;
    // The latest close before the window seeds each account's balance on its first day.
    let mut closings: HashMap<i64, Vec<(NaiveDate, i64)>> =
        balance::daily_closings(ledger.pool(), from, to)
            .await?
            .into_iter()
            .map(|account| (account.account_id, account.closes))
            .collect();
    let mut out = Vec::new();
    let mut totals: BTreeMap<Currency, BTreeMap<NaiveDate, Money>> = BTreeMap::new();
    for row in accounts
        .iter()
        .filter(|a| entity.is_none() || a.entity_code.as_deref() == entity)
    {
        let currency = Currency::from_code(&row.currency)?;
        let closes = closings.remove(&row.id).unwrap_or_default();
        let mut points = Vec::new();
        let mut index = 0;
        let mut last: Option<i64> = None;
        let mut day = from;
        while day <= to {
            let mut reported = false;
            while index < closes.len() && closes[index].0 <= day {
                reported = closes[index].0 == day;
                last = Some(closes[index].1);
                index += 1;
            }
            if let Some(minor) = last {
                let closing = Money::from_minor(minor, currency);
                points.push(HistoryPoint {
                    date: day,
                    closing,
                    reported,
                });
                let total = totals
                    .entry(currency)
                    .or_default()
                    .entry(day)
                    .or_insert(Money::zero(currency));
                *total = total.checked_add(&closing)?;
            }
            // The last representable date has no next day: stop there instead of panicking.
            match day.succ_opt() {
                Some(next) => day = next,
                None => break,
            }
        }
        if !points.is_empty() {
            out.push(AccountHistory {
                account: AccountKey::parse(&row.account_key)?,
                entity: row.entity_code.clone(),
                points,
            });
        }
    }
    Ok(History {
        from,
        to,
        accounts: out,
        totals: totals
            .into_iter()
            .map(|(c, days)| (c, days.into_iter().collect()))
            .collect(),
    })
}

/// One entry of the day, with the account's running movement.
#[derive(Debug, Clone)]
pub struct IntradayEntry {
    pub account: AccountKey,
    pub amount: Money,
    pub status: String,
    pub counterparty: Option<String>,
    pub remittance: Option<String>,
    pub running: Money,
}

/// The day's entries per account, booked and pending, with the running sum of each account.
pub async fn intraday(ledger: &Ledger, date: NaiveDate) -> Result<Vec<IntradayEntry>, EngineError> {
    let filter = entry::EntryFilter {
        account_key: None,
        from: Some(date),
        to: Some(date),
        limit: None,
    };
    let mut running: BTreeMap<(String, String), Money> = BTreeMap::new();
    let mut out = Vec::new();
    for row in entry::list(ledger.pool(), &filter).await? {
        let currency = Currency::from_code(&row.currency)?;
        let amount = Money::from_minor(row.amount_minor, currency);
        let sum = running
            .entry((row.account_key.clone(), row.currency.clone()))
            .or_insert(Money::zero(currency));
        *sum = sum.checked_add(&amount)?;
        out.push(IntradayEntry {
            account: AccountKey::parse(&row.account_key)?,
            amount,
            status: row.status,
            counterparty: row.counterparty_name,
            remittance: row.remittance,
            running: *sum,
        });
    }
    Ok(out)
}
