//! Tryton's JSON values: `{"__class__": "Decimal", "decimal": "12.50"}`,
//! `{"__class__": "date", "year": …, "month": …, "day": …}` and `"datetime"` with the time
//! too (UTC, as Tryton stores write dates). A write date is kept as sortable text,
//! `YYYY-MM-DD HH:MM:SS.ffffff`, and sent back in the same object form.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde_json::{json, Value};

pub fn decimal(value: &Value) -> Option<Decimal> {
    match value {
        Value::Object(object) => object.get("decimal")?.as_str()?.parse().ok(),
        Value::Number(number) => number.to_string().parse().ok(),
        Value::String(text) => text.parse().ok(),
        _ => None,
    }
}

pub fn date(value: &Value) -> Option<NaiveDate> {
    let object = value.as_object()?;
    NaiveDate::from_ymd_opt(
        i32::try_from(object.get("year")?.as_i64()?).ok()?,
        u32::try_from(object.get("month")?.as_i64()?).ok()?,
        u32::try_from(object.get("day")?.as_i64()?).ok()?,
    )
}

pub fn datetime(value: &Value) -> Option<NaiveDateTime> {
    let object = value.as_object()?;
    let part = |name: &str| {
        object
            .get(name)
            .and_then(Value::as_i64)
            .and_then(|n| u32::try_from(n).ok())
    };
    date(value)?.and_hms_micro_opt(
        part("hour").unwrap_or(0),
        part("minute").unwrap_or(0),
        part("second").unwrap_or(0),
        part("microsecond").unwrap_or(0),
    )
}

pub fn datetime_text(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
}

pub fn parse_datetime_text(text: &str) -> Option<NaiveDateTime> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S%.6f").ok()
}

pub fn datetime_value(at: NaiveDateTime) -> Value {
    use chrono::{Datelike, Timelike};
    json!({
        "__class__": "datetime",
        "year": at.year(), "month": at.month(), "day": at.day(),
        "hour": at.hour(), "minute": at.minute(), "second": at.second(),
        "microsecond": at.nanosecond() / 1000,
    })
}

pub fn date_value(day: NaiveDate) -> Value {
    use chrono::Datelike;
    json!({"__class__": "date", "year": day.year(), "month": day.month(), "day": day.day()})
}

pub fn decimal_value(amount: Decimal) -> Value {
    json!({"__class__": "Decimal", "decimal": amount.to_string()})
}

/// A related record's field as Tryton's `search_read` gives it: `"party.": {"name": …}`.
pub fn related<'a>(record: &'a Value, path: &str) -> Option<&'a Value> {
    let mut at = record;
    let mut parts = path.split('.').peekable();
    while let Some(part) = parts.next() {
        at = if parts.peek().is_some() {
            at.get(format!("{part}."))?
        } else {
            at.get(part)?
        };
    }
    Some(at).filter(|v| !v.is_null())
}

pub fn text(record: &Value, path: &str) -> Option<String> {
    related(record, path)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

pub fn id(record: &Value, path: &str) -> Option<i64> {
    related(record, path).and_then(Value::as_i64)
}

/// A `Reference` field's target: `"account.invoice,7"` is `("account.invoice", 7)`.
pub fn reference(value: Option<&Value>) -> Option<(&str, i64)> {
    let (model, id) = value?.as_str()?.split_once(',')?;
    Some((model, id.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_as_tryton_sends_them() {
        assert_eq!(
            decimal(&json!({"__class__": "Decimal", "decimal": "12500.00"})),
            Some(Decimal::new(1_250_000, 2))
        );
        let day = json!({"__class__": "date", "year": 2026, "month": 11, "day": 13});
        assert_eq!(date(&day), NaiveDate::from_ymd_opt(2026, 11, 13));
        let at = json!({"__class__": "datetime", "year": 2026, "month": 12, "day": 7, "hour": 6,
                        "minute": 15, "second": 21, "microsecond": 138585});
        let read = datetime(&at).unwrap();
        assert_eq!(datetime_text(read), "2026-12-07 06:15:21.138585");
        assert_eq!(
            parse_datetime_text("2026-12-07 06:15:21.138585"),
            Some(read)
        );
        assert_eq!(datetime_value(read), at);
        let record =
            json!({"party.": {"name": "Nordwind", "id": 4}, "move_origin": "account.invoice,7"});
        assert_eq!(text(&record, "party.name").as_deref(), Some("Nordwind"));
        assert_eq!(
            reference(record.get("move_origin")),
            Some(("account.invoice", 7))
        );
        assert_eq!(date(&json!(null)), None);
    }
}
