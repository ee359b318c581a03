//! Foreign-exchange reference rates. The pure half reads rate files (the ECB's eurofxref XML,
//! daily or history, and a plain `base,quote,date,rate` CSV); the I/O half fetches the ECB file.

pub mod ecb;
pub mod file;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use thiserror::Error;

use cashline_domain::Currency;

/// One reference rate: 1 `base` = `rate` `quote` on `date`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FxRate {
    pub base: Currency,
    pub quote: Currency,
    pub date: NaiveDate,
    pub rate: Decimal,
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum RateError {
    #[error("line {line}: {message}")]
    Invalid { line: usize, message: String },
    #[error("the file is neither an ECB eurofxref XML file nor a base,quote,date,rate CSV")]
    UnknownFormat,
    #[error("the file holds no rate")]
    Empty,
    #[error("cannot fetch the rates from {url}: {message}")]
    Fetch { url: String, message: String },
}

/// Largest rate file accepted: the ECB's whole history since 1999 is about 6 MB.
pub const RATE_FILE_BYTES_MAX: usize = 64 * 1024 * 1024;

/// Smallest rate accepted (units of the quote currency per unit of the base). The weakest
/// currencies trade at about 1e-5 of the euro (an IRR or VND rate entered the other way round),
/// so anything smaller is a typo; bounding rates keeps every inverse, cross rate and converted
/// balance inside what a `Decimal` can hold.
pub const RATE_MIN: Decimal = Decimal::from_parts(1, 0, 0, false, 6);
/// Largest rate accepted: the inverse of [`RATE_MIN`].
pub const RATE_MAX: Decimal = Decimal::from_parts(1_000_000, 0, 0, false, 0);
/// Most decimal places a rate may have (after trailing zeros are dropped): the ECB publishes
/// at most 4 significant digits after a rate's leading ones, and derived rates keep 12.
pub const RATE_DECIMALS_MAX: u32 = 12;

/// A rate must be positive, plausible and not finer than [`RATE_DECIMALS_MAX`] decimals;
/// anything else is a typo in a file or a form. Checked wherever a rate enters: the ECB XML,
/// the CSV rate file and a rate entered by hand.
pub fn validate_rate(rate: Decimal) -> Result<(), String> {
    if rate <= Decimal::ZERO {
        return Err(format!("rate {rate} is not positive"));
    }
    if rate < RATE_MIN {
        return Err(format!(
            "rate {rate} is implausibly small: the smallest rate accepted is {RATE_MIN}"
        ));
    }
    if rate > RATE_MAX {
        return Err(format!(
            "rate {rate} is implausibly large: the largest rate accepted is {RATE_MAX}"
        ));
    }
    if rate.normalize().scale() > RATE_DECIMALS_MAX {
        return Err(format!(
            "rate {rate} has more than {RATE_DECIMALS_MAX} decimals: round it"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_outside_the_sane_range_are_refused() {
        let rate = |text: &str| validate_rate(text.parse().unwrap());
        assert_eq!(
            rate("0.0000000000000000000000000001").unwrap_err(),
            "rate 0.0000000000000000000000000001 is implausibly small: the smallest rate \
             accepted is 0.000001"
        );
        assert!(rate("1000000.01")
            .unwrap_err()
            .contains("implausibly large"));
        assert!(rate("0").unwrap_err().contains("not positive"));
        assert!(rate("0.1234567890123")
            .unwrap_err()
            .contains("more than 12 decimals"));
        for good in [
            "0.000001",
            "1000000",
            "0.84390",
            "161.42",
            "0.123456789012000",
        ] {
            assert_eq!(rate(good), Ok(()), "{good}");
        }
    }
}
