//! The one place a payment's state changes. The state machine of `PaymentState` is checked
//! here, in every build: a move it does not allow, or a bank status older than the one the
//! payment holds, is recorded as refused and not applied.

use chrono::{DateTime, Utc};

use cashline_domain::{PaymentSource, PaymentState, StatusCode};
use cashline_ledger::payment::{self, NewEvent};
use cashline_ledger::time::parse_instant;
use cashline_ledger::{LedgerError, Tx};

use crate::EngineError;

/// What became of a move asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    Applied,
    /// Recorded as an event that was not applied, for this reason.
    Refused(String),
}

/// A move asked of one payment, with the bank's words where the bank asked.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    pub payment_id: i64,
    pub from: PaymentState,
    pub to: PaymentState,
    pub status: Option<StatusCode>,
    pub reason_code: Option<&'a str>,
    pub reason_text: Option<&'a str>,
    /// The bank's time of the status; with `held_status_at`, an older status is refused.
    pub status_at: Option<DateTime<Utc>>,
    /// The bank's time of the status the payment holds now.
    pub held_status_at: Option<&'a str>,
    pub source: PaymentSource,
    pub source_file_id: Option<i64>,
    pub correlation_id: &'a str,
    pub recorded_by: &'a str,
    /// Who approved, on an approval.
    pub approved_by: Option<&'a str>,
}

impl<'a> Move<'a> {
    /// A move Cashline or a person makes, not the bank: no status, no bank time.
    pub fn ours(
        payment_id: i64,
        from: PaymentState,
        to: PaymentState,
        source: PaymentSource,
        correlation_id: &'a str,
        recorded_by: &'a str,
    ) -> Move<'a> {
        Move {
            payment_id,
            from,
            to,
            status: None,
            reason_code: None,
            reason_text: None,
            status_at: None,
            held_status_at: None,
            source,
            source_file_id: None,
            correlation_id,
            recorded_by,
            approved_by: None,
        }
    }

    pub(super) fn event(&self) -> NewEvent<'_> {
        NewEvent {
            payment_id: self.payment_id,
            from: Some(self.from),
            state: self.to,
            status: self.status,
            reason_code: self.reason_code,
            reason_text: self.reason_text,
            status_at: self.status_at,
            source: self.source,
            source_file_id: self.source_file_id,
            correlation_id: self.correlation_id,
            recorded_by: self.recorded_by,
        }
    }
}

/// Why the state machine, or the order of the bank's reports, refuses `step`, if it does.
fn refusal(step: &Move<'_>) -> Result<Option<String>, LedgerError> {
    if !step.from.can_move_to(step.to) {
        return Ok(Some(format!(
            "a payment that is {} cannot become {}",
            step.from, step.to
        )));
    }
    if let (Some(new), Some(held)) = (step.status_at, step.held_status_at) {
        let held = parse_instant(held)?;
        if new < held {
            return Ok(Some(format!(
                "the status is from {}, older than the one the payment holds ({})",
                new.to_rfc3339(),
                held.to_rfc3339()
            )));
        }
    }
    Ok(None)
}

/// Moves one payment, or records why it did not move. The one place a payment's state
/// changes: the machine is checked here in every build, not by each caller.
pub async fn move_payment(
    tx: &mut Tx<'_>,
    step: &Move<'_>,
    now: DateTime<Utc>,
) -> Result<Moved, EngineError> {
    let event = step.event();
    if let Some(why) = refusal(step)? {
        payment::record_event(tx, &event, Some(&why), now).await?;
        return Ok(Moved::Refused(why));
    }
    if !payment::transition(tx, &event, step.approved_by, now).await? {
        return Err(EngineError::InvalidRequest(format!(
            "payment {} changed while being moved to {}; try again",
            step.payment_id, step.to
        )));
    }
    Ok(Moved::Applied)
}

/// Undoes a settlement that a reconciliation match made, when that match is undone or
/// rejected: the one move back the machine knows, allowed only where the payment's last move
/// was that settlement. Returns the state the payment is back in, or `None` where its
/// settlement came from the bank's own booking (or it has moved on since), which an undone
/// match does not touch.
pub async fn unsettle_reconciled(
    tx: &mut Tx<'_>,
    payment_id: i64,
    correlation_id: &str,
    recorded_by: &str,
    now: DateTime<Utc>,
) -> Result<Option<PaymentState>, EngineError> {
    let Some((Some(before), PaymentState::Settled, PaymentSource::Reconciliation)) =
        payment::last_applied(tx, payment_id).await?
    else {
        return Ok(None);
    };
    let mut step = Move::ours(
        payment_id,
        PaymentState::Settled,
        before,
        PaymentSource::Reconciliation,
        correlation_id,
        recorded_by,
    );
    step.reason_text = Some("the reconciliation match that settled it was undone");
    if !payment::transition(tx, &step.event(), None, now).await? {
        return Ok(None);
    }
    Ok(Some(before))
}
