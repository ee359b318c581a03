//! Business-day calendars per currency: when payments settle and statements are expected.
//! Every currency closes on weekends; EUR also closes on the TARGET2 holidays. Other
//! currencies' public holidays are not modelled yet, so their calendars are weekends only.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BusinessCalendar {
    target2: bool,
}

impl BusinessCalendar {
    pub fn for_currency(currency: Currency) -> BusinessCalendar {
        BusinessCalendar {
            target2: currency == Currency::EUR,
        }
    }

    /// Weekends only.
    pub fn weekdays() -> BusinessCalendar {
        BusinessCalendar { target2: false }
    }

    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        if matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            return false;
        }
        !(self.target2 && is_target2_holiday(date))
    }

    /// Why `date` is closed (`Saturday`, `Sunday` or a holiday's name), or `None` when open.
    pub fn closed_because(&self, date: NaiveDate) -> Option<&'static str> {
        match date.weekday() {
            Weekday::Sat => Some("Saturday"),
            Weekday::Sun => Some("Sunday"),
            _ if self.target2 => target2_holiday_name(date),
            _ => None,
        }
    }

    /// The first business day on or after `date`.
    pub fn on_or_after(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date;
        while !self.is_business_day(day) {
            day += Duration::days(1);
        }
        day
    }

    /// The business day before `date`.
    pub fn previous(&self, date: NaiveDate) -> NaiveDate {
        let mut day = date - Duration::days(1);
        while !self.is_business_day(day) {
            day -= Duration::days(1);
        }
        day
    }

    /// The business day after `date`.
    pub fn next(&self, date: NaiveDate) -> NaiveDate {
        self.on_or_after(date + Duration::days(1))
    }

    /// The next `count` business days after `date`, in order.
    pub fn next_days(&self, date: NaiveDate, count: usize) -> Vec<NaiveDate> {
        let mut days = Vec::with_capacity(count);
        let mut day = date;
        while days.len() < count {
            day = self.next(day);
            days.push(day);
        }
        days
    }

    /// Business days strictly between two dates.
    pub fn between(&self, after: NaiveDate, before: NaiveDate) -> Vec<NaiveDate> {
        let mut days = Vec::new();
        let mut day = after + Duration::days(1);
        while day < before {
            if self.is_business_day(day) {
                days.push(day);
            }
            day += Duration::days(1);
        }
        days
    }
}

/// Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher).
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// TARGET2 closing days: New Year's Day, Good Friday, Easter Monday, Labour Day, Christmas Day
/// and 26 December.
pub fn is_target2_holiday(date: NaiveDate) -> bool {
    target2_holiday_name(date).is_some()
}

/// The name of the TARGET2 holiday on `date`, if it is one.
pub fn target2_holiday_name(date: NaiveDate) -> Option<&'static str> {
    let easter = easter_sunday(date.year());
    match (date.month(), date.day()) {
        (1, 1) => Some("New Year's Day"),
        (5, 1) => Some("Labour Day"),
        (12, 25) => Some("Christmas Day"),
        (12, 26) => Some("Christmas Holiday"),
        _ if date == easter - Duration::days(2) => Some("Good Friday"),
        _ if date == easter + Duration::days(1) => Some("Easter Monday"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn easter_dates_are_right() {
        assert_eq!(easter_sunday(2024), day("2024-03-31"));
        assert_eq!(easter_sunday(2025), day("2025-04-20"));
        assert_eq!(easter_sunday(2026), day("2026-04-05"));
        assert_eq!(easter_sunday(2027), day("2027-03-28"));
    }

    #[test]
    fn target2_closes_on_its_holidays_only_for_eur() {
        let eur = BusinessCalendar::for_currency(Currency::EUR);
        let usd = BusinessCalendar::for_currency(Currency::USD);
        for holiday in [
            "2026-01-01",
            "2026-04-03",
            "2026-04-06",
            "2026-05-01",
            "2026-12-25",
        ] {
            assert!(!eur.is_business_day(day(holiday)), "{holiday}");
        }
        assert!(usd.is_business_day(day("2026-05-01")));
        assert!(!eur.is_business_day(day("2026-11-28")), "a Saturday");
        // Christmas 2026 is a Friday and the 26th a Saturday: the next EUR day is Monday 28th.
        assert_eq!(eur.next(day("2026-12-24")), day("2026-12-28"));
        assert_eq!(eur.previous(day("2026-04-07")), day("2026-04-02"));
    }

    #[test]
    fn next_days_skips_closed_days() {
        let eur = BusinessCalendar::for_currency(Currency::EUR);
        let days = eur.next_days(day("2026-12-23"), 3);
        assert_eq!(
            days,
            vec![day("2026-12-24"), day("2026-12-28"), day("2026-12-29")]
        );
    }
}
