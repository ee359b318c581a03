//! `cutoff`: the latest time of day a bank executes a payment on the same day, per currency.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CutoffRow {
    /// The bank's BIC, its first eight characters (the bank, not the branch).
    pub bank_bic: String,
    pub currency: String,
    /// `HH:MM`, local to `time_zone`.
    pub cutoff_time: String,
    /// An IANA time zone (`Europe/Berlin`).
    pub time_zone: String,
    pub set_by: String,
    pub set_at: String,
}

const SELECT: &str =
    "SELECT bank_bic, currency, cutoff_time, time_zone, set_by, set_at FROM cutoff";

pub async fn list(pool: &sqlx::SqlitePool) -> Result<Vec<CutoffRow>, LedgerError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} ORDER BY bank_bic, currency"
    )))
    .fetch_all(pool)
    .await?)
}

pub async fn find(
    tx: &mut Tx<'_>,
    bank_bic: &str,
    currency: &str,
) -> Result<Option<CutoffRow>, LedgerError> {
    Ok(sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} WHERE bank_bic = ? AND currency = ?"
    )))
    .bind(bank_bic)
    .bind(currency)
    .fetch_optional(&mut **tx)
    .await?)
}

pub struct NewCutoff<'a> {
    pub bank_bic: &'a str,
    pub currency: &'a str,
    pub cutoff_time: &'a str,
    pub time_zone: &'a str,
    pub set_by: &'a str,
}

pub async fn set(
    tx: &mut Tx<'_>,
    cutoff: &NewCutoff<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO cutoff (bank_bic, currency, cutoff_time, time_zone, set_by, set_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (bank_bic, currency) DO UPDATE SET cutoff_time = excluded.cutoff_time,
           time_zone = excluded.time_zone, set_by = excluded.set_by, set_at = excluded.set_at",
    )
    .bind(cutoff.bank_bic)
    .bind(cutoff.currency)
    .bind(cutoff.cutoff_time)
    .bind(cutoff.time_zone)
    .bind(cutoff.set_by)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The BIC of the bank holding the company's account with this IBAN (compact), where known.
pub async fn bic_of_account(tx: &mut Tx<'_>, iban: &str) -> Result<Option<String>, LedgerError> {
    let row: Option<(Option<String>,)> = sqlx::query_as(
        "SELECT COALESCE(a.bic, b.bic) FROM account a LEFT JOIN bank b ON b.id = a.bank_id
          WHERE a.account_key = upper(replace(?, ' ', '')) LIMIT 1",
    )
    .bind(iban)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.and_then(|(bic,)| bic))
}
