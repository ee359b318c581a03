//! Sending exactly once, as a file. The approved payments no export has taken are grouped by
//! debtor account, currency and requested date into one pain.001; the move to `sent` is
//! committed together with the file's record (its exact bytes) before the file is written
//! under its final name, by a rename. A crash in between leaves a record without `written_at`,
//! which the next export finishes by writing those same bytes: never a second file for the
//! same payments.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};

use cashline_bankfile::pain001_write::{self, Batch, Initiation, Pain001Version, Transfer};
use cashline_domain::iban::compact;
use cashline_domain::{Currency, PaymentSource, PaymentState};
use cashline_ledger::payment::PaymentRow;
use cashline_ledger::payment_export::{self, NewExport};
use cashline_ledger::{audit, Ledger};

use super::{correlation_id, move_payment, Move, Moved};
use crate::EngineError;

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// The new file, if there were payments to send.
    pub file: Option<PathBuf>,
    pub message_id: Option<String>,
    pub payments: usize,
    /// Files of earlier exports that an interruption had left unwritten, written now.
    pub finished: Vec<PathBuf>,
}

/// Where a crash test stops the process (`CASHLINE_CRASH_AT`): after the commit, and after the
/// file's bytes are written but before its rename.
fn crash_at(point: &str) {
    if std::env::var("CASHLINE_CRASH_AT").is_ok_and(|p| p == point) {
        std::process::abort();
    }
}

fn io(path: &Path, e: std::io::Error) -> EngineError {
    EngineError::InvalidRequest(format!("{}: {e}", path.display()))
}

