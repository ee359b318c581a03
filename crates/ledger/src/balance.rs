//! `balance`: every balance a bank reported, with its type, date, as-of time and source.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

pub struct NewBalance<'a> {
    pub account_id: i64,
    pub statement_id: i64,
    pub balance_type: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub balance_date: NaiveDate,
    pub as_of: DateTime<Utc>,
    pub source: &'a str,
}

pub async fn insert_many(
    tx: &mut Tx<'_>,
    balances: &[NewBalance<'_>],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    if balances.is_empty() {
        return Ok(());
    }
    let created_at = instant_text(now);
    let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
        "INSERT INTO balance (account_id, statement_id, balance_type, amount_minor, currency,
           balance_date, as_of_at, source, created_at) ",
    );
    query.push_values(balances, |mut row, balance| {
        row.push_bind(balance.account_id)
            .push_bind(balance.statement_id)
            .push_bind(balance.balance_type.to_string())
            .push_bind(balance.amount_minor)
            .push_bind(balance.currency.to_string())
            .push_bind(date_text(balance.balance_date))
            .push_bind(instant_text(balance.as_of))
            .push_bind(balance.source.to_string())
            .push_bind(created_at.clone());
    });
    query.build().execute(&mut **tx).await?;
    Ok(())
}

/// The latest booked and available balance of one account, as stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountBalanceRow {
    pub account_key: String,
    pub currency: String,
    pub bank_name: Option<String>,
    pub booked_minor: i64,
    pub booked_date: String,
    pub booked_as_of_at: String,
    pub booked_source: String,
    pub available_minor: Option<i64>,
}

/// For every account with a closing booked balance on or before `as_of_date`: the latest one,
/// and the latest available balance of the same day or later (never an older one, which
/// would mislead).
pub async fn latest_per_account(
    pool: &sqlx::SqlitePool,
    as_of_date: NaiveDate,
) -> Result<Vec<AccountBalanceRow>, LedgerError> {
    let as_of = date_text(as_of_date);
    let rows = sqlx::query_as::<_, AccountBalanceRow>(
        "SELECT a.account_key, a.currency, bk.name AS bank_name,
                b.amount_minor AS booked_minor, b.balance_date AS booked_date,
                b.as_of_at AS booked_as_of_at, b.source AS booked_source,
                (SELECT v.amount_minor FROM balance v
                  WHERE v.account_id = a.id
                    AND v.balance_type IN ('closing_available', 'interim_available')
                    AND v.balance_date >= b.balance_date AND v.balance_date <= ?1
                  ORDER BY v.balance_date DESC, v.as_of_at DESC, v.id DESC LIMIT 1) AS available_minor
         FROM account a
         LEFT JOIN bank bk ON bk.id = a.bank_id
         JOIN balance b ON b.id = (
             SELECT c.id FROM balance c
              WHERE c.account_id = a.id AND c.balance_type = 'closing_booked'
                AND c.balance_date <= ?1
              ORDER BY c.balance_date DESC, c.as_of_at DESC, c.id DESC LIMIT 1)
         ORDER BY a.currency, a.account_key",
    )
    .bind(as_of)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// One account's closing booked balance on one day.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DailyClosingRow {
    pub account_key: String,
    pub currency: String,
    pub balance_date: String,
    pub amount_minor: i64,
}

/// Closing booked balances per account and day from `from` on (the last one of each day).
pub async fn daily_closings(
    pool: &sqlx::SqlitePool,
    from: NaiveDate,
) -> Result<Vec<DailyClosingRow>, LedgerError> {
    let rows = sqlx::query_as::<_, DailyClosingRow>(
        "SELECT a.account_key, a.currency, b.balance_date, b.amount_minor
           FROM balance b JOIN account a ON a.id = b.account_id
          WHERE b.balance_type = 'closing_booked' AND b.balance_date >= ?
            AND b.id = (SELECT c.id FROM balance c
                         WHERE c.account_id = b.account_id AND c.balance_type = 'closing_booked'
                           AND c.balance_date = b.balance_date
                         ORDER BY c.as_of_at DESC, c.id DESC LIMIT 1)
          ORDER BY b.balance_date, a.account_key",
    )
    .bind(date_text(from))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
