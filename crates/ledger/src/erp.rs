//! `erp_record`, `erp_cursor`, `erp_writeback`: what Cashline's open items and payments are in
//! an ERP, how far each ERP connection has read, and what was told back to it.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// The two kinds of record an ERP connection reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Model {
    OpenItem,
    Payment,
}

impl Model {
    pub fn as_str(&self) -> &'static str {
        match self {
            Model::OpenItem => "open_item",
            Model::Payment => "payment",
        }
    }
}

pub struct NewRecord<'a> {
    pub connection_id: i64,
    pub model: Model,
    pub erp_id: i64,
    /// The open item's or the payment's id in the ledger, as `model` says.
    pub local_id: i64,
    pub written_at_erp: Option<&'a str>,
    pub writeback_json: &'a str,
}

/// Records (or refreshes) what a ledger row is in the ERP.
pub async fn save_record(
    tx: &mut Tx<'_>,
    record: &NewRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let (item, payment) = match record.model {
        Model::OpenItem => (Some(record.local_id), None),
        Model::Payment => (None, Some(record.local_id)),
    };
    sqlx::query(
        "INSERT INTO erp_record (connection_id, model, erp_id, open_item_id, payment_id,
                                 written_at_erp, writeback_json, seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (connection_id, model, erp_id) DO UPDATE SET
           written_at_erp = excluded.written_at_erp, writeback_json = excluded.writeback_json,
           seen_at = excluded.seen_at",
    )
    .bind(record.connection_id)
    .bind(record.model.as_str())
    .bind(record.erp_id)
    .bind(item)
    .bind(payment)
    .bind(record.written_at_erp)
    .bind(record.writeback_json)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The ERP's write date of a record as last read, if it was read before.
pub async fn written_at_erp(
    tx: &mut Tx<'_>,
    connection_id: i64,
    model: Model,
    erp_id: i64,
) -> Result<Option<String>, LedgerError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT written_at_erp FROM erp_record WHERE connection_id = ? AND model = ? AND erp_id = ?",
    )
    .bind(connection_id)
    .bind(model.as_str())
    .bind(erp_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(at,)| at))
}

/// The ERP's id of each payment a connection brought in, by the payment's ledger id.
pub async fn payment_ids(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Vec<(i64, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT payment_id, erp_id FROM erp_record
          WHERE connection_id = ? AND model = 'payment' ORDER BY erp_id",
    )
    .bind(connection_id)
    .fetch_all(executor)
    .await?)
}

/// How far a connection has read records of a model, on the ERP's clock.
pub async fn cursor(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
    model: Model,
) -> Result<Option<String>, LedgerError> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT written_since FROM erp_cursor WHERE connection_id = ? AND model = ?",
    )
    .bind(connection_id)
    .bind(model.as_str())
    .fetch_optional(executor)
    .await?;
    Ok(row.map(|(since,)| since))
}

pub async fn set_cursor(
    tx: &mut Tx<'_>,
    connection_id: i64,
    model: Model,
    written_since: &str,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO erp_cursor (connection_id, model, written_since) VALUES (?, ?, ?)
         ON CONFLICT (connection_id, model) DO UPDATE SET written_since = excluded.written_since",
    )
    .bind(connection_id)
    .bind(model.as_str())
    .bind(written_since)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A payment of this connection at an end the ERP has not been told of yet.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentToReport {
    pub payment_id: i64,
    pub external_id: String,
    pub erp_id: i64,
    pub state: String,
    /// The reason of the event that moved it there, as the bank gave it.
    pub reason_code: Option<String>,
    pub reason_text: Option<String>,
}

