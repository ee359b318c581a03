//! `app_setting`: this installation's settings, by name.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub async fn get(pool: &sqlx::SqlitePool, name: &str) -> Result<Option<String>, LedgerError> {
    let found: Option<(String,)> = sqlx::query_as("SELECT value FROM app_setting WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    Ok(found.map(|(value,)| value))
}

/// Who last set a setting, if it is set.
pub async fn set_by(pool: &sqlx::SqlitePool, name: &str) -> Result<Option<String>, LedgerError> {
    let found: Option<(String,)> =
        sqlx::query_as("SELECT updated_by FROM app_setting WHERE name = ?")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    Ok(found.map(|(by,)| by))
}

/// Sets a setting, or removes it with `None`, inside the caller's transaction, so it commits
/// with its audit record.
pub async fn set(
    tx: &mut Tx<'_>,
    name: &str,
    value: Option<&str>,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    match value {
        Some(value) => {
            sqlx::query(
                "INSERT INTO app_setting (name, value, updated_by, updated_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at",
            )
            .bind(name)
            .bind(value)
            .bind(user)
            .bind(instant_text(now))
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM app_setting WHERE name = ?")
                .bind(name)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}
