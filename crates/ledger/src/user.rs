//! `app_user`: the people who work in this ledger and their roles.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UserRow {
    pub name: String,
    /// One of `cashline_domain::Role`'s names (the table's CHECK holds it to them).
    pub role: String,
    pub created_at: String,
    pub created_by: String,
    pub disabled_at: Option<String>,
}

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<UserRow>, LedgerError> {
    Ok(sqlx::query_as::<_, UserRow>(
        "SELECT name, role, created_at, created_by, disabled_at FROM app_user ORDER BY name",
    )
    .fetch_all(pool)
    .await?)
}

/// A user by name, on the pool or inside a writer's transaction (`&mut *tx`), so a role
/// checked there cannot change before the write it allows commits.
pub async fn find(
    connection: &mut crate::Connection,
    name: &str,
) -> Result<Option<UserRow>, LedgerError> {
    Ok(sqlx::query_as::<_, UserRow>(
        "SELECT name, role, created_at, created_by, disabled_at FROM app_user WHERE name = ?",
    )
    .bind(name)
    .fetch_optional(connection)
    .await?)
}

/// Makes `name` the ledger's admin if it has no user yet, atomically, so two processes
/// opening a new ledger at once cannot both become its first admin. True when it did.
pub async fn bootstrap(
    tx: &mut Tx<'_>,
    name: &str,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "INSERT INTO app_user (name, role, created_at, created_by)
         SELECT ?, 'admin', ?, ? WHERE NOT EXISTS (SELECT 1 FROM app_user)",
    )
    .bind(name)
    .bind(instant_text(now))
    .bind(name)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Adds a user; false if the name is taken.
pub async fn insert(
    tx: &mut Tx<'_>,
    name: &str,
    role: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "INSERT INTO app_user (name, role, created_at, created_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(role)
    .bind(instant_text(now))
    .bind(by)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_role(tx: &mut Tx<'_>, name: &str, role: &str) -> Result<(), LedgerError> {
    sqlx::query("UPDATE app_user SET role = ? WHERE name = ?")
        .bind(role)
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Disables a user (`Some(now)`) or enables one again (`None`).
pub async fn set_disabled(
    tx: &mut Tx<'_>,
    name: &str,
    disabled_at: Option<DateTime<Utc>>,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE app_user SET disabled_at = ? WHERE name = ?")
        .bind(disabled_at.map(instant_text))
        .bind(name)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Enabled admins: a ledger must keep one, or nobody could manage it again.
pub async fn admins(tx: &mut Tx<'_>) -> Result<i64, LedgerError> {
    let (count,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM app_user WHERE role = 'admin' AND disabled_at IS NULL",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(count)
}
