//! `payment` and `payment_event`: outgoing payments and every move of their state.

use chrono::{DateTime, NaiveDate, Utc};

use cashline_domain::{PaymentSource, PaymentState, StatusCode};

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
    pub run_id: i64,
    pub payment_info_id: Option<&'a str>,
    pub instruction_id: Option<&'a str>,
}

/// Where a run came from, as `payment_run.source` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunSource {
    Csv,
    Pain001,
    Erp,
}

impl RunSource {
    pub fn as_str(self) -> &'static str {
        match self {
            RunSource::Csv => "csv",
            RunSource::Pain001 => "pain.001",
            RunSource::Erp => "erp",
        }
    }
}

pub struct NewRun<'a> {
    pub source: RunSource,
    pub name: &'a str,
    pub message_id: Option<&'a str>,
    pub source_file_id: Option<i64>,
    pub correlation_id: &'a str,
    pub imported_by: &'a str,
}

pub async fn insert_run(
    tx: &mut Tx<'_>,
    run: &NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO payment_run (source, name, message_id, source_file_id, correlation_id,
           created_at, imported_by)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(run.source.as_str())
    .bind(run.name)
    .bind(run.message_id)
    .bind(run.source_file_id)
    .bind(run.correlation_id)
    .bind(instant_text(now))
    .bind(run.imported_by)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
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
           prepared_by, created_at, updated_at, run_id, payment_info_id, instruction_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'imported', ?, ?, ?, ?, ?, ?)
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
    .bind(payment.run_id)
    .bind(payment.payment_info_id)
    .bind(payment.instruction_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(inserted.map(|(id,)| id))
}

/// One event of a payment's life: a move, or a move asked for and refused.
pub struct NewEvent<'a> {
    pub payment_id: i64,
    /// The state the payment was in when the event came.
    pub from: Option<PaymentState>,
    pub state: PaymentState,
    pub status: Option<StatusCode>,
    pub reason_code: Option<&'a str>,
    pub reason_text: Option<&'a str>,
    /// The bank's time of the status (a report's `CreDtTm`).
    pub status_at: Option<DateTime<Utc>>,
    pub source: PaymentSource,
    pub source_file_id: Option<i64>,
    pub correlation_id: &'a str,
    pub recorded_by: &'a str,
}

/// Moves a payment to `event.state` and records the move, only if it is still in
/// `event.from` (so two concurrent moves cannot both happen). Returns whether it moved.
/// Whether the move is one the state machine allows is the engine's one check, made before.
pub async fn transition(
    tx: &mut Tx<'_>,
    event: &NewEvent<'_>,
    approved_by: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let Some(from) = event.from else {
        return Err(LedgerError::Corrupt(
            "a payment's move needs the state it moves from".into(),
        ));
    };
    let at = instant_text(now);
    let moved = sqlx::query(
        "UPDATE payment SET state = ?, updated_at = ?, approved_by = COALESCE(?, approved_by),
                status_at = COALESCE(?, status_at)
          WHERE id = ? AND state = ?",
    )
    .bind(event.state.as_str())
    .bind(&at)
    .bind(approved_by)
    .bind(event.status_at.map(instant_text))
    .bind(event.payment_id)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Ok(false);
    }
    record_event(tx, event, None, now).await?;
    Ok(true)
}

