//! Payments from the ERP: imported and validated, approved by a second person, then moved by
//! what the bank says. Every move goes through [`move_payment`], the one place the state
//! machine of `PaymentState` is checked: a move it does not allow is recorded as refused and
//! not applied, whoever asked for it (a person, a status report, a statement).

use chrono::{DateTime, Utc};

use cashline_domain::{PaymentSource, PaymentState, StatusCode};
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::payment::{NewEvent, NewRun, RunSource};
use cashline_ledger::time::parse_instant;
use cashline_ledger::{audit, payment, Ledger, LedgerError, Tx};

use crate::EngineError;

#[derive(Debug, Clone, Default)]
pub struct PaymentsImported {
    pub payments: usize,
    pub new_payments: usize,
}

/// A run's correlation id: when, and what (the file or the command).
pub fn correlation_id(now: DateTime<Utc>, subject: &str) -> String {
    format!("{}-{subject}", now.format("%Y%m%dT%H%M%SZ"))
}

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

    fn event(&self) -> NewEvent<'_> {
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

/// Writes one payment run: the run itself, and each new payment recorded as imported, then
/// validated (the adapter has checked its IBANs, BIC, amount and date). Known ids are left as
/// they are.
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
    let run_id = payment::insert_run(
        &mut tx,
        &NewRun {
            source: RunSource::Csv,
            name: file_name,
            message_id: None,
            source_file_id: None,
            correlation_id: &correlation,
            imported_by: user,
        },
        now,
    )
    .await?;
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
                run_id,
                payment_info_id: None,
                instruction_id: None,
            },
            now,
        )
        .await?;
        let Some(id) = inserted else { continue };
        report.new_payments += 1;
        let imported = NewEvent {
            payment_id: id,
            from: None,
            state: PaymentState::Imported,
            status: None,
            reason_code: None,
            reason_text: None,
            status_at: None,
            source: PaymentSource::Csv,
            source_file_id: None,
            correlation_id: &correlation,
            recorded_by: user,
        };
        payment::record_event(&mut tx, &imported, None, now).await?;
        let validated = Move::ours(
            id,
            PaymentState::Imported,
            PaymentState::Validated,
            PaymentSource::Csv,
            &correlation,
            user,
        );
        if let Moved::Refused(why) = move_payment(&mut tx, &validated, now).await? {
            return Err(EngineError::InvalidRequest(why));
        }
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

/// A person's request about payments that was refused: the refusals are recorded (in a
/// transaction of their own, since the request's is rolled back) and the request fails with
/// the first reason.
async fn refuse(
    ledger: &Ledger,
    refused: &[(Move<'_>, String)],
    now: DateTime<Utc>,
) -> Result<EngineError, EngineError> {
    let mut tx = ledger.begin().await?;
    for (step, why) in refused {
        payment::record_event(&mut tx, &step.event(), Some(why), now).await?;
    }
    tx.commit().await?;
    Ok(EngineError::InvalidRequest(
        refused
            .first()
            .map(|(_, why)| why.clone())
            .unwrap_or_default(),
    ))
}

/// Approves payments by id. The approver must not be the person who prepared them, and each
/// must be validated; one refused payment refuses the whole request, and the refusal is on
/// the payment's timeline.
pub async fn approve(
    ledger: &Ledger,
    external_ids: &[String],
    user: &str,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let correlation = correlation_id(now, "approve");
    let rows = {
        let mut tx = ledger.begin().await?;
        let mut rows = Vec::with_capacity(external_ids.len());
        for external_id in external_ids {
            rows.push(payment::find(&mut tx, external_id).await?.ok_or_else(|| {
                EngineError::InvalidRequest(format!("there is no payment '{external_id}'"))
            })?);
        }
        rows
    };
    let step = |row: &payment::PaymentRow| Move {
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
        if row.prepared_by == user {
            refused.push((
                step(row),
                format!(
                    "payment '{}' was prepared by {user}; another person must approve it",
                    row.external_id
                ),
            ));
        } else if !row.state.can_move_to(PaymentState::Approved) {
            refused.push((
                step(row),
                format!(
                    "payment '{}' is {} and cannot be approved",
                    row.external_id, row.state
                ),
            ));
        }
    }
    if !refused.is_empty() {
        return Err(refuse(ledger, &refused, now).await?);
    }
    let mut tx = ledger.begin().await?;
    for row in &rows {
        if let Moved::Refused(why) = move_payment(&mut tx, &step(row), now).await? {
            drop(tx);
            return Err(refuse(ledger, &[(step(row), why)], now).await?);
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

/// Cancels a payment that has not been sent, with a reason; a sent payment is the bank's to
/// cancel, and asking is refused and recorded.
pub async fn cancel(
    ledger: &Ledger,
    external_id: &str,
    reason: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(EngineError::InvalidRequest(
            "a cancellation needs a reason".into(),
        ));
    }
    let correlation = correlation_id(now, "cancel");
    let mut tx = ledger.begin().await?;
    let row = payment::find(&mut tx, external_id).await?.ok_or_else(|| {
        EngineError::InvalidRequest(format!("there is no payment '{external_id}'"))
    })?;
    let step = Move {
        reason_text: Some(reason),
        ..Move::ours(
            row.id,
            row.state,
            PaymentState::Cancelled,
            PaymentSource::User,
            &correlation,
            user,
        )
    };
    let refused = matches!(
        row.state,
        PaymentState::Sent | PaymentState::Acknowledged | PaymentState::Accepted
    )
    .then(|| {
        format!(
            "payment '{external_id}' is {} at the bank; only the bank can cancel it now",
            row.state
        )
    });
    if let Some(why) = refused {
        drop(tx);
        return Err(refuse(ledger, &[(step, why)], now).await?);
    }
    if let Moved::Refused(why) = move_payment(&mut tx, &step, now).await? {
        tx.commit().await?;
        return Err(EngineError::InvalidRequest(format!(
            "payment '{external_id}': {why}"
        )));
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.cancel",
        subject: external_id,
        detail: serde_json::json!({ "reason": reason, "from": row.state.as_str() }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}
