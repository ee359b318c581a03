//! `exception_case`: work for a person (a balance that does not add up, a stale account, …).

use chrono::{DateTime, Utc};

use cashline_domain::{ExceptionKind, ExceptionState};

use crate::prepared::{Prepared, Value};
use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// Who opens exceptions that no person opened: the engines.
pub const ACTOR_CASHLINE: &str = "cashline";

#[derive(Default)]
pub struct NewException<'a> {
    pub kind: Option<ExceptionKind>,
    pub subject: &'a str,
    pub detail: Option<&'a str>,
    pub account_id: Option<i64>,
    pub statement_id: Option<i64>,
    pub about_date: Option<chrono::NaiveDate>,
    pub entry_id: Option<i64>,
    pub open_item_id: Option<i64>,
    pub match_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub amount_minor: Option<i64>,
    pub currency: Option<&'a str>,
}

pub async fn open(
    tx: &mut Tx<'_>,
    exception: &NewException<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let kind = exception.kind.ok_or_else(|| LedgerError::Statement {
        sql: "INSERT INTO exception_case".into(),
        message: "an exception needs a kind".into(),
    })?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO exception_case (kind, subject, detail, account_id, statement_id, about_date, state, opened_at,
                                     entry_id, open_item_id, match_id, amount_minor, currency, payment_id)
         VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(kind.as_str())
    .bind(exception.subject)
    .bind(exception.detail)
    .bind(exception.account_id)
    .bind(exception.statement_id)
    .bind(exception.about_date.map(crate::time::date_text))
    .bind(instant_text(now))
    .bind(exception.entry_id)
    .bind(exception.open_item_id)
    .bind(exception.match_id)
    .bind(exception.amount_minor)
    .bind(exception.currency)
    .bind(exception.payment_id)
    .fetch_one(&mut **tx)
    .await?;
    record_event(
        tx,
        id,
        EventAction::Opened,
        exception.detail,
        ACTOR_CASHLINE,
        now,
    )
    .await?;
    Ok(id)
}

/// What happened to a case (the `exception_event.action` vocabulary).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    Opened,
    Assigned,
    Commented,
    State,
    Resolved,
    Reopened,
}

impl EventAction {
    pub fn as_str(self) -> &'static str {
        match self {
            EventAction::Opened => "opened",
            EventAction::Assigned => "assigned",
            EventAction::Commented => "commented",
            EventAction::State => "state",
            EventAction::Resolved => "resolved",
            EventAction::Reopened => "reopened",
        }
    }
}

pub async fn record_event(
    tx: &mut Tx<'_>,
    exception_id: i64,
    action: EventAction,
    detail: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query("INSERT INTO exception_event (exception_id, action, detail, actor, occurred_at) VALUES (?, ?, ?, ?, ?)")
        .bind(exception_id)
        .bind(action.as_str())
        .bind(detail)
        .bind(actor)
        .bind(instant_text(now))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExceptionRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ExceptionKind,
    pub subject: String,
    pub detail: Option<String>,
    #[sqlx(try_from = "String")]
    pub state: ExceptionState,
    pub owner: Option<String>,
    pub opened_at: String,
    pub closed_at: Option<String>,
    pub resolution: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    pub account_key: Option<String>,
    pub entity_code: Option<String>,
    pub bank_name: Option<String>,
    pub entry_id: Option<i64>,
    pub open_item_id: Option<i64>,
    pub match_id: Option<i64>,
    pub notes: i64,
    /// The day its age counts from: the day it is about (an entry's date, an item's due
    /// date), else the day it was opened.
    pub aged_from: String,
}

/// The queue's filters; `None` is no filter.
#[derive(Debug, Clone, Default)]
pub struct ExceptionFilter<'a> {
    pub kind: Option<ExceptionKind>,
    pub state: Option<ExceptionState>,
    pub owner: Option<&'a str>,
    pub account: Option<&'a str>,
    pub entity: Option<&'a str>,
    pub bank: Option<&'a str>,
    /// Only cases aged from this day or earlier (the age filter, `YYYY-MM-DD`).
    pub aged_from_by: Option<&'a str>,
    /// Only cases aged from after this day.
    pub aged_from_after: Option<&'a str>,
    pub id: Option<i64>,
}

