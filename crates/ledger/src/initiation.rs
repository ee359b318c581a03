//! `payment_initiation`: a payment sent through a bank's API, written before the call and
//! after it. See migrations/0010_payment_initiation.sql for why there is one row per payment.

use chrono::{DateTime, Utc};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct InitiationRow {
    pub id: i64,
    pub payment_id: i64,
    pub connection_id: i64,
    pub request_id: String,
    pub outcome: String,
    pub bank_payment_id: Option<String>,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub started_at: String,
    pub answered_at: Option<String>,
}

const COLUMNS: &str =
    "id, payment_id, connection_id, request_id, outcome, bank_payment_id, attempts,
    last_error, started_at, answered_at FROM payment_initiation";

pub async fn of_payment(
    tx: &mut Tx<'_>,
    payment_id: i64,
) -> Result<Option<InitiationRow>, LedgerError> {
    let query = format!("SELECT {COLUMNS} WHERE payment_id = ?");
    Ok(
        sqlx::query_as::<_, InitiationRow>(sqlx::AssertSqlSafe(query))
            .bind(payment_id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

/// Records that the payment is about to be presented: a new row, or another attempt of the
/// row it has (its request id kept). Returns the row as it now stands.
pub async fn attempt(
    tx: &mut Tx<'_>,
    payment_id: i64,
    connection_id: i64,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<InitiationRow, LedgerError> {
    sqlx::query(
        "INSERT INTO payment_initiation (payment_id, connection_id, request_id, outcome, attempts,
                                         started_at)
         VALUES (?, ?, ?, 'unknown', 1, ?)
         ON CONFLICT (payment_id) DO UPDATE SET attempts = attempts + 1,
           outcome = CASE outcome WHEN 'answered' THEN 'answered' ELSE 'unknown' END",
    )
    .bind(payment_id)
    .bind(connection_id)
    .bind(request_id)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    of_payment(tx, payment_id)
        .await?
        .ok_or_else(|| LedgerError::Corrupt(format!("payment initiation of payment {payment_id}")))
}

/// Records the bank's answer. `false` when it was recorded already (another process got the
/// same answer first): the caller then leaves the payment's state alone.
pub async fn answered(
    tx: &mut Tx<'_>,
    id: i64,
    bank_payment_id: &str,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "UPDATE payment_initiation
            SET outcome = 'answered', bank_payment_id = ?, answered_at = ?, last_error = NULL
          WHERE id = ? AND outcome != 'answered'",
    )
    .bind(bank_payment_id)
    .bind(instant_text(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: `refused` where the bank said no before taking the payment,
/// else the outcome stays unknown.
pub async fn failed(
    tx: &mut Tx<'_>,
    id: i64,
    refused: bool,
    error: &str,
) -> Result<(), LedgerError> {
    sqlx::query(
        "UPDATE payment_initiation
            SET outcome = CASE WHEN ? THEN 'refused' ELSE 'unknown' END, last_error = ?
          WHERE id = ? AND outcome != 'answered'",
    )
    .bind(refused)
    .bind(error)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A connection's initiations with an outcome still unknown, oldest first.
pub async fn unknown(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Vec<InitiationRow>, LedgerError> {
    let query =
        format!("SELECT {COLUMNS} WHERE connection_id = ? AND outcome = 'unknown' ORDER BY id");
    Ok(
        sqlx::query_as::<_, InitiationRow>(sqlx::AssertSqlSafe(query))
            .bind(connection_id)
            .fetch_all(executor)
            .await?,
    )
}

/// A connection's initiations the bank holds whose payment has not reached an end
/// (settled, rejected, returned, cancelled): their status is worth asking for.
pub async fn in_progress(
    executor: impl sqlx::SqliteExecutor<'_>,
    connection_id: i64,
) -> Result<Vec<InitiationRow>, LedgerError> {
    let query = "SELECT i.id, i.payment_id, i.connection_id, i.request_id, i.outcome,
            i.bank_payment_id, i.attempts, i.last_error, i.started_at, i.answered_at
       FROM payment_initiation i JOIN payment p ON p.id = i.payment_id
      WHERE i.connection_id = ? AND i.outcome = 'answered'
        AND p.state NOT IN ('settled', 'rejected', 'returned', 'cancelled')
      ORDER BY i.id";
    Ok(sqlx::query_as::<_, InitiationRow>(query)
        .bind(connection_id)
        .fetch_all(executor)
        .await?)
}
