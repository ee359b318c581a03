//! How instants and dates are written as TEXT: RFC 3339 UTC with seconds, and `YYYY-MM-DD`.
//! Fixed-width forms sort correctly as text, which the indexes rely on.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};

use crate::LedgerError;

pub fn instant_text(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn date_text(date: NaiveDate) -> String {
    // Written by hand: chrono's format string is parsed on every call, and the import writes
    // two dates per entry.
    use chrono::Datelike;
    match date.year() {
        year @ 0..=9999 => format!("{year:04}-{:02}-{:02}", date.month(), date.day()),
        _ => date.format("%Y-%m-%d").to_string(),
    }
}

pub fn parse_instant(text: &str) -> Result<DateTime<Utc>, LedgerError> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| LedgerError::Corrupt(format!("'{text}' is not an RFC 3339 instant")))
}

/// Reads a `YYYY-MM-DD` date as the ledger writes it (no other form: anything else is
/// corrupt). By hand, since history reads thousands per query.
pub fn parse_date(text: &str) -> Result<NaiveDate, LedgerError> {
    let corrupt = || LedgerError::Corrupt(format!("'{text}' is not a date"));
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(corrupt());
    }
    let number = |digits: &[u8]| {
        digits.iter().try_fold(0u32, |value, digit| {
            digit
                .is_ascii_digit()
                .then(|| value * 10 + u32::from(digit - b'0'))
        })
    };
    let (Some(year), Some(month), Some(day)) = (
        number(&bytes[..4]),
        number(&bytes[5..7]),
        number(&bytes[8..]),
    ) else {
        return Err(corrupt());
    };
    let year = i32::try_from(year).map_err(|_| corrupt())?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or_else(corrupt)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_and_anything_else_is_corrupt() {
        for day in ["0001-01-01", "2024-02-29", "2026-12-31", "9999-12-31"] {
            assert_eq!(date_text(parse_date(day).unwrap()), day);
        }
        for bad in [
            "2023-02-29",
            "2026-13-01",
            "2026-1-01",
            "2026/01/01",
            "20260101",
            "",
            "２０26-01-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad}");
        }
    }
}