const LIST: &str = "SELECT c.id, c.kind, c.subject, c.detail, c.state, c.owner, c.opened_at, c.closed_at, c.resolution,
        c.amount_minor, c.currency, a.account_key, en.code AS entity_code, b.name AS bank_name,
        c.entry_id, c.open_item_id, c.match_id,
        (SELECT COUNT(*) FROM exception_note n WHERE n.exception_id = c.id) AS notes,
        COALESCE(c.about_date, substr(c.opened_at, 1, 10)) AS aged_from
   FROM exception_case c
   LEFT JOIN account a ON a.id = c.account_id
   LEFT JOIN entity en ON en.id = a.entity_id
   LEFT JOIN bank b ON b.id = a.bank_id";

pub async fn list(
    pool: &sqlx::SqlitePool,
    kind: Option<ExceptionKind>,
    state: Option<ExceptionState>,
) -> Result<Vec<ExceptionRow>, LedgerError> {
    list_filtered(
        pool,
        &ExceptionFilter {
            kind,
            state,
            ..ExceptionFilter::default()
        },
    )
    .await
}

pub async fn list_filtered(
    pool: &sqlx::SqlitePool,
    filter: &ExceptionFilter<'_>,
) -> Result<Vec<ExceptionRow>, LedgerError> {
    // Only constant text is formatted in; every value is bound.
    let rows = sqlx::query_as::<_, ExceptionRow>(sqlx::AssertSqlSafe(format!(
        "{LIST}
          WHERE (?1 IS NULL OR c.kind = ?1) AND (?2 IS NULL OR c.state = ?2) AND (?3 IS NULL OR c.owner = ?3)
            AND (?4 IS NULL OR a.account_key = ?4) AND (?5 IS NULL OR en.code = ?5) AND (?6 IS NULL OR b.name = ?6)
            AND (?7 IS NULL OR COALESCE(c.about_date, substr(c.opened_at, 1, 10)) <= ?7)
            AND (?8 IS NULL OR COALESCE(c.about_date, substr(c.opened_at, 1, 10)) > ?8) AND (?9 IS NULL OR c.id = ?9)
          ORDER BY aged_from, c.id"
    )))
    .bind(filter.kind.map(|k| k.as_str()))
    .bind(filter.state.map(|s| s.as_str()))
    .bind(filter.owner)
    .bind(filter.account)
    .bind(filter.entity)
    .bind(filter.bank)
    .bind(filter.aged_from_by)
    .bind(filter.aged_from_after)
    .bind(filter.id)
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// One case inside a writer's transaction: its state and owner as they are now.
pub async fn state_of(
    tx: &mut Tx<'_>,
    id: i64,
) -> Result<Option<(String, Option<String>)>, LedgerError> {
    Ok(
        sqlx::query_as("SELECT state, owner FROM exception_case WHERE id = ?")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?,
    )
}

pub async fn assign(
    tx: &mut Tx<'_>,
    id: i64,
    owner: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE exception_case SET owner = ? WHERE id = ?")
        .bind(owner)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    record_event(
        tx,
        id,
        EventAction::Assigned,
        Some(owner.unwrap_or("nobody")),
        actor,
        now,
    )
    .await
}

pub async fn comment(
    tx: &mut Tx<'_>,
    id: i64,
    author: &str,
    body: &str,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (note,): (i64,) = sqlx::query_as("INSERT INTO exception_note (exception_id, author, body, written_at) VALUES (?, ?, ?, ?) RETURNING id")
        .bind(id)
        .bind(author)
        .bind(body)
        .bind(instant_text(now))
        .fetch_one(&mut **tx)
        .await?;
    record_event(tx, id, EventAction::Commented, Some(body), author, now).await?;
    Ok(note)
}

/// Moves a case; an end (`resolved`, `written_off`) carries its resolution and closing time.
pub async fn set_state(
    tx: &mut Tx<'_>,
    id: i64,
    state: ExceptionState,
    resolution: Option<&str>,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let closed = state.is_closed();
    sqlx::query("UPDATE exception_case SET state = ?, resolution = ?, closed_at = ? WHERE id = ?")
        .bind(state.as_str())
        .bind(if closed { resolution } else { None })
        .bind(closed.then(|| instant_text(now)))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    let action = if closed {
        EventAction::Resolved
    } else {
        EventAction::State
    };
    let detail = match resolution {
        Some(r) if closed => format!("{}: {r}", state.as_str()),
        _ => state.as_str().to_string(),
    };
    record_event(tx, id, action, Some(&detail), actor, now).await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub id: i64,
    pub author: String,
    pub body: String,
    pub written_at: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub action: String,
    pub detail: Option<String>,
    pub actor: String,
    pub occurred_at: String,
}

pub async fn notes(pool: &sqlx::SqlitePool, id: i64) -> Result<Vec<NoteRow>, LedgerError> {
    Ok(sqlx::query_as::<_, NoteRow>("SELECT id, author, body, written_at FROM exception_note WHERE exception_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?)
}

pub async fn events(pool: &sqlx::SqlitePool, id: i64) -> Result<Vec<EventRow>, LedgerError> {
    Ok(sqlx::query_as::<_, EventRow>("SELECT id, action, detail, actor, occurred_at FROM exception_event WHERE exception_id = ? ORDER BY id")
        .bind(id)
        .fetch_all(pool)
        .await?)
}

/// Open cases of a kind about entries or items, by their id: what a run compares with the
/// unmatched lines it found.
pub async fn open_about_subjects(
    tx: &mut Tx<'_>,
    kind: ExceptionKind,
) -> Result<Vec<(i64, Option<i64>, Option<i64>)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT id, entry_id, open_item_id FROM exception_case WHERE kind = ? AND state IN ('open', 'in_progress')",
    )
    .bind(kind.as_str())
    .fetch_all(&mut **tx)
    .await?)
}

