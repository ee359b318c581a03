//! Foreign exchange: storing reference rates, and converting money into a reporting currency
//! with a stated rate, date and source. A missing rate is reported, never guessed.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::{Decimal, RoundingStrategy};

use cashline_domain::{Currency, Money};
use cashline_ledger::{audit, fx_rate, time, Ledger, LedgerError};
use cashline_rates::FxRate;

use crate::EngineError;

/// What importing rates did.
#[derive(Debug, Clone)]
pub struct RatesImported {
    pub rates: usize,
    pub written: u64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub warnings: Vec<String>,
}

/// Stores rates from one source in one transaction, audited.
pub async fn store(
    ledger: &Ledger,
    rates: &[FxRate],
    source: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<RatesImported, EngineError> {
    let texts: Vec<(String, String, String)> = rates
        .iter()
        .map(|r| {
            (
                r.base.to_string(),
                r.quote.to_string(),
                r.rate.normalize().to_string(),
            )
        })
        .collect();
    let rows: Vec<fx_rate::NewRate<'_>> = rates
        .iter()
        .zip(&texts)
        .map(|(rate, (base, quote, text))| fx_rate::NewRate {
            base,
            quote,
            date: rate.date,
            rate_text: text,
            source,
        })
        .collect();
    let mut tx = ledger.begin().await?;
    let written = fx_rate::upsert_many(&mut tx, &rows, now).await?;
    let first_date = rates.iter().map(|r| r.date).min();
    let last_date = rates.iter().map(|r| r.date).max();
    let record = audit::NewAuditRecord {
        actor: user,
        action: "fx.import",
        subject: source,
        detail: serde_json::json!({
            "rates": rates.len(),
            "written": written,
            "first_date": first_date.map(|d| d.to_string()),
            "last_date": last_date.map(|d| d.to_string()),
        }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(RatesImported {
        rates: rates.len(),
        written,
        first_date,
        last_date,
        warnings: Vec::new(),
    })
}

/// A rate as used for a conversion: how many units of the target one unit of the source buys,
/// the date of the rate (the older one for a cross rate) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedRate {
    pub rate: Decimal,
    pub date: NaiveDate,
    pub source: String,
}

/// The rates known on a day, ready to convert with.
pub struct RateTable {
    pairs: HashMap<(Currency, Currency), AppliedRate>,
}

/// Digits kept in a derived (inverse or cross) rate before the final rounding of the amount.
const DERIVED_RATE_DIGITS: u32 = 12;

impl RateTable {
    /// The latest rate of every pair on or before `date`.
    pub async fn on(ledger: &Ledger, date: NaiveDate) -> Result<RateTable, EngineError> {
        let rows = fx_rate::latest_on_or_before(ledger.pool(), date).await?;
        let mut pairs = HashMap::with_capacity(rows.len());
        for row in rows {
            let base = Currency::from_code(&row.base_currency)?;
            let quote = Currency::from_code(&row.quote_currency)?;
            let rate: Decimal = row.rate_text.parse().map_err(|_| {
                LedgerError::Corrupt(format!("rate '{}' is not a decimal", row.rate_text))
            })?;
            pairs.insert(
                (base, quote),
                AppliedRate {
                    rate,
                    date: time::parse_date(&row.rate_date)?,
                    source: row.source,
                },
            );
        }
        Ok(RateTable { pairs })
    }

    /// The rate from `from` to `to`: direct, inverse, or across the euro (the ECB publishes
    /// every rate against it). `None` when no route exists; an error when deriving it leaves
    /// the range of a `Decimal` (only a stored rate outside `cashline_rates::RATE_MIN..MAX` can).
    pub fn rate(&self, from: Currency, to: Currency) -> Result<Option<AppliedRate>, EngineError> {
        if from == to {
            return Ok(None);
        }
        if let Some(known) = self.direct_or_inverse(from, to)? {
            return Ok(Some(known));
        }
        let via = Currency::EUR;
        if from == via || to == via {
            return Ok(None);
        }
        let (Some(first), Some(second)) = (
            self.direct_or_inverse(from, via)?,
            self.direct_or_inverse(via, to)?,
        ) else {
            return Ok(None);
        };
        let source = if first.source == second.source {
            first.source.clone()
        } else {
            format!("{} × {}", first.source, second.source)
        };
        let rate = first.rate.checked_mul(second.rate).ok_or_else(|| {
            EngineError::OutOfRange(format!(
                "the cross rate {from}/{to} ({} × {}) is too large to compute",
                first.rate, second.rate
            ))
        })?;
        Ok(Some(AppliedRate {
            rate: rate.round_dp(DERIVED_RATE_DIGITS),
            date: first.date.min(second.date),
            source,
        }))
    }

    fn direct_or_inverse(
        &self,
        from: Currency,
        to: Currency,
    ) -> Result<Option<AppliedRate>, EngineError> {
        if let Some(direct) = self.pairs.get(&(from, to)) {
            return Ok(Some(direct.clone()));
        }
        let Some(inverse) = self.pairs.get(&(to, from)) else {
            return Ok(None);
        };
        // A zero stored rate has no inverse; the checked division says so instead of panicking.
        let rate = Decimal::ONE.checked_div(inverse.rate).ok_or_else(|| {
            EngineError::OutOfRange(format!(
                "the {to}/{from} rate {} ({}, {}) has no usable inverse",
                inverse.rate, inverse.source, inverse.date
            ))
        })?;
        Ok(Some(AppliedRate {
            rate: rate.round_dp(DERIVED_RATE_DIGITS),
            date: inverse.date,
            source: inverse.source.clone(),
        }))
    }

    /// Converts `money` into `to`, rounding half to even to the target's minor units: the one
    /// rounding of a conversion, done here so that sums of converted amounts are reproducible.
    /// `Ok(None)` when no rate leads to `to`; [`EngineError::OutOfRange`] when the product
    /// does not fit a `Decimal` (a huge balance at a large rate), never a panic.
    pub fn convert(
        &self,
        money: Money,
        to: Currency,
    ) -> Result<Option<(Money, Option<AppliedRate>)>, EngineError> {
        if money.currency() == to {
            return Ok(Some((money, None)));
        }
        let Some(applied) = self.rate(money.currency(), to)? else {
            return Ok(None);
        };
        let out_of_range = || {
            EngineError::OutOfRange(format!(
                "{money} converted to {to} at {} ({}, {}) is too large to compute",
                applied.rate, applied.source, applied.date
            ))
        };
        let amount = money
            .amount()
            .checked_mul(applied.rate)
            .ok_or_else(out_of_range)?
            .round_dp_with_strategy(to.minor_units(), RoundingStrategy::MidpointNearestEven);
        // Rounded to the target's minor units just above, so only the range can be refused.
        let converted = Money::new(amount, to).map_err(|_| out_of_range())?;
        Ok(Some((converted, Some(applied))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rates: &[(&str, &str, &str, &str)]) -> RateTable {
        let mut pairs = HashMap::new();
        for (base, quote, rate, date) in rates {
            pairs.insert(
                (
                    Currency::from_code(base).unwrap(),
                    Currency::from_code(quote).unwrap(),
                ),
                AppliedRate {
                    rate: rate.parse().unwrap(),
                    date: date.parse().unwrap(),
                    source: "ecb".into(),
                },
            );
        }
        RateTable { pairs }
    }

    #[test]
    fn converts_direct_inverse_and_across_the_euro() {
        let rates = table(&[
            ("EUR", "USD", "1.0500", "2026-11-24"),
            ("EUR", "GBP", "0.8400", "2026-11-23"),
        ]);
        let usd = Money::parse("105.00", Currency::USD).unwrap();
        let (eur, applied) = rates.convert(usd, Currency::EUR).unwrap().unwrap();
        assert_eq!(eur.amount_text(), "100.00");
        assert_eq!(applied.unwrap().date.to_string(), "2026-11-24");
        let (gbp, applied) = rates.convert(usd, Currency::GBP).unwrap().unwrap();
        assert_eq!(gbp.amount_text(), "84.00");
        assert_eq!(
            applied.unwrap().date.to_string(),
            "2026-11-23",
            "a cross rate is as old as its older leg"
        );
        assert!(rates
            .convert(Money::parse("1", Currency::JPY).unwrap(), Currency::EUR)
            .unwrap()
            .is_none());
    }

    #[test]
    fn rounds_half_to_even_at_the_target_minor_units() {
        let rates = table(&[("EUR", "JPY", "161.5", "2026-11-24")]);
        let (yen, _) = rates
            .convert(Money::parse("0.01", Currency::EUR).unwrap(), Currency::JPY)
            .unwrap()
            .unwrap();
        assert_eq!(yen.amount_text(), "2", "1.615 rounds to 2");
        let (yen, _) = rates
            .convert(Money::parse("0.03", Currency::EUR).unwrap(), Currency::JPY)
            .unwrap()
            .unwrap();
        assert_eq!(yen.amount_text(), "5", "4.845 rounds to 5");
    }

    #[test]
    fn a_conversion_that_overflows_is_an_error_not_a_panic() {
        // Both legs pass the entry bounds (1e-6..1e6), yet their cross rate times the largest
        // balance the ledger can hold (i64::MAX minor units of JPY) exceeds a Decimal.
        let rates = table(&[
            ("EUR", "JPY", "0.000001", "2026-11-24"),
            ("EUR", "IDR", "1000000", "2026-11-24"),
        ]);
        let huge = Money::from_minor(i64::MAX, Currency::JPY);
        let idr = Currency::from_code("IDR").unwrap();
        let error = rates.convert(huge, idr).unwrap_err();
        assert!(matches!(error, EngineError::OutOfRange(_)), "{error:?}");
        assert_eq!(
            error.to_string(),
            "9223372036854775807 JPY converted to IDR at 1000000000000 (ecb, 2026-11-24) is \
             too large to compute"
        );
        // A stored zero (from before rates were bounded) has no inverse: an error too.
        let rates = table(&[("GBP", "EUR", "0", "2026-11-09")]);
        let eur = Money::parse("1", Currency::EUR).unwrap();
        assert!(matches!(
            rates.convert(eur, Currency::GBP),
            Err(EngineError::OutOfRange(_))
        ));
        // The rate of the issue: its inverse is 1e28, and any balance overflows with it.
        let rates = table(&[("GBP", "EUR", "0.0000000000000000000000000001", "2026-11-09")]);
        let eur = Money::parse("1000.00", Currency::EUR).unwrap();
        assert!(matches!(
            rates.convert(eur, Currency::GBP),
            Err(EngineError::OutOfRange(_))
        ));
    }
}
