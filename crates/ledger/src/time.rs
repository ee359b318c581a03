//! How instants and dates are written as TEXT: RFC 3339 UTC with seconds, and `YYYY-MM-DD`.
//! Fixed-width forms sort correctly as text, which the indexes rely on.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::LedgerError;

pub fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, LedgerError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| LedgerError::Corrupt(format!("'{text}' is not an RFC 3339 instant")))
}

pub fn parse_date(text: &str) -> Result<NaiveDate, LedgerError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| LedgerError::Corrupt(format!("'{text}' is not a date")))
}
