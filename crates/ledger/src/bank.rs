//! `bank`: banks, known by BIC where one is given.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// Finds the bank with this BIC, creating it on first sight. The name is filled in when a
/// later file gives one and the row has none.
pub async fn ensure(
    tx: &mut Tx<'_>,
    bic: &str,
    name: Option<&str>,
    country: &str,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let found: Option<(i64,)> = sqlx::query_as("SELECT id FROM bank WHERE bic = ?")
        .bind(bic)
        .fetch_optional(&mut **tx)
        .await?;
    if let Some((id,)) = found {
        if let Some(name) = name {
            sqlx::query("UPDATE bank SET name = ? WHERE id = ? AND name = bic")
                .bind(name)
                .bind(id)
                .execute(&mut **tx)
                .await?;
        }
        return Ok(id);
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO bank (name, bic, country, created_at) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(name.unwrap_or(bic))
    .bind(bic)
    .bind(country)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}
