//! `entry`: bank entries, and `entry_detail`: the transactions reported inside them. Written by
//! prepared statements stepped per row on the transaction's own handle (`prepared`): one
//! statement per row through sqlx runs 10-20 times slower (DESIGN.md, measured facts), and
//! even its multi-row batches copy every value twice.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::prepared::{Prepared, Value};
use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

/// Identity keys per promotion query, far below SQLite's 32 766 variables.
const PROMOTE_BATCH_KEYS: usize = 500;
/// Entry ids per detail read, likewise.
const DETAIL_READ_BATCH_IDS: usize = 500;

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
    /// The entry's transactions in file order; stored at positions 1, 2, ….
    pub details: Vec<NewDetail>,
}

/// One transaction inside an entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewDetail {
    /// With `currency`, or both `None` where the bank states no amount.
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub end_to_end_id: Option<String>,
    pub instruction_id: Option<String>,
    pub bank_ref: Option<String>,
    pub mandate_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub return_reason: Option<String>,
}

/// What writing a statement's entries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct EntriesWritten {
    /// Entries the ledger did not hold in any form.
    pub inserted: u64,
    /// Pending entries (from an intraday report) now booked by an end-of-day statement.
    pub promoted: u64,
    /// Transaction details written, of the inserted and promoted entries.
    pub details: u64,
}

const INSERT: &str = "INSERT INTO entry (account_id, statement_id, identity_key, booking_date,
    value_date, amount_minor, currency, status, reversal, bank_ref, entry_ref, end_to_end_id,
    counterparty_name, counterparty_iban, remittance, creditor_reference, bank_transaction_code,
    source_element, created_at)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)
  ON CONFLICT (account_id, identity_key) DO NOTHING";

// A promoted entry may hold details from its intraday report already: those stay, and what the
// booking statement adds fills the positions still empty.
const INSERT_DETAIL: &str = "INSERT INTO entry_detail (entry_id, position, amount_minor, currency,
    end_to_end_id, instruction_id, bank_ref, mandate_id, counterparty_name, counterparty_iban,
    remittance, creditor_reference, return_reason)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
  ON CONFLICT (entry_id, position) DO NOTHING";

/// Which entries the ledger holds that a new report of them replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Promote {
    /// None: an intraday report says nothing final.
    Nothing,
    /// Pending entries and those of intraday reports: a statement of record (end of day) owns
    /// them from now on.
    Provisional,
    /// Pending entries reported booked now: a bank API page, whose booked transactions are
    /// final but which re-reports the same booked ones on every pull.
    Pending,
}

