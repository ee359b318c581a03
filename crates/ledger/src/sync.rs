//! `sync_run`, `sync_page`: every run of a bank connection, and every answer of the bank's
//! API it wrote.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub struct NewRun<'a> {
    pub connection_id: i64,
    pub correlation_id: &'a str,
    /// `scheduled` or `user`.
    pub trigger: &'a str,
}

pub async fn start_run(
    tx: &mut Tx<'_>,
    run: &NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sync_run (connection_id, started_at, correlation_id, trigger)
         VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(run.connection_id)
    .bind(instant_text(now))
    .bind(run.correlation_id)
    .bind(run.trigger)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// What a run did, once it ends.
#[derive(Debug, Clone, Default)]
pub struct RunEnd<'a> {
    pub ok: bool,
    pub accounts: u64,
    pub new_entries: u64,
    pub balances: u64,
    pub pages: u64,
    pub retries: u64,
    /// In plain words, without secrets.
    pub error: Option<&'a str>,
    /// An ERP run's counts (items, payments, write-backs), as JSON.
    pub erp_counts_json: Option<&'a str>,
}

pub async fn finish_run(
    tx: &mut Tx<'_>,
    run_id: i64,
    end: &RunEnd<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let count = |n: u64| i64::try_from(n).map_err(|_| LedgerError::Corrupt("count".into()));
    sqlx::query(
        "UPDATE sync_run SET ended_at = ?, outcome = ?, accounts_count = ?, new_entries_count = ?,
                balances_count = ?, pages_count = ?, retries_count = ?, error = ?,
                erp_counts_json = ?
          WHERE id = ?",
    )
    .bind(instant_text(now))
    .bind(if end.ok { "ok" } else { "failed" })
    .bind(count(end.accounts)?)
    .bind(count(end.new_entries)?)
    .bind(count(end.balances)?)
    .bind(count(end.pages)?)
    .bind(count(end.retries)?)
    .bind(end.error)
    .bind(end.erp_counts_json)
    .bind(run_id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct NewPage<'a> {
    pub sync_run_id: i64,
    pub connection_id: i64,
    pub account_id: i64,
    /// `balances` or `transactions`.
    pub resource: &'a str,
    pub request_id: &'a str,
    pub page: u32,
    pub body_sha256: &'a str,
    pub unattended: bool,
}

pub async fn insert_page(
    tx: &mut Tx<'_>,
    page: &NewPage<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sync_page (sync_run_id, connection_id, account_id, resource, request_id, page,
                                body_sha256, unattended, received_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(page.sync_run_id)
    .bind(page.connection_id)
    .bind(page.account_id)
    .bind(page.resource)
    .bind(page.request_id)
    .bind(i64::from(page.page))
    .bind(page.body_sha256)
    .bind(page.unattended)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Unattended pulls of an account's transactions on one UTC day: what the consent's daily
/// budget counts.
pub async fn unattended_pulls(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
    account_id: i64,
    day: NaiveDate,
) -> Result<u32, LedgerError> {
    let from = format!("{day}T00:00:00");
    let to = format!("{}T00:00:00", day.succ_opt().unwrap_or(day));
    let (count,): (i64,) = sqlx::query_as(
        "SELECT count(DISTINCT sync_run_id) FROM sync_page
          WHERE connection_id = ? AND account_id = ? AND unattended = 1
            AND resource = 'transactions' AND received_at >= ? AND received_at < ?",
    )
    .bind(connection_id)
    .bind(account_id)
    .bind(from)
    .bind(to)
    .fetch_one(executor)
    .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RunRow {
    pub id: i64,
    pub connection_id: i64,
    pub started_at: String,
    pub ended_at: Option<String>,
    pub outcome: Option<String>,
    pub trigger: String,
    pub accounts_count: i64,
    pub new_entries_count: i64,
    pub balances_count: i64,
    pub pages_count: i64,
    pub retries_count: i64,
    pub correlation_id: String,
    pub error: Option<String>,
    pub erp_counts_json: Option<String>,
}

/// A connection's latest runs, newest first.
pub async fn runs(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
    limit: u32,
) -> Result<Vec<RunRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RunRow>(
        "SELECT id, connection_id, started_at, ended_at, outcome, trigger, accounts_count,
                new_entries_count, balances_count, pages_count, retries_count, correlation_id, error,
                erp_counts_json
           FROM sync_run WHERE connection_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(connection_id)
    .bind(i64::from(limit))
    .fetch_all(executor)
    .await?)
}

/// The last run that ended well, if any.
pub async fn last_ok(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Option<RunRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RunRow>(
        "SELECT id, connection_id, started_at, ended_at, outcome, trigger, accounts_count,
                new_entries_count, balances_count, pages_count, retries_count, correlation_id, error,
                erp_counts_json
           FROM sync_run WHERE connection_id = ? AND outcome = 'ok' ORDER BY id DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_optional(executor)
    .await?)
}

/// Gives a run the correlation id that names it: one made of its own row id is unique even
/// for two runs in the same instant.
pub async fn set_correlation(
    tx: &mut Tx<'_>,
    run_id: i64,
    correlation_id: &str,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE sync_run SET correlation_id = ? WHERE id = ?")
        .bind(correlation_id)
        .bind(run_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
