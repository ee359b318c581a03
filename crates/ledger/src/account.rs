//! `account`: bank accounts, one row per account key and currency, created on first import.

use chrono::{DateTime, Utc};

use cashline_domain::Cadence;

use crate::time::instant_text;
use crate::{LedgerError, Tx};

pub struct AccountSeen<'a> {
    pub account_key: &'a str,
    pub iban: Option<&'a str>,
    pub bic: Option<&'a str>,
    pub currency: &'a str,
    pub name: Option<&'a str>,
    pub bank_id: Option<i64>,
}

/// Returns the account's id, creating the account the first time a statement names it.
pub async fn ensure(
    tx: &mut Tx<'_>,
    seen: &AccountSeen<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let found: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM account WHERE account_key = ? AND currency = ?")
            .bind(seen.account_key)
            .bind(seen.currency)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some((id,)) = found {
        // Later files may know the bank when the first did not.
        sqlx::query(
            "UPDATE account SET bank_id = COALESCE(bank_id, ?), bic = COALESCE(bic, ?),
             name = COALESCE(name, ?) WHERE id = ?",
        )
        .bind(seen.bank_id)
        .bind(seen.bic)
        .bind(seen.name)
        .bind(id)
        .execute(&mut **tx)
        .await?;
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO account (account_key, iban, bic, currency, name, bank_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(seen.account_key)
    .bind(seen.iban)
    .bind(seen.bic)
    .bind(seen.currency)
    .bind(seen.name)
    .bind(seen.bank_id)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// An account with what the treasurer sees beside it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRow {
    pub id: i64,
    pub account_key: String,
    pub currency: String,
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub bank_name: Option<String>,
    pub bic: Option<String>,
    pub entity_code: Option<String>,
    pub entity_name: Option<String>,
    #[sqlx(try_from = "String")]
    pub cadence: Cadence,
    pub statement_due_time_utc: String,
    pub intraday_hours: Option<i64>,
}

const ACCOUNT_SELECT: &str = "SELECT a.id, a.account_key, a.currency, a.name, a.purpose, bk.name AS bank_name, a.bic,
        e.code AS entity_code, e.name AS entity_name, a.cadence, a.statement_due_time_utc, a.intraday_hours
   FROM account a LEFT JOIN bank bk ON bk.id = a.bank_id LEFT JOIN entity e ON e.id = a.entity_id";

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<AccountRow>, LedgerError> {
    let sql = format!("{ACCOUNT_SELECT} ORDER BY e.code, a.currency, a.account_key");
    Ok(sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql))
        .fetch_all(pool)
        .await?)
}

/// Accounts with this key (one per currency).
pub async fn find(
    pool: &sqlx::SqlitePool,
    account_key: &str,
) -> Result<Vec<AccountRow>, LedgerError> {
    let sql = format!("{ACCOUNT_SELECT} WHERE a.account_key = ? ORDER BY a.currency");
    Ok(sqlx::query_as::<_, AccountRow>(sqlx::AssertSqlSafe(sql))
        .bind(account_key)
        .fetch_all(pool)
        .await?)
}

/// What a person may change about an account; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct AccountChange {
    pub name: Option<String>,
    pub purpose: Option<String>,
    /// `Some(None)` detaches the account from its entity.
    pub entity_id: Option<Option<i64>>,
    pub cadence: Option<Cadence>,
    pub statement_due_time_utc: Option<String>,
    pub intraday_hours: Option<Option<i64>>,
}

pub async fn update(tx: &mut Tx<'_>, id: i64, change: &AccountChange) -> Result<(), LedgerError> {
    sqlx::query(
        "UPDATE account SET
           name = COALESCE(?, name),
           purpose = COALESCE(?, purpose),
           entity_id = CASE WHEN ? THEN ? ELSE entity_id END,
           cadence = COALESCE(?, cadence),
           statement_due_time_utc = COALESCE(?, statement_due_time_utc),
           intraday_hours = CASE WHEN ? THEN ? ELSE intraday_hours END
         WHERE id = ?",
    )
    .bind(change.name.as_deref())
    .bind(change.purpose.as_deref())
    .bind(change.entity_id.is_some())
    .bind(change.entity_id.flatten())
    .bind(change.cadence.map(|c| c.as_str()))
    .bind(change.statement_due_time_utc.as_deref())
    .bind(change.intraday_hours.is_some())
    .bind(change.intraday_hours.flatten())
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
