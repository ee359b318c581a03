//! `entry`: bank entries. Written by one prepared statement stepped per row on the
//! transaction's own handle (`prepared`): one statement per row through sqlx runs 10-20 times
//! slower (DESIGN.md, measured facts), and even its multi-row batches copy every value twice.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::prepared::{Prepared, Value};
use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

/// Identity keys per promotion query, far below SQLite's 32 766 variables.
const PROMOTE_BATCH_KEYS: usize = 500;

#[derive(Debug, Clone)]
pub struct NewEntry {
    pub account_id: i64,
    pub statement_id: i64,
    pub identity_key: String,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: &'static str,
    pub reversal: bool,
    pub bank_ref: Option<String>,
    pub entry_ref: Option<String>,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub bank_transaction_code: Option<String>,
    pub source_element: Option<String>,
}

/// What writing a statement's entries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntriesWritten {
    /// Entries the ledger did not hold in any form.
    pub inserted: u64,
    /// Pending entries (from an intraday report) now booked by an end-of-day statement.
    pub promoted: u64,
}

const INSERT: &str = "INSERT INTO entry (account_id, statement_id, identity_key, booking_date,
    value_date, amount_minor, currency, status, reversal, bank_ref, entry_ref, end_to_end_id,
    counterparty_name, counterparty_iban, remittance, creditor_reference, bank_transaction_code,
    source_element, created_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
  ON CONFLICT (account_id, identity_key) DO NOTHING";

/// Inserts entries that the ledger does not hold yet (by account and identity key). With
/// `promote_pending`, an entry the ledger holds as provisional (pending, or from an intraday
/// report) is the same entry, now booked: it is updated in place and owned by the new
/// statement, never counted twice. All `entries` belong to one account.
pub async fn insert_new(
    tx: &mut Tx<'_>,
    entries: &[NewEntry],
    promote_pending: bool,
    now: DateTime<Utc>,
) -> Result<EntriesWritten, LedgerError> {
    let mut written = EntriesWritten::default();
    if promote_pending {
        // Promoted entries are then skipped by the insert's ON CONFLICT.
        for batch in entries.chunks(PROMOTE_BATCH_KEYS) {
            written.promoted += promote(tx, batch).await?;
        }
    }
    let created_at = instant_text(now);
    let mut handle = tx.lock_handle().await?;
    let mut insert = Prepared::new(&mut handle, INSERT)?;
    for entry in entries {
        let booking_date = entry.booking_date.map(date_text);
        let value_date = entry.value_date.map(date_text);
        written.inserted += insert.execute(&[
            Value::Int(entry.account_id),
            Value::Int(entry.statement_id),
            Value::Text(Some(&entry.identity_key)),
            Value::Text(booking_date.as_deref()),
            Value::Text(value_date.as_deref()),
            Value::Int(entry.amount_minor),
            Value::Text(Some(&entry.currency)),
            Value::Text(Some(entry.status)),
            Value::Int(i64::from(entry.reversal)),
            Value::Text(entry.bank_ref.as_deref()),
            Value::Text(entry.entry_ref.as_deref()),
            Value::Text(entry.end_to_end_id.as_deref()),
            Value::Text(entry.counterparty_name.as_deref()),
            Value::Text(entry.counterparty_iban.as_deref()),
            Value::Text(entry.remittance.as_deref()),
            Value::Text(entry.creditor_reference.as_deref()),
            Value::Text(entry.bank_transaction_code.as_deref()),
            Value::Text(entry.source_element.as_deref()),
            Value::Text(Some(&created_at)),
        ])?;
    }
    Ok(written)
}

/// Entries still provisional: pending, or reported only by an intraday report so far.
const PROVISIONAL: &str =
    "(status = 'pending' OR statement_id IN (SELECT id FROM statement WHERE kind = 'intraday'))";

/// Books the provisional entries of `batch` that the ledger already holds.
async fn promote(tx: &mut Tx<'_>, batch: &[NewEntry]) -> Result<u64, LedgerError> {
    let Some(first) = batch.first() else {
        return Ok(0);
    };
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT identity_key FROM entry WHERE {PROVISIONAL} AND account_id = "
    ));
    query
        .push_bind(first.account_id)
        .push(" AND identity_key IN (");
    let mut keys = query.separated(", ");
    for entry in batch {
        keys.push_bind(entry.identity_key.clone());
    }
    query.push(")");
    let pending: Vec<(String,)> = query.build_query_as().fetch_all(&mut **tx).await?;
    let mut promoted = 0;
    for (key,) in pending {
        let entry = batch
            .iter()
            .find(|e| e.identity_key == key)
            .expect("selected from this batch");
        let update = format!(
            "UPDATE entry SET status = ?, statement_id = ?, booking_date = ?, value_date = COALESCE(?, value_date),
               bank_ref = COALESCE(?, bank_ref), source_element = ?
             WHERE account_id = ? AND identity_key = ? AND {PROVISIONAL}"
        );
        // Only constant text is formatted in; every value is bound.
        promoted += sqlx::query(sqlx::AssertSqlSafe(update))
            .bind(entry.status)
            .bind(entry.statement_id)
            .bind(entry.booking_date.map(date_text))
            .bind(entry.value_date.map(date_text))
            .bind(entry.bank_ref.clone())
            .bind(entry.source_element.clone())
            .bind(entry.account_id)
            .bind(&key)
            .execute(&mut **tx)
            .await?
            .rows_affected();
    }
    Ok(promoted)
}

#[derive(Debug, Clone, Default)]
pub struct EntryFilter {
    pub account_key: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryRow {
    pub account_key: String,
    pub bank_ref: Option<String>,
    pub entry_ref: Option<String>,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub reversal: i64,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub bank_transaction_code: Option<String>,
}

pub async fn list(
    pool: &sqlx::SqlitePool,
    filter: &EntryFilter,
) -> Result<Vec<EntryRow>, LedgerError> {
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
        "SELECT a.account_key, e.bank_ref, e.entry_ref, e.booking_date, e.value_date,
                e.amount_minor, e.currency, e.status, e.reversal, e.end_to_end_id,
                e.counterparty_name, e.counterparty_iban, e.remittance, e.creditor_reference,
                e.bank_transaction_code
           FROM entry e JOIN account a ON a.id = e.account_id WHERE 1 = 1",
    );
    if let Some(key) = &filter.account_key {
        query.push(" AND a.account_key = ").push_bind(key.clone());
    }
    if let Some(from) = filter.from {
        query
            .push(" AND e.booking_date >= ")
            .push_bind(date_text(from));
    }
    if let Some(to) = filter.to {
        query
            .push(" AND e.booking_date <= ")
            .push_bind(date_text(to));
    }
    query.push(" ORDER BY e.booking_date, a.account_key, e.id");
    if let Some(limit) = filter.limit {
        query.push(" LIMIT ").push_bind(i64::from(limit));
    }
    Ok(query.build_query_as::<EntryRow>().fetch_all(pool).await?)
}

/// How many entries the ledger holds, for reports and tests.
pub async fn count(pool: &sqlx::SqlitePool) -> Result<i64, LedgerError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entry")
        .fetch_one(pool)
        .await?;
    Ok(count)
}
