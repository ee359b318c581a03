//! `source_file`: every imported file by content digest, the first guard of idempotency.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub struct NewSourceFile<'a> {
    pub digest_sha256: &'a str,
    pub file_name: &'a str,
    pub format: &'a str,
    pub size_bytes: u64,
    pub imported_at: DateTime<Utc>,
    pub imported_by: &'a str,
}

/// An imported file's format and what it held, found by its digest.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct KnownFile {
    pub format: String,
    pub statements_count: i64,
    pub entries_count: i64,
}

pub async fn find(tx: &mut Tx<'_>, digest_sha256: &str) -> Result<Option<KnownFile>, LedgerError> {
    Ok(sqlx::query_as::<_, KnownFile>(
        "SELECT format, statements_count, entries_count FROM source_file WHERE digest_sha256 = ?",
    )
    .bind(digest_sha256)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Records how many statements and entries the file held, once it has been read through.
pub async fn set_counts(
    tx: &mut Tx<'_>,
    id: i64,
    statements: u64,
    entries: u64,
) -> Result<(), LedgerError> {
    let to_i64 = |n: u64| i64::try_from(n).map_err(|_| LedgerError::Corrupt("count".into()));
    sqlx::query("UPDATE source_file SET statements_count = ?, entries_count = ? WHERE id = ?")
        .bind(to_i64(statements)?)
        .bind(to_i64(entries)?)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn insert(tx: &mut Tx<'_>, file: &NewSourceFile<'_>) -> Result<i64, LedgerError> {
    let size =
        i64::try_from(file.size_bytes).map_err(|_| LedgerError::Corrupt("file size".into()))?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO source_file (digest_sha256, file_name, format, size_bytes, imported_at, imported_by)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(file.digest_sha256)
    .bind(file.file_name)
    .bind(file.format)
    .bind(size)
    .bind(instant_text(file.imported_at))
    .bind(file.imported_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