/// Resolves the open cases of `kinds` about an entry or an item the facts now explain.
pub async fn resolve_about(
    tx: &mut Tx<'_>,
    case_ids: &[i64],
    resolution: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    for id in case_ids {
        set_state(
            tx,
            *id,
            ExceptionState::Resolved,
            Some(resolution),
            ACTOR_CASHLINE,
            now,
        )
        .await?;
    }
    Ok(())
}

/// The open (or in-progress) exception of a kind for an account, optionally about one day.
pub async fn find_open(
    tx: &mut Tx<'_>,
    account_id: i64,
    kind: ExceptionKind,
    about_date: Option<chrono::NaiveDate>,
) -> Result<Option<i64>, LedgerError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT id FROM exception_case
          WHERE account_id = ? AND kind = ? AND state IN ('open', 'in_progress')
            AND (?3 IS NULL OR about_date = ?3)
          ORDER BY id LIMIT 1",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .bind(about_date.map(crate::time::date_text))
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.map(|(id,)| id))
}

/// The open (or in-progress) exceptions of a kind about one subject that no account names (a
/// connection's failing sync).
pub async fn find_open_about(
    tx: &mut Tx<'_>,
    kind: ExceptionKind,
    subject: &str,
) -> Result<Vec<i64>, LedgerError> {
    let found: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM exception_case
          WHERE kind = ? AND subject = ? AND state IN ('open', 'in_progress') ORDER BY id",
    )
    .bind(kind.as_str())
    .bind(subject)
    .fetch_all(&mut **tx)
    .await?;
    Ok(found.into_iter().map(|(id,)| id).collect())
}

/// Resolves open exceptions of a kind for an account that the facts no longer support.
pub async fn resolve_open(
    tx: &mut Tx<'_>,
    account_id: i64,
    kind: ExceptionKind,
    now: DateTime<Utc>,
) -> Result<u64, LedgerError> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM exception_case WHERE account_id = ? AND kind = ? AND state IN ('open', 'in_progress')",
    )
    .bind(account_id)
    .bind(kind.as_str())
    .fetch_all(&mut **tx)
    .await?;
    for (id,) in &ids {
        set_state(
            tx,
            *id,
            ExceptionState::Resolved,
            Some("the data now answers it"),
            ACTOR_CASHLINE,
            now,
        )
        .await?;
    }
    Ok(u64::try_from(ids.len()).unwrap_or(u64::MAX))
}

