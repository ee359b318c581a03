//! `open_item`: receivables and payables from the ERP, by source and external id.

use chrono::{DateTime, NaiveDate, Utc};

use crate::prepared::{self, Value};
use crate::time::{date_text, instant_text};
use crate::{LedgerError, Tx};

pub struct NewOpenItem<'a> {
    pub source: &'a str,
    pub external_id: &'a str,
    pub kind: &'a str,
    pub counterparty_name: Option<&'a str>,
    pub counterparty_iban: Option<&'a str>,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub due_date: Option<NaiveDate>,
    pub reference: Option<&'a str>,
    pub entity_id: Option<i64>,
    /// The ERP's own number of the document (an invoice's), where it has one.
    pub document_number: Option<&'a str>,
    /// The ERP connection it came through; `None` for a file.
    pub connection_id: Option<i64>,
}

/// Inserts or refreshes an item (the ERP is the source of truth for its fields); returns its
/// id and whether it was new.
pub async fn upsert(
    tx: &mut Tx<'_>,
    item: &NewOpenItem<'_>,
    now: DateTime<Utc>,
) -> Result<(i64, bool), LedgerError> {
    let at = instant_text(now);
    let existed: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM open_item WHERE source = ? AND external_id = ?")
            .bind(item.source)
            .bind(item.external_id)
            .fetch_optional(&mut **tx)
            .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO open_item (source, external_id, kind, counterparty_name, counterparty_iban, amount_minor,
           currency, due_date, reference, entity_id, document_number, connection_id, state,
           imported_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?)
         ON CONFLICT (source, external_id) DO UPDATE SET kind = excluded.kind,
           document_number = excluded.document_number,
           connection_id = COALESCE(excluded.connection_id, open_item.connection_id),
           counterparty_name = excluded.counterparty_name, counterparty_iban = excluded.counterparty_iban,
           amount_minor = excluded.amount_minor, currency = excluded.currency, due_date = excluded.due_date,
           reference = excluded.reference, entity_id = COALESCE(excluded.entity_id, open_item.entity_id),
           state = CASE WHEN open_item.state = 'closed' THEN 'closed'
                        WHEN open_item.settled_minor >= excluded.amount_minor THEN 'matched'
                        WHEN open_item.settled_minor > 0 THEN 'partially_matched' ELSE 'open' END,
           updated_at = excluded.updated_at
         RETURNING id",
    )
    .bind(item.source)
    .bind(item.external_id)
    .bind(item.kind)
    .bind(item.counterparty_name)
    .bind(item.counterparty_iban)
    .bind(item.amount_minor)
    .bind(item.currency)
    .bind(item.due_date.map(date_text))
    .bind(item.reference)
    .bind(item.entity_id)
    .bind(item.document_number)
    .bind(item.connection_id)
    .bind(&at)
    .bind(&at)
    .fetch_one(&mut **tx)
    .await?;
    Ok((id, existed.is_none()))
}

