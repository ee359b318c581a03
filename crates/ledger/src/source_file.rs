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

pub async fn exists(tx: &mut Tx<'_>, digest_sha256: &str) -> Result<bool, LedgerError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM source_file WHERE digest_sha256 = ?")
            .bind(digest_sha256)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
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
