//! What the bank booked says about payments: a debit on the payment's own account with its
//! end-to-end id (a camt.054 debit notification, an end-of-day statement's entry, or one
//! transaction of a batch booked as one total) settles it; a credit naming a settled payment,
//! with a return reason, returns it.

use chrono::{DateTime, Utc};

use cashline_domain::{PaymentSource, PaymentState};
use cashline_ledger::payment::{self, Booking};
use cashline_ledger::statement::StatementOrigin;
use cashline_ledger::Tx;

use super::{correlation_id, move_payment, Move, Moved};
use crate::EngineError;

/// What one file's bookings did to payments.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Booked {
    pub settled: u64,
    pub returned: u64,
}

fn is_return(booking: &Booking) -> bool {
    booking.return_reason.is_some()
        || booking
            .bank_transaction_code
            .as_deref()
            .is_some_and(|code| code.contains("RRTN"))
}

/// Moves the payments the bookings of one file's (or API page's) statements settle or return,
/// inside the import's transaction: the statements and what they say about payments are
/// written together or not at all. `subject` names the file or page in the correlation id.
pub async fn from_statements(
    tx: &mut Tx<'_>,
    origin: StatementOrigin,
    subject: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Booked, EngineError> {
    let bookings = payment::bookings_of(tx, origin).await?;
    let correlation = correlation_id(now, subject);
    let source_file_id = match origin {
        StatementOrigin::File(id) => Some(id),
        StatementOrigin::Page(_) => None,
    };
    let mut done = Booked::default();
    let mut seen: Vec<i64> = Vec::new();
    for booking in &bookings {
        if seen.contains(&booking.payment_id) {
            continue;
        }
        let debit = booking.booked_minor == -booking.payment_minor;
        let credit = booking.booked_minor == booking.payment_minor;
        let to = match booking.state {
            PaymentState::Settled if credit && is_return(booking) => PaymentState::Returned,
            // Booked again (a debit notification, then the day's statement): nothing new.
            PaymentState::Settled | PaymentState::Returned => continue,
            _ if debit => PaymentState::Settled,
            // An amount that differs is the reconciliation's to explain, not a settlement.
            _ => continue,
        };
        seen.push(booking.payment_id);
        let source = if source_file_id.is_none() {
            PaymentSource::Psd2
        } else if booking.statement_kind == "notification" {
            PaymentSource::Camt054
        } else {
            PaymentSource::Statement
        };
        let words = format!(
            "booked on {}{}",
            booking.booking_date.as_deref().unwrap_or("an unstated day"),
            booking
                .bank_ref
                .as_deref()
                .map(|r| format!(" as {r}"))
                .unwrap_or_default()
        );
        let step = Move {
            reason_code: booking.return_reason.as_deref(),
            reason_text: Some(&words),
            source_file_id,
            held_status_at: None,
            ..Move::ours(
                booking.payment_id,
                booking.state,
                to,
                source,
                &correlation,
                user,
            )
        };
        if move_payment(tx, &step, now).await? == Moved::Applied {
            match to {
                PaymentState::Returned => done.returned += 1,
                _ => done.settled += 1,
            }
        }
    }
    Ok(done)
}
