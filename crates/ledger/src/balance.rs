//! `balance`: every balance a bank reported, with its type, date, as-of time and source.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::{QueryBuilder, Sqlite};

use crate::prepared::{self, Value};
use crate::time::{date_text, instant_text, parse_date};
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

/// One account's closing booked balances, oldest first; where a day has several closes the
/// latest (by as-of time, then arrival) comes last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountClosings {
    pub account_id: i64,
    pub closes: Vec<(NaiveDate, i64)>,
}

/// Closing booked balances per account from `from` to `to`, plus each account's latest close
/// before `from` (what carries into the window). Every part reads the covering index per
/// account. Each account's closes come back folded into one text row: sqlx decodes a row in
/// 1.5-3.5 µs, which for 50 accounts × 90 days was 11 of the query's 17 ms (BENCHMARKS.md).
pub async fn daily_closings(
    pool: &sqlx::SqlitePool,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<AccountClosings>, LedgerError> {
    let rows = sqlx::query_as::<_, (i64, String)>(
        // CROSS JOIN keeps account as the outer loop, so balances are searched per account
        // rather than scanned whole.
        "SELECT account_id,
                group_concat(balance_date || '=' || amount_minor, ',' ORDER BY balance_date, as_of_at, id)
           FROM (
             SELECT a.id AS account_id, b.balance_date, b.amount_minor, b.as_of_at, b.id
               FROM account a
               CROSS JOIN balance b
              WHERE b.account_id = a.id AND b.balance_type = 'closing_booked'
                AND b.balance_date >= ?1 AND b.balance_date <= ?2
             UNION ALL
             SELECT a.id, b.balance_date, b.amount_minor, b.as_of_at, b.id
               FROM account a
               JOIN balance b ON b.id = (
                   SELECT c.id FROM balance c
                    WHERE c.account_id = a.id AND c.balance_type = 'closing_booked' AND c.balance_date < ?1
                    ORDER BY c.balance_date DESC, c.as_of_at DESC, c.id DESC LIMIT 1))
          GROUP BY account_id
          ORDER BY account_id",
    )
    .bind(date_text(from))
    .bind(date_text(to))
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(account_id, folded)| {
            let closes = folded
                .split(',')
                .map(|close| {
                    let (date, minor) = close.split_once('=').ok_or_else(|| {
                        LedgerError::Corrupt(format!("closing balance '{close}'"))
                    })?;
                    let minor = minor.parse().map_err(|_| {
                        LedgerError::Corrupt(format!("closing balance amount '{minor}'"))
                    })?;
                    Ok((parse_date(date)?, minor))
                })
                .collect::<Result<_, LedgerError>>()?;
            Ok(AccountClosings { account_id, closes })
        })
        .collect()
}

/// Everything the best-balance choice needs about one account, in one pass.
#[derive(Debug, Clone)]
pub struct BalanceFacts {
    pub account_id: i64,
    pub close_minor: Option<i64>,
    pub close_date: Option<String>,
    pub close_as_of_at: Option<String>,
    pub close_source: Option<String>,
    pub interim_type: Option<String>,
    pub interim_minor: Option<i64>,
    pub interim_date: Option<String>,
    pub interim_as_of_at: Option<String>,
    pub interim_source: Option<String>,
    pub available_minor: Option<i64>,
    /// Booked entries after the close, up to the as-of day.
    pub rolled_minor: i64,
    pub rolled_count: i64,
    pub rolled_last_date: Option<String>,
    pub rolled_last_at: Option<String>,
}

