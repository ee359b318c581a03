//! Payments from the ERP: imported and validated, then approved by a second person. Every move
//! follows the state machine of `PaymentState` and is recorded as an event.

use chrono::{DateTime, Utc};

use cashline_domain::PaymentState;
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::{audit, payment, Ledger, LedgerError, Tx};

use crate::EngineError;

#[derive(Debug, Clone, Default)]
pub struct PaymentsImported {
    pub payments: usize,
    pub new_payments: usize,
}

fn correlation_id(now: DateTime<Utc>, subject: &str) -> String {
    format!("{}-{subject}", now.format("%Y%m%dT%H%M%SZ"))
}

/// Writes one payment run: each new payment is recorded as imported, then validated (the
/// adapter has checked its IBANs, BIC, amount and date). Known ids are left as they are.
pub async fn store(
    ledger: &Ledger,
    file_name: &str,
    payments: &[PaymentInstruction],
    user: &str,
    now: DateTime<Utc>,
) -> Result<PaymentsImported, EngineError> {
    let mut tx = ledger.begin().await?;
    let mut report = PaymentsImported {
        payments: payments.len(),
        new_payments: 0,
    };
    let correlation = correlation_id(now, file_name);
    for instruction in payments {
        let currency = instruction.amount.currency().to_string();
        let inserted = payment::insert_new(
            &mut tx,
            &payment::NewPayment {
                external_id: &instruction.external_id,
                end_to_end_id: &instruction.end_to_end_id,
                debtor_iban: instruction.debtor_iban.reveal(),
                debtor_account_id: None,
                creditor_name: &instruction.creditor_name,
                creditor_iban: instruction.creditor_iban.reveal(),
                creditor_bic: instruction.creditor_bic.as_ref().map(|b| b.as_str()),
                amount_minor: instruction.amount.amount_minor()?,
                currency: &currency,
                requested_date: instruction.requested_date,
                reference: instruction.reference.as_deref(),
                prepared_by: user,
            },
            now,
        )
        .await?;
        let Some(id) = inserted else { continue };
        report.new_payments += 1;
        let event = |state| payment::NewEvent {
            payment_id: id,
            state,
            reason_code: None,
            reason_text: None,
            source: "import",
            correlation_id: &correlation,
            recorded_by: user,
        };
        payment::record_event(&mut tx, &event("imported"), now).await?;
        move_payment(
            &mut tx,
            PaymentState::Imported,
            PaymentState::Validated,
            &event("validated"),
            None,
            now,
        )
        .await?;
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.import",
        subject: file_name,
        detail: serde_json::json!({ "payments": report.payments, "new_payments": report.new_payments }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(report)
}

async fn move_payment(
    tx: &mut Tx<'_>,
    from: PaymentState,
    to: PaymentState,
    event: &payment::NewEvent<'_>,
    approved_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, EngineError> {
    debug_assert!(
        from.can_move_to(to),
        "{from} to {to} is not a move of the state machine"
    );
    debug_assert_eq!(event.state, to.as_str());
    Ok(payment::transition(tx, from.as_str(), event, approved_by, now).await?)
}

/// Approves payments by id. The approver must not be the person who prepared them, and each
/// must be validated; one refused payment refuses the whole request.
pub async fn approve(
    ledger: &Ledger,
    external_ids: &[String],
    user: &str,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let mut tx = ledger.begin().await?;
    let correlation = correlation_id(now, "approve");
    for external_id in external_ids {
        let found = payment::find(&mut tx, external_id).await?.ok_or_else(|| {
            EngineError::InvalidRequest(format!("there is no payment '{external_id}'"))
        })?;
        if found.prepared_by == user {
            return Err(EngineError::InvalidRequest(format!(
                "payment '{external_id}' was prepared by {user}; another person must approve it"
            )));
        }
        let state = PaymentState::parse(&found.state)
            .ok_or_else(|| LedgerError::Corrupt(format!("payment state '{}'", found.state)))?;
        if !state.can_move_to(PaymentState::Approved) {
            return Err(EngineError::InvalidRequest(format!(
                "payment '{external_id}' is {state} and cannot be approved"
            )));
        }
        let event = payment::NewEvent {
            payment_id: found.id,
            state: "approved",
            reason_code: None,
            reason_text: None,
            source: "user",
            correlation_id: &correlation,
            recorded_by: user,
        };
        if !move_payment(
            &mut tx,
            state,
            PaymentState::Approved,
            &event,
            Some(user),
            now,
        )
        .await?
        {
            return Err(EngineError::InvalidRequest(format!(
                "payment '{external_id}' changed while being approved; try again"
            )));
        }
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.approve",
        subject: &external_ids.join(","),
        detail: serde_json::json!({ "payments": external_ids }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(external_ids.len())
}
