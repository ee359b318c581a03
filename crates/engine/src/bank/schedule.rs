//! When unattended syncs run: the consent's daily reads spread over the business day, so the
//! budget lasts the day and each pull brings something new. Weekends have none.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};

/// The business day's first and last pull, UTC: the European banking day.
const FIRST_HOUR: u32 = 6;
const LAST_HOUR: u32 = 18;

/// The times of a day's unattended pulls, `reads` of them (at most one an hour).
pub fn slots(day: NaiveDate, reads: u32) -> Vec<DateTime<Utc>> {
    if matches!(day.weekday(), Weekday::Sat | Weekday::Sun) || reads == 0 {
        return Vec::new();
    }
    let start = day
        .and_hms_opt(FIRST_HOUR, 0, 0)
        .expect("a valid hour")
        .and_utc();
    let span_minutes = i64::from((LAST_HOUR - FIRST_HOUR) * 60);
    let reads = reads.min(LAST_HOUR - FIRST_HOUR + 1);
    if reads == 1 {
        return vec![start + Duration::minutes(span_minutes / 2)];
    }
    (0..reads)
        .map(|i| start + Duration::minutes(span_minutes * i64::from(i) / i64::from(reads - 1)))
        .collect()
}

/// Whether a pull is due at `now`: a slot of today has passed since the last unattended one.
pub fn is_due(now: DateTime<Utc>, reads: u32, last_unattended: Option<DateTime<Utc>>) -> bool {
    slots(now.date_naive(), reads)
        .into_iter()
        .any(|slot| slot <= now && last_unattended.is_none_or(|last| last < slot))
}

/// The next slot after `now`.
pub fn next_after(now: DateTime<Utc>, reads: u32) -> Option<DateTime<Utc>> {
    (0..8).find_map(|ahead| {
        slots(now.date_naive() + Duration::days(ahead), reads)
            .into_iter()
            .find(|slot| *slot > now)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn four_reads_spread_over_the_business_day_and_none_at_the_weekend() {
        let thursday = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let hours: Vec<u32> = slots(thursday, 4)
            .iter()
            .map(|s| s.format("%H%M").to_string().parse().unwrap())
            .collect();
        assert_eq!(hours, vec![600, 1000, 1400, 1800]);
        assert_eq!(slots(thursday, 1)[0].format("%H:%M").to_string(), "12:00");
        assert!(slots(NaiveDate::from_ymd_opt(2026, 12, 5).unwrap(), 4).is_empty());
    }

    #[test]
    fn a_pull_is_due_once_per_slot() {
        let at = |h, m| Utc.with_ymd_and_hms(2026, 12, 3, h, m, 0).unwrap();
        assert!(!is_due(at(5, 59), 4, None));
        assert!(is_due(at(6, 1), 4, None));
        assert!(!is_due(at(9, 0), 4, Some(at(6, 1))));
        assert!(is_due(at(10, 0), 4, Some(at(6, 1))));
        assert_eq!(
            next_after(at(18, 30), 4),
            Some(Utc.with_ymd_and_hms(2026, 12, 4, 6, 0, 0).unwrap())
        );
        // Friday evening: Monday morning.
        let friday = Utc.with_ymd_and_hms(2026, 12, 4, 19, 0, 0).unwrap();
        assert_eq!(
            next_after(friday, 4),
            Some(Utc.with_ymd_and_hms(2026, 12, 7, 6, 0, 0).unwrap())
        );
    }
}
