//! `connection`, `bank_consent`, `connection_account`: a channel to a bank, the consent it
//! reads accounts under, and which ledger accounts it reaches under which resource id.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConnectionRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub parameters_json: String,
    /// The keychain entry holding this connection's secrets, never the secrets.
    pub secret_ref: Option<String>,
    pub cadence_minutes: Option<i64>,
    pub created_at: String,
}

pub struct NewConnection<'a> {
    pub name: &'a str,
    pub kind: &'a str,
    pub parameters_json: &'a str,
    pub secret_ref: Option<&'a str>,
    pub cadence_minutes: Option<i64>,
}

const COLUMNS: &str =
    "id, name, kind, parameters_json, secret_ref, cadence_minutes, created_at FROM connection";

pub async fn insert(
    tx: &mut Tx<'_>,
    connection: &NewConnection<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO connection (name, kind, parameters_json, secret_ref, cadence_minutes, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(connection.name)
    .bind(connection.kind)
    .bind(connection.parameters_json)
    .bind(connection.secret_ref)
    .bind(connection.cadence_minutes)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The connections of one kind (`psd2`, `tryton`) in use (not removed), by name.
pub async fn list(pool: &sqlx::SqlitePool, kind: &str) -> Result<Vec<ConnectionRow>, LedgerError> {
    let query = format!("SELECT {COLUMNS} WHERE removed_at IS NULL AND kind = ? ORDER BY name");
    Ok(
        sqlx::query_as::<_, ConnectionRow>(sqlx::AssertSqlSafe(query))
            .bind(kind)
            .fetch_all(pool)
            .await?,
    )
}

pub async fn find(
    executor: impl sqlx::SqliteExecutor<'_>,
    name: &str,
) -> Result<Option<ConnectionRow>, LedgerError> {
    let query = format!("SELECT {COLUMNS} WHERE name = ? AND removed_at IS NULL");
    Ok(
        sqlx::query_as::<_, ConnectionRow>(sqlx::AssertSqlSafe(query))
            .bind(name)
            .fetch_optional(executor)
            .await?,
    )
}

/// Removes a connection from use. Its runs and pages keep naming it, so the row stays, renamed
/// out of the way (`NAME (removed N)`) so the name can be given to a new connection.
pub async fn remove(tx: &mut Tx<'_>, id: i64, now: DateTime<Utc>) -> Result<(), LedgerError> {
    sqlx::query(
        "UPDATE connection SET removed_at = ?, name = name || ' (removed ' || id || ')'
          WHERE id = ? AND removed_at IS NULL",
    )
    .bind(instant_text(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM connection_account WHERE connection_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("UPDATE account SET connection_id = NULL WHERE connection_id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConsentRow {
    pub consent_id: String,
    pub status: String,
    pub valid_until: String,
    pub frequency_per_day: i64,
    pub recurring: bool,
    pub sca_redirect: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

pub struct NewConsent<'a> {
    pub consent_id: &'a str,
    pub status: &'a str,
    pub valid_until: NaiveDate,
    pub frequency_per_day: u32,
    pub recurring: bool,
    pub sca_redirect: Option<&'a str>,
}

/// Records a consent, or its new status.
pub async fn save_consent(
    tx: &mut Tx<'_>,
    connection_id: i64,
    consent: &NewConsent<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO bank_consent (connection_id, consent_id, status, valid_until, frequency_per_day,
                                   recurring, sca_redirect, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)
         ON CONFLICT (connection_id, consent_id) DO UPDATE SET status = excluded.status,
           valid_until = excluded.valid_until, updated_at = excluded.updated_at",
    )
    .bind(connection_id)
    .bind(consent.consent_id)
    .bind(consent.status)
    .bind(date_text(consent.valid_until))
    .bind(i64::from(consent.frequency_per_day))
    .bind(consent.recurring)
    .bind(consent.sca_redirect)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The consent in force: the newest one.
pub async fn consent(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Option<ConsentRow>, LedgerError> {
    Ok(sqlx::query_as::<_, ConsentRow>(
        "SELECT consent_id, status, valid_until, frequency_per_day, recurring, sca_redirect,
                created_at, updated_at
           FROM bank_consent WHERE connection_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(connection_id)
    .fetch_optional(executor)
    .await?)
}

/// The consent the connection reads under on `day`: the newest one the PSU approved that has
/// not ended. A renewal waiting for its approval leaves the one before it in force.
pub async fn consent_in_force(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
    day: NaiveDate,
) -> Result<Option<ConsentRow>, LedgerError> {
    Ok(sqlx::query_as::<_, ConsentRow>(
        "SELECT consent_id, status, valid_until, frequency_per_day, recurring, sca_redirect,
                created_at, updated_at
           FROM bank_consent
          WHERE connection_id = ? AND status = 'valid' AND valid_until >= ?
          ORDER BY id DESC LIMIT 1",
    )
    .bind(connection_id)
    .bind(date_text(day))
    .fetch_optional(executor)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MappedAccount {
    pub account_id: i64,
    pub account_key: String,
    pub currency: String,
    pub resource_id: String,
}

/// Maps a ledger account to the bank's resource id under this connection, replacing the id
/// it had (banks re-issue ids on reconnect); the account is marked as reached by it.
pub async fn map_account(
    tx: &mut Tx<'_>,
    connection_id: i64,
    account_id: i64,
    resource_id: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO connection_account (connection_id, account_id, resource_id, seen_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (connection_id, account_id) DO UPDATE SET resource_id = excluded.resource_id,
           seen_at = excluded.seen_at",
    )
    .bind(connection_id)
    .bind(account_id)
    .bind(resource_id)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE account SET connection_id = ? WHERE id = ?")
        .bind(connection_id)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn accounts(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Vec<MappedAccount>, LedgerError> {
    Ok(sqlx::query_as::<_, MappedAccount>(
        "SELECT c.account_id, a.account_key, a.currency, c.resource_id
           FROM connection_account c JOIN account a ON a.id = c.account_id
          WHERE c.connection_id = ? ORDER BY a.account_key, a.currency",
    )
    .bind(connection_id)
    .fetch_all(executor)
    .await?)
}