/// Payments a connection brought in that are settled, rejected or returned, and whose end
/// has not been written back (nor refused for good).
pub async fn payments_to_report(
    pool: &sqlx::SqlitePool,
    connection_id: i64,
) -> Result<Vec<PaymentToReport>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT p.id AS payment_id, p.external_id, r.erp_id, p.state,
                (SELECT e.reason_code FROM payment_event e
                  WHERE e.payment_id = p.id AND e.applied = 1 AND e.state = p.state
                  ORDER BY e.id DESC LIMIT 1) AS reason_code,
                (SELECT e.reason_text FROM payment_event e
                  WHERE e.payment_id = p.id AND e.applied = 1 AND e.state = p.state
                  ORDER BY e.id DESC LIMIT 1) AS reason_text
           FROM erp_record r JOIN payment p ON p.id = r.payment_id
          WHERE r.connection_id = ?1 AND r.model = 'payment'
            AND p.state IN ('settled', 'rejected', 'returned')
            AND NOT EXISTS (SELECT 1 FROM erp_writeback w
                             WHERE w.connection_id = ?1
                               AND w.subject = 'payment:' || p.id || ':' || p.state
                               AND w.state IN ('done', 'refused'))
          ORDER BY p.id",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?)
}

/// A final match that settles at least one item of this connection and has not been
/// written back (nor refused for good).
pub async fn matches_to_report(
    pool: &sqlx::SqlitePool,
    connection_id: i64,
) -> Result<Vec<i64>, LedgerError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT m.id
           FROM recon_match m
           JOIN recon_match_item mi ON mi.match_id = m.id
           JOIN erp_record r ON r.open_item_id = mi.open_item_id
          WHERE r.connection_id = ?1 AND m.state IN ('auto', 'confirmed') AND m.tentative = 0
            AND NOT EXISTS (SELECT 1 FROM erp_writeback w
                             WHERE w.connection_id = ?1 AND w.subject = 'match:' || m.id
                               AND w.state IN ('done', 'refused'))
          ORDER BY m.id",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Matches written back to the ERP and since undone or rejected in Cashline, with what the
/// ERP made of them.
pub async fn undone_after_writeback(
    pool: &sqlx::SqlitePool,
    connection_id: i64,
) -> Result<Vec<(i64, Option<String>)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT m.id, w.erp_reference FROM erp_writeback w JOIN recon_match m ON m.id = w.match_id
          WHERE w.connection_id = ? AND w.kind = 'match' AND w.state = 'done'
            AND m.state IN ('undone', 'rejected')
          ORDER BY m.id",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?)
}

/// One entry of a match, as write-back tells the ERP of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchedEntry {
    pub entry_id: i64,
    pub bank_ref: Option<String>,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub account_iban: Option<String>,
    pub remittance: Option<String>,
    pub counterparty_name: Option<String>,
}

pub async fn match_entries(
    pool: &sqlx::SqlitePool,
    match_id: i64,
) -> Result<Vec<MatchedEntry>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT e.id AS entry_id, e.bank_ref, e.booking_date, e.value_date, e.amount_minor,
                e.currency, a.iban AS account_iban, e.remittance, e.counterparty_name
           FROM recon_match_entry me JOIN entry e ON e.id = me.entry_id
           JOIN account a ON a.id = e.account_id
          WHERE me.match_id = ? ORDER BY e.id",
    )
    .bind(match_id)
    .fetch_all(pool)
    .await?)
}

/// One item or payment of a match, with what the ERP connection knows of it (nothing for an
/// item of another source).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchedItem {
    pub open_item_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub settled_minor: i64,
    pub connection_id: Option<i64>,
    pub erp_id: Option<i64>,
    pub writeback_json: Option<String>,
    pub kind: Option<String>,
}

pub async fn match_items(
    pool: &sqlx::SqlitePool,
    match_id: i64,
) -> Result<Vec<MatchedItem>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT mi.open_item_id, mi.payment_id, mi.settled_minor, r.connection_id, r.erp_id,
                r.writeback_json, o.kind
           FROM recon_match_item mi
           LEFT JOIN erp_record r ON r.open_item_id = mi.open_item_id
           LEFT JOIN open_item o ON o.id = mi.open_item_id
          WHERE mi.match_id = ? ORDER BY mi.rowid",
    )
    .bind(match_id)
    .fetch_all(pool)
    .await?)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritebackKind {
    PaymentStatus,
    Match,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritebackState {
    Done,
    /// Tried and failed; tried again on the next sync.
    Failed,
    /// Not to be written by Cashline (the mapping is not unambiguous): a person decides.
    Refused,
    /// Written, then undone in Cashline: a person takes it back in the ERP.
    Reverted,
}

pub struct NewWriteback<'a> {
    pub connection_id: i64,
    pub subject: &'a str,
    pub kind: WritebackKind,
    pub payment_id: Option<i64>,
    pub match_id: Option<i64>,
    pub state: WritebackState,
    pub erp_reference: Option<&'a str>,
    pub error: Option<&'a str>,
}

