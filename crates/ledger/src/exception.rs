//! `exception_case`: work for a person (a balance that does not add up, a stale account, …).

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub struct NewException<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub detail: Option<&'a str>,
    pub account_id: Option<i64>,
    pub statement_id: Option<i64>,
}

pub async fn open(
    tx: &mut Tx<'_>,
    exception: &NewException<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO exception_case (kind, subject, detail, account_id, statement_id, state, opened_at)
         VALUES (?, ?, ?, ?, ?, 'open', ?) RETURNING id",
    )
    .bind(exception.kind)
    .bind(exception.subject)
    .bind(exception.detail)
    .bind(exception.account_id)
    .bind(exception.statement_id)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExceptionRow {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub detail: Option<String>,
    pub state: String,
    pub owner: Option<String>,
    pub opened_at: String,
}

pub async fn list(
    pool: &sqlx::SqlitePool,
    kind: Option<&str>,
    state: Option<&str>,
) -> Result<Vec<ExceptionRow>, LedgerError> {
    let rows = sqlx::query_as::<_, ExceptionRow>(
        "SELECT id, kind, subject, detail, state, owner, opened_at FROM exception_case
          WHERE (?1 IS NULL OR kind = ?1) AND (?2 IS NULL OR state = ?2)
          ORDER BY opened_at, id",
    )
    .bind(kind)
    .bind(state)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