/// Opens again an item its ERP shows open after Cashline had it closed (a payment reversed
/// there): what the ledger's matches settled of it still counts.
pub async fn reopen(tx: &mut Tx<'_>, id: i64, now: DateTime<Utc>) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "UPDATE open_item SET state = CASE WHEN settled_minor >= amount_minor THEN 'matched'
                                           WHEN settled_minor > 0 THEN 'partially_matched'
                                           ELSE 'open' END,
                updated_at = ?
          WHERE id = ? AND state = 'closed'",
    )
    .bind(instant_text(now))
    .bind(id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Closes the items of an ERP connection that its ERP no longer shows open (paid there,
/// cancelled, deleted): every item of the connection not in `still_open` (external ids).
/// Returns how many were closed.
pub async fn close_missing(
    tx: &mut Tx<'_>,
    connection_id: i64,
    still_open: &[String],
    now: DateTime<Utc>,
) -> Result<u64, LedgerError> {
    let open = serde_json::to_string(still_open)
        .map_err(|e| LedgerError::Corrupt(format!("open item ids: {e}")))?;
    let done = sqlx::query(
        "UPDATE open_item SET state = 'closed', updated_at = ?
          WHERE connection_id = ? AND state <> 'closed'
            AND external_id NOT IN (SELECT value FROM json_each(?))",
    )
    .bind(instant_text(now))
    .bind(connection_id)
    .bind(open)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OpenItemRow {
    pub id: i64,
    pub source: String,
    pub external_id: String,
    pub kind: String,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub due_date: Option<String>,
    pub reference: Option<String>,
    pub collection_probability_text: Option<String>,
    pub state: String,
    pub entity_code: Option<String>,
}

/// An item as the list shows it: what is still open of it, and where it came from.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ListedItem {
    #[sqlx(flatten)]
    pub item: OpenItemRow,
    pub settled_minor: i64,
    pub document_number: Option<String>,
    /// The ERP connection's name, for an item that came through one.
    pub connection_name: Option<String>,
}

/// The list's filters; `None` is no filter.
#[derive(Debug, Clone, Default)]
pub struct ItemFilter<'a> {
    pub kind: Option<&'a str>,
    pub state: Option<&'a str>,
    /// Due before this day and not settled.
    pub overdue_on: Option<NaiveDate>,
    /// Due on or after this day.
    pub due_from: Option<NaiveDate>,
    /// Part of the counterparty's name, in any case.
    pub counterparty: Option<&'a str>,
    pub currency: Option<&'a str>,
    /// `Some(true)`: matched wholly or in part; `Some(false)`: nothing matched.
    pub matched: Option<bool>,
    /// `csv`, or an ERP connection's name.
    pub source: Option<&'a str>,
}

pub async fn list(
    pool: &sqlx::SqlitePool,
    filter: &ItemFilter<'_>,
) -> Result<Vec<ListedItem>, LedgerError> {
    Ok(sqlx::query_as::<_, ListedItem>(
        "SELECT o.id, o.source, o.external_id, o.kind, o.counterparty_name, o.counterparty_iban, o.amount_minor,
                o.currency, o.due_date, o.reference, o.collection_probability_text, o.state, e.code AS entity_code,
                o.settled_minor, o.document_number, c.name AS connection_name
           FROM open_item o LEFT JOIN entity e ON e.id = o.entity_id
           LEFT JOIN connection c ON c.id = o.connection_id
          WHERE (?1 IS NULL OR o.kind = ?1) AND (?2 IS NULL OR o.state = ?2)
            AND (?3 IS NULL OR (o.due_date < ?3 AND o.state IN ('open', 'partially_matched')))
            AND (?4 IS NULL OR o.due_date >= ?4)
            AND (?5 IS NULL OR instr(lower(o.counterparty_name), lower(?5)) > 0)
            AND (?6 IS NULL OR o.currency = ?6)
            AND (?7 IS NULL OR (?7 = 1 AND o.settled_minor > 0) OR (?7 = 0 AND o.settled_minor = 0))
            AND (?8 IS NULL OR (?8 = 'csv' AND o.connection_id IS NULL) OR c.name = ?8)
          ORDER BY o.due_date, o.external_id",
    )
    .bind(filter.kind)
    .bind(filter.state)
    .bind(filter.overdue_on.map(date_text))
    .bind(filter.due_from.map(date_text))
    .bind(filter.counterparty)
    .bind(filter.currency)
    .bind(filter.matched)
    .bind(filter.source)
    .fetch_all(pool)
    .await?)
}

/// Open items due on or before `due_by` (overdue ones included), by due date, with what is
/// still open of the partly matched ones as their amount: what a forecast up to that day can
/// use. Reads `open_item_by_due`.
pub async fn open_due_by(
    pool: &sqlx::SqlitePool,
    due_by: NaiveDate,
) -> Result<Vec<OpenItemRow>, LedgerError> {
    // On the forecast's path: read without sqlx's per-row cost (`prepared`).
    let due_by = date_text(due_by);
    prepared::fetch_all(
        pool,
        "SELECT o.id, o.source, o.external_id, o.kind, o.counterparty_name, o.counterparty_iban, o.amount_minor - o.settled_minor,
                o.currency, o.due_date, o.reference, o.collection_probability_text, o.state, e.code AS entity_code
           FROM open_item o LEFT JOIN entity e ON e.id = o.entity_id
          WHERE o.state IN ('open', 'partially_matched') AND o.due_date <= ?1
          ORDER BY o.due_date, o.external_id",
        &[Value::Text(Some(&due_by))],
        |row| {
            Ok(OpenItemRow {
                id: row.int(0)?,
                source: row.text(1)?,
                external_id: row.text(2)?,
                kind: row.text(3)?,
                counterparty_name: row.optional_text(4)?,
                counterparty_iban: row.optional_text(5)?,
                amount_minor: row.int(6)?,
                currency: row.text(7)?,
                due_date: row.optional_text(8)?,
                reference: row.optional_text(9)?,
                collection_probability_text: row.optional_text(10)?,
                state: row.text(11)?,
                entity_code: row.optional_text(12)?,
            })
        },
    )
    .await
}

/// Sets the probability (0 to 1, as decimal text) that a receivable is collected when due.
pub async fn set_probability(
    tx: &mut Tx<'_>,
    source: &str,
    external_id: &str,
    probability_text: &str,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "UPDATE open_item SET collection_probability_text = ? WHERE source = ? AND external_id = ?",
    )
    .bind(probability_text)
    .bind(source)
    .bind(external_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// The ledger's id of an item, by its source and the source's id.
pub async fn id_of(
    tx: &mut Tx<'_>,
    source: &str,
    external_id: &str,
) -> Result<Option<i64>, LedgerError> {
    let row: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM open_item WHERE source = ? AND external_id = ?")
            .bind(source)
            .bind(external_id)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(row.map(|(id,)| id))
}