/// One open (or in-progress) exception about an account, as the freshness sweep compares it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OpenAbout {
    pub account_id: i64,
    #[sqlx(try_from = "String")]
    pub kind: ExceptionKind,
    pub about_date: Option<String>,
}

/// The open exceptions of `kinds` about accounts, read without a transaction: the sweep looks
/// first and writes only when something is to change.
pub async fn open_about_accounts(
    pool: &sqlx::SqlitePool,
    kinds: &[ExceptionKind],
) -> Result<Vec<OpenAbout>, LedgerError> {
    let mut query = sqlx::QueryBuilder::new(
        "SELECT account_id, kind, about_date FROM exception_case
          WHERE account_id IS NOT NULL AND state IN ('open', 'in_progress') AND kind IN (",
    );
    let mut list = query.separated(", ");
    for kind in kinds {
        list.push_bind(kind.as_str());
    }
    query.push(")");
    Ok(query.build_query_as().fetch_all(pool).await?)
}

const INSERT_CASE: &str = "INSERT INTO exception_case (kind, subject, detail, account_id, statement_id, about_date, state, opened_at,
        entry_id, open_item_id, match_id, amount_minor, currency)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, ?9, ?10, ?11, ?12)";
const INSERT_OPENED: &str =
    "INSERT INTO exception_event (exception_id, action, detail, actor, occurred_at)
    VALUES (?1, 'opened', ?2, ?3, ?4)";

/// Opens many cases at once (a reconciliation run's unmatched lines), each with its `opened`
/// event, on the statements of `prepared`: one sqlx round trip per case costs a large run
/// seconds.
pub async fn open_many(
    tx: &mut Tx<'_>,
    cases: &[NewException<'_>],
    now: DateTime<Utc>,
) -> Result<usize, LedgerError> {
    let at = instant_text(now);
    let mut handle = crate::prepared::lock(&mut *tx).await?;
    let mut ids = Vec::with_capacity(cases.len());
    {
        let mut insert = Prepared::new(&mut handle, INSERT_CASE)?;
        for case in cases {
            let kind = case.kind.ok_or_else(|| LedgerError::Statement {
                sql: "INSERT INTO exception_case".into(),
                message: "an exception needs a kind".into(),
            })?;
            let about = case.about_date.map(crate::time::date_text);
            let int = |v: Option<i64>| v.map_or(Value::Text(None), Value::Int);
            insert.execute(&[
                Value::Text(Some(kind.as_str())),
                Value::Text(Some(case.subject)),
                Value::Text(case.detail),
                int(case.account_id),
                int(case.statement_id),
                Value::Text(about.as_deref()),
                Value::Text(Some(&at)),
                int(case.entry_id),
                int(case.open_item_id),
                int(case.match_id),
                int(case.amount_minor),
                Value::Text(case.currency),
            ])?;
            ids.push(insert.last_insert_id());
        }
    }
    let mut event = Prepared::new(&mut handle, INSERT_OPENED)?;
    for (id, case) in ids.iter().zip(cases) {
        event.execute(&[
            Value::Int(*id),
            Value::Text(case.detail),
            Value::Text(Some(ACTOR_CASHLINE)),
            Value::Text(Some(&at)),
        ])?;
    }
    Ok(ids.len())
}

/// The open (or in-progress) cases of `kind` about a payment, oldest first.
pub async fn open_about_payment(
    tx: &mut Tx<'_>,
    payment_id: i64,
    kind: ExceptionKind,
) -> Result<Vec<(i64, String)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT id, subject FROM exception_case
          WHERE payment_id = ? AND kind = ? AND state IN ('open', 'in_progress') ORDER BY id",
    )
    .bind(payment_id)
    .bind(kind.as_str())
    .fetch_all(&mut **tx)
    .await?)
}
