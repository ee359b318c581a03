//! `fx_rate`: reference rates by pair, date and source.

use chrono::{DateTime, NaiveDate, Utc};

use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

pub struct NewRate<'a> {
    pub base: &'a str,
    pub quote: &'a str,
    pub date: NaiveDate,
    pub rate_text: &'a str,
    pub source: &'a str,
}

/// Stores rates; a rate for the same pair, day and source is replaced (sources correct
/// themselves). Returns how many rows were written.
pub async fn upsert_many(
    tx: &mut Tx<'_>,
    rates: &[NewRate<'_>],
    now: DateTime<Utc>,
) -> Result<u64, LedgerError> {
    let at = instant_text(now);
    let mut written = 0;
    for rate in rates {
        written += sqlx::query(
            "INSERT INTO fx_rate (base_currency, quote_currency, rate_date, rate_text, source, imported_at)
             VALUES (?, ?, ?, ?, ?, ?)
             ON CONFLICT (base_currency, quote_currency, rate_date, source)
             DO UPDATE SET rate_text = excluded.rate_text, imported_at = excluded.imported_at
             WHERE fx_rate.rate_text <> excluded.rate_text",
        )
        .bind(rate.base)
        .bind(rate.quote)
        .bind(date_text(rate.date))
        .bind(rate.rate_text)
        .bind(rate.source)
        .bind(&at)
        .execute(&mut **tx)
        .await?
        .rows_affected();
    }
    Ok(written)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RateRow {
    pub base_currency: String,
    pub quote_currency: String,
    pub rate_date: String,
    pub rate_text: String,
    pub source: String,
}

/// The latest rate on or before `date` for every pair (one per pair; a manual rate wins over
/// a file's on the same day).
pub async fn latest_on_or_before(
    pool: &sqlx::SqlitePool,
    date: NaiveDate,
) -> Result<Vec<RateRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RateRow>(
        // The distinct pairs by a skip scan of the unique index (one seek per pair: a plain
        // DISTINCT reads every stored rate, 1.3 ms at 23,000 rates against 0.07 ms), then one
        // lookup per pair. Currency codes are three letters (a CHECK), so a pair is six.
        "WITH RECURSIVE pair (pair_key) AS (
             SELECT (SELECT base_currency || quote_currency FROM fx_rate
                      ORDER BY base_currency, quote_currency LIMIT 1)
           UNION ALL
             SELECT COALESCE(
                 (SELECT y.base_currency || y.quote_currency FROM fx_rate y
                   WHERE y.base_currency = substr(p.pair_key, 1, 3)
                     AND y.quote_currency > substr(p.pair_key, 4, 3)
                   ORDER BY y.quote_currency LIMIT 1),
                 (SELECT y.base_currency || y.quote_currency FROM fx_rate y
                   WHERE y.base_currency > substr(p.pair_key, 1, 3)
                   ORDER BY y.base_currency, y.quote_currency LIMIT 1))
               FROM pair p WHERE p.pair_key IS NOT NULL)
         SELECT r.base_currency, r.quote_currency, r.rate_date, r.rate_text, r.source
           FROM pair p
           JOIN fx_rate r ON r.id = (
                SELECT x.id FROM fx_rate x
                 WHERE x.base_currency = substr(p.pair_key, 1, 3)
                   AND x.quote_currency = substr(p.pair_key, 4, 3)
                   AND x.rate_date <= ?
                 ORDER BY x.rate_date DESC, (x.source = 'manual') DESC, x.id DESC LIMIT 1)
          ORDER BY r.base_currency, r.quote_currency",
    )
    .bind(date_text(date))
    .fetch_all(pool)
    .await?)
}

/// Rates of one day or of every day, newest first.
pub async fn list(
    pool: &sqlx::SqlitePool,
    date: Option<NaiveDate>,
    limit: u32,
) -> Result<Vec<RateRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RateRow>(
        "SELECT base_currency, quote_currency, rate_date, rate_text, source FROM fx_rate
          WHERE (?1 IS NULL OR rate_date = ?1)
          ORDER BY rate_date DESC, base_currency, quote_currency LIMIT ?2",
    )
    .bind(date.map(date_text))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?)
}
