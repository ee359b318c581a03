//! Money: an exact decimal amount in one currency, never a float.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{Currency, DomainError};

/// An amount in one currency with at most the currency's minor units.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Money {
    amount: Decimal,
    currency: Currency,
}

impl Money {
    /// Builds money from an exact decimal, refusing amounts finer than the currency allows:
    /// a bank that sends `1.005 EUR` has sent something wrong, and rounding would hide it.
    pub fn new(amount: Decimal, currency: Currency) -> Result<Money, DomainError> {
        let normalized = amount.normalize();
        if normalized.scale() > currency.minor_units() {
            return Err(DomainError::TooManyDecimals {
                amount: amount.to_string(),
                currency: currency.to_string(),
                minor_units: currency.minor_units(),
            });
        }
        let money = Money { amount, currency };
        // The ledger keeps amounts as i64 minor units: one beyond that is refused here, where
        // every parser builds its amounts, not found later by whoever stores it.
        money.amount_minor()?;
        Ok(money)
    }

    pub fn zero(currency: Currency) -> Money {
        Money {
            amount: Decimal::ZERO,
            currency,
        }
    }

    /// Parses a plain decimal string such as `-1234.50` (a dot, no grouping).
    pub fn parse(amount: &str, currency: Currency) -> Result<Money, DomainError> {
        let trimmed = amount.trim();
        let valid = !trimmed.is_empty()
            && trimmed
                .chars()
                .enumerate()
                .all(|(i, c)| c.is_ascii_digit() || c == '.' || (i == 0 && (c == '-' || c == '+')));
        if !valid {
            return Err(DomainError::InvalidAmount(amount.to_string()));
        }
        let decimal: Decimal = trimmed
            .trim_start_matches('+')
            .parse()
            .map_err(|_| DomainError::InvalidAmount(amount.to_string()))?;
        Money::new(decimal, currency)
    }

    /// Money from integer minor units, as the ledger stores it.
    pub fn from_minor(amount_minor: i64, currency: Currency) -> Money {
        Money {
            amount: Decimal::new(amount_minor, currency.minor_units()),
            currency,
        }
    }

    /// `from_minor(amount_minor, currency).amount_text()` without the decimal arithmetic: a
    /// reconciliation run writes several amounts into each of a million explanations.
    pub fn minor_text(amount_minor: i64, currency: Currency) -> String {
        let places = currency.minor_units() as usize;
        let digits = amount_minor.unsigned_abs().to_string();
        let mut text = String::with_capacity(digits.len() + places + 3);
        if amount_minor < 0 {
            text.push('-');
        }
        if places == 0 {
            text.push_str(&digits);
            return text;
        }
        if digits.len() <= places {
            text.push_str("0.");
            text.extend(std::iter::repeat_n('0', places - digits.len()));
            text.push_str(&digits);
        } else {
            let (whole, fraction) = digits.split_at(digits.len() - places);
            text.push_str(whole);
            text.push('.');
            text.push_str(fraction);
        }
        text
    }

    /// The amount in integer minor units (cents for EUR). Exact, because construction refused
    /// finer amounts; fails only beyond ±9.2e18 minor units.
    pub fn amount_minor(&self) -> Result<i64, DomainError> {
        // Checked: an amount parsed from a file can be near Decimal's limit (7.9e28), where the
        // scaling itself overflows.
        let scaled = self
            .amount
            .checked_mul(Decimal::from(10i64.pow(self.currency.minor_units())))
            .ok_or(DomainError::AmountOverflow)?;
        i64::try_from(scaled.trunc()).map_err(|_| DomainError::AmountOverflow)
    }

