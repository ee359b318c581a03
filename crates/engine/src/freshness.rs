//! Freshness checks: an account whose position is older than its cadence gets a
//! `stale_balance` exception, and a daily account whose statement has not arrived by its due
//! time a `data_not_received` one for that day. Exceptions close themselves when data arrives.
//!
//! Reads never write: a positions read computes staleness on the fly, and the exception rows
//! follow from the writers and the scheduler, each a short write transaction taken only when
//! something is to change. An import, once committed, resolves what its data answers
//! (`Sweep::ResolveOnly`): it never opens one, since a file of a batch still being imported is
//! no sign that an account is late. The scheduler of a long-running front (`sweep_now` on a
//! timer) opens and resolves (`Sweep::Full`), as time makes accounts late.

use chrono::{DateTime, Utc};

use cashline_domain::Currency;
use cashline_domain::ExceptionKind;
use cashline_ledger::{exception, Ledger};

use crate::position::{self, AccountPosition, PositionQuery, PositionReport};
use crate::EngineError;

const STALE_BALANCE: ExceptionKind = ExceptionKind::StaleBalance;
const DATA_NOT_RECEIVED: ExceptionKind = ExceptionKind::DataNotReceived;

/// What a sweep may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sweep {
    /// Open and resolve: the scheduler's sweep.
    Full,
    /// Only resolve what no longer holds: the sweep after an import.
    ResolveOnly,
}

/// Takes every account's position now and brings its freshness exceptions up to date.
/// Returns how many exceptions were opened.
pub async fn sweep_now(
    ledger: &Ledger,
    now: DateTime<Utc>,
    mode: Sweep,
) -> Result<u64, EngineError> {
    let query = PositionQuery {
        at: now,
        entity: None,
        // Freshness does not depend on the reporting currency; any will do.
        reporting_currency: Currency::EUR,
    };
    let report = position::positions(ledger, &query).await?;
    sweep(ledger, &report, now, mode).await
}

/// Whether the open exceptions disagree with `position`'s freshness.
fn needs_change(position: &AccountPosition, open: &[exception::OpenAbout], mode: Sweep) -> bool {
    let mine = |kind: ExceptionKind| {
        open.iter()
            .filter(move |o| o.account_id == position.account_id && o.kind == kind)
    };
    if !position.freshness.stale {
        return mine(STALE_BALANCE).next().is_some() || mine(DATA_NOT_RECEIVED).next().is_some();
    }
    if mode == Sweep::ResolveOnly {
        return false;
    }
    let missing_stale = mine(STALE_BALANCE).next().is_none();
    let missing_not_received = position.freshness.expected_date.is_some_and(|expected| {
        let expected = cashline_ledger::time::date_text(expected);
        !mine(DATA_NOT_RECEIVED).any(|o| o.about_date.as_deref() == Some(expected.as_str()))
    });
    missing_stale || missing_not_received
}

/// Opens and resolves freshness exceptions for the positions of `report`, taken now.
/// Returns how many exceptions were opened.
pub async fn sweep(
    ledger: &Ledger,
    report: &PositionReport,
    now: DateTime<Utc>,
    mode: Sweep,
) -> Result<u64, EngineError> {
    let open =
        exception::open_about_accounts(ledger.pool(), &[STALE_BALANCE, DATA_NOT_RECEIVED]).await?;
    if !report.accounts.iter().any(|p| needs_change(p, &open, mode)) {
        // Nothing to change: no write transaction, so no writer waits for this one.
        return Ok(0);
    }
    let mut tx = ledger.begin().await?;
    let mut opened = 0;
    for position in &report.accounts {
        let account = position.account.masked();
        if !position.freshness.stale {
            exception::resolve_open(&mut tx, position.account_id, STALE_BALANCE, now).await?;
            exception::resolve_open(&mut tx, position.account_id, DATA_NOT_RECEIVED, now).await?;
            continue;
        }
        if mode == Sweep::ResolveOnly {
            continue;
        }
        let reason = position.freshness.reason.clone().unwrap_or_default();
        // Looked up again inside the transaction: another process may have swept meanwhile.
        if exception::find_open(&mut tx, position.account_id, STALE_BALANCE, None)
            .await?
            .is_none()
        {
            let subject = format!("account {account} ({})", position.booked.currency());
            exception::open(
                &mut tx,
                &exception::NewException {
                    kind: Some(STALE_BALANCE),
                    subject: &subject,
                    detail: Some(&reason),
                    account_id: Some(position.account_id),
                    statement_id: None,
                    about_date: None,
                    ..Default::default()
                },
                now,
            )
            .await?;
            opened += 1;
        }
        if let Some(expected) = position.freshness.expected_date {
            if exception::find_open(
                &mut tx,
                position.account_id,
                DATA_NOT_RECEIVED,
                Some(expected),
            )
            .await?
            .is_none()
            {
                let subject = format!("statement of {expected} for account {account}");
                exception::open(
                    &mut tx,
                    &exception::NewException {
                        kind: Some(DATA_NOT_RECEIVED),
                        subject: &subject,
                        detail: Some(&reason),
                        account_id: Some(position.account_id),
                        statement_id: None,
                        about_date: Some(expected),
                        ..Default::default()
                    },
                    now,
                )
                .await?;
                opened += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(opened)
}
