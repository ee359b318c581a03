//! Four eyes: a payment is approved by someone other than who prepared it, and above its
//! currency's limit by two different people; a possible duplicate waits for a decision first.

use chrono::{DateTime, NaiveDate, Utc};

use cashline_domain::{
    Currency, ExceptionKind, ExceptionState, Money, PaymentSource, PaymentState,
};
use cashline_ledger::payment::{NewEvent, PaymentRow};
use cashline_ledger::{audit, exception, payment, Ledger};

use super::{correlation_id, cutoff, move_payment, refuse, Move, Moved};
use crate::EngineError;

/// What an approval request did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Approved {
    /// Payments now approved.
    pub approved: Vec<String>,
    /// Payments that have this approval and wait for a second approver.
    pub awaiting_second: Vec<String>,
    /// Approved too late for their requested date: each with the earliest execution date.
    pub missed_cutoff: Vec<(String, NaiveDate)>,
}

fn amount_text(minor: i64, currency: &str) -> String {
    Currency::from_code(currency).map_or_else(
        |_| format!("{minor} {currency}"),
        |c| format!("{} {currency}", Money::from_minor(minor, c).amount_text()),
    )
}

/// Approves payments by id. The approver must not be the person who prepared them, each must
/// be validated and free of an undecided duplicate; one refused payment refuses the whole
/// request, and the refusal is on the payment's timeline. Above the currency's limit the
/// first approval is recorded and a second person's moves the payment.
pub async fn approve(
    ledger: &Ledger,
    external_ids: &[String],
    user: &str,
    now: DateTime<Utc>,
) -> Result<Approved, EngineError> {
    let correlation = correlation_id(now, "approve");
    let mut tx = ledger.begin().await?;
    let mut rows: Vec<PaymentRow> = Vec::with_capacity(external_ids.len());
    for external_id in external_ids {
        rows.push(payment::find(&mut tx, external_id).await?.ok_or_else(|| {
            EngineError::InvalidRequest(format!("there is no payment '{external_id}'"))
        })?);
    }
    let step = |row: &PaymentRow| Move {
        approved_by: Some(user),
        ..Move::ours(
            row.id,
            row.state,
            PaymentState::Approved,
            PaymentSource::User,
            &correlation,
            user,
        )
    };
    let mut refused = Vec::new();
    for row in &rows {
        let duplicates =
            exception::open_about_payment(&mut tx, row.id, ExceptionKind::PaymentDuplicate).await?;
        let approvers = payment::approvers(&mut tx, row.id).await?;
        let why = if row.prepared_by == user {
            Some(format!(
                "payment '{}' was prepared by {user}; another person must approve it",
                row.external_id
            ))
        } else if row.state == PaymentState::Imported {
            Some(format!(
                "payment '{}' has validation issues to put right before it can be approved",
                row.external_id
            ))
        } else if !row.state.can_move_to(PaymentState::Approved) {
            Some(format!(
                "payment '{}' is {} and cannot be approved",
                row.external_id, row.state
            ))
        } else if let Some((_, subject)) = duplicates.first() {
            Some(format!(
                "payment '{}' waits for a decision on a possible duplicate ({subject}): release it or cancel it first",
                row.external_id
            ))
        } else if approvers.iter().any(|a| a == user) {
            Some(format!(
                "payment '{}' has {user}'s approval already; a second, different approver is needed",
                row.external_id
            ))
        } else {
            None
        };
        if let Some(why) = why {
            refused.push((step(row), why));
        }
    }
    if !refused.is_empty() {
        drop(tx);
        return Err(refuse(ledger, &refused, now).await?);
    }
    let mut outcome = Approved::default();
    for row in &rows {
        let limit = payment::limit_of(&mut tx, &row.currency).await?;
        let approvers = payment::add_approval(&mut tx, row.id, user, now).await?;
        let needed = if limit.is_some_and(|l| row.amount_minor > l) {
            2
        } else {
            1
        };
        if approvers.len() < needed {
            let note = format!(
                "approved by {user}; above {} a second approver is needed",
                amount_text(limit.unwrap_or_default(), &row.currency)
            );
            // One approval of two: on the timeline, though the payment does not move yet.
            let event = NewEvent {
                payment_id: row.id,
                from: Some(row.state),
                state: row.state,
                status: None,
                reason_code: None,
                reason_text: Some(&note),
                status_at: None,
                source: PaymentSource::User,
                source_file_id: None,
                correlation_id: &correlation,
                recorded_by: user,
            };
            payment::record_event(&mut tx, &event, None, now).await?;
            outcome.awaiting_second.push(row.external_id.clone());
            continue;
        }
        let approved_by = approvers.join(" and ");
        let step = Move {
            approved_by: Some(&approved_by),
            ..step(row)
        };
        if let Moved::Refused(why) = move_payment(&mut tx, &step, now).await? {
            drop(tx);
            return Err(refuse(ledger, &[(step, why)], now).await?);
        }
        if let Some(earliest) = cutoff::check(&mut tx, row, now).await? {
            outcome
                .missed_cutoff
                .push((row.external_id.clone(), earliest));
        }
        outcome.approved.push(row.external_id.clone());
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.approve",
        subject: &external_ids.join(","),
        detail: serde_json::json!({
            "approved": outcome.approved,
            "awaiting_second": outcome.awaiting_second,
            "missed_cutoff": outcome.missed_cutoff.iter().map(|(id, _)| id).collect::<Vec<_>>(),
        }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Releases a payment held as a possible duplicate: someone looked and it is not one.
pub async fn release(
    ledger: &Ledger,
    external_id: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let mut tx = ledger.begin().await?;
    let row = payment::find(&mut tx, external_id).await?.ok_or_else(|| {
        EngineError::InvalidRequest(format!("there is no payment '{external_id}'"))
    })?;
    let open =
        exception::open_about_payment(&mut tx, row.id, ExceptionKind::PaymentDuplicate).await?;
    if open.is_empty() {
        return Err(EngineError::InvalidRequest(format!(
            "payment '{external_id}' is not held as a possible duplicate"
        )));
    }
    if row.prepared_by == user {
        return Err(EngineError::InvalidRequest(format!(
            "payment '{external_id}' was prepared by {user}; another person must release it"
        )));
    }
    for (id, _) in &open {
        exception::set_state(
            &mut tx,
            *id,
            ExceptionState::Resolved,
            Some(&format!("released by {user}: not a duplicate")),
            user,
            now,
        )
        .await?;
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.release",
        subject: external_id,
        detail: serde_json::json!({ "exceptions": open.iter().map(|(id, _)| id).collect::<Vec<_>>() }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets (or with `None` removes) the amount above which a payment in `currency` needs two
/// approvers.
pub async fn set_limit(
    ledger: &Ledger,
    currency: Currency,
    amount: Option<Money>,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    if amount.is_some_and(|a| a.is_negative()) {
        return Err(EngineError::InvalidRequest(
            "an approval limit cannot be negative".into(),
        ));
    }
    let minor = amount.map(|a| a.amount_minor()).transpose()?;
    let mut tx = ledger.begin().await?;
    payment::set_limit(&mut tx, currency.code(), minor, user, now).await?;
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.limit",
        subject: currency.code(),
        detail: serde_json::json!({ "amount": amount.map(|a| a.amount_text()) }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}
