//! `statement`: one bank statement (or intraday report, or notification), known by identity.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// Where a statement came from: a file, or one page of a bank's API. Every statement has
/// exactly one (the table checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatementOrigin {
    /// `source_file.id`.
    File(i64),
    /// `sync_page.id`.
    Page(i64),
}

impl StatementOrigin {
    /// The `statement` column that names this origin, for queries over one origin's rows.
    pub fn column(self) -> &'static str {
        match self {
            StatementOrigin::File(_) => "source_file_id",
            StatementOrigin::Page(_) => "sync_page_id",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            StatementOrigin::File(id) | StatementOrigin::Page(id) => id,
        }
    }
}

pub struct NewStatement<'a> {
    pub account_id: i64,
    pub origin: StatementOrigin,
    pub kind: &'a str,
    pub format: &'a str,
    pub message_id: &'a str,
    pub statement_ref: &'a str,
    pub sequence_number: Option<&'a str>,
    pub page_number: Option<u32>,
    pub created_at_bank: Option<DateTime<Utc>>,
    pub period_from: Option<DateTime<Utc>>,
    pub period_to: Option<DateTime<Utc>>,
    pub identity_key: &'a str,
    pub imported_at: DateTime<Utc>,
}

pub async fn exists(tx: &mut Tx<'_>, identity_key: &str) -> Result<bool, LedgerError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM statement WHERE identity_key = ?")
        .bind(identity_key)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}

pub async fn insert(tx: &mut Tx<'_>, statement: &NewStatement<'_>) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO statement (account_id, source_file_id, sync_page_id, kind, format, message_id,
           statement_ref, sequence_number, page_number, created_at_bank, period_from_at,
           period_to_at, identity_key, imported_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(statement.account_id)
    .bind(match statement.origin {
        StatementOrigin::File(id) => Some(id),
        StatementOrigin::Page(_) => None,
    })
    .bind(match statement.origin {
        StatementOrigin::Page(id) => Some(id),
        StatementOrigin::File(_) => None,
    })
    .bind(statement.kind)
    .bind(statement.format)
    .bind(statement.message_id)
    .bind(statement.statement_ref)
    .bind(statement.sequence_number)
    .bind(statement.page_number.map(i64::from))
    .bind(statement.created_at_bank.map(instant_text))
    .bind(statement.period_from.map(instant_text))
    .bind(statement.period_to.map(instant_text))
    .bind(statement.identity_key)
    .bind(instant_text(statement.imported_at))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The end-of-day statement of an account closing most recently before a day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PreviousStatement {
    pub sequence_number: Option<String>,
    pub closing_date: String,
}

pub async fn previous_end_of_day(
    tx: &mut Tx<'_>,
    account_id: i64,
    before: chrono::NaiveDate,
) -> Result<Option<PreviousStatement>, LedgerError> {
    let found = sqlx::query_as::<_, PreviousStatement>(
        "SELECT s.sequence_number, b.balance_date AS closing_date
           FROM balance b JOIN statement s ON s.id = b.statement_id
          WHERE b.account_id = ? AND b.balance_type = 'closing_booked' AND s.kind = 'end_of_day'
            AND b.balance_date < ?
          ORDER BY b.balance_date DESC, b.id DESC LIMIT 1",
    )
    .bind(account_id)
    .bind(crate::time::date_text(before))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found)
}
