//! Cut-offs: the time of day, in the bank's own time zone, after which it executes a payment
//! on the next business day rather than today. A payment approved too late for its requested
//! date opens `cutoff_missed` with the earliest date it can still be executed.

use chrono::{DateTime, NaiveDate, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;

use cashline_domain::{Bic, BusinessCalendar, Currency, ExceptionKind};
use cashline_ledger::cutoff::{self, NewCutoff};
use cashline_ledger::exception::{self, NewException};
use cashline_ledger::payment::PaymentRow;
use cashline_ledger::{audit, Ledger, Tx};

use crate::EngineError;

/// The earliest date a payment approved at `now` can be executed, if that is later than
/// `requested`: the cut-off of `requested` has passed.
pub fn missed(
    requested: NaiveDate,
    now: DateTime<Utc>,
    at: NaiveTime,
    zone: Tz,
    calendar: &BusinessCalendar,
) -> Option<NaiveDate> {
    let local = now.with_timezone(&zone);
    let today = local.date_naive();
    let earliest = if local.time() <= at {
        calendar.on_or_after(today)
    } else {
        calendar.next(today)
    };
    (earliest > requested).then_some(earliest)
}

fn parse_time(text: &str) -> Result<NaiveTime, EngineError> {
    NaiveTime::parse_from_str(text.trim(), "%H:%M").map_err(|_| {
        EngineError::InvalidRequest(format!(
            "cut-off '{}' is not a time of day as HH:MM",
            cashline_domain::shown(text)
        ))
    })
}

fn parse_zone(text: &str) -> Result<Tz, EngineError> {
    text.trim().parse::<Tz>().map_err(|_| {
        EngineError::InvalidRequest(format!(
            "'{}' is not an IANA time zone (such as Europe/Berlin)",
            cashline_domain::shown(text)
        ))
    })
}

/// The bank part of a BIC: its first eight characters, so a branch's BIC finds its bank's
/// cut-off.
fn bank_of(bic: &str) -> Result<String, EngineError> {
    let bic = Bic::parse(bic).map_err(|e| EngineError::InvalidRequest(e.to_string()))?;
    Ok(bic.as_str().chars().take(8).collect())
}

/// Sets the cut-off of a bank for a currency.
pub async fn set(
    ledger: &Ledger,
    bic: &str,
    currency: Currency,
    time: &str,
    zone: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let bank = bank_of(bic)?;
    let at = parse_time(time)?;
    let zone = parse_zone(zone)?;
    let at_text = at.format("%H:%M").to_string();
    let mut tx = ledger.begin().await?;
    cutoff::set(
        &mut tx,
        &NewCutoff {
            bank_bic: &bank,
            currency: currency.code(),
            cutoff_time: &at_text,
            time_zone: zone.name(),
            set_by: user,
        },
        now,
    )
    .await?;
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.cutoff",
        subject: &format!("{bank} {}", currency.code()),
        detail: serde_json::json!({ "time": at_text, "time_zone": zone.name() }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}

/// After an approval: opens `cutoff_missed` if the payment's bank has a cut-off for its
/// currency and it has passed for the requested date; returns the earliest execution date.
pub(super) async fn check(
    tx: &mut Tx<'_>,
    payment: &PaymentRow,
    now: DateTime<Utc>,
) -> Result<Option<NaiveDate>, EngineError> {
    let Some(bic) = cutoff::bic_of_account(tx, &payment.debtor_iban).await? else {
        return Ok(None);
    };
    let Ok(bank) = bank_of(&bic) else {
        return Ok(None);
    };
    let Some(row) = cutoff::find(tx, &bank, &payment.currency).await? else {
        return Ok(None);
    };
    let currency = Currency::from_code(&payment.currency)?;
    let requested = cashline_ledger::time::parse_date(&payment.requested_date)?;
    let at = parse_time(&row.cutoff_time)?;
    let zone = parse_zone(&row.time_zone)?;
    let calendar = BusinessCalendar::for_currency(currency);
    let Some(earliest) = missed(requested, now, at, zone, &calendar) else {
        return Ok(None);
    };
    let local = zone.from_utc_datetime(&now.naive_utc());
    let subject = format!(
        "payment {} approved after the {} {} cut-off of {bank} for {} on {requested}",
        payment.external_id, row.cutoff_time, row.time_zone, payment.currency
    );
    let detail = format!(
        "approved at {} local time; the earliest execution date is {earliest}",
        local.format("%Y-%m-%d %H:%M")
    );
    exception::open(
        tx,
        &NewException {
            kind: Some(ExceptionKind::CutoffMissed),
            subject: &subject,
            detail: Some(&detail),
            payment_id: Some(payment.id),
            amount_minor: Some(payment.amount_minor),
            currency: Some(&payment.currency),
            about_date: Some(requested),
            ..NewException::default()
        },
        now,
    )
    .await?;
    Ok(Some(earliest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    fn day(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn the_cutoff_is_in_the_banks_own_time() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let calendar = BusinessCalendar::for_currency(Currency::EUR);
        let two = NaiveTime::from_hms_opt(14, 0, 0).unwrap();
        // 12:30 UTC is 13:30 in Berlin in winter: in time.
        assert_eq!(
            missed(
                day("2026-12-04"),
                utc("2026-12-04T12:30:00Z"),
                two,
                berlin,
                &calendar
            ),
            None
        );
        // 13:30 UTC is 14:30 in Berlin: Friday's cut-off is gone, Monday is next.
        assert_eq!(
            missed(
                day("2026-12-04"),
                utc("2026-12-04T13:30:00Z"),
                two,
                berlin,
                &calendar
            ),
            Some(day("2026-12-07"))
        );
        // In summer Berlin is two hours ahead: 12:30 UTC is already 14:30.
        assert_eq!(
            missed(
                day("2026-07-03"),
                utc("2026-07-03T12:30:00Z"),
                two,
                berlin,
                &calendar
            ),
            Some(day("2026-07-06"))
        );
        // A payment for next week is not late today.
        assert_eq!(
            missed(
                day("2026-12-10"),
                utc("2026-12-04T20:00:00Z"),
                two,
                berlin,
                &calendar
            ),
            None
        );
        // Christmas: the next TARGET2 day after the 24th's cut-off is the 28th.
        assert_eq!(
            missed(
                day("2026-12-24"),
                utc("2026-12-24T15:00:00Z"),
                two,
                berlin,
                &calendar
            ),
            Some(day("2026-12-28"))
        );
    }

    #[test]
    fn absurd_settings_are_refused_with_the_reason() {
        assert!(parse_time("25:00").is_err());
        assert!(parse_time("2pm").is_err());
        assert!(parse_zone("Mars/Olympus").is_err());
        assert!(bank_of("NOTABIC").is_err());
        assert_eq!(bank_of("COBADEFFXXX").unwrap(), "COBADEFF");
    }
}