/// Records an event; with `refusal`, one that was asked for and not applied.
pub async fn record_event(
    tx: &mut Tx<'_>,
    event: &NewEvent<'_>,
    refusal: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO payment_event (payment_id, from_state, state, applied, refusal, iso_status,
           reason_code, reason_text, status_at, occurred_at, source, source_file_id,
           correlation_id, recorded_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(event.payment_id)
    .bind(event.from.map(|s| s.as_str()))
    .bind(event.state.as_str())
    .bind(refusal.is_none())
    .bind(refusal)
    .bind(event.status.map(|s| s.as_str()))
    .bind(event.reason_code)
    .bind(event.reason_text)
    .bind(event.status_at.map(instant_text))
    .bind(instant_text(now))
    .bind(event.source.as_str())
    .bind(event.source_file_id)
    .bind(event.correlation_id)
    .bind(event.recorded_by)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
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
    pub state: PaymentState,
    pub prepared_by: String,
    pub approved_by: Option<String>,
    pub run_id: Option<i64>,
    pub payment_info_id: Option<String>,
    pub status_at: Option<String>,
    pub instruction_id: Option<String>,
    /// The pain.001 Cashline sent it in.
    pub export_id: Option<i64>,
    pub creditor_bic: Option<String>,
}

/// The columns of a `PaymentRow`, in its order (a macro, so that `concat!` can build the
/// `'static` SQL the prepared read takes).
macro_rules! payment_select {
    () => {
        "SELECT id, external_id, end_to_end_id, debtor_iban, creditor_name, creditor_iban, amount_minor,
        currency, requested_date, reference, state, prepared_by, approved_by, run_id, payment_info_id,
        status_at, instruction_id, export_id, creditor_bic FROM payment"
    };
}

fn payment_row(row: &prepared::Row<'_>) -> Result<PaymentRow, LedgerError> {
    let state = row.text(10)?;
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
        state: PaymentState::parse(&state)
            .ok_or_else(|| LedgerError::Corrupt(format!("payment state '{state}'")))?,
        prepared_by: row.text(11)?,
        approved_by: row.optional_text(12)?,
        run_id: row.optional_int(13)?,
        payment_info_id: row.optional_text(14)?,
        status_at: row.optional_text(15)?,
        instruction_id: row.optional_text(16)?,
        export_id: row.optional_int(17)?,
        creditor_bic: row.optional_text(18)?,
    })
}

/// Payments, all or in one state, by requested date. On the forecast's path: read without
/// sqlx's per-row cost (`prepared`).
pub async fn list(
    pool: &sqlx::SqlitePool,
    state: Option<PaymentState>,
) -> Result<Vec<PaymentRow>, LedgerError> {
    list_of(pool, state, None).await
}

/// Payments, all or in one state, of one run or of all, by requested date. Each filter has a
/// statement of its own, so that a run's payments are found through `payment_by_run` and a
/// state's through `payment_by_state_date` (`?1 IS NULL OR …` would read every payment): one
/// run of a thousand costs the same on a ledger of a hundred thousand as on one of ten
/// (BENCHMARKS.md, issue 10).
pub async fn list_of(
    pool: &sqlx::SqlitePool,
    state: Option<PaymentState>,
    run: Option<i64>,
) -> Result<Vec<PaymentRow>, LedgerError> {
    let state = state.map(|s| s.as_str());
    match (state, run) {
        (None, None) => {
            const ALL: &str = concat!(payment_select!(), " ORDER BY requested_date, external_id");
            prepared::fetch_all(pool, ALL, &[], payment_row).await
        }
        (Some(state), None) => {
            const STATE: &str = concat!(
                payment_select!(),
                " WHERE state = ?1 ORDER BY requested_date, external_id"
            );
            prepared::fetch_all(pool, STATE, &[Value::Text(Some(state))], payment_row).await
        }
        (state, Some(run)) => {
            const RUN: &str = concat!(
                payment_select!(),
                " WHERE run_id = ?1 AND (?2 IS NULL OR state = ?2) ORDER BY requested_date, external_id"
            );
            prepared::fetch_all(
                pool,
                RUN,
                &[Value::Int(run), Value::Text(state)],
                payment_row,
            )
            .await
        }
    }
}

const FIND: &str = concat!(payment_select!(), " WHERE external_id = ?1");

/// One payment by its ERP id, inside a writer's transaction.
pub async fn find(tx: &mut Tx<'_>, external_id: &str) -> Result<Option<PaymentRow>, LedgerError> {
    let mut rows =
        prepared::fetch_all_on(tx, FIND, &[Value::Text(Some(external_id))], payment_row).await?;
    Ok(rows.pop())
}

