//! Payments from the ERP: imported and validated, approved by a second person, then moved by
//! what the bank says. Every move goes through [`move_payment`], the one place the state
//! machine of `PaymentState` is checked: a move it does not allow is recorded as refused and
//! not applied, whoever asked for it (a person, a status report, a statement).

use chrono::{DateTime, Utc};

use cashline_domain::{ExceptionKind, ExceptionState, PaymentSource, PaymentState};
use cashline_erp::payments::PaymentInstruction;
pub use cashline_ledger::payment::RunSource;
use cashline_ledger::payment::{NewEvent, NewRun};
use cashline_ledger::{account, audit, exception, payment, Ledger};

use crate::EngineError;

mod approval;
pub mod booking;
pub mod cutoff;
mod duplicate;
pub mod export;
pub mod initiation;
mod moves;
pub mod reconciled;
pub mod status;
pub mod validate;

pub use approval::{approve, release, set_limit, Approved};
pub use moves::{move_payment, Move, Moved};

#[derive(Debug, Clone, Default)]
pub struct PaymentsImported {
    pub payments: usize,
    pub new_payments: usize,
    /// New payments that passed validation.
    pub validated: usize,
    /// New payments kept as imported, each with the reasons validation found.
    pub with_issues: usize,
    /// New payments that look like one already on its way, held for a decision.
    pub held_as_duplicates: usize,
}

/// Where a run comes from.
#[derive(Debug, Clone, Copy)]
pub struct RunIn<'a> {
    pub source: RunSource,
    pub name: &'a str,
    pub message_id: Option<&'a str>,
    pub source_file_id: Option<i64>,
}

impl RunIn<'_> {
    fn event_source(&self) -> PaymentSource {
        match self.source {
            RunSource::Csv => PaymentSource::Csv,
            RunSource::Pain001 => PaymentSource::Pain001,
            RunSource::Erp => PaymentSource::Erp,
        }
    }
}

/// The company's own accounts, as validation compares a debtor account with them.
async fn own_accounts(ledger: &Ledger) -> Result<Vec<validate::OwnAccount>, EngineError> {
    Ok(account::list(ledger.pool())
        .await?
        .into_iter()
        .map(|a| validate::OwnAccount {
            iban: a.account_key,
            currency: a.currency,
        })
        .collect())
}

/// A run's correlation id: when, and what (the file or the command).
pub fn correlation_id(now: DateTime<Utc>, subject: &str) -> String {
    format!("{}-{subject}", now.format("%Y%m%dT%H%M%SZ"))
}

/// Writes one payment run: the run itself, and each new payment recorded as imported, then
/// validated where validation finds nothing wrong; a payment with issues stays imported with
/// each reason kept. Known ids are left as they are.
pub async fn store(
    ledger: &Ledger,
    run: &RunIn<'_>,
    payments: &[PaymentInstruction],
    user: &str,
    now: DateTime<Utc>,
) -> Result<PaymentsImported, EngineError> {
    let own = own_accounts(ledger).await?;
    let mut tx = ledger.begin().await?;
    let mut report = PaymentsImported {
        payments: payments.len(),
        ..PaymentsImported::default()
    };
    let correlation = correlation_id(now, run.name);
    let source = run.event_source();
    let run_id = payment::insert_run(
        &mut tx,
        &NewRun {
            source: run.source,
            name: run.name,
            message_id: run.message_id,
            source_file_id: run.source_file_id,
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
                debtor_iban: &instruction.debtor_iban,
                debtor_account_id: None,
                creditor_name: &instruction.creditor_name,
                creditor_iban: &instruction.creditor_iban,
                creditor_bic: instruction.creditor_bic.as_deref(),
                amount_minor: instruction.amount.amount_minor()?,
                currency: &currency,
                requested_date: instruction.requested_date,
                reference: instruction.reference.as_deref(),
                prepared_by: user,
                run_id,
                payment_info_id: instruction.payment_info_id.as_deref(),
                instruction_id: instruction.instruction_id.as_deref(),
            },
            now,
        )
        .await?;
        let Some(id) = inserted else { continue };
        report.new_payments += 1;
        if duplicate::hold_if_alike(&mut tx, id, instruction, now)
            .await?
            .is_some()
        {
            report.held_as_duplicates += 1;
        }
        let issues = validate::issues(instruction, &own);
        let summary = (!issues.is_empty()).then(|| {
            format!(
                "{} issue{} found on the way in",
                issues.len(),
                if issues.len() == 1 { "" } else { "s" }
            )
        });
        let imported = NewEvent {
            payment_id: id,
            from: None,
            state: PaymentState::Imported,
            status: None,
            reason_code: None,
            reason_text: summary.as_deref(),
            status_at: None,
            source,
            source_file_id: run.source_file_id,
            correlation_id: &correlation,
            recorded_by: user,
        };
        payment::record_event(&mut tx, &imported, None, now).await?;
        if !issues.is_empty() {
            let pairs: Vec<(&str, &str)> = issues
                .iter()
                .map(|i| (i.field, i.reason.as_str()))
                .collect();
            payment::record_issues(&mut tx, id, &pairs, now).await?;
            report.with_issues += 1;
            continue;
        }
        let validated = Move::ours(
            id,
            PaymentState::Imported,
            PaymentState::Validated,
            source,
            &correlation,
            user,
        );
        if let Moved::Refused(why) = move_payment(&mut tx, &validated, now).await? {
            return Err(EngineError::InvalidRequest(why));
        }
        report.validated += 1;
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.import",
        subject: run.name,
        detail: serde_json::json!({
            "source": run.source.as_str(),
            "payments": report.payments,
            "new_payments": report.new_payments,
            "with_issues": report.with_issues,
            "held_as_duplicates": report.held_as_duplicates,
        }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// A person's request about payments that was refused: the refusals are recorded (in a
/// transaction of their own, since the request's is rolled back) and the request fails with
/// the first reason.
pub(crate) async fn refuse(
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
    // Cancelling a payment held as a duplicate is the decision the hold waited for.
    for (id, _) in
        exception::open_about_payment(&mut tx, row.id, ExceptionKind::PaymentDuplicate).await?
    {
        exception::set_state(
            &mut tx,
            id,
            ExceptionState::Resolved,
            Some(&format!("cancelled by {user}: {reason}")),
            user,
            now,
        )
        .await?;
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
