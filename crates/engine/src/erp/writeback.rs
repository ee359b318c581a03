//! What goes back to the ERP: a payment's end (settled, or rejected or returned with the bank's
//! reason) on the ERP's payment, and a confirmed match as the bank line that settled the ERP's
//! items. Each is written at most once (`erp_writeback`, one row per subject, and the adapter
//! finds what it wrote before by the same reference); one whose mapping is not unambiguous
//! is not guessed at but put in the queue as an `erp_writeback` case.

use tracing::warn;

use cashline_domain::{Currency, ExceptionKind, Money};
use cashline_ledger::connection::ConnectionRow;
use cashline_ledger::erp::{self as records, NewWriteback, WritebackKind, WritebackState};
use cashline_ledger::time::parse_date;
use cashline_ledger::{audit, exception, Ledger, Tx};

use super::port::{ErpPort, ErpPortError, PaymentEnd, SettledLine};
use super::sync::ErpSyncOptions;
use super::Failure;
use crate::EngineError;

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct WritebackReport {
    pub written_back: usize,
    /// Tried and failed this time: tried again on the next sync.
    pub writeback_failed: usize,
    /// Not unambiguous: left to a person, as an `erp_writeback` case.
    pub writeback_refused: usize,
}

/// The subject of a payment's write-back: one per end it reaches.
pub fn payment_subject(payment_id: i64, state: &str) -> String {
    format!("payment:{payment_id}:{state}")
}

/// The subject of a match's write-back.
pub fn match_subject(match_id: i64) -> String {
    format!("match:{match_id}")
}

pub(crate) async fn write_back<P: ErpPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &ErpSyncOptions<'_>,
) -> Result<WritebackReport, Failure> {
    let mut report = WritebackReport::default();
    for payment in records::payments_to_report(ledger.pool(), connection.id).await? {
        let end = if payment.state == "settled" {
            PaymentEnd::Succeeded
        } else {
            let reason = [
                payment.reason_code.as_deref(),
                payment.reason_text.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
            PaymentEnd::Failed {
                reason: if reason.is_empty() {
                    format!("{} by the bank", payment.state)
                } else {
                    reason
                },
            }
        };
        let subject = payment_subject(payment.payment_id, &payment.state);
        let outcome = port.write_payment_end(payment.erp_id, &end).await;
        let target = Target {
            subject: &subject,
            kind: WritebackKind::PaymentStatus,
            payment_id: Some(payment.payment_id),
            match_id: None,
        };
        record(ledger, connection, &target, outcome, options, &mut report).await?;
    }
    for match_id in records::matches_to_report(ledger.pool(), connection.id).await? {
        let subject = match_subject(match_id);
        let target = Target {
            subject: &subject,
            kind: WritebackKind::Match,
            payment_id: None,
            match_id: Some(match_id),
        };
        match settled_line(ledger, connection, match_id).await? {
            Decision::Skip => {}
            Decision::Refuse(why) => {
                refuse(ledger, connection, &target, &why, options).await?;
                report.writeback_refused += 1;
            }
            Decision::Post(line) => {
                let outcome = port.post_settled_line(&line).await;
                record(ledger, connection, &target, outcome, options, &mut report).await?;
            }
        }
    }
    // A match Tryton recorded and Cashline then undid: Cashline does not reverse a posted
    // statement on its own; a person is told, once.
    for (match_id, posted) in records::undone_after_writeback(ledger.pool(), connection.id).await? {
        let subject = match_subject(match_id);
        let target = Target {
            subject: &subject,
            kind: WritebackKind::Match,
            payment_id: None,
            match_id: Some(match_id),
        };
        let why = format!(
            "match {match_id} was undone in Cashline after {} recorded it ({}): take it back \
             there too",
            connection.name,
            posted.as_deref().unwrap_or("its bank line")
        );
        let mut tx = ledger.begin().await?;
        let case = target.case_subject(connection);
        let open = exception::find_open_about(&mut tx, ExceptionKind::ErpWriteback, &case).await?;
        let row = target.row(connection, WritebackState::Reverted, None, Some(&why));
        records::record_writeback(&mut tx, &row, options.now).await?;
        open_case(&mut tx, &target, &case, &why, open.is_empty(), options.now).await?;
        tx.commit().await?;
    }
    Ok(report)
}

struct Target<'a> {
    subject: &'a str,
    kind: WritebackKind,
    payment_id: Option<i64>,
    match_id: Option<i64>,
}

impl Target<'_> {
    fn row<'a>(
        &'a self,
        connection: &ConnectionRow,
        state: WritebackState,
        erp_reference: Option<&'a str>,
        error: Option<&'a str>,
    ) -> NewWriteback<'a> {
        NewWriteback {
            connection_id: connection.id,
            subject: self.subject,
            kind: self.kind,
            payment_id: self.payment_id,
            match_id: self.match_id,
            state,
            erp_reference,
            error,
        }
    }

    /// The queue's subject of a case about this write-back.
    fn case_subject(&self, connection: &ConnectionRow) -> String {
        format!("{} to {}", self.subject, connection.name)
    }
}

