//! Settlement by reconciliation: where the bank booked a payment without naming it (no
//! end-to-end id the booking could follow), the controller's match of the entry to the
//! payment is what says it was paid. A match settles its payments when it becomes final (an
//! automatic or confirmed match on a booked entry), and an undone or rejected match takes back
//! the settlement it made, and only that one.

use chrono::{DateTime, Utc};

use cashline_domain::{PaymentSource, PaymentState};
use cashline_ledger::payment;
use cashline_ledger::recon::SettleRow;
use cashline_ledger::Tx;

use super::moves::unsettle_reconciled;
use super::{correlation_id, move_payment, Move, Moved};
use crate::EngineError;

fn payments_of(settles: &[SettleRow]) -> impl Iterator<Item = i64> + '_ {
    settles.iter().filter_map(|s| s.payment_id)
}

/// Settles the payments of match `match_id`; returns how many moved. A payment already
/// settled (by the booking itself) or ended stays as it is; one the machine does not let
/// settle (approved here but never sent from Cashline) is recorded as refused, for the AP
/// lead to see that the bank paid what Cashline did not send.
pub async fn settle(
    tx: &mut Tx<'_>,
    match_id: i64,
    settles: &[SettleRow],
    user: &str,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    // Most matches settle items only: nothing to do, nothing to allocate.
    if payments_of(settles).next().is_none() {
        return Ok(0);
    }
    let correlation = correlation_id(now, &format!("recon match {match_id}"));
    let reason = format!("reconciled by match {match_id}");
    let mut moved = 0;
    for payment_id in payments_of(settles) {
        let Some(state) = payment::state_in(tx, payment_id).await? else {
            continue;
        };
        if state == PaymentState::Settled || state.is_final() {
            continue;
        }
        let mut step = Move::ours(
            payment_id,
            state,
            PaymentState::Settled,
            PaymentSource::Reconciliation,
            &correlation,
            user,
        );
        step.reason_text = Some(&reason);
        if move_payment(tx, &step, now).await? == Moved::Applied {
            moved += 1;
        }
    }
    Ok(moved)
}

/// Takes back what [`settle`] did for match `match_id`, now undone or rejected.
pub async fn unsettle(
    tx: &mut Tx<'_>,
    match_id: i64,
    settles: &[SettleRow],
    user: &str,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    if payments_of(settles).next().is_none() {
        return Ok(0);
    }
    let correlation = correlation_id(now, &format!("recon match {match_id}"));
    let mut moved = 0;
    for payment_id in payments_of(settles) {
        if unsettle_reconciled(tx, payment_id, &correlation, user, now)
            .await?
            .is_some()
        {
            moved += 1;
        }
    }
    Ok(moved)
}
