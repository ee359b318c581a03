//! `payment_export`: the pain.001 files Cashline wrote, with their exact bytes.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub struct NewExport<'a> {
    pub format: &'a str,
    pub message_id: &'a str,
    pub file_name: &'a str,
    pub document: &'a [u8],
    pub digest_sha256: &'a str,
    pub payments: i64,
    pub control_sum_minor: i64,
    pub created_by: &'a str,
}

pub async fn insert(
    tx: &mut Tx<'_>,
    export: &NewExport<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payment_export (format, message_id, file_name, document, digest_sha256,
           payments, control_sum_minor, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(export.format)
    .bind(export.message_id)
    .bind(export.file_name)
    .bind(export.document)
    .bind(export.digest_sha256)
    .bind(export.payments)
    .bind(export.control_sum_minor)
    .bind(instant_text(now))
    .bind(export.created_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub id: i64,
    pub format: String,
    pub message_id: String,
    pub file_name: String,
    pub document: Vec<u8>,
    pub digest_sha256: String,
    pub payments: i64,
    pub created_at: String,
    pub created_by: String,
    pub written_at: Option<String>,
}

const SELECT: &str = "SELECT id, format, message_id, file_name, document, digest_sha256, payments,
        created_at, created_by, written_at FROM payment_export";

/// Exports committed whose file is not yet known to be in place.
pub async fn unwritten(pool: &sqlx::SqlitePool) -> Result<Vec<ExportRow>, LedgerError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE written_at IS NULL ORDER BY id"
    )))
    .fetch_all(pool)
    .await?)
}

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<ExportRow>, LedgerError> {
    Ok(
        sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY id DESC")))
            .fetch_all(pool)
            .await?,
    )
}

/// One export by its id or its message id.
pub async fn find(pool: &sqlx::SqlitePool, key: &str) -> Result<Option<ExportRow>, LedgerError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE message_id = ?1 OR CAST(id AS TEXT) = ?1"
    )))
    .bind(key)
    .fetch_optional(pool)
    .await?)
}

pub async fn mark_written(tx: &mut Tx<'_>, id: i64, now: DateTime<Utc>) -> Result<(), LedgerError> {
    sqlx::query("UPDATE payment_export SET written_at = COALESCE(written_at, ?) WHERE id = ?")
        .bind(instant_text(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Ties a payment to the export that sends it, with the ids the file gives it.
pub async fn attach(
    tx: &mut Tx<'_>,
    payment_id: i64,
    export_id: i64,
    payment_info_id: &str,
    instruction_id: &str,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "UPDATE payment SET export_id = ?, payment_info_id = ?, instruction_id = ?
          WHERE id = ? AND export_id IS NULL AND state = 'approved'",
    )
    .bind(export_id)
    .bind(payment_info_id)
    .bind(instruction_id)
    .bind(payment_id)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(done == 1)
}

/// The company's accounts by key: the name a debtor is known by (its entity's, else the
/// account's) and the bank's BIC.
pub async fn debtors(
    tx: &mut Tx<'_>,
) -> Result<Vec<(String, String, Option<String>)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT a.account_key, COALESCE(e.name, a.name, a.account_key), COALESCE(a.bic, b.bic)
           FROM account a LEFT JOIN entity e ON e.id = a.entity_id LEFT JOIN bank b ON b.id = a.bank_id",
    )
    .fetch_all(&mut **tx)
    .await?)
}

/// The approved payments no export has taken yet.
pub async fn approved_unsent(
    tx: &mut Tx<'_>,
) -> Result<Vec<super::payment::PaymentRow>, LedgerError> {
    super::payment::approved_unsent(tx).await
}

/// The id the next export will have, inside the writer's transaction (message ids carry it, so
/// two exports in one second differ).
pub async fn next_id(tx: &mut Tx<'_>) -> Result<i64, LedgerError> {
    let (next,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) + 1 FROM payment_export")
        .fetch_one(&mut **tx)
        .await?;
    Ok(next)
}
