//! `account`: bank accounts, one row per account key and currency, created on first import.

use chrono::{DateTime, Utc};

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