/// Records a write-back attempt; a subject tried before keeps its row, one attempt more.
pub async fn record_writeback(
    tx: &mut Tx<'_>,
    writeback: &NewWriteback<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let kind = match writeback.kind {
        WritebackKind::PaymentStatus => "payment_status",
        WritebackKind::Match => "match",
    };
    let state = match writeback.state {
        WritebackState::Done => "done",
        WritebackState::Failed => "failed",
        WritebackState::Refused => "refused",
        WritebackState::Reverted => "reverted",
    };
    sqlx::query(
        "INSERT INTO erp_writeback (connection_id, subject, kind, payment_id, match_id, state,
                                    erp_reference, error, first_tried_at, last_tried_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)
         ON CONFLICT (connection_id, subject) DO UPDATE SET state = excluded.state,
           erp_reference = COALESCE(excluded.erp_reference, erp_writeback.erp_reference),
           error = excluded.error, attempts = erp_writeback.attempts + 1,
           last_tried_at = excluded.last_tried_at",
    )
    .bind(writeback.connection_id)
    .bind(writeback.subject)
    .bind(kind)
    .bind(writeback.payment_id)
    .bind(writeback.match_id)
    .bind(state)
    .bind(writeback.erp_reference)
    .bind(writeback.error)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct WritebackRow {
    pub subject: String,
    /// The payment's own id, for a payment's write-back.
    pub payment: Option<String>,
    pub match_id: Option<i64>,
    pub kind: String,
    pub state: String,
    pub erp_reference: Option<String>,
    pub attempts: i64,
    pub error: Option<String>,
    pub last_tried_at: String,
}

/// A connection's write-backs, newest first.
pub async fn writebacks(
    pool: &sqlx::SqlitePool,
    connection_id: i64,
    limit: u32,
) -> Result<Vec<WritebackRow>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT w.subject, p.external_id AS payment, w.match_id, w.kind, w.state, w.erp_reference,
                w.attempts, w.error, w.last_tried_at
           FROM erp_writeback w LEFT JOIN payment p ON p.id = w.payment_id
          WHERE w.connection_id = ? ORDER BY w.last_tried_at DESC, w.id DESC LIMIT ?",
    )
    .bind(connection_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}

/// Counts of a connection's open items by state.
pub async fn item_counts(
    pool: &sqlx::SqlitePool,
    connection_id: i64,
) -> Result<Vec<(String, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT state, count(*) FROM open_item WHERE connection_id = ? GROUP BY state ORDER BY state",
    )
    .bind(connection_id)
    .fetch_all(pool)
    .await?)
}

/// What the final matches already written back to the ERP settled of an item: the ERP's own
/// open amount has taken it off already.
pub async fn written_back_settled(
    tx: &mut Tx<'_>,
    connection_id: i64,
    open_item_id: i64,
) -> Result<i64, LedgerError> {
    let (sum,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(sum(mi.settled_minor), 0)
           FROM recon_match_item mi JOIN recon_match m ON m.id = mi.match_id
           JOIN erp_writeback w ON w.connection_id = ?1 AND w.subject = 'match:' || m.id
          WHERE mi.open_item_id = ?2 AND w.state = 'done'
            AND m.state IN ('auto', 'confirmed') AND m.tentative = 0",
    )
    .bind(connection_id)
    .bind(open_item_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(sum)
}

/// The payments a connection brought in that have not gone to a bank yet, with the ERP's id
/// of each: those the ERP no longer approves are withdrawn.
pub async fn unsent_payments(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Vec<(String, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT p.external_id, r.erp_id FROM erp_record r JOIN payment p ON p.id = r.payment_id
          WHERE r.connection_id = ? AND r.model = 'payment'
            AND p.state IN ('imported', 'validated', 'approved')
          ORDER BY p.id",
    )
    .bind(connection_id)
    .fetch_all(executor)
    .await?)
}