const BY_ID: &str = concat!(payment_select!(), " WHERE id = ?1");

/// One payment by its ledger id, inside a writer's transaction.
pub async fn by_id(tx: &mut Tx<'_>, id: i64) -> Result<Option<PaymentRow>, LedgerError> {
    let mut rows = prepared::fetch_all_on(tx, BY_ID, &[Value::Int(id)], payment_row).await?;
    Ok(rows.pop())
}

/// One event of a payment, as its timeline shows it.
#[derive(Debug, Clone)]
pub struct EventRow {
    pub payment_id: i64,
    pub from_state: Option<PaymentState>,
    pub state: PaymentState,
    pub applied: bool,
    pub refusal: Option<String>,
    pub status: Option<StatusCode>,
    pub reason_code: Option<String>,
    pub reason_text: Option<String>,
    pub status_at: Option<String>,
    pub occurred_at: String,
    pub source: PaymentSource,
    pub source_file: Option<String>,
    pub correlation_id: String,
    pub recorded_by: String,
}

const EVENTS_OF: &str =
    "SELECT e.payment_id, e.from_state, e.state, e.applied, e.refusal, e.iso_status,
        e.reason_code, e.reason_text, e.status_at, e.occurred_at, e.source, f.file_name,
        e.correlation_id, e.recorded_by
   FROM payment_event e LEFT JOIN source_file f ON f.id = e.source_file_id
  WHERE e.payment_id IN (SELECT value FROM json_each(?1))
  ORDER BY e.payment_id, e.id";