/// Inserts entries that the ledger does not hold yet (by account and identity key). An entry
/// the ledger holds that `promote` names, reported booked again, is the same entry, now
/// booked: it is updated in place and owned by the new statement, never counted twice. All
/// `entries` belong to one account.
///
/// The details of an entry are written with it; an entry the ledger already held (a duplicate)
/// writes none again.
pub async fn insert_new(
    tx: &mut Tx<'_>,
    entries: &[NewEntry],
    promote: Promote,
    now: DateTime<Utc>,
) -> Result<EntriesWritten, LedgerError> {
    let mut written = EntriesWritten::default();
    // Promoted entries, by identity key, with their ids.
    let mut promoted: HashMap<&str, i64> = HashMap::new();
    let held = match promote {
        Promote::Nothing => None,
        Promote::Provisional => Some(PROVISIONAL),
        Promote::Pending => Some(PENDING),
    };
    if let Some(held) = held {
        // Promoted entries are then skipped by the insert's ON CONFLICT.
        for batch in entries.chunks(PROMOTE_BATCH_KEYS) {
            promoted.extend(promote_held(tx, batch, held).await?);
        }
        written.promoted = promoted.len() as u64;
    }
    let created_at = instant_text(now);
    let mut handle = crate::prepared::lock(&mut *tx).await?;
    let mut insert = Prepared::new(&mut handle, INSERT)?;
    // Prepared at the first entry with details: most formats have none.
    let mut insert_detail: Option<Prepared<'_>> = None;
    for entry in entries {
        let booking_date = entry.booking_date.map(date_text);
        let value_date = entry.value_date.map(date_text);
        let inserted = insert.execute(&[
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
        written.inserted += inserted;
        if entry.details.is_empty() {
            continue;
        }
        let entry_id = if inserted == 1 {
            insert.last_insert_id()
        } else if let Some(id) = promoted.get(entry.identity_key.as_str()) {
            *id
        } else {
            continue;
        };
        let statement = match &mut insert_detail {
            Some(statement) => statement,
            None => insert_detail.insert(insert.beside(INSERT_DETAIL)?),
        };
        for (index, detail) in entry.details.iter().enumerate() {
            let position = i64::try_from(index + 1).expect("details per entry are bounded");
            written.details += statement.execute(&[
                Value::Int(entry_id),
                Value::Int(position),
                Value::OptionalInt(detail.amount_minor),
                Value::Text(detail.currency.as_deref()),
                Value::Text(detail.end_to_end_id.as_deref()),
                Value::Text(detail.instruction_id.as_deref()),
                Value::Text(detail.bank_ref.as_deref()),
                Value::Text(detail.mandate_id.as_deref()),
                Value::Text(detail.counterparty_name.as_deref()),
                Value::Text(detail.counterparty_iban.as_deref()),
                Value::Text(detail.remittance.as_deref()),
                Value::Text(detail.creditor_reference.as_deref()),
                Value::Text(detail.return_reason.as_deref()),
            ])?;
        }
    }
    Ok(written)
}

/// Entries still provisional: pending, or reported only by an intraday report so far.
const PROVISIONAL: &str =
    "(status = 'pending' OR statement_id IN (SELECT id FROM statement WHERE kind = 'intraday'))";
const PENDING: &str = "(status = 'pending')";

/// Books the entries of `batch` that the ledger already holds as `held` (a constant condition);
/// returns their identity keys and ids. Only booked reports promote.
async fn promote_held<'e>(
    tx: &mut Tx<'_>,
    batch: &'e [NewEntry],
    held: &'static str,
) -> Result<Vec<(&'e str, i64)>, LedgerError> {
    let batch: Vec<&NewEntry> = batch.iter().filter(|e| e.status == "booked").collect();
    let Some(first) = batch.first() else {
        return Ok(Vec::new());
    };
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
        "SELECT identity_key FROM entry WHERE {held} AND account_id = "
    ));
    query
        .push_bind(first.account_id)
        .push(" AND identity_key IN (");
    let mut keys = query.separated(", ");
    for entry in &batch {
        keys.push_bind(entry.identity_key.clone());
    }
    query.push(")");
    let pending: Vec<(String,)> = query.build_query_as().fetch_all(&mut **tx).await?;
    let mut promoted = Vec::with_capacity(pending.len());
    for (key,) in pending {
        let entry = batch
            .iter()
            .copied()
            .find(|e| e.identity_key == key)
            .expect("selected from this batch");
        let update = format!(
            "UPDATE entry SET status = ?, statement_id = ?, booking_date = ?, value_date = COALESCE(?, value_date),
               bank_ref = COALESCE(?, bank_ref), entry_ref = COALESCE(?, entry_ref), source_element = ?
             WHERE account_id = ? AND identity_key = ? AND {held}
             RETURNING id"
        );
        // Only constant text is formatted in; every value is bound.
        let id: Option<(i64,)> = sqlx::query_as(sqlx::AssertSqlSafe(update))
            .bind(entry.status)
            .bind(entry.statement_id)
            .bind(entry.booking_date.map(date_text))
            .bind(entry.value_date.map(date_text))
            .bind(entry.bank_ref.clone())
            .bind(entry.entry_ref.clone())
            .bind(entry.source_element.clone())
            .bind(entry.account_id)
            .bind(&key)
            .fetch_optional(&mut **tx)
            .await?;
        if let Some((id,)) = id {
            promoted.push((entry.identity_key.as_str(), id));
        }
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
    /// The entry's id, for reading its details.
    pub id: i64,
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
        "SELECT e.id, a.account_key, e.bank_ref, e.entry_ref, e.booking_date, e.value_date,
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

/// One transaction of an entry, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct DetailRow {
    pub entry_id: i64,
    pub position: i64,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub end_to_end_id: Option<String>,
    pub instruction_id: Option<String>,
    pub bank_ref: Option<String>,
    pub mandate_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub return_reason: Option<String>,
}

/// The details of the entries `entry_ids`, by entry id, each entry's in position order. An
/// entry without details has no key.
pub async fn details_of(
    pool: &sqlx::SqlitePool,
    entry_ids: &[i64],
) -> Result<HashMap<i64, Vec<DetailRow>>, LedgerError> {
    let mut details: HashMap<i64, Vec<DetailRow>> = HashMap::new();
    for batch in entry_ids.chunks(DETAIL_READ_BATCH_IDS) {
        let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT entry_id, position, amount_minor, currency, end_to_end_id, instruction_id,
                    bank_ref, mandate_id, counterparty_name, counterparty_iban, remittance,
                    creditor_reference, return_reason
               FROM entry_detail WHERE entry_id IN (",
        );
        let mut ids = query.separated(", ");
        for id in batch {
            ids.push_bind(*id);
        }
        query.push(") ORDER BY entry_id, position");
        for row in query.build_query_as::<DetailRow>().fetch_all(pool).await? {
            details.entry(row.entry_id).or_default().push(row);
        }
    }
    Ok(details)
}

/// How many entries the ledger holds, for reports and tests.
pub async fn count(pool: &sqlx::SqlitePool) -> Result<i64, LedgerError> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entry")
        .fetch_one(pool)
        .await?;
    Ok(count)
}

/// The last day an account has a booked entry on, if any.
pub async fn last_booked_day(
    pool: &sqlx::SqlitePool,
    account_id: i64,
) -> Result<Option<NaiveDate>, LedgerError> {
    let (day,): (Option<String>,) = sqlx::query_as(
        "SELECT max(booking_date) FROM entry WHERE account_id = ? AND status = 'booked'",
    )
    .bind(account_id)
    .fetch_one(pool)
    .await?;
    day.map(|d| crate::time::parse_date(&d)).transpose()
}
