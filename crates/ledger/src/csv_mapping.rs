//! `csv_mapping`: saved CSV mappings, stored as the JSON their parser reads.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CsvMappingRow {
    pub name: String,
    /// `statements`, `open_items` or `payments`.
    pub records: String,
    pub header: String,
    pub definition_json: String,
    pub created_by: String,
    pub updated_at: String,
}

/// Saves a mapping, replacing the one of the same name.
pub async fn save(
    tx: &mut Tx<'_>,
    name: &str,
    records: &str,
    header: &str,
    definition_json: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let at = instant_text(now);
    sqlx::query(
        "INSERT INTO csv_mapping (name, records, header, definition_json, created_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET records = excluded.records, header = excluded.header,
           definition_json = excluded.definition_json, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(records)
    .bind(header)
    .bind(definition_json)
    .bind(user)
    .bind(&at)
    .bind(&at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<CsvMappingRow>, LedgerError> {
    Ok(sqlx::query_as::<_, CsvMappingRow>(
        "SELECT name, records, header, definition_json, created_by, updated_at FROM csv_mapping ORDER BY name",
    )
    .fetch_all(pool)
    .await?)
}

/// Removes a mapping; returns whether there was one.
pub async fn remove(tx: &mut Tx<'_>, name: &str) -> Result<bool, LedgerError> {
    let done = sqlx::query("DELETE FROM csv_mapping WHERE name = ?")
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() > 0)
}
