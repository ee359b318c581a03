//! A bank's status report (pain.002, later PSD2's status) applied to the payments it names.
//! A report is tied to its payments by the original message, payment-information and
//! instruction ids; where the original message is not one Cashline knows, by end-to-end id.
//! A report naming a payment Cashline does not know is refused whole: nothing is written.

use chrono::{DateTime, Utc};

use cashline_domain::{PaymentSource, PaymentState, StatusCode};
use cashline_ledger::payment::{self, NewEvent, PaymentRow};
use cashline_ledger::{audit, source_file, Ledger, Tx};

use super::{correlation_id, move_payment, Move, Moved};
use crate::EngineError;

/// A status report as the engine reads it, whatever the format it came in.
#[derive(Debug, Clone)]
pub struct Report {
    pub message_id: String,
    /// The report's own time (`GrpHdr/CreDtTm`): an older report does not undo a newer one.
    pub created_at: DateTime<Utc>,
    pub original_message_id: Option<String>,
    /// The status of the whole original message, where the bank gave one.
    pub group: Option<Status>,
    pub batches: Vec<BatchStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub code: StatusCode,
    pub reason_code: Option<String>,
    pub reason_text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct BatchStatus {
    pub original_payment_info_id: Option<String>,
    pub status: Option<Status>,
    pub transactions: Vec<TransactionStatus>,
}

#[derive(Debug, Clone)]
pub struct TransactionStatus {
    pub original_instruction_id: Option<String>,
    pub original_end_to_end_id: Option<String>,
    /// The debtor account the report names for it, where it does: an end-to-end id is looked
    /// for within that account.
    pub original_debtor_iban: Option<String>,
    pub status: Status,
    /// Where in the file, for errors: `line 42`.
    pub place: String,
}

/// What a report did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    pub payments: usize,
    pub moved: usize,
    /// Moves the state machine or the order of reports refused (recorded, not applied).
    pub refused: usize,
    /// Statuses recorded without a move (pending, blocked, …).
    pub noted: usize,
}

/// The payments the report may name, and whether Cashline sent them.
struct Scope {
    exported: bool,
    payments: Vec<PaymentRow>,
}

fn same(a: Option<&str>, b: &str) -> bool {
    a.is_some_and(|a| a.trim() == b.trim())
}

/// The payment one transaction status names.
async fn find<'s>(
    tx: &mut Tx<'_>,
    scope: &'s Option<Scope>,
    transaction: &TransactionStatus,
    found: &'s mut Vec<PaymentRow>,
) -> Result<Option<PaymentRow>, EngineError> {
    if let Some(scope) = scope {
        let by_instruction = transaction
            .original_instruction_id
            .as_deref()
            .and_then(|id| {
                scope
                    .payments
                    .iter()
                    .find(|p| same(p.instruction_id.as_deref(), id))
            });
        let by_end_to_end = transaction
            .original_end_to_end_id
            .as_deref()
            .and_then(|id| {
                scope
                    .payments
                    .iter()
                    .find(|p| same(Some(&p.end_to_end_id), id))
            });
        return Ok(by_instruction.or(by_end_to_end).cloned());
    }
    let Some(id) = transaction.original_end_to_end_id.as_deref() else {
        return Ok(None);
    };
    *found = payment::by_end_to_end(tx, id.trim()).await?;
    if let Some(debtor) = transaction.original_debtor_iban.as_deref() {
        let debtor = cashline_domain::iban::compact(debtor);
        found.retain(|p| cashline_domain::iban::compact(&p.debtor_iban) == debtor);
    }
    match found.len() {
        1 => Ok(found.pop()),
        0 => Ok(None),
        n => Err(EngineError::InvalidRequest(format!(
            "{}: end-to-end id {id} names {n} payments; the report must name its original message",
            transaction.place
        ))),
    }
}

/// A file's SHA-256 in hex, as source files are known by.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(bytes))
}

/// The file a report came in, kept as a source file so the same file twice changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct FileIn<'a> {
    pub digest_sha256: &'a str,
    pub size_bytes: u64,
    /// `pain.002.001.10`, …
    pub format: &'a str,
}

