//! The cash forecast: for each of the next business days, the position now, minus approved
//! outgoing payments by requested execution date, plus open receivables by due date weighted
//! by their collection probability, minus open payables by due date that no payment covers
//! yet (a payable with its payment is counted once, as the payment).
//!
//! Every figure is traceable: each day lists the payments and items behind it.

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use cashline_domain::{BusinessCalendar, Currency, Money, PaymentState};
use cashline_ledger::{open_item, payment, time, Ledger, LedgerError};

use crate::position::{self, PositionQuery};
use crate::EngineError;

/// Longest horizon, in business days.
pub const FORECAST_DAYS_MAX: usize = 260;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ComponentKind {
    Payment,
    Receivable,
    Payable,
}

impl ComponentKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ComponentKind::Payment => "payment",
            ComponentKind::Receivable => "receivable",
            ComponentKind::Payable => "payable",
        }
    }
}

/// One payment or item behind a day's figures.
#[derive(Debug, Clone)]
pub struct Component {
    pub kind: ComponentKind,
    pub id: String,
    pub counterparty: Option<String>,
    /// Its date as the ERP gives it (due or requested); the day it counts on may be later.
    pub date: NaiveDate,
    /// Signed: receipts positive, payments negative.
    pub amount: Money,
    pub probability: Option<Decimal>,
    /// `amount` × probability, rounded half to even to the currency's minor units.
    pub weighted: Money,
}

#[derive(Debug, Clone)]
pub struct Day {
    pub date: NaiveDate,
    pub opening: Money,
    pub receipts: Money,
    pub payments: Money,
    pub closing: Money,
    pub components: Vec<Component>,
}

#[derive(Debug, Clone)]
pub struct CurrencyForecast {
    pub currency: Currency,
    pub days: Vec<Day>,
}

#[derive(Debug, Clone)]
pub struct ForecastReport {
    pub start: NaiveDate,
    pub per_currency: Vec<CurrencyForecast>,
    /// In the reporting currency; `None` when a rate is missing (listed in `missing_rates`).
    pub consolidated: Option<CurrencyForecast>,
    pub reporting_currency: Currency,
    pub missing_rates: Vec<Currency>,
}

pub struct ForecastQuery {
    pub at: DateTime<Utc>,
    pub days: usize,
    pub entity: Option<String>,
    pub reporting_currency: Currency,
}

fn weighted(amount: Money, probability: Option<Decimal>) -> Result<Money, EngineError> {
    let Some(probability) = probability else {
        return Ok(amount);
    };
    // The expected value of an uncertain receipt, rounded once, half to even, to the currency.
    let product = amount.amount().checked_mul(probability).ok_or_else(|| {
        EngineError::OutOfRange(format!(
            "{amount} weighted by {probability} is too large to compute"
        ))
    })?;
    let value = product.round_dp_with_strategy(
        amount.currency().minor_units(),
        RoundingStrategy::MidpointNearestEven,
    );
    Ok(Money::new(value, amount.currency())?)
}