/// For every account: its latest closing booked balance on or before `as_of_date`, the latest
/// interim balance newer than that close, the latest available balance not older than it, and
/// the booked entries since. Every subquery reads a covering index.
pub async fn facts_per_account(
    pool: &sqlx::SqlitePool,
    as_of_date: NaiveDate,
) -> Result<Vec<BalanceFacts>, LedgerError> {
    // On the positions' path: read without sqlx's per-row cost (`prepared`).
    let as_of = date_text(as_of_date);
    prepared::fetch_all(
        pool,
        FACTS_PER_ACCOUNT,
        &[Value::Text(Some(&as_of))],
        |row| {
            // The four rolled-forward figures come as one JSON array (see the SQL).
            let rolled = row.text(11)?;
            let (rolled_minor, rolled_count, rolled_last_date, rolled_last_at): (
                i64,
                i64,
                Option<String>,
                Option<String>,
            ) = serde_json::from_str(&rolled)
                .map_err(|_| LedgerError::Corrupt(format!("rolled-forward entries '{rolled}'")))?;
            Ok(BalanceFacts {
                account_id: row.int(0)?,
                close_minor: row.optional_int(1)?,
                close_date: row.optional_text(2)?,
                close_as_of_at: row.optional_text(3)?,
                close_source: row.optional_text(4)?,
                interim_type: row.optional_text(5)?,
                interim_minor: row.optional_int(6)?,
                interim_date: row.optional_text(7)?,
                interim_as_of_at: row.optional_text(8)?,
                interim_source: row.optional_text(9)?,
                available_minor: row.optional_int(10)?,
                rolled_minor,
                rolled_count,
                rolled_last_date,
                rolled_last_at,
            })
        },
    )
    .await
}

const FACTS_PER_ACCOUNT: &str = "WITH latest AS (
           SELECT a.id AS account_id,
                  (SELECT c.id FROM balance c
                    WHERE c.account_id = a.id AND c.balance_type = 'closing_booked' AND c.balance_date <= ?1
                    ORDER BY c.balance_date DESC, c.as_of_at DESC, c.id DESC LIMIT 1) AS close_id
             FROM account a),
         with_interim AS (
           SELECT l.account_id, l.close_id,
                  (SELECT i.id FROM balance i
                    WHERE i.account_id = l.account_id
                      AND i.balance_type IN ('interim_booked', 'interim_available')
                      AND i.balance_date <= ?1
                      AND (cb.id IS NULL OR i.balance_date > cb.balance_date
                           OR (i.balance_date = cb.balance_date AND i.as_of_at > cb.as_of_at))
                    ORDER BY i.balance_date DESC, i.as_of_at DESC, (i.balance_type = 'interim_booked') DESC, i.id DESC
                    LIMIT 1) AS interim_id
             FROM latest l LEFT JOIN balance cb ON cb.id = l.close_id)
         SELECT w.account_id,
                cb.amount_minor AS close_minor, cb.balance_date AS close_date,
                cb.as_of_at AS close_as_of_at, cb.source AS close_source,
                ib.balance_type AS interim_type, ib.amount_minor AS interim_minor,
                ib.balance_date AS interim_date, ib.as_of_at AS interim_as_of_at, ib.source AS interim_source,
                (SELECT v.amount_minor FROM balance v
                  WHERE v.account_id = w.account_id
                    AND v.balance_type IN ('closing_available', 'interim_available')
                    AND v.balance_date >= COALESCE(cb.balance_date, '0000-00-00') AND v.balance_date <= ?1
                  ORDER BY v.balance_date DESC, v.as_of_at DESC, v.id DESC LIMIT 1) AS available_minor,
                -- The day's booked entries since the close, read once for all four figures
                -- (four subqueries read them four times: 3.0 against 2.0 ms at 10 M entries).
                (SELECT json_array(COALESCE(SUM(e.amount_minor), 0), COUNT(*), MAX(e.booking_date), MAX(e.created_at))
                   FROM entry e
                  WHERE e.account_id = w.account_id AND e.status = 'booked'
                    AND e.booking_date > COALESCE(cb.balance_date, '9999-12-31') AND e.booking_date <= ?1) AS rolled
           FROM with_interim w
           LEFT JOIN balance cb ON cb.id = w.close_id
           LEFT JOIN balance ib ON ib.id = w.interim_id";