/// Writes `bytes` to `path` whole or not at all: a temporary file beside it, synced, then
/// renamed over nothing (an existing file other than these bytes is never replaced).
fn put(path: &Path, bytes: &[u8]) -> Result<(), EngineError> {
    if let Ok(existing) = std::fs::read(path) {
        if existing == bytes {
            return Ok(());
        }
        return Err(EngineError::InvalidRequest(format!(
            "{} exists and holds something else; choose another file",
            path.display()
        )));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".into());
    let temporary = dir.join(format!(".{name}.partial"));
    {
        let mut file = std::fs::File::create(&temporary).map_err(|e| io(&temporary, e))?;
        file.write_all(bytes).map_err(|e| io(&temporary, e))?;
        file.sync_all().map_err(|e| io(&temporary, e))?;
    }
    crash_at("export-before-rename");
    std::fs::rename(&temporary, path).map_err(|e| io(path, e))?;
    if let Ok(dir) = std::fs::File::open(dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Writes the files of exports an interruption left unwritten.
async fn finish_pending(ledger: &Ledger, now: DateTime<Utc>) -> Result<Vec<PathBuf>, EngineError> {
    let mut finished = Vec::new();
    for pending in payment_export::unwritten(ledger.pool()).await? {
        let path = PathBuf::from(&pending.file_name);
        put(&path, &pending.document)?;
        let mut tx = ledger.begin().await?;
        payment_export::mark_written(&mut tx, pending.id, now).await?;
        tx.commit().await?;
        finished.push(path);
    }
    Ok(finished)
}

/// What one `PmtInf` shares: the debtor account (compact IBAN), the currency, the date.
type BatchKey = (String, String, NaiveDate);

/// Exports the approved, unsent payments to `out` in `version`.
pub async fn export(
    ledger: &Ledger,
    version: Pain001Version,
    out: &Path,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Exported, EngineError> {
    let finished = finish_pending(ledger, now).await?;
    let out = std::path::absolute(out).map_err(|e| io(out, e))?;
    if out.exists() {
        return Err(EngineError::InvalidRequest(format!(
            "{} exists already; an export never writes over a file",
            out.display()
        )));
    }
    let mut tx = ledger.begin().await?;
    let payments = payment_export::approved_unsent(&mut tx).await?;
    if payments.is_empty() {
        tx.rollback().await?;
        return Ok(Exported {
            finished,
            ..Exported::default()
        });
    }
    let debtors = payment_export::debtors(&mut tx).await?;
    let message_id = format!(
        "CL-{}-{}",
        now.format("%Y%m%d"),
        payment_export::next_id(&mut tx).await?
    );
    // Batches by debtor account, currency and requested date, in that order.
    let mut groups: Vec<(BatchKey, Vec<&PaymentRow>)> = Vec::new();
    for p in &payments {
        let date = cashline_ledger::time::parse_date(&p.requested_date)?;
        let key = (compact(&p.debtor_iban), p.currency.clone(), date);
        match groups.last_mut() {
            Some((k, list)) if *k == key => list.push(p),
            _ => groups.push((key, vec![p])),
        }
    }
    let mut batches = Vec::with_capacity(groups.len());
    let mut ids: Vec<(i64, String, String)> = Vec::new();
    let mut control_sum_minor: i64 = 0;
    for (n, ((iban, currency, date), list)) in groups.iter().enumerate() {
        let currency = Currency::from_code(currency)?;
        let (name, bic) = debtors
            .iter()
            .find(|(key, _, _)| key == iban)
            .map(|(_, name, bic)| (name.clone(), bic.clone()))
            .unwrap_or_else(|| (iban.clone(), None));
        let payment_info_id = format!("{message_id}-B{}", n + 1);
        let mut transfers = Vec::with_capacity(list.len());
        for (k, p) in list.iter().enumerate() {
            let instruction_id = format!("{payment_info_id}-{}", k + 1);
            control_sum_minor = control_sum_minor.saturating_add(p.amount_minor);
            ids.push((p.id, payment_info_id.clone(), instruction_id.clone()));
            transfers.push(Transfer {
                instruction_id,
                end_to_end_id: p.end_to_end_id.clone(),
                amount_minor: p.amount_minor,
                creditor_name: p.creditor_name.clone(),
                creditor_iban: compact(&p.creditor_iban),
                creditor_bic: p.creditor_bic.clone(),
                remittance: p.reference.clone(),
            });
        }
        batches.push(Batch {
            payment_info_id,
            debtor_name: name.clone(),
            debtor_iban: iban.clone(),
            debtor_bic: bic,
            currency,
            requested_date: *date,
            transfers,
        });
    }
    let initiating_party = batches
        .first()
        .map(|b| b.debtor_name.clone())
        .unwrap_or_default();
    let document = pain001_write::write(
        version,
        &Initiation {
            message_id: message_id.clone(),
            created_at: now,
            initiating_party,
            batches,
        },
    );
    let file_name = out.display().to_string();
    let export_id = payment_export::insert(
        &mut tx,
        &NewExport {
            format: version.name(),
            message_id: &message_id,
            file_name: &file_name,
            document: document.as_bytes(),
            digest_sha256: &super::status::digest(document.as_bytes()),
            payments: i64::try_from(ids.len()).unwrap_or(i64::MAX),
            control_sum_minor,
            created_by: user,
        },
        now,
    )
    .await?;
    let correlation = correlation_id(now, &message_id);
    let words = format!("in {message_id}, written to {file_name}");
    for (row, (id, info, instruction)) in payments.iter().zip(&ids) {
        if !payment_export::attach(&mut tx, *id, export_id, info, instruction).await? {
            return Err(EngineError::InvalidRequest(format!(
                "payment '{}' changed while being exported; try again",
                row.external_id
            )));
        }
        let step = Move {
            reason_text: Some(&words),
            ..Move::ours(
                *id,
                PaymentState::Approved,
                PaymentState::Sent,
                PaymentSource::Export,
                &correlation,
                user,
            )
        };
        if let Moved::Refused(why) = move_payment(&mut tx, &step, now).await? {
            return Err(EngineError::InvalidRequest(why));
        }
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.export",
        subject: &message_id,
        detail: serde_json::json!({
            "format": version.name(),
            "file": file_name,
            "payments": ids.len(),
            "control_sum_minor": control_sum_minor,
        }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    crash_at("export-committed");
    put(&out, document.as_bytes()).map_err(|e| {
        EngineError::InvalidRequest(format!(
            "{e}. The payments are recorded as sent in {message_id}: export again to write its file"
        ))
    })?;
    let mut tx = ledger.begin().await?;
    payment_export::mark_written(&mut tx, export_id, now).await?;
    tx.commit().await?;
    Ok(Exported {
        file: Some(out),
        message_id: Some(message_id),
        payments: ids.len(),
        finished,
    })
}

/// Writes an earlier export again, byte for byte (a lost upload), to `out`.
pub async fn reexport(
    ledger: &Ledger,
    key: &str,
    out: &Path,
    user: &str,
    now: DateTime<Utc>,
) -> Result<PathBuf, EngineError> {
    let row = payment_export::find(ledger.pool(), key)
        .await?
        .ok_or_else(|| EngineError::InvalidRequest(format!("there is no export '{key}'")))?;
    put(out, &row.document)?;
    record_reexport(
        ledger,
        &row.message_id,
        &out.display().to_string(),
        user,
        now,
    )
    .await?;
    Ok(out.to_path_buf())
}

/// Puts a re-export (a file written again, or the bytes handed to a front) in the audit log.
pub async fn record_reexport(
    ledger: &Ledger,
    message_id: &str,
    to: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let mut tx = ledger.begin().await?;
    let record = audit::NewAuditRecord {
        actor: user,
        action: "payments.reexport",
        subject: message_id,
        detail: serde_json::json!({ "file": to }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}