fn vocabulary<T>(text: &str, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, LedgerError> {
    parse(text).ok_or_else(|| LedgerError::Corrupt(format!("payment event {what} '{text}'")))
}

fn event_row(row: &prepared::Row<'_>) -> Result<EventRow, LedgerError> {
    Ok(EventRow {
        payment_id: row.int(0)?,
        from_state: row
            .optional_text(1)?
            .map(|t| vocabulary(&t, PaymentState::parse, "state"))
            .transpose()?,
        state: vocabulary(&row.text(2)?, PaymentState::parse, "state")?,
        applied: row.int(3)? == 1,
        refusal: row.optional_text(4)?,
        status: row
            .optional_text(5)?
            .map(|t| vocabulary(&t, StatusCode::parse, "status"))
            .transpose()?,
        reason_code: row.optional_text(6)?,
        reason_text: row.optional_text(7)?,
        status_at: row.optional_text(8)?,
        occurred_at: row.text(9)?,
        source: vocabulary(&row.text(10)?, PaymentSource::parse, "source")?,
        source_file: row.optional_text(11)?,
        correlation_id: row.text(12)?,
        recorded_by: row.text(13)?,
    })
}

/// The events of these payments, in order, in one read: a page of payments reads its own
/// events and no others.
pub async fn events_of(
    pool: &sqlx::SqlitePool,
    payment_ids: &[i64],
) -> Result<Vec<EventRow>, LedgerError> {
    if payment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids =
        serde_json::to_string(payment_ids).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    prepared::fetch_all(pool, EVENTS_OF, &[Value::Text(Some(&ids))], event_row).await
}

/// One payment by its ERP id, read outside a transaction.
pub async fn find_by_id(
    pool: &sqlx::SqlitePool,
    external_id: &str,
) -> Result<Option<PaymentRow>, LedgerError> {
    let mut rows =
        prepared::fetch_all(pool, FIND, &[Value::Text(Some(external_id))], payment_row).await?;
    Ok(rows.pop())
}

/// A run and, per state and currency of its payments, their count and sum (a run with no
/// payment has one row with no state).
#[derive(Debug, Clone)]
pub struct RunStateRow {
    pub id: i64,
    pub source: String,
    pub name: String,
    pub message_id: Option<String>,
    pub created_at: String,
    pub imported_by: String,
    pub state: Option<PaymentState>,
    pub currency: Option<String>,
    pub count: u64,
    pub amount_minor: i64,
}

const RUNS: &str = "SELECT r.id, r.source, r.name, r.message_id, r.created_at, r.imported_by,
        p.state, p.currency, COUNT(p.id), COALESCE(SUM(p.amount_minor), 0)
   FROM payment_run r LEFT JOIN payment p ON p.run_id = r.id
  GROUP BY r.id, p.state, p.currency
  ORDER BY r.created_at DESC, r.id DESC, p.state, p.currency";

pub async fn runs(pool: &sqlx::SqlitePool) -> Result<Vec<RunStateRow>, LedgerError> {
    prepared::fetch_all(pool, RUNS, &[], |row| {
        Ok(RunStateRow {
            id: row.int(0)?,
            source: row.text(1)?,
            name: row.text(2)?,
            message_id: row.optional_text(3)?,
            created_at: row.text(4)?,
            imported_by: row.text(5)?,
            state: row
                .optional_text(6)?
                .map(|t| vocabulary(&t, PaymentState::parse, "state"))
                .transpose()?,
            currency: row.optional_text(7)?,
            count: u64::try_from(row.int(8)?).unwrap_or(0),
            amount_minor: row.int(9)?,
        })
    })
    .await
}

/// Records what validation found wrong with a payment.
pub async fn record_issues(
    tx: &mut Tx<'_>,
    payment_id: i64,
    issues: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let at = instant_text(now);
    for (field, reason) in issues {
        sqlx::query(
            "INSERT INTO payment_issue (payment_id, field, reason, found_at) VALUES (?, ?, ?, ?)",
        )
        .bind(payment_id)
        .bind(field)
        .bind(reason)
        .bind(&at)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A payment's validation issue.
#[derive(Debug, Clone)]
pub struct IssueRow {
    pub payment_id: i64,
    pub field: String,
    pub reason: String,
}

/// The issues of these payments, in one read.
pub async fn issues_of(
    pool: &sqlx::SqlitePool,
    payment_ids: &[i64],
) -> Result<Vec<IssueRow>, LedgerError> {
    if payment_ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids =
        serde_json::to_string(payment_ids).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    prepared::fetch_all(
        pool,
        "SELECT payment_id, field, reason FROM payment_issue
          WHERE payment_id IN (SELECT value FROM json_each(?1)) ORDER BY payment_id, id",
        &[Value::Text(Some(&ids))],
        |row| {
            Ok(IssueRow {
                payment_id: row.int(0)?,
                field: row.text(1)?,
                reason: row.text(2)?,
            })
        },
    )
    .await
}

/// What makes two payments look like one: the creditor's account, the amount and the
/// reference (a missing reference matches a missing one).
pub struct Likeness<'a> {
    pub creditor_iban: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub reference: Option<&'a str>,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Payments other than `except` that look like `likeness` and are still live (not cancelled,
/// rejected or returned), from any run or channel: (id, ERP id).
pub async fn alike(
    tx: &mut Tx<'_>,
    likeness: &Likeness<'_>,
    except: i64,
) -> Result<Vec<(i64, String)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT id, external_id FROM payment
          WHERE id <> ?1 AND amount_minor = ?2 AND currency = ?3
            AND upper(replace(creditor_iban, ' ', '')) = upper(replace(?4, ' ', ''))
            AND COALESCE(upper(trim(reference)), '') = COALESCE(upper(trim(?5)), '')
            AND requested_date BETWEEN ?6 AND ?7
            AND state NOT IN ('cancelled', 'rejected', 'returned')
          ORDER BY id",
    )
    .bind(except)
    .bind(likeness.amount_minor)
    .bind(likeness.currency)
    .bind(likeness.creditor_iban)
    .bind(likeness.reference)
    .bind(date_text(likeness.from))
    .bind(date_text(likeness.to))
    .fetch_all(&mut **tx)
    .await?)
}