/// Everything expected to move money, in its own currency. Open items due after `due_by` fall
/// beyond every horizon and are not read.
async fn components(
    ledger: &Ledger,
    entity: Option<&str>,
    due_by: NaiveDate,
) -> Result<Vec<Component>, EngineError> {
    let mut out = Vec::new();
    let payments = payment::list(ledger.pool(), None).await?;
    // An entity's payments are those debiting its accounts.
    let entity_accounts: Option<HashSet<String>> = match entity {
        Some(code) => Some(
            cashline_ledger::account::list(ledger.pool())
                .await?
                .into_iter()
                .filter(|a| a.entity_code.as_deref() == Some(code))
                .map(|a| a.account_key)
                .collect(),
        ),
        None => None,
    };
    // A payable is covered once any live payment refers to it.
    let mut covered: HashSet<(String, String)> = HashSet::new();
    for row in &payments {
        let state = row.state;
        if matches!(
            state,
            PaymentState::Rejected | PaymentState::Returned | PaymentState::Cancelled
        ) {
            continue;
        }
        if let Some(reference) = &row.reference {
            covered.insert((reference.clone(), row.currency.clone()));
        }
        let in_scope = entity_accounts
            .as_ref()
            .is_none_or(|keys| keys.contains(&row.debtor_iban));
        if !state.is_committed_outflow() || !in_scope {
            continue;
        }
        let currency = Currency::from_code(&row.currency)?;
        let amount = Money::from_minor(row.amount_minor, currency).negated();
        out.push(Component {
            kind: ComponentKind::Payment,
            id: row.external_id.clone(),
            counterparty: Some(row.creditor_name.clone()),
            date: time::parse_date(&row.requested_date)?,
            amount,
            probability: None,
            weighted: amount,
        });
    }
    for item in open_item::open_due_by(ledger.pool(), due_by).await? {
        if entity.is_some() && item.entity_code.as_deref() != entity {
            continue;
        }
        let Some(due) = item.due_date.as_deref() else {
            continue;
        };
        let currency = Currency::from_code(&item.currency)?;
        let magnitude = Money::from_minor(item.amount_minor, currency);
        let (kind, amount, probability) = if item.kind == "receivable" {
            let probability = match &item.collection_probability_text {
                Some(text) => Some(
                    text.parse::<Decimal>()
                        .map_err(|_| LedgerError::Corrupt(format!("probability '{text}'")))?,
                ),
                None => None,
            };
            (ComponentKind::Receivable, magnitude, probability)
        } else {
            let reference_covered = item
                .reference
                .as_ref()
                .is_some_and(|r| covered.contains(&(r.clone(), item.currency.clone())));
            if covered.contains(&(item.external_id.clone(), item.currency.clone()))
                || reference_covered
            {
                continue;
            }
            (ComponentKind::Payable, magnitude.negated(), None)
        };
        out.push(Component {
            kind,
            id: item.external_id,
            counterparty: item.counterparty_name,
            date: time::parse_date(due)?,
            amount,
            probability,
            weighted: weighted(amount, probability)?,
        });
    }
    Ok(out)
}

/// Buckets components into business days: anything overdue counts on the first day, anything
/// due on a closed day on the next business day, anything after the horizon not at all.
fn project(
    currency: Currency,
    opening: Money,
    days: &[NaiveDate],
    calendar: &BusinessCalendar,
    components: &[Component],
) -> Result<CurrencyForecast, EngineError> {
    let Some(first) = days.first().copied() else {
        return Ok(CurrencyForecast {
            currency,
            days: Vec::new(),
        });
    };
    let last = *days.last().expect("not empty");
    let mut buckets: BTreeMap<NaiveDate, Vec<Component>> = BTreeMap::new();
    for component in components
        .iter()
        .filter(|c| c.amount.currency() == currency)
    {
        let day = calendar.on_or_after(component.date).max(first);
        if day <= last {
            buckets.entry(day).or_default().push(component.clone());
        }
    }
    let mut out = Vec::with_capacity(days.len());
    let mut balance = opening;
    for date in days {
        let components = buckets.remove(date).unwrap_or_default();
        let mut receipts = Money::zero(currency);
        let mut payments = Money::zero(currency);
        for component in &components {
            if component.weighted.is_negative() {
                payments = payments.checked_add(&component.weighted.negated())?;
            } else {
                receipts = receipts.checked_add(&component.weighted)?;
            }
        }
        let closing = balance.checked_add(&receipts)?.checked_sub(&payments)?;
        out.push(Day {
            date: *date,
            opening: balance,
            receipts,
            payments,
            closing,
            components,
        });
        balance = closing;
    }
    Ok(CurrencyForecast {
        currency,
        days: out,
    })
}

/// The first forecast day is today when it is a business day, and each day opens with the
/// previous day's closing.
fn horizon(calendar: &BusinessCalendar, today: NaiveDate, count: usize) -> Vec<NaiveDate> {
    let first = calendar.on_or_after(today);
    let mut days = vec![first];
    days.extend(calendar.next_days(first, count.saturating_sub(1)));
    days.truncate(count);
    days
}

