//! `entity`: the legal entities of the group.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntityRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub country: Option<String>,
    pub reporting_currency: Option<String>,
}

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<EntityRow>, LedgerError> {
    Ok(sqlx::query_as::<_, EntityRow>(
        "SELECT id, code, name, country, reporting_currency FROM entity ORDER BY code",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn find(pool: &sqlx::SqlitePool, code: &str) -> Result<Option<EntityRow>, LedgerError> {
    Ok(sqlx::query_as::<_, EntityRow>(
        "SELECT id, code, name, country, reporting_currency FROM entity WHERE code = ?",
    )
    .bind(code)
    .fetch_optional(pool)
    .await?)
}

/// Creates or renames an entity by its code.
pub async fn save(
    tx: &mut Tx<'_>,
    code: &str,
    name: &str,
    country: Option<&str>,
    reporting_currency: Option<&str>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO entity (code, name, country, reporting_currency, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (code) DO UPDATE SET name = excluded.name, country = excluded.country,
           reporting_currency = excluded.reporting_currency
         RETURNING id",
    )
    .bind(code)
    .bind(name)
    .bind(country)
    .bind(reporting_currency)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