/// Records one person's approval; returns everyone who has approved the payment so far.
pub async fn add_approval(
    tx: &mut Tx<'_>,
    payment_id: i64,
    approved_by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, LedgerError> {
    sqlx::query(
        "INSERT INTO payment_approval (payment_id, approved_by, approved_at) VALUES (?, ?, ?)
         ON CONFLICT DO NOTHING",
    )
    .bind(payment_id)
    .bind(approved_by)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    approvers(tx, payment_id).await
}

pub async fn approvers(tx: &mut Tx<'_>, payment_id: i64) -> Result<Vec<String>, LedgerError> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT approved_by FROM payment_approval WHERE payment_id = ? ORDER BY approved_at, approved_by",
    )
    .bind(payment_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}

/// A currency's amount above which two people must approve.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LimitRow {
    pub currency: String,
    pub amount_minor: i64,
    pub set_by: String,
    pub set_at: String,
}

pub async fn limits(pool: &sqlx::SqlitePool) -> Result<Vec<LimitRow>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT currency, amount_minor, set_by, set_at FROM approval_limit ORDER BY currency",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn limit_of(tx: &mut Tx<'_>, currency: &str) -> Result<Option<i64>, LedgerError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT amount_minor FROM approval_limit WHERE currency = ?")
            .bind(currency)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(a,)| a))
}