/// The last day any currency's horizon can reach: the TARGET2 calendar closes a superset of
/// the weekday calendar's days, and every currency uses one of the two.
fn latest_horizon_day(today: NaiveDate, count: usize) -> NaiveDate {
    [
        BusinessCalendar::for_currency(Currency::EUR),
        BusinessCalendar::weekdays(),
    ]
    .iter()
    .filter_map(|calendar| horizon(calendar, today, count).last().copied())
    .max()
    .unwrap_or(today)
}

pub async fn forecast(
    ledger: &Ledger,
    query: &ForecastQuery,
) -> Result<ForecastReport, EngineError> {
    if query.days == 0 || query.days > FORECAST_DAYS_MAX {
        return Err(EngineError::InvalidRequest(format!(
            "a forecast covers 1 to {FORECAST_DAYS_MAX} business days"
        )));
    }
    let today = query.at.date_naive();
    let (positions, rates) = position::positions_and_rates(
        ledger,
        &PositionQuery {
            at: query.at,
            entity: query.entity.clone(),
            reporting_currency: query.reporting_currency,
        },
    )
    .await?;
    let components = components(
        ledger,
        query.entity.as_deref(),
        latest_horizon_day(today, query.days),
    )
    .await?;
    let mut currencies: Vec<Currency> = positions
        .totals
        .iter()
        .map(|t| t.booked.currency())
        .collect();
    for component in &components {
        if !currencies.contains(&component.amount.currency()) {
            currencies.push(component.amount.currency());
        }
    }
    currencies.sort();
    let mut per_currency = Vec::with_capacity(currencies.len());
    for currency in &currencies {
        let opening = positions
            .totals
            .iter()
            .find(|t| t.booked.currency() == *currency)
            .map_or(Money::zero(*currency), |t| t.booked);
        let calendar = BusinessCalendar::for_currency(*currency);
        let days = horizon(&calendar, today, query.days);
        per_currency.push(project(*currency, opening, &days, &calendar, &components)?);
    }

    // Consolidated: every opening and component converted at today's rates (the positions'),
    // bucketed on the reporting currency's calendar.
    let reporting = query.reporting_currency;
    let mut missing = Vec::new();
    let mut opening = Money::zero(reporting);
    for total in &positions.totals {
        match rates.convert(total.booked, reporting)? {
            Some((converted, _)) => opening = opening.checked_add(&converted)?,
            None => missing.push(total.booked.currency()),
        }
    }
    let mut converted_components = Vec::with_capacity(components.len());
    for component in &components {
        match (
            rates.convert(component.amount, reporting)?,
            rates.convert(component.weighted, reporting)?,
        ) {
            (Some((amount, _)), Some((weighted, _))) => converted_components.push(Component {
                amount,
                weighted,
                ..component.clone()
            }),
            _ => {
                if !missing.contains(&component.amount.currency()) {
                    missing.push(component.amount.currency());
                }
            }
        }
    }
    missing.sort();
    let consolidated = if missing.is_empty() {
        let calendar = BusinessCalendar::for_currency(reporting);
        let days = horizon(&calendar, today, query.days);
        Some(project(
            reporting,
            opening,
            &days,
            &calendar,
            &converted_components,
        )?)
    } else {
        None
    };
    Ok(ForecastReport {
        start: today,
        per_currency,
        consolidated,
        reporting_currency: reporting,
        missing_rates: missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizon_starts_today_on_a_business_day() {
        let eur = BusinessCalendar::for_currency(Currency::EUR);
        let wednesday: NaiveDate = "2026-11-25".parse().unwrap();
        let days = horizon(&eur, wednesday, 3);
        assert_eq!(
            days.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
            ["2026-11-25", "2026-11-26", "2026-11-27"]
        );
        let saturday: NaiveDate = "2026-11-28".parse().unwrap();
        assert_eq!(horizon(&eur, saturday, 1)[0].to_string(), "2026-11-30");
    }

    #[test]
    fn weighting_rounds_half_to_even() {
        let amount = Money::parse("100.05", Currency::EUR).unwrap();
        let half: Decimal = "0.5".parse().unwrap();
        assert_eq!(weighted(amount, Some(half)).unwrap().amount_text(), "50.02");
        assert_eq!(weighted(amount, None).unwrap(), amount);
    }
}