/// Applies `report` in one transaction; `None` when its file was applied before.
pub async fn apply(
    ledger: &Ledger,
    report: &Report,
    source: PaymentSource,
    file: Option<FileIn<'_>>,
    file_name: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Option<Applied>, EngineError> {
    let mut tx = ledger.begin().await?;
    let source_file_id = match file {
        Some(file) => {
            if source_file::find(&mut tx, file.digest_sha256)
                .await?
                .is_some()
            {
                return Ok(None);
            }
            Some(
                source_file::insert(
                    &mut tx,
                    &source_file::NewSourceFile {
                        digest_sha256: file.digest_sha256,
                        file_name,
                        format: file.format,
                        size_bytes: file.size_bytes,
                        imported_at: now,
                        imported_by: user,
                    },
                )
                .await?,
            )
        }
        None => None,
    };
    let scope = match &report.original_message_id {
        Some(message) => payment::of_message(&mut tx, message)
            .await?
            .map(|(exported, payments)| Scope { exported, payments }),
        None => None,
    };
    // Every status, resolved to its payment before anything is written.
    let mut steps: Vec<(PaymentRow, Status)> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for batch in &report.batches {
        let in_batch: Vec<&PaymentRow> = match (&scope, &batch.original_payment_info_id) {
            (Some(scope), Some(info)) => scope
                .payments
                .iter()
                .filter(|p| same(p.payment_info_id.as_deref(), info))
                .collect(),
            _ => Vec::new(),
        };
        if batch.transactions.is_empty() {
            if let Some(status) = &batch.status {
                if in_batch.is_empty() {
                    unknown.push(format!(
                        "payment information {}",
                        batch
                            .original_payment_info_id
                            .as_deref()
                            .unwrap_or("(none)")
                    ));
                }
                steps.extend(in_batch.iter().map(|p| ((*p).clone(), status.clone())));
            }
        }
        for transaction in &batch.transactions {
            let mut found = Vec::new();
            match find(&mut tx, &scope, transaction, &mut found).await? {
                Some(p) => steps.push((p, transaction.status.clone())),
                None => unknown.push(format!(
                    "{}: instruction {} / end-to-end {}",
                    transaction.place,
                    transaction
                        .original_instruction_id
                        .as_deref()
                        .unwrap_or("(none)"),
                    transaction
                        .original_end_to_end_id
                        .as_deref()
                        .unwrap_or("(none)")
                )),
            }
        }
    }
    // A group status with no batch detail speaks for every payment of the message; a group
    // `PART` says only that the transactions differ, each with its own status above.
    if let (Some(group), Some(scope)) = (&report.group, &scope) {
        if steps.is_empty() && group.code != StatusCode::Part {
            steps.extend(scope.payments.iter().map(|p| (p.clone(), group.clone())));
        }
    }
    if !unknown.is_empty() {
        return Err(EngineError::InvalidRequest(format!(
            "{file_name}: the report names payments Cashline does not know ({}); nothing was changed",
            unknown.join("; ")
        )));
    }
    if steps.is_empty() {
        return Err(EngineError::InvalidRequest(format!(
            "{file_name}: the report's original message {} is not one Cashline knows and it names no transaction; nothing was changed",
            report.original_message_id.as_deref().unwrap_or("(none)")
        )));
    }
    let correlation = correlation_id(now, file_name);
    let mut applied = Applied::default();
    let mut payments_seen: Vec<i64> = Vec::new();
    for (row, status) in &steps {
        if !payments_seen.contains(&row.id) {
            payments_seen.push(row.id);
        }
        // The row may have moved with an earlier status of the same report.
        let current = payment::find(&mut tx, &row.external_id)
            .await?
            .unwrap_or_else(|| row.clone());
        let sent_elsewhere = scope.as_ref().is_some_and(|s| !s.exported);
        let mut from = current.state;
        if sent_elsewhere && from == PaymentState::Approved {
            // The ERP or a bank portal sent the run: the bank's report is the news that it
            // was sent.
            let words = format!(
                "sent by the ERP or a bank portal as message {}",
                report.original_message_id.as_deref().unwrap_or_default()
            );
            let sent = Move {
                reason_text: Some(&words),
                source_file_id,
                ..Move::ours(
                    current.id,
                    from,
                    PaymentState::Sent,
                    source,
                    &correlation,
                    user,
                )
            };
            if move_payment(&mut tx, &sent, now).await? == Moved::Applied {
                from = PaymentState::Sent;
            }
        }
        // A status that moves nothing (pending, blocked) or names the state already held
        // (ACSP after ACCP): the bank's words are kept, the payment stays.
        let Some(to) = status.code.moves_to().filter(|to| *to != from) else {
            let event = NewEvent {
                payment_id: current.id,
                from: Some(from),
                state: from,
                status: Some(status.code),
                reason_code: status.reason_code.as_deref(),
                reason_text: status.reason_text.as_deref(),
                status_at: Some(report.created_at),
                source,
                source_file_id,
                correlation_id: &correlation,
                recorded_by: user,
            };
            payment::record_event(&mut tx, &event, None, now).await?;
            applied.noted += 1;
            continue;
        };
        let step = Move {
            payment_id: current.id,
            from,
            to,
            status: Some(status.code),
            reason_code: status.reason_code.as_deref(),
            reason_text: status.reason_text.as_deref(),
            status_at: Some(report.created_at),
            held_status_at: current.status_at.as_deref(),
            source,
            source_file_id,
            correlation_id: &correlation,
            recorded_by: user,
            approved_by: None,
        };
        match move_payment(&mut tx, &step, now).await? {
            Moved::Applied => applied.moved += 1,
            Moved::Refused(_) => applied.refused += 1,
        }
    }
    applied.payments = payments_seen.len();
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.status",
        subject: file_name,
        detail: serde_json::json!({
            "digest_sha256": file.map(|f| f.digest_sha256),
            "message_id": report.message_id,
            "original_message_id": report.original_message_id,
            "payments": applied.payments,
            "moved": applied.moved,
            "refused": applied.refused,
            "noted": applied.noted,
        }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(Some(applied))
}
