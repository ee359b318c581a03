//! `audit_record`: an append-only log chained by SHA-256, so an edit or a deletion anywhere
//! breaks every hash after it.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// The hash before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub struct NewAuditRecord<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

fn record_hash(
    previous_hash: &str,
    recorded_at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail_json: &str,
) -> String {
    let mut hasher = Sha256::new();
    // Length-prefixed fields, so no two different records hash the same text.
    for field in [
        previous_hash,
        recorded_at,
        actor,
        action,
        subject,
        detail_json,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Appends a record inside the caller's transaction, so it commits with the change it records.
pub async fn append(
    tx: &mut Tx<'_>,
    record: &NewAuditRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let previous: Option<(String,)> =
        sqlx::query_as("SELECT record_hash FROM audit_record ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let previous_hash = previous.map_or_else(|| GENESIS_HASH.to_string(), |(hash,)| hash);
    let recorded_at = instant_text(now);
    let detail_json = record.detail.to_string();
    let hash = record_hash(
        &previous_hash,
        &recorded_at,
        record.actor,
        record.action,
        record.subject,
        &detail_json,
    );
    sqlx::query(
        "INSERT INTO audit_record (recorded_at, actor, action, subject, detail_json, previous_hash, record_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(recorded_at)
    .bind(record.actor)
    .bind(record.action)
    .bind(record.subject)
    .bind(detail_json)
    .bind(previous_hash)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub records: u64,
    /// The id of the first record whose hash or link does not verify.
    pub first_bad: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct StoredRecord {
    id: i64,
    recorded_at: String,
    actor: String,
    action: String,
    subject: String,
    detail_json: String,
    previous_hash: String,
    record_hash: String,
}

/// Re-computes the whole chain.
pub async fn verify(pool: &sqlx::SqlitePool) -> Result<ChainReport, LedgerError> {
    let rows = sqlx::query_as::<_, StoredRecord>(
        "SELECT id, recorded_at, actor, action, subject, detail_json, previous_hash, record_hash
           FROM audit_record ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let mut expected_previous = GENESIS_HASH.to_string();
    for row in &rows {
        let hash = record_hash(
            &row.previous_hash,
            &row.recorded_at,
            &row.actor,
            &row.action,
            &row.subject,
            &row.detail_json,
        );
        if row.previous_hash != expected_previous || hash != row.record_hash {
            return Ok(ChainReport {
                records: rows.len() as u64,
                first_bad: Some(row.id),
            });
        }
        expected_previous = row.record_hash.clone();
    }
    Ok(ChainReport {
        records: rows.len() as u64,
        first_bad: None,
    })
}
