//! `payment` and `payment_event`: outgoing payments and every move of their state.

use chrono::{DateTime, NaiveDate, Utc};

use crate::prepared::{self, Value};
use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

pub struct NewPayment<'a> {
    pub external_id: &'a str,
    pub end_to_end_id: &'a str,
    pub debtor_iban: &'a str,
    pub debtor_account_id: Option<i64>,
    pub creditor_name: &'a str,
    pub creditor_iban: &'a str,
    pub creditor_bic: Option<&'a str>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub requested_date: NaiveDate,
    pub reference: Option<&'a str>,
    pub prepared_by: &'a str,
}

/// Inserts a payment in state `imported` unless one with this id exists; returns whether new.
pub async fn insert_new(
    tx: &mut Tx<'_>,
    payment: &NewPayment<'_>,
    now: DateTime<Utc>,
) -> Result<Option<i64>, LedgerError> {
    let at = instant_text(now);
    let inserted: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO payment (external_id, end_to_end_id, debtor_account_id, debtor_iban, creditor_name,
           creditor_iban, creditor_bic, amount_minor, currency, requested_date, reference, state,
           prepared_by, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?, ?)
         ON CONFLICT (external_id) DO NOTHING RETURNING id",
    )
    .bind(payment.external_id)
    .bind(payment.end_to_end_id)
    .bind(payment.debtor_account_id)
    .bind(payment.debtor_iban)
    .bind(payment.creditor_name)
    .bind(payment.creditor_iban)
    .bind(payment.creditor_bic)
    .bind(payment.amount_minor)
    .bind(payment.currency)
    .bind(date_text(payment.requested_date))
    .bind(payment.reference)
    .bind(payment.prepared_by)
    .bind(&at)
    .bind(&at)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

pub struct NewEvent<'a> {
    pub payment_id: i64,
    pub state: &'a str,
    pub reason_code: Option<&'a str>,
    pub reason_text: Option<&'a str>,
    pub source: &'a str,
    pub correlation_id: &'a str,
    pub recorded_by: &'a str,
}

/// Moves a payment to `event.state` and records the move, only if it is still in `from`
/// (so two concurrent moves cannot both happen). Returns whether it moved.
pub async fn transition(
    tx: &mut Tx<'_>,
    from: &str,
    event: &NewEvent<'_>,
    approved_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let at = instant_text(now);
    let moved = sqlx::query(
        "UPDATE payment SET state = ?, updated_at = ?, approved_by = COALESCE(?, approved_by)
          WHERE id = ? AND state = ?",
    )
    .bind(event.state)
    .bind(&at)
    .bind(approved_by)
    .bind(event.payment_id)
    .bind(from)
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    record_event(tx, event, now).await?;
    Ok(true)
}

pub async fn record_event(
    tx: &mut Tx<'_>,
    event: &NewEvent<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO payment_event (payment_id, state, reason_code, reason_text, occurred_at, source, correlation_id, recorded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.payment_id)
    .bind(event.state)
    .bind(event.reason_code)
    .bind(event.reason_text)
    .bind(instant_text(now))
    .bind(event.source)
    .bind(event.correlation_id)
    .bind(event.recorded_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub external_id: String,
    pub end_to_end_id: String,
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub amount_minor: i64,
    pub currency: String,
    pub requested_date: String,
    pub reference: Option<String>,
    pub state: String,
    pub prepared_by: String,
    pub approved_by: Option<String>,
}

/// The columns of a `PaymentRow`, in its order (a macro, so that `concat!` can build the
/// `'static` SQL the prepared read takes).
macro_rules! payment_select {
    () => {
        "SELECT id, external_id, end_to_end_id, debtor_iban, creditor_name, creditor_iban, amount_minor,
        currency, requested_date, reference, state, prepared_by, approved_by FROM payment"
    };
}

const PAYMENT_SELECT: &str = payment_select!();

/// Payments, all or in one state, by requested date. On the forecast's path: read without
/// sqlx's per-row cost (`prepared`).
pub async fn list(
    pool: &sqlx::SqlitePool,
    state: Option<&str>,
) -> Result<Vec<PaymentRow>, LedgerError> {
    prepared::fetch_all(
        pool,
        concat!(
            payment_select!(),
            " WHERE (?1 IS NULL OR state = ?1) ORDER BY requested_date, external_id"
        ),
        &[Value::Text(state)],
        |row| {
            Ok(PaymentRow {
                id: row.int(0)?,
                external_id: row.text(1)?,
                end_to_end_id: row.text(2)?,
                debtor_iban: row.text(3)?,
                creditor_name: row.text(4)?,
                creditor_iban: row.text(5)?,
                amount_minor: row.int(6)?,
                currency: row.text(7)?,
                requested_date: row.text(8)?,
                reference: row.optional_text(9)?,
                state: row.text(10)?,
                prepared_by: row.text(11)?,
                approved_by: row.optional_text(12)?,
            })
        },
    )
    .await
}

pub async fn find(tx: &mut Tx<'_>, external_id: &str) -> Result<Option<PaymentRow>, LedgerError> {
    let sql = format!("{PAYMENT_SELECT} WHERE external_id = ?");
    Ok(sqlx::query_as::<_, PaymentRow>(sqlx::AssertSqlSafe(sql))
        .bind(external_id)
        .fetch_optional(&mut **tx)
        .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub payment_id: i64,
    pub state: String,
    pub reason_code: Option<String>,
    pub occurred_at: String,
    pub source: String,
}

pub async fn events(pool: &sqlx::SqlitePool) -> Result<Vec<EventRow>, LedgerError> {
    Ok(sqlx::query_as::<_, EventRow>(
        "SELECT payment_id, state, reason_code, occurred_at, source FROM payment_event ORDER BY payment_id, id",
    )
    .fetch_all(pool)
    .await?)
}
