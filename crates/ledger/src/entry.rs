//! `entry`: bank entries. Written in multi-row batches, since one statement per row through
//! sqlx runs 10-20 times slower (DESIGN.md, measured facts).

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

/// Rows per INSERT. 19 bound columns × 500 rows stays far below SQLite's 32 766 variables.
pub const INSERT_BATCH_ROWS: usize = 500;

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
    let created_at = instant_text(now);
    let mut written = EntriesWritten::default();
    for batch in entries.chunks(INSERT_BATCH_ROWS) {
        if promote_pending {
            written.promoted += promote(tx, batch).await?;
        }
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO entry (account_id, statement_id, identity_key, booking_date, value_date,
               amount_minor, currency, status, reversal, bank_ref, entry_ref, end_to_end_id,
               counterparty_name, counterparty_iban, remittance, creditor_reference,
               bank_transaction_code, source_element, created_at) ",
        );
        query.push_values(batch, |mut row, entry| {
            row.push_bind(entry.account_id)
                .push_bind(entry.statement_id)
                .push_bind(entry.identity_key.clone())
                .push_bind(entry.booking_date.map(date_text))
                .push_bind(entry.value_date.map(date_text))
                .push_bind(entry.amount_minor)
                .push_bind(entry.currency.clone())
                .push_bind(entry.status)
                .push_bind(i64::from(entry.reversal))
                .push_bind(entry.bank_ref.clone())
                .push_bind(entry.entry_ref.clone())
                .push_bind(entry.end_to_end_id.clone())
                .push_bind(entry.counterparty_name.clone())
                .push_bind(entry.counterparty_iban.clone())
                .push_bind(entry.remittance.clone())
                .push_bind(entry.creditor_reference.clone())
                .push_bind(entry.bank_transaction_code.clone())
                .push_bind(entry.source_element.clone())
                .push_bind(created_at.clone());
        });
        query.push(" ON CONFLICT (account_id, identity_key) DO NOTHING");
        written.inserted += query.build().execute(&mut **tx).await?.rows_affected();
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
