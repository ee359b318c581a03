//! Freshness checks: an account whose position is older than its cadence gets a
//! `stale_balance` exception, and a daily account whose statement has not arrived by its due
//! time a `data_not_received` one for that day. Exceptions close themselves when data arrives.

use chrono::{DateTime, Utc};

use cashline_ledger::{exception, Ledger, LedgerError};

use crate::position::PositionReport;
use crate::EngineError;

/// Opens and resolves freshness exceptions for the positions of `report`, taken now.
/// Returns how many exceptions were opened.
pub async fn sweep(
    ledger: &Ledger,
    report: &PositionReport,
    now: DateTime<Utc>,
) -> Result<u64, EngineError> {
    let mut tx = ledger.begin().await?;
    let mut opened = 0;
    for position in &report.accounts {
        let account = position.account.masked();
        if !position.freshness.stale {
            exception::resolve_open(&mut tx, position.account_id, "stale_balance", now).await?;
            exception::resolve_open(&mut tx, position.account_id, "data_not_received", now).await?;
            continue;
        }
        let reason = position.freshness.reason.clone().unwrap_or_default();
        if exception::find_open(&mut tx, position.account_id, "stale_balance", None)
            .await?
            .is_none()
        {
            let subject = format!("account {account} ({})", position.booked.currency());
            exception::open(
                &mut tx,
                &exception::NewException {
                    kind: "stale_balance",
                    subject: &subject,
                    detail: Some(&reason),
                    account_id: Some(position.account_id),
                    statement_id: None,
                    about_date: None,
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
                "data_not_received",
                Some(expected),
            )
            .await?
            .is_none()
            {
                let subject = format!("statement of {expected} for account {account}");
                exception::open(
                    &mut tx,
                    &exception::NewException {
                        kind: "data_not_received",
                        subject: &subject,
                        detail: Some(&reason),
                        account_id: Some(position.account_id),
                        statement_id: None,
                        about_date: Some(expected),
                    },
                    now,
                )
                .await?;
                opened += 1;
            }
        }
    }
    tx.commit().await.map_err(LedgerError::from)?;
    Ok(opened)
}
