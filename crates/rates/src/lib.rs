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

/// A rate must be positive and plausible; anything else is a typo in a file or a form.
pub fn validate_rate(rate: Decimal) -> Result<(), String> {
    if rate <= Decimal::ZERO {
        return Err(format!("rate {rate} is not positive"));
    }
    if rate > Decimal::from(1_000_000) {
        return Err(format!("rate {rate} is implausibly large"));
    }
    Ok(())
}