    pub fn amount(&self) -> Decimal {
        self.amount
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    pub fn is_negative(&self) -> bool {
        self.amount.is_sign_negative() && !self.amount.is_zero()
    }

    pub fn negated(&self) -> Money {
        Money {
            amount: -self.amount,
            currency: self.currency,
        }
    }

    pub fn checked_add(&self, other: &Money) -> Result<Money, DomainError> {
        self.same_currency(other)?;
        let amount = self
            .amount
            .checked_add(other.amount)
            .ok_or(DomainError::AmountOverflow)?;
        Ok(Money {
            amount,
            currency: self.currency,
        })
    }

    pub fn checked_sub(&self, other: &Money) -> Result<Money, DomainError> {
        self.checked_add(&other.negated())
    }

    fn same_currency(&self, other: &Money) -> Result<(), DomainError> {
        if self.currency != other.currency {
            return Err(DomainError::CurrencyMismatch {
                left: self.currency.to_string(),
                right: other.currency.to_string(),
            });
        }
        Ok(())
    }

    /// The amount as the wire and screens show it: exactly the currency's minor units,
    /// `"1234.50"`, `"-7.50"`, `"1200"` for JPY.
    pub fn amount_text(&self) -> String {
        // Construction guarantees the scale is at most the minor units, so this only pads.
        let mut value = self
            .amount
            .round_dp_with_strategy(self.currency.minor_units(), RoundingStrategy::ToZero);
        value.rescale(self.currency.minor_units());
        if value.is_zero() {
            value.set_sign_positive(true);
        }
        value.to_string()
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount_text(), self.currency)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn eur(s: &str) -> Money {
        Money::parse(s, Currency::EUR).unwrap()
    }

    #[test]
    fn text_has_exactly_the_minor_units() {
        assert_eq!(eur("1234.5").amount_text(), "1234.50");
        assert_eq!(eur("-7.5").amount_text(), "-7.50");
        assert_eq!(eur("0").amount_text(), "0.00");
        assert_eq!(eur("-0.00").amount_text(), "0.00");
        let jpy = Money::parse("1200", Currency::JPY).unwrap();
        assert_eq!(jpy.amount_text(), "1200");
        let bhd = Money::parse("1.5", Currency::from_code("BHD").unwrap()).unwrap();
        assert_eq!(bhd.amount_text(), "1.500");
    }

    #[test]
    fn refuses_finer_amounts_than_the_currency() {
        assert!(matches!(
            Money::parse("1.005", Currency::EUR),
            Err(DomainError::TooManyDecimals { .. })
        ));
        assert!(Money::parse("10.5", Currency::JPY).is_err());
        // Trailing zeros are not extra precision.
        assert_eq!(eur("1.500").amount_text(), "1.50");
    }

    #[test]
    fn refuses_non_decimal_text() {
        for bad in ["", "1,50", "1e3", "abc", "--1", "1.2.3", "NaN"] {
            assert!(Money::parse(bad, Currency::EUR).is_err(), "{bad}");
        }
    }

    #[test]
    fn never_mixes_currencies() {
        let usd = Money::parse("1", Currency::USD).unwrap();
        assert!(matches!(
            eur("1").checked_add(&usd),
            Err(DomainError::CurrencyMismatch { .. })
        ));
    }

    #[test]
    fn an_amount_beyond_i64_minor_units_is_refused_when_made() {
        // Found by the swift fuzzer: a :62F: closing of 98448700000000000,00 TRY.
        let huge: Decimal = "98448700000000000.00".parse().unwrap();
        assert!(Money::new(huge, Currency::from_code("TRY").unwrap()).is_err());
        let largest: Decimal = "92233720368547758.07".parse().unwrap();
        assert!(Money::new(largest, Currency::EUR).is_ok());
    }

    #[test]
    fn minor_units_of_a_huge_amount_are_an_error_not_a_panic() {
        // Decimal's largest value, as a file can write it: scaling it to cents overflowed.
        let huge = Money::parse("79228162514264337593543950335", Currency::JPY);
        assert_eq!(huge.err(), Some(DomainError::AmountOverflow));
        let huge = Money::parse("7922816251426433759354395033", Currency::EUR);
        assert_eq!(huge.err(), Some(DomainError::AmountOverflow));
    }

    #[test]
    fn minor_units_round_trip() {
        let m = eur("-1234.56");
        assert_eq!(m.amount_minor().unwrap(), -123456);
        assert_eq!(Money::from_minor(-123456, Currency::EUR), m);
    }

    #[test]
    fn minor_text_at_the_edges() {
        assert_eq!(
            Money::minor_text(i64::MIN, Currency::EUR),
            "-92233720368547758.08"
        );
        assert_eq!(Money::minor_text(5, Currency::EUR), "0.05");
        assert_eq!(Money::minor_text(-5, Currency::EUR), "-0.05");
        assert_eq!(Money::minor_text(0, Currency::JPY), "0");
        assert_eq!(Money::minor_text(-1200, Currency::JPY), "-1200");
    }

    proptest! {
        #[test]
        fn minor_text_is_amount_text(minor in any::<i64>()) {
            for currency in [Currency::EUR, Currency::JPY, Currency::from_code("KWD").unwrap()] {
                prop_assert_eq!(
                    Money::minor_text(minor, currency),
                    Money::from_minor(minor, currency).amount_text()
                );
            }
        }

        #[test]
        fn minor_units_round_trip_for_any_amount(minor in -1_000_000_000_000i64..1_000_000_000_000i64) {
            for currency in [Currency::EUR, Currency::JPY, Currency::from_code("KWD").unwrap()] {
                let money = Money::from_minor(minor, currency);
                prop_assert_eq!(money.amount_minor().unwrap(), minor);
                let reparsed = Money::parse(&money.amount_text(), currency).unwrap();
                prop_assert_eq!(reparsed, money);
            }
        }

        #[test]
        fn addition_is_exact(a in -1_000_000_000i64..1_000_000_000, b in -1_000_000_000i64..1_000_000_000) {
            let sum = Money::from_minor(a, Currency::EUR).checked_add(&Money::from_minor(b, Currency::EUR)).unwrap();
            prop_assert_eq!(sum.amount_minor().unwrap(), a + b);
        }
    }
}