/// Sets a currency's limit, or with `None` removes it.
pub async fn set_limit(
    tx: &mut Tx<'_>,
    currency: &str,
    amount_minor: Option<i64>,
    set_by: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    match amount_minor {
        Some(amount) => {
            sqlx::query(
                "INSERT INTO approval_limit (currency, amount_minor, set_by, set_at) VALUES (?, ?, ?, ?)
                 ON CONFLICT (currency) DO UPDATE SET amount_minor = excluded.amount_minor,
                   set_by = excluded.set_by, set_at = excluded.set_at",
            )
            .bind(currency)
            .bind(amount)
            .bind(set_by)
            .bind(instant_text(now))
            .execute(&mut **tx)
            .await?;
        }
        None => {
            sqlx::query("DELETE FROM approval_limit WHERE currency = ?")
                .bind(currency)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Who has approved each of these payments: (payment id, approver), in one read.
pub async fn approvals_of(
    pool: &sqlx::SqlitePool,
    payment_ids: &[i64],
) -> Result<Vec<(i64, String)>, LedgerError> {
    let ids =
        serde_json::to_string(payment_ids).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    prepared::fetch_all(
        pool,
        "SELECT payment_id, approved_by FROM payment_approval
          WHERE payment_id IN (SELECT value FROM json_each(?1)) ORDER BY payment_id, approved_at",
        &[Value::Text(Some(&ids))],
        |row| Ok((row.int(0)?, row.text(1)?)),
    )
    .await
}

/// The open exceptions about each of these payments: (payment id, kind, subject).
pub async fn open_cases_of(
    pool: &sqlx::SqlitePool,
    payment_ids: &[i64],
) -> Result<Vec<(i64, String, String)>, LedgerError> {
    let ids =
        serde_json::to_string(payment_ids).map_err(|e| LedgerError::Corrupt(e.to_string()))?;
    prepared::fetch_all(
        pool,
        "SELECT payment_id, kind, subject FROM exception_case
          WHERE payment_id IN (SELECT value FROM json_each(?1)) AND state IN ('open', 'in_progress')
          ORDER BY payment_id, id",
        &[Value::Text(Some(&ids))],
        |row| Ok((row.int(0)?, row.text(1)?, row.text(2)?)),
    )
    .await
}

/// A booking of a file that names a payment by its end-to-end id, on the payment's own debtor
/// account: the debit that settles it, or a credit that returns it.
#[derive(Debug, Clone)]
pub struct Booking {
    pub payment_id: i64,
    pub external_id: String,
    pub state: PaymentState,
    pub status_at: Option<String>,
    pub payment_minor: i64,
    /// Signed like the entry (debits negative).
    pub booked_minor: i64,
    pub booking_date: Option<String>,
    pub bank_ref: Option<String>,
    /// A transaction's return reason (camt `RtrInf/Rsn/Cd`), where the bank gave one.
    pub return_reason: Option<String>,
    pub bank_transaction_code: Option<String>,
    /// The statement's kind: `notification` for a camt.054.
    pub statement_kind: String,
    /// Where in the file: `entry` or the detail's position.
    pub detail_position: Option<i64>,
}

/// The bookings of one origin's statements (`$column`: `source_file_id` or `sync_page_id`).
macro_rules! bookings_of {
    ($column:literal) => {
        concat!(
            "SELECT p.id, p.external_id, p.state, p.status_at, p.amount_minor, e.amount_minor,
        e.booking_date, e.bank_ref, NULL, e.bank_transaction_code, s.kind, NULL
   FROM entry e
   JOIN statement s ON s.id = e.statement_id
   JOIN account a ON a.id = e.account_id
   JOIN payment p ON p.end_to_end_id = e.end_to_end_id AND p.currency = e.currency
                 AND upper(replace(p.debtor_iban, ' ', '')) = a.account_key
  WHERE s.", $column, " = ?1 AND e.status = 'booked' AND e.end_to_end_id IS NOT NULL
  UNION ALL
 SELECT p.id, p.external_id, p.state, p.status_at, p.amount_minor, d.amount_minor,
        e.booking_date, COALESCE(d.bank_ref, e.bank_ref), d.return_reason, e.bank_transaction_code,
        s.kind, d.position
   FROM entry_detail d
   JOIN entry e ON e.id = d.entry_id
   JOIN statement s ON s.id = e.statement_id
   JOIN account a ON a.id = e.account_id
   JOIN payment p ON p.end_to_end_id = d.end_to_end_id AND p.currency = d.currency
                 AND upper(replace(p.debtor_iban, ' ', '')) = a.account_key
  WHERE s.", $column, " = ?1 AND e.status = 'booked' AND d.end_to_end_id IS NOT NULL"
        )
    };
}
const BOOKINGS_OF_FILE: &str = bookings_of!("source_file_id");
const BOOKINGS_OF_PAGE: &str = bookings_of!("sync_page_id");

/// The bookings of one file's (or one API page's) statements that name payments, read in the
/// import's transaction (the statements are not committed yet).
pub async fn bookings_of(
    tx: &mut Tx<'_>,
    origin: crate::statement::StatementOrigin,
) -> Result<Vec<Booking>, LedgerError> {
    let query = match origin {
        crate::statement::StatementOrigin::File(_) => BOOKINGS_OF_FILE,
        crate::statement::StatementOrigin::Page(_) => BOOKINGS_OF_PAGE,
    };
    prepared::fetch_all_on(tx, query, &[Value::Int(origin.id())], |row| {
        let state = row.text(2)?;
        Ok(Booking {
            payment_id: row.int(0)?,
            external_id: row.text(1)?,
            state: vocabulary(&state, PaymentState::parse, "state")?,
            status_at: row.optional_text(3)?,
            payment_minor: row.int(4)?,
            booked_minor: row.int(5)?,
            booking_date: row.optional_text(6)?,
            bank_ref: row.optional_text(7)?,
            return_reason: row.optional_text(8)?,
            bank_transaction_code: row.optional_text(9)?,
            statement_kind: row.text(10)?,
            detail_position: row.optional_int(11)?,
        })
    })
    .await
}

/// The payments of the message a status report names: those Cashline exported in it, or those
/// of the run the ERP wrote it as (a pain.001 read in). `true` when Cashline exported it.
pub async fn of_message(
    tx: &mut Tx<'_>,
    message_id: &str,
) -> Result<Option<(bool, Vec<PaymentRow>)>, LedgerError> {
    let exported = prepared::fetch_all_on(
        tx,
        concat!(
            payment_select!(),
            " WHERE export_id IN (SELECT id FROM payment_export WHERE message_id = ?1) ORDER BY id"
        ),
        &[Value::Text(Some(message_id))],
        payment_row,
    )
    .await?;
    if !exported.is_empty() {
        return Ok(Some((true, exported)));
    }
    let run = prepared::fetch_all_on(
        tx,
        concat!(
            payment_select!(),
            " WHERE run_id IN (SELECT id FROM payment_run WHERE message_id = ?1) ORDER BY id"
        ),
        &[Value::Text(Some(message_id))],
        payment_row,
    )
    .await?;
    Ok((!run.is_empty()).then_some((false, run)))
}

/// Live payments (not cancelled) with this end-to-end id.
pub async fn by_end_to_end(
    tx: &mut Tx<'_>,
    end_to_end_id: &str,
) -> Result<Vec<PaymentRow>, LedgerError> {
    prepared::fetch_all_on(
        tx,
        concat!(
            payment_select!(),
            " WHERE end_to_end_id = ?1 AND state <> 'cancelled' ORDER BY id"
        ),
        &[Value::Text(Some(end_to_end_id))],
        payment_row,
    )
    .await
}

/// Approved payments no file and no bank API call has taken yet, by debtor, currency, date
/// and id: a payment being sent through a bank's API (its outcome unknown) must not go out in
/// a file as well.
pub async fn approved_unsent(tx: &mut Tx<'_>) -> Result<Vec<PaymentRow>, LedgerError> {
    prepared::fetch_all_on(
        tx,
        concat!(
            payment_select!(),
            " WHERE state = 'approved' AND export_id IS NULL
                AND id NOT IN (SELECT payment_id FROM payment_initiation WHERE outcome != 'refused')
              ORDER BY upper(replace(debtor_iban, ' ', '')), currency, requested_date, id"
        ),
        &[],
        payment_row,
    )
    .await
}

/// A payment's state now, in the caller's transaction.
pub async fn state_in(
    tx: &mut Tx<'_>,
    payment_id: i64,
) -> Result<Option<PaymentState>, LedgerError> {
    let state: Option<String> = sqlx::query_scalar("SELECT state FROM payment WHERE id = ?")
        .bind(payment_id)
        .fetch_optional(&mut **tx)
        .await?;
    state
        .map(|s| vocabulary(&s, PaymentState::parse, "state"))
        .transpose()
}

/// The last move applied to a payment: from which state, to which, and who made it.
pub async fn last_applied(
    tx: &mut Tx<'_>,
    payment_id: i64,
) -> Result<Option<(Option<PaymentState>, PaymentState, PaymentSource)>, LedgerError> {
    let row: Option<(Option<String>, String, String)> = sqlx::query_as(
        "SELECT from_state, state, source FROM payment_event
          WHERE payment_id = ? AND applied = 1 ORDER BY id DESC LIMIT 1",
    )
    .bind(payment_id)
    .fetch_optional(&mut **tx)
    .await?;
    row.map(|(from, to, source)| {
        Ok((
            from.map(|f| vocabulary(&f, PaymentState::parse, "state"))
                .transpose()?,
            vocabulary(&to, PaymentState::parse, "state")?,
            vocabulary(&source, PaymentSource::parse, "source")?,
        ))
    })
    .transpose()
}

/// The payments someone has something to do about, whatever their state: an open case on
/// them (a possible duplicate, a missed cut-off, the bank's refusal), or issues validation
/// found while they are not cancelled. A handful on any ledger, found through their indexes.
pub async fn with_open_work(pool: &sqlx::SqlitePool) -> Result<Vec<i64>, LedgerError> {
    prepared::fetch_all(
        pool,
        "SELECT payment_id FROM exception_case
          WHERE payment_id IS NOT NULL AND state IN ('open', 'in_progress')
         UNION
         SELECT i.payment_id FROM payment_issue i JOIN payment p ON p.id = i.payment_id
          WHERE p.state <> 'cancelled'",
        &[],
        |row| row.int(0),
    )
    .await
}
