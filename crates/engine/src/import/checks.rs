//! Data-quality checks on an imported statement: do its balances add up, and does it follow
//! the account's previous statement without gaps.

use chrono::{Datelike, NaiveDate};

use cashline_bankfile::ParsedStatement;
use cashline_domain::{BalanceType, EntryStatus, ExceptionKind, Money, StatementKind};
use cashline_ledger::{exception, statement, Tx};

use crate::EngineError;

/// Flags what an end-of-day statement says about the ones before it: a jump in the sequence
/// numbers, or business days with no statement at all.
pub(super) async fn continuity_check(
    tx: &mut Tx<'_>,
    now: chrono::DateTime<chrono::Utc>,
    parsed: &ParsedStatement,
    account_id: i64,
    statement_id: i64,
) -> Result<Vec<String>, EngineError> {
    if parsed.kind != StatementKind::EndOfDay {
        return Ok(Vec::new());
    }
    let Some(closing) = parsed
        .balances
        .iter()
        .find(|b| b.balance_type == BalanceType::ClosingBooked)
    else {
        return Ok(Vec::new());
    };
    // The first page of a multi-page statement has no previous page to compare with.
    if parsed.page_number.is_some_and(|page| page > 1) {
        return Ok(Vec::new());
    }
    let Some(previous) = statement::previous_end_of_day(tx, account_id, closing.date).await? else {
        return Ok(Vec::new());
    };
    let previous_date = cashline_ledger::time::parse_date(&previous.closing_date)?;
    let mut problems = Vec::new();
    let account = parsed.account.key.masked();
    let sequences = (
        previous
            .sequence_number
            .as_deref()
            .and_then(|s| s.trim_start_matches('0').parse::<u64>().ok()),
        parsed
            .sequence_number
            .as_deref()
            .and_then(|s| s.trim_start_matches('0').parse::<u64>().ok()),
    );
    // Banks restart numbering each year, so only a forward jump within a year is a gap.
    if let (Some(before), Some(now)) = sequences {
        if now > before + 1 && previous_date.year() == closing.date.year() {
            problems.push((
                ExceptionKind::SequenceGap,
                format!(
                    "statements {} to {} of account {account} are missing (sequence jumps from {before} to {now})",
                    before + 1,
                    now - 1
                ),
            ));
        }
    }
    let missing: Vec<NaiveDate> = business_days_between(previous_date, closing.date);
    if !missing.is_empty() && missing.len() <= MISSING_DAYS_REPORTED_MAX {
        let days: Vec<String> = missing.iter().map(|d| d.to_string()).collect();
        problems.push((
            ExceptionKind::MissingDays,
            format!(
                "no end-of-day statement for account {account} on {}",
                days.join(", ")
            ),
        ));
    } else if !missing.is_empty() {
        problems.push((
            ExceptionKind::MissingDays,
            format!(
                "no end-of-day statement for account {account} on {} business days from {} to {}",
                missing.len(),
                missing[0],
                missing[missing.len() - 1]
            ),
        ));
    }
    let mut opened = Vec::new();
    for (kind, detail) in problems {
        let subject = format!(
            "account {account} before statement {}",
            parsed.statement_ref
        );
        exception::open(
            tx,
            &exception::NewException {
                kind: Some(kind),
                subject: &subject,
                detail: Some(&detail),
                account_id: Some(account_id),
                statement_id: Some(statement_id),
                ..Default::default()
            },
            now,
        )
        .await?;
        opened.push(format!("{kind}: {detail}"));
    }
    Ok(opened)
}

/// Longest list of missing days spelled out one by one in an exception.
const MISSING_DAYS_REPORTED_MAX: usize = 10;

/// Weekdays strictly between two dates. Bank holidays come with the calendars of the
/// positions work; until then a holiday shows as a missing day, which a person dismisses.
fn business_days_between(after: NaiveDate, before: NaiveDate) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut day = after + chrono::Duration::days(1);
    while day < before {
        if !matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            days.push(day);
        }
        day += chrono::Duration::days(1);
    }
    days
}

/// Opening booked + booked entries must equal closing booked on an end-of-day statement that
/// carries both balances. Returns the discrepancy in words, or `None` when it adds up.
pub fn balance_check(parsed: &ParsedStatement) -> Result<Option<String>, EngineError> {
    let mut booked = Money::zero(parsed.account.currency);
    for parsed_entry in parsed
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::Booked)
    {
        booked = booked.checked_add(&parsed_entry.amount)?;
    }
    balance_check_with_sum(parsed, booked)
}

/// [`balance_check`] for a statement whose entries were streamed: `booked` is the sum of its
/// booked entries.
pub fn balance_check_with_sum(
    parsed: &ParsedStatement,
    booked: Money,
) -> Result<Option<String>, EngineError> {
    if parsed.kind != StatementKind::EndOfDay {
        return Ok(None);
    }
    let find = |wanted: BalanceType| parsed.balances.iter().find(|b| b.balance_type == wanted);
    let (Some(opening), Some(closing)) = (
        find(BalanceType::OpeningBooked),
        find(BalanceType::ClosingBooked),
    ) else {
        return Ok(None);
    };
    let computed = opening.amount.checked_add(&booked)?;
    if computed == closing.amount {
        return Ok(None);
    }
    let difference: Money = closing.amount.checked_sub(&computed)?;
    Ok(Some(format!(
        "opening {} plus booked entries gives {}, but the bank's closing balance is {} (difference {})",
        opening.amount, computed, closing.amount, difference
    )))
}
