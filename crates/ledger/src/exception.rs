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
    pub about_date: Option<chrono::NaiveDate>,
}

pub async fn open(
    tx: &mut Tx<'_>,
    exception: &NewException<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO exception_case (kind, subject, detail, account_id, statement_id, about_date, state, opened_at)
         VALUES (?, ?, ?, ?, ?, ?, 'open', ?) RETURNING id",
    )
    .bind(exception.kind)
    .bind(exception.subject)
    .bind(exception.detail)
    .bind(exception.account_id)
    .bind(exception.statement_id)
    .bind(exception.about_date.map(crate::time::date_text))
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

/// The open (or in-progress) exception of a kind for an account, optionally about one day.
pub async fn find_open(
    tx: &mut Tx<'_>,
    account_id: i64,
    kind: &str,
    about_date: Option<chrono::NaiveDate>,
) -> Result<Option<i64>, LedgerError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM exception_case
          WHERE account_id = ? AND kind = ? AND state IN ('open', 'in_progress')
            AND (?3 IS NULL OR about_date = ?3)
          ORDER BY id LIMIT 1",
    )
    .bind(account_id)
    .bind(kind)
    .bind(about_date.map(crate::time::date_text))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|(id,)| id))
}

/// Resolves open exceptions of a kind for an account that the facts no longer support.
pub async fn resolve_open(
    tx: &mut Tx<'_>,
    account_id: i64,
    kind: &str,
    now: DateTime<Utc>,
) -> Result<u64, LedgerError> {
    let done = sqlx::query(
        "UPDATE exception_case SET state = 'resolved', closed_at = ?
          WHERE account_id = ? AND kind = ? AND state IN ('open', 'in_progress')",
    )
    .bind(instant_text(now))
    .bind(account_id)
    .bind(kind)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// One open (or in-progress) exception about an account, as the freshness sweep compares it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenAbout {
    pub account_id: i64,
    pub kind: String,
    pub about_date: Option<String>,
}

/// The open exceptions of `kinds` about accounts, read without a transaction: the sweep looks
/// first and writes only when something is to change.
pub async fn open_about_accounts(
    pool: &sqlx::SqlitePool,
    kinds: &[&str],
) -> Result<Vec<OpenAbout>, LedgerError> {
    let mut query = sqlx::QueryBuilder::new(
        "SELECT account_id, kind, about_date FROM exception_case
          WHERE account_id IS NOT NULL AND state IN ('open', 'in_progress') AND kind IN (",
    );
    let mut list = query.separated(", ");
    for kind in kinds {
        list.push_bind(*kind);
    }
    query.push(")");
    Ok(query.build_query_as().fetch_all(pool).await?)
}