/// Records what the ERP answered. An ERP that cannot be reached or refuses the login stops
/// the sync (nothing more can be written); an answer of the ERP's own is kept on the row and
/// in the queue, and tried again next time.
async fn record(
    ledger: &Ledger,
    connection: &ConnectionRow,
    target: &Target<'_>,
    outcome: Result<String, ErpPortError>,
    options: &ErpSyncOptions<'_>,
    report: &mut WritebackReport,
) -> Result<(), Failure> {
    let now = options.now;
    let mut tx = ledger.begin().await?;
    let case = target.case_subject(connection);
    let open = exception::find_open_about(&mut tx, ExceptionKind::ErpWriteback, &case).await?;
    match outcome {
        Ok(reference) => {
            let row = target.row(connection, WritebackState::Done, Some(&reference), None);
            records::record_writeback(&mut tx, &row, now).await?;
            if !open.is_empty() {
                exception::resolve_about(&mut tx, &open, "written back on a later sync", now)
                    .await?;
            }
            audit::append(
                &mut tx,
                &audit::NewAuditRecord {
                    actor: options.user,
                    action: "erp.writeback",
                    subject: target.subject,
                    detail: serde_json::json!({
                        "connection": connection.name,
                        "erp_reference": reference,
                    }),
                },
                now,
            )
            .await?;
            report.written_back += 1;
        }
        Err(error @ (ErpPortError::Unreachable(_) | ErpPortError::Login(_))) => {
            let words = error.to_string();
            let row = target.row(connection, WritebackState::Failed, None, Some(&words));
            records::record_writeback(&mut tx, &row, now).await?;
            tx.commit().await?;
            return Err(Failure::Erp(error));
        }
        Err(error) => {
            let words = error.to_string();
            warn!(subject = target.subject, error = %words, "write-back failed");
            let row = target.row(connection, WritebackState::Failed, None, Some(&words));
            records::record_writeback(&mut tx, &row, now).await?;
            open_case(&mut tx, target, &case, &words, open.is_empty(), now).await?;
            report.writeback_failed += 1;
        }
    }
    tx.commit().await?;
    Ok(())
}

async fn refuse(
    ledger: &Ledger,
    connection: &ConnectionRow,
    target: &Target<'_>,
    why: &str,
    options: &ErpSyncOptions<'_>,
) -> Result<(), EngineError> {
    let now = options.now;
    let mut tx = ledger.begin().await?;
    let case = target.case_subject(connection);
    let open = exception::find_open_about(&mut tx, ExceptionKind::ErpWriteback, &case).await?;
    let row = target.row(connection, WritebackState::Refused, None, Some(why));
    records::record_writeback(&mut tx, &row, now).await?;
    open_case(&mut tx, target, &case, why, open.is_empty(), now).await?;
    tx.commit().await?;
    Ok(())
}

async fn open_case(
    tx: &mut Tx<'_>,
    target: &Target<'_>,
    case: &str,
    why: &str,
    none_open: bool,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), EngineError> {
    if none_open {
        exception::open(
            tx,
            &exception::NewException {
                kind: Some(ExceptionKind::ErpWriteback),
                subject: case,
                detail: Some(why),
                match_id: target.match_id,
                payment_id: target.payment_id,
                ..Default::default()
            },
            now,
        )
        .await?;
    }
    Ok(())
}

enum Decision {
    /// Nothing of it is the ERP's to hear (only payments, which their own ends report).
    Skip,
    Refuse(String),
    Post(SettledLine),
}

/// The bank line of a match, where the mapping to the ERP's items is unambiguous: one entry,
/// on an account with an IBAN, settling only items of this connection, for exactly what it
/// settles of them. Anything else (a difference to book, items of another source, several
/// entries) is a person's to post.
async fn settled_line(
    ledger: &Ledger,
    connection: &ConnectionRow,
    match_id: i64,
) -> Result<Decision, EngineError> {
    let entries = records::match_entries(ledger.pool(), match_id).await?;
    let items = records::match_items(ledger.pool(), match_id).await?;
    let open_items: Vec<_> = items.iter().filter(|i| i.open_item_id.is_some()).collect();
    if open_items.is_empty() {
        return Ok(Decision::Skip);
    }
    let [entry] = entries.as_slice() else {
        return Ok(Decision::Refuse(format!(
            "the match settles its items with {} bank entries; {} takes one bank line per \
             statement line",
            entries.len(),
            connection.name
        )));
    };
    if open_items
        .iter()
        .any(|i| i.connection_id != Some(connection.id))
    {
        return Ok(Decision::Refuse(format!(
            "the match also settles items that did not come from {}",
            connection.name
        )));
    }
    let currency = Currency::from_code(&entry.currency)?;
    let settled: i64 = open_items.iter().map(|i| i.settled_minor).sum();
    if settled != entry.amount_minor.abs() {
        return Ok(Decision::Refuse(format!(
            "the entry's {} differs from the {} it settles of the items: where the difference \
             goes in {} is for a person to say",
            Money::from_minor(entry.amount_minor.abs(), currency).amount_text(),
            Money::from_minor(settled, currency).amount_text(),
            connection.name
        )));
    }
    let Some(iban) = entry.account_iban.clone() else {
        return Ok(Decision::Refuse(
            "the entry's account has no IBAN to find its statement journal by".into(),
        ));
    };
    let Some(date) = entry
        .booking_date
        .as_deref()
        .or(entry.value_date.as_deref())
        .and_then(|d| parse_date(d).ok())
    else {
        return Ok(Decision::Refuse("the entry has no booking date".into()));
    };
    let mut lines = Vec::with_capacity(open_items.len());
    for item in &open_items {
        let key: serde_json::Value = item
            .writeback_json
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| EngineError::InvalidRequest(format!("an ERP record's key: {e}")))?
            .unwrap_or_default();
        lines.push((key, Money::from_minor(item.settled_minor, currency)));
    }
    let description = entry
        .remittance
        .clone()
        .or_else(|| entry.counterparty_name.clone())
        .or_else(|| entry.bank_ref.clone())
        .unwrap_or_else(|| format!("Cashline match {match_id}"));
    Ok(Decision::Post(SettledLine {
        reference: format!("Cashline match {match_id}"),
        account_iban: iban,
        date,
        amount: Money::from_minor(entry.amount_minor, currency),
        description,
        items: lines,
    }))
}
