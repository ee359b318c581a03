//! Reconciliation's tables: `recon_rule`, `recon_run`, `recon_open_entry`, `recon_match` with
//! its entries and items, `recon_alias` and `recon_negative`. A run reads the entries above the
//! last run's mark and the open ones below it (never the whole history), and writes its matches
//! with the bulk statements of `prepared`.

use chrono::{DateTime, Utc};

use cashline_domain::MatchState;

use crate::prepared::{self, Prepared, Value};
use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// Match states that explain an entry or hold it for a person: a run leaves such entries alone.
const HELD: &str = "('auto', 'confirmed', 'suggested')";

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct RuleRow {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub position: i64,
    pub enabled: bool,
    pub params_json: String,
    pub created_by: String,
    pub created_at: String,
}

pub async fn rules(pool: &sqlx::SqlitePool) -> Result<Vec<RuleRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RuleRow>(
        "SELECT id, name, kind, position, enabled, params_json, created_by, created_at
           FROM recon_rule ORDER BY position, id",
    )
    .fetch_all(pool)
    .await?)
}

pub async fn rule_add(
    tx: &mut Tx<'_>,
    name: &str,
    kind: &str,
    params_json: &str,
    enabled: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO recon_rule (name, kind, position, enabled, params_json, created_by, created_at)
         VALUES (?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM recon_rule), ?, ?, ?, ?) RETURNING id",
    )
    .bind(name)
    .bind(kind)
    .bind(enabled)
    .bind(params_json)
    .bind(by)
    .bind(instant_text(now))
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

pub async fn rule_find(tx: &mut Tx<'_>, name: &str) -> Result<Option<RuleRow>, LedgerError> {
    Ok(sqlx::query_as::<_, RuleRow>(
        "SELECT id, name, kind, position, enabled, params_json, created_by, created_at FROM recon_rule WHERE name = ?",
    )
    .bind(name)
    .fetch_optional(&mut **tx)
    .await?)
}

pub async fn rule_set_enabled(tx: &mut Tx<'_>, id: i64, enabled: bool) -> Result<(), LedgerError> {
    sqlx::query("UPDATE recon_rule SET enabled = ? WHERE id = ?")
        .bind(enabled)
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn rule_remove(tx: &mut Tx<'_>, id: i64) -> Result<(), LedgerError> {
    sqlx::query("DELETE FROM recon_rule WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves a rule to `position` (1 = first), renumbering the others in their order.
pub async fn rule_move(tx: &mut Tx<'_>, id: i64, position: usize) -> Result<(), LedgerError> {
    let ids: Vec<(i64,)> = sqlx::query_as("SELECT id FROM recon_rule ORDER BY position, id")
        .fetch_all(&mut **tx)
        .await?;
    let mut order: Vec<i64> = ids.into_iter().map(|(i,)| i).filter(|i| *i != id).collect();
    order.insert(position.saturating_sub(1).min(order.len()), id);
    for (index, rule) in order.iter().enumerate() {
        sqlx::query("UPDATE recon_rule SET position = ? WHERE id = ?")
            .bind(i64::try_from(index).unwrap_or(i64::MAX) + 1)
            .bind(rule)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// The highest entry id an earlier run looked at.
pub async fn cursor(connection: &mut sqlx::SqliteConnection) -> Result<i64, LedgerError> {
    let (through,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(entry_id_through), 0) FROM recon_run")
            .fetch_one(connection)
            .await?;
    Ok(through)
}

pub async fn max_entry_id(connection: &mut sqlx::SqliteConnection) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM entry")
        .fetch_one(connection)
        .await?;
    Ok(id)
}

/// An entry as a run reads it.
#[derive(Debug, Clone)]
pub struct EntryToMatch {
    pub id: i64,
    pub bank_ref: String,
    pub account_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub pending: bool,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub entry_ref: Option<String>,
    pub bank_transaction_code: Option<String>,
}

const ENTRY_COLUMNS: &str = "e.id, COALESCE(e.bank_ref, e.entry_ref, e.identity_key), e.account_id, e.amount_minor, e.currency,
    e.booking_date, e.value_date, e.status, e.end_to_end_id, e.counterparty_name, e.counterparty_iban,
    e.remittance, e.creditor_reference, e.entry_ref, e.bank_transaction_code";

/// Entries above `after_id` and the open ones at or below it, booked or pending, that no match
/// explains or holds for a person. Reads the `entry` primary key and `recon_open_entry`: the
/// CROSS JOIN keeps the few open entries as the outer loop, where SQLite would otherwise walk
/// every entry below the mark.
pub async fn entries_to_match(
    connection: &mut sqlx::SqliteConnection,
    after_id: i64,
) -> Result<Vec<EntryToMatch>, LedgerError> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| {
        let unheld = format!(
            "NOT EXISTS (SELECT 1 FROM recon_match_entry me JOIN recon_match m ON m.id = me.match_id
                          WHERE me.entry_id = e.id AND m.state IN {HELD})"
        );
        format!(
            "SELECT {ENTRY_COLUMNS} FROM entry e WHERE e.id > ?1 AND e.status IN ('booked', 'pending') AND {unheld}
             UNION ALL
             SELECT {ENTRY_COLUMNS} FROM recon_open_entry o CROSS JOIN entry e ON e.id = o.entry_id
              WHERE o.entry_id <= ?1 AND e.status IN ('booked', 'pending') AND {unheld}"
        )
    });
    let mut entries =
        prepared::fetch_all_on(connection, sql.as_str(), &[Value::Int(after_id)], |row| {
            Ok(EntryToMatch {
                id: row.int(0)?,
                bank_ref: row.text(1)?,
                account_id: row.int(2)?,
                amount_minor: row.int(3)?,
                currency: row.text(4)?,
                booking_date: row.optional_text(5)?,
                value_date: row.optional_text(6)?,
                pending: row.text(7)? == "pending",
                end_to_end_id: row.optional_text(8)?,
                counterparty_name: row.optional_text(9)?,
                counterparty_iban: row.optional_text(10)?,
                remittance: row.optional_text(11)?,
                creditor_reference: row.optional_text(12)?,
                entry_ref: row.optional_text(13)?,
                bank_transaction_code: row.optional_text(14)?,
            })
        })
        .await?;
    // Sorted here, not by an ORDER BY over the UNION, which SQLite would sort in a temporary
    // B-tree of every row with all its columns. Each half comes in id order already.
    entries.sort_by_key(|e| e.id);
    Ok(entries)
}

/// An open item or payment still expecting its entry.
#[derive(Debug, Clone)]
pub struct TargetRow {
    pub id: i64,
    /// `receivable`, `payable` or `payment`.
    pub kind: String,
    pub external_id: String,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub open_minor: i64,
    pub currency: String,
    pub due_date: Option<String>,
    pub reference: Option<String>,
    pub end_to_end_id: Option<String>,
}

/// Payment states in which the bank may yet show the money leave.
pub const PAYMENT_STATES_EXPECTING: &str = "('approved', 'sent', 'acknowledged', 'accepted')";

/// Items not yet fully matched (reads `open_item_by_due`) and payments expecting their debit.
pub async fn targets(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<TargetRow>, LedgerError> {
    let map = |row: &prepared::Row<'_>| {
        Ok(TargetRow {
            id: row.int(0)?,
            kind: row.text(1)?,
            external_id: row.text(2)?,
            counterparty_name: row.optional_text(3)?,
            counterparty_iban: row.optional_text(4)?,
            open_minor: row.int(5)?,
            currency: row.text(6)?,
            due_date: row.optional_text(7)?,
            reference: row.optional_text(8)?,
            end_to_end_id: row.optional_text(9)?,
        })
    };
    // Through `open_item_by_due` when few items are open (a ledger reconciled for years), in
    // table order when many are (a first run): walking the index there looks up every row in
    // due-date order, scattered over the table, and took twice as long as reading it through.
    // Both counts cost what the open items do, not what the ledger holds: the first counts
    // the index's open range, the second takes the highest id for the size of the table.
    let (open, all): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM open_item WHERE state IN ('open', 'partially_matched')),
                (SELECT COALESCE(MAX(id), 0) FROM open_item)",
    )
    .fetch_one(&mut *connection)
    .await?;
    let sql = if open.saturating_mul(4) > all {
        "SELECT id, kind, external_id, counterparty_name, counterparty_iban, amount_minor - settled_minor,
                currency, due_date, reference, NULL
           FROM open_item NOT INDEXED WHERE state IN ('open', 'partially_matched')"
    } else {
        "SELECT id, kind, external_id, counterparty_name, counterparty_iban, amount_minor - settled_minor,
                currency, due_date, reference, NULL
           FROM open_item WHERE state IN ('open', 'partially_matched')"
    };
    let mut rows = prepared::fetch_all_on(&mut *connection, sql, &[], map).await?;
    static PAYMENTS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = PAYMENTS.get_or_init(|| {
        format!(
            "SELECT p.id, 'payment', p.external_id, p.creditor_name, p.creditor_iban, p.amount_minor, p.currency,
                    p.requested_date, p.reference, p.end_to_end_id
               FROM payment p
              WHERE p.state IN {PAYMENT_STATES_EXPECTING} AND p.settled_by_entry_id IS NULL
                AND NOT EXISTS (SELECT 1 FROM recon_match_item mi JOIN recon_match m ON m.id = mi.match_id
                                 WHERE mi.payment_id = p.id AND m.state IN ('auto', 'confirmed'))"
        )
    });
    rows.extend(prepared::fetch_all_on(connection, sql.as_str(), &[], map).await?);
    // Sorted here, not in SQL: an ORDER BY id would make SQLite walk the whole table in id
    // order instead of reading the open ones through `open_item_by_due`.
    rows.sort_by_key(|row| (row.kind == "payment", row.id));
    Ok(rows)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AliasRow {
    pub id: i64,
    pub alias_kind: String,
    pub alias: String,
    pub party: String,
    pub created_by: String,
    pub created_at: String,
}

pub async fn aliases(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<AliasRow>, LedgerError> {
    Ok(sqlx::query_as::<_, AliasRow>(
        "SELECT id, alias_kind, alias, party, created_by, created_at FROM recon_alias ORDER BY id",
    )
    .fetch_all(connection)
    .await?)
}

pub async fn alias_add(
    tx: &mut Tx<'_>,
    kind: &str,
    alias: &str,
    party: &str,
    match_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<bool, LedgerError> {
    let done = sqlx::query(
        "INSERT INTO recon_alias (alias_kind, alias, party, learnt_from_match_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (alias_kind, alias, party) DO NOTHING",
    )
    .bind(kind)
    .bind(alias)
    .bind(party)
    .bind(match_id)
    .bind(by)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn alias_remove(tx: &mut Tx<'_>, id: i64) -> Result<Option<AliasRow>, LedgerError> {
    let row = sqlx::query_as::<_, AliasRow>(
        "SELECT id, alias_kind, alias, party, created_by, created_at FROM recon_alias WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    if row.is_some() {
        sqlx::query("DELETE FROM recon_alias WHERE id = ?")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(row)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NegativeRow {
    pub id: i64,
    pub entry_id: i64,
    pub bank_ref: String,
    pub open_item_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub target: String,
    pub created_by: String,
    pub created_at: String,
}

pub async fn negatives(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<NegativeRow>, LedgerError> {
    Ok(sqlx::query_as::<_, NegativeRow>(
        "SELECT n.id, n.entry_id, COALESCE(e.bank_ref, e.entry_ref, e.identity_key) AS bank_ref, n.open_item_id, n.payment_id,
                COALESCE(o.external_id, p.external_id) AS target, n.created_by, n.created_at
           FROM recon_negative n JOIN entry e ON e.id = n.entry_id
           LEFT JOIN open_item o ON o.id = n.open_item_id LEFT JOIN payment p ON p.id = n.payment_id
          ORDER BY n.id",
    )
    .fetch_all(connection)
    .await?)
}

pub async fn negative_add(
    tx: &mut Tx<'_>,
    entry_id: i64,
    item: Option<i64>,
    payment: Option<i64>,
    match_id: i64,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query(
        "INSERT INTO recon_negative (entry_id, open_item_id, payment_id, learnt_from_match_id, created_by, created_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(entry_id)
    .bind(item)
    .bind(payment)
    .bind(match_id)
    .bind(by)
    .bind(instant_text(now))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn negative_remove(tx: &mut Tx<'_>, id: i64) -> Result<bool, LedgerError> {
    Ok(sqlx::query("DELETE FROM recon_negative WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?
        .rows_affected()
        == 1)
}

/// A match to write.
#[derive(Debug, Clone)]
pub struct NewMatch {
    pub rule: String,
    pub confidence_text: String,
    pub state: MatchState,
    pub difference_minor: i64,
    pub difference_kind: Option<String>,
    pub currency: String,
    pub explanation_json: String,
    pub decided_by: Option<String>,
    pub tentative: bool,
    pub run_id: Option<i64>,
    pub entry_ids: Vec<i64>,
    pub settles: Vec<SettleRow>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SettleRow {
    pub open_item_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub settled_minor: i64,
}

const INSERT_MATCH: &str = "INSERT INTO recon_match (rule, confidence_text, state, difference_minor, difference_kind, currency,
    explanation_json, decided_by, created_at, decided_at, tentative, run_id)
  VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
const INSERT_MATCH_ENTRY: &str =
    "INSERT INTO recon_match_entry (match_id, entry_id) VALUES (?1, ?2)";
const INSERT_MATCH_ITEM: &str = "INSERT INTO recon_match_item (match_id, open_item_id, payment_id, settled_minor) VALUES (?1, ?2, ?3, ?4)";
const SETTLE_ITEM: &str = "UPDATE open_item SET settled_minor = settled_minor + ?2,
    state = CASE WHEN settled_minor + ?2 >= amount_minor THEN 'matched'
                 WHEN settled_minor + ?2 > 0 THEN 'partially_matched' ELSE 'open' END,
    updated_at = ?3
  WHERE id = ?1";
const SETTLE_PAYMENT: &str = "UPDATE payment SET settled_by_entry_id = ?2 WHERE id = ?1";
const OPEN_ENTRY_ADD: &str = "INSERT INTO recon_open_entry (entry_id, first_seen_at) VALUES (?1, ?2) ON CONFLICT (entry_id) DO NOTHING";
const OPEN_ENTRY_REMOVE: &str = "DELETE FROM recon_open_entry WHERE entry_id = ?1";

/// Writes matches with their entries and items, in the caller's transaction; returns their ids.
/// Effects (what a live match settles) are `apply_effects`' job.
pub async fn insert_matches(
    tx: &mut Tx<'_>,
    matches: &[NewMatch],
    now: DateTime<Utc>,
) -> Result<Vec<i64>, LedgerError> {
    let at = instant_text(now);
    let mut handle = crate::prepared::lock(&mut *tx).await?;
    let mut ids = Vec::with_capacity(matches.len());
    {
        let mut insert = Prepared::new(&mut handle, INSERT_MATCH)?;
        for m in matches {
            let decided_at = m.decided_by.as_ref().map(|_| at.as_str());
            insert.execute(&[
                Value::Text(Some(&m.rule)),
                Value::Text(Some(&m.confidence_text)),
                Value::Text(Some(m.state.as_str())),
                Value::Int(m.difference_minor),
                Value::Text(m.difference_kind.as_deref()),
                Value::Text(Some(&m.currency)),
                Value::Text(Some(&m.explanation_json)),
                Value::Text(m.decided_by.as_deref()),
                Value::Text(Some(&at)),
                Value::Text(decided_at),
                Value::Int(i64::from(m.tentative)),
                m.run_id.map_or(Value::Text(None), Value::Int),
            ])?;
            ids.push(insert.last_insert_id());
        }
    }
    {
        let mut insert = Prepared::new(&mut handle, INSERT_MATCH_ENTRY)?;
        for (m, id) in matches.iter().zip(&ids) {
            for entry in &m.entry_ids {
                insert.execute(&[Value::Int(*id), Value::Int(*entry)])?;
            }
        }
    }
    {
        let mut insert = Prepared::new(&mut handle, INSERT_MATCH_ITEM)?;
        for (m, id) in matches.iter().zip(&ids) {
            for s in &m.settles {
                insert.execute(&[
                    Value::Int(*id),
                    s.open_item_id.map_or(Value::Text(None), Value::Int),
                    s.payment_id.map_or(Value::Text(None), Value::Int),
                    Value::Int(s.settled_minor),
                ])?;
            }
        }
    }
    Ok(ids)
}

/// Applies (`sign` 1) or reverts (`sign` -1) what live matches settle: items' settled amounts
/// and states, payments' settling entry, and the entries' place among the open ones. Only
/// entries up to `open_through` can be among the open ones already (a run passes its mark, so
/// the entries it sees for the first time cost no delete).
pub async fn apply_effects(
    tx: &mut Tx<'_>,
    matches: &[(i64, &[i64], &[SettleRow])],
    sign: i64,
    open_through: i64,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let at = instant_text(now);
    let mut handle = crate::prepared::lock(&mut *tx).await?;
    {
        // In item order: each update then finds its row on the page the one before it left in
        // the cache, where entry order would jump about the table.
        let mut items: Vec<(i64, i64)> = matches
            .iter()
            .flat_map(|(_, _, settles)| settles.iter())
            .filter_map(|s| Some((s.open_item_id?, sign * s.settled_minor)))
            .collect();
        items.sort_unstable();
        let mut settle = Prepared::new(&mut handle, SETTLE_ITEM)?;
        for (item, settled_minor) in items {
            settle.execute(&[
                Value::Int(item),
                Value::Int(settled_minor),
                Value::Text(Some(&at)),
            ])?;
        }
    }
    {
        let mut settle = Prepared::new(&mut handle, SETTLE_PAYMENT)?;
        for (_, entries, settles) in matches {
            let entry = (sign > 0).then(|| entries.first().copied()).flatten();
            for s in settles.iter() {
                if let Some(payment) = s.payment_id {
                    settle.execute(&[
                        Value::Int(payment),
                        entry.map_or(Value::Text(None), Value::Int),
                    ])?;
                }
            }
        }
    }
    {
        let mut open = Prepared::new(
            &mut handle,
            if sign > 0 {
                OPEN_ENTRY_REMOVE
            } else {
                OPEN_ENTRY_ADD
            },
        )?;
        for (_, entries, _) in matches {
            for entry in entries.iter() {
                if sign > 0 {
                    if *entry <= open_through {
                        open.execute(&[Value::Int(*entry)])?;
                    }
                } else {
                    open.execute(&[Value::Int(*entry), Value::Text(Some(&at))])?;
                }
            }
        }
    }
    Ok(())
}

/// Entries a run looked at and left unexplained: the next run looks at them again.
pub async fn open_entries_add(
    tx: &mut Tx<'_>,
    entry_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let at = instant_text(now);
    let mut handle = crate::prepared::lock(&mut *tx).await?;
    let mut add = Prepared::new(&mut handle, OPEN_ENTRY_ADD)?;
    for id in entry_ids {
        add.execute(&[Value::Int(*id), Value::Text(Some(&at))])?;
    }
    Ok(())
}

pub struct NewRun<'a> {
    pub started_at: DateTime<Utc>,
    pub run_by: &'a str,
    pub entry_id_through: i64,
    pub entries_examined: i64,
    pub auto_count: i64,
    pub suggested_count: i64,
}

pub async fn insert_run(
    tx: &mut Tx<'_>,
    run: &NewRun<'_>,
    now: DateTime<Utc>,
) -> Result<i64, LedgerError> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO recon_run (started_at, finished_at, run_by, entry_id_through, entries_examined, auto_count, suggested_count)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(instant_text(run.started_at))
    .bind(instant_text(now))
    .bind(run.run_by)
    .bind(run.entry_id_through)
    .bind(run.entries_examined)
    .bind(run.auto_count)
    .bind(run.suggested_count)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchRow {
    pub id: i64,
    pub rule: String,
    pub confidence_text: String,
    pub state: String,
    pub difference_minor: i64,
    pub difference_kind: Option<String>,
    pub currency: String,
    pub explanation_json: String,
    pub decided_by: Option<String>,
    pub created_at: String,
    pub decided_at: Option<String>,
    pub tentative: bool,
    pub run_id: Option<i64>,
}

/// An entry of a match, with what a controller needs to recognise it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchEntryRow {
    pub match_id: i64,
    pub entry_id: i64,
    pub bank_ref: String,
    pub account_key: String,
    pub amount_minor: i64,
    pub currency: String,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub status: String,
    pub counterparty_name: Option<String>,
    pub remittance: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MatchItemRow {
    pub match_id: i64,
    pub open_item_id: Option<i64>,
    pub payment_id: Option<i64>,
    pub external_id: String,
    pub kind: String,
    pub counterparty_name: Option<String>,
    pub amount_minor: i64,
    pub settled_minor: i64,
    pub currency: String,
    pub due_date: Option<String>,
    pub reference: Option<String>,
}

const MATCH_COLUMNS: &str =
    "m.id, m.rule, m.confidence_text, m.state, m.difference_minor, m.difference_kind, m.currency,
    m.explanation_json, m.decided_by, m.created_at, m.decided_at, m.tentative, m.run_id";

/// Matches (newest first), optionally in one state, with their entries and items.
pub async fn matches(
    pool: &sqlx::SqlitePool,
    state: Option<&str>,
    ids: Option<&[i64]>,
    limit: i64,
) -> Result<(Vec<MatchRow>, Vec<MatchEntryRow>, Vec<MatchItemRow>), LedgerError> {
    let mut query: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(format!(
        "SELECT {MATCH_COLUMNS} FROM recon_match m WHERE 1 = 1"
    ));
    if let Some(state) = state {
        query.push(" AND m.state = ").push_bind(state);
    }
    if let Some(ids) = ids {
        query.push(" AND m.id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(*id);
        }
        query.push(")");
    }
    query.push(" ORDER BY m.id DESC LIMIT ").push_bind(limit);
    let rows: Vec<MatchRow> = query.build_query_as().fetch_all(pool).await?;
    if rows.is_empty() {
        return Ok((rows, Vec::new(), Vec::new()));
    }
    let mut entries_query = sqlx::QueryBuilder::new(
        "SELECT me.match_id, e.id AS entry_id, COALESCE(e.bank_ref, e.entry_ref, e.identity_key) AS bank_ref, a.account_key,
                e.amount_minor, e.currency, e.booking_date, e.value_date, e.status, e.counterparty_name, e.remittance
           FROM recon_match_entry me JOIN entry e ON e.id = me.entry_id JOIN account a ON a.id = e.account_id
          WHERE me.match_id IN (",
    );
    let mut list = entries_query.separated(", ");
    for row in &rows {
        list.push_bind(row.id);
    }
    entries_query.push(") ORDER BY me.match_id, e.id");
    let entries = entries_query.build_query_as().fetch_all(pool).await?;
    let mut items_query = sqlx::QueryBuilder::new(
        "SELECT mi.match_id, mi.open_item_id, mi.payment_id, COALESCE(o.external_id, p.external_id) AS external_id,
                COALESCE(o.kind, 'payment') AS kind, COALESCE(o.counterparty_name, p.creditor_name) AS counterparty_name,
                COALESCE(o.amount_minor, p.amount_minor) AS amount_minor, mi.settled_minor,
                COALESCE(o.currency, p.currency) AS currency, COALESCE(o.due_date, p.requested_date) AS due_date,
                COALESCE(o.reference, p.reference) AS reference
           FROM recon_match_item mi LEFT JOIN open_item o ON o.id = mi.open_item_id LEFT JOIN payment p ON p.id = mi.payment_id
          WHERE mi.match_id IN (",
    );
    let mut list = items_query.separated(", ");
    for row in &rows {
        list.push_bind(row.id);
    }
    items_query.push(") ORDER BY mi.match_id, mi.rowid");
    let items = items_query.build_query_as().fetch_all(pool).await?;
    Ok((rows, entries, items))
}

/// One match, read inside a writer's transaction (so a decision sees what it changes).
pub async fn match_in(
    tx: &mut Tx<'_>,
    id: i64,
) -> Result<Option<(MatchRow, Vec<i64>, Vec<SettleRow>)>, LedgerError> {
    let row = sqlx::query_as::<_, MatchRow>(sqlx::AssertSqlSafe(format!(
        "SELECT {MATCH_COLUMNS} FROM recon_match m WHERE m.id = ?"
    )))
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let entries: Vec<(i64,)> = sqlx::query_as(
        "SELECT entry_id FROM recon_match_entry WHERE match_id = ? ORDER BY entry_id",
    )
    .bind(id)
    .fetch_all(&mut **tx)
    .await?;
    let settles: Vec<(Option<i64>, Option<i64>, i64)> = sqlx::query_as("SELECT open_item_id, payment_id, settled_minor FROM recon_match_item WHERE match_id = ? ORDER BY rowid")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?;
    Ok(Some((
        row,
        entries.into_iter().map(|(e,)| e).collect(),
        settles
            .into_iter()
            .map(|(open_item_id, payment_id, settled_minor)| SettleRow {
                open_item_id,
                payment_id,
                settled_minor,
            })
            .collect(),
    )))
}

pub async fn set_match_state(
    tx: &mut Tx<'_>,
    id: i64,
    state: MatchState,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE recon_match SET state = ?, decided_by = ?, decided_at = ? WHERE id = ?")
        .bind(state.as_str())
        .bind(by)
        .bind(instant_text(now))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn set_match_final(tx: &mut Tx<'_>, id: i64) -> Result<(), LedgerError> {
    sqlx::query("UPDATE recon_match SET tentative = 0 WHERE id = ?")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Other suggestions held for the entries of a match (the alternatives a decision replaces).
pub async fn other_suggestions(tx: &mut Tx<'_>, match_id: i64) -> Result<Vec<i64>, LedgerError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT m.id FROM recon_match m JOIN recon_match_entry me ON me.match_id = m.id
          WHERE m.state = 'suggested' AND m.id <> ?1
            AND me.entry_id IN (SELECT entry_id FROM recon_match_entry WHERE match_id = ?1)",
    )
    .bind(match_id)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// Live tentative matches with the status of their entries and the latest closing balance date
/// of their accounts: the run makes them final or drops them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TentativeRow {
    pub match_id: i64,
    pub entry_id: i64,
    pub status: String,
    pub entry_date: Option<String>,
    pub closed_through: Option<String>,
}

pub async fn tentative(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<TentativeRow>, LedgerError> {
    Ok(sqlx::query_as::<_, TentativeRow>(
        "SELECT m.id AS match_id, e.id AS entry_id, e.status, COALESCE(e.value_date, e.booking_date) AS entry_date,
                (SELECT MAX(b.balance_date) FROM balance b WHERE b.account_id = e.account_id AND b.balance_type = 'closing_booked') AS closed_through
           FROM recon_match m INDEXED BY recon_match_tentative
           -- CROSS JOIN keeps the few tentative matches as the outer loop (SQLite does not
           -- reorder it), rather than a walk of every match's entries.
           CROSS JOIN recon_match_entry me ON me.match_id = m.id CROSS JOIN entry e ON e.id = me.entry_id
          WHERE m.tentative = 1 AND m.state IN ('auto', 'confirmed', 'suggested')",
    )
    .fetch_all(connection)
    .await?)
}

/// Entries found by bank reference (several accounts may share one), for a manual match.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EntryByRef {
    pub id: i64,
    pub account_key: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
}

pub async fn entries_by_ref(
    tx: &mut Tx<'_>,
    bank_ref: &str,
) -> Result<Vec<EntryByRef>, LedgerError> {
    Ok(sqlx::query_as::<_, EntryByRef>(
        "SELECT e.id, a.account_key, e.amount_minor, e.currency, e.status FROM entry e JOIN account a ON a.id = e.account_id
          WHERE COALESCE(e.bank_ref, e.entry_ref, e.identity_key) = ? AND e.status IN ('booked', 'pending')",
    )
    .bind(bank_ref)
    .fetch_all(&mut **tx)
    .await?)
}

/// Whether an entry is explained by, or held in, a match already.
pub async fn entry_is_held(tx: &mut Tx<'_>, entry_id: i64) -> Result<bool, LedgerError> {
    let found: Option<(i64,)> = sqlx::query_as(
        "SELECT m.id FROM recon_match m JOIN recon_match_entry me ON me.match_id = m.id
          WHERE me.entry_id = ? AND m.state IN ('auto', 'confirmed') LIMIT 1",
    )
    .bind(entry_id)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// What a controller's dashboard shows: how much the runs matched, and what is left.
#[derive(Debug, Clone, Default, sqlx::FromRow)]
pub struct Summary {
    pub entries_examined: i64,
    pub auto_matched_entries: i64,
    pub confirmed_entries: i64,
    pub suggested: i64,
    pub unmatched_entries: i64,
}

pub async fn summary(pool: &sqlx::SqlitePool) -> Result<Summary, LedgerError> {
    Ok(sqlx::query_as::<_, Summary>(
        "SELECT
            (SELECT COUNT(DISTINCT me.entry_id) FROM recon_match_entry me JOIN recon_match m ON m.id = me.match_id WHERE m.state IN ('auto', 'confirmed'))
              + (SELECT COUNT(*) FROM recon_open_entry) AS entries_examined,
            (SELECT COUNT(DISTINCT me.entry_id) FROM recon_match_entry me JOIN recon_match m ON m.id = me.match_id WHERE m.state = 'auto') AS auto_matched_entries,
            (SELECT COUNT(DISTINCT me.entry_id) FROM recon_match_entry me JOIN recon_match m ON m.id = me.match_id WHERE m.state = 'confirmed') AS confirmed_entries,
            (SELECT COUNT(*) FROM recon_match WHERE state = 'suggested') AS suggested,
            (SELECT COUNT(*) FROM recon_open_entry) AS unmatched_entries",
    )
    .fetch_one(pool)
    .await?)
}

/// Unreconciled totals per currency: open entries' sums (money in and out apart).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UnreconciledTotal {
    pub currency: String,
    pub entries: i64,
    pub credits_minor: i64,
    pub debits_minor: i64,
}

pub async fn unreconciled_totals(
    pool: &sqlx::SqlitePool,
) -> Result<Vec<UnreconciledTotal>, LedgerError> {
    Ok(sqlx::query_as::<_, UnreconciledTotal>(
        "SELECT e.currency, COUNT(*) AS entries,
                COALESCE(SUM(CASE WHEN e.amount_minor > 0 THEN e.amount_minor ELSE 0 END), 0) AS credits_minor,
                COALESCE(SUM(CASE WHEN e.amount_minor < 0 THEN e.amount_minor ELSE 0 END), 0) AS debits_minor
           FROM recon_open_entry o CROSS JOIN entry e ON e.id = o.entry_id
          GROUP BY e.currency ORDER BY e.currency",
    )
    .fetch_all(pool)
    .await?)
}

/// Each account's grace for unmatched entries, where one is set.
pub async fn grace_days(
    connection: &mut sqlx::SqliteConnection,
) -> Result<Vec<(i64, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT id, unmatched_grace_days FROM account WHERE unmatched_grace_days IS NOT NULL",
    )
    .fetch_all(connection)
    .await?)
}

pub async fn set_grace_days(
    tx: &mut Tx<'_>,
    account_id: i64,
    days: Option<i64>,
) -> Result<(), LedgerError> {
    sqlx::query("UPDATE account SET unmatched_grace_days = ? WHERE id = ?")
        .bind(days)
        .bind(account_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Per entry–item pair of a match: the counterparty as the bank wrote it, and the item's party.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AliasPair {
    pub entry_name: Option<String>,
    pub entry_iban: Option<String>,
    pub party: Option<String>,
    pub party_iban: Option<String>,
}

pub async fn alias_pairs(tx: &mut Tx<'_>, match_id: i64) -> Result<Vec<AliasPair>, LedgerError> {
    Ok(sqlx::query_as::<_, AliasPair>(
        "SELECT e.counterparty_name AS entry_name, e.counterparty_iban AS entry_iban,
                COALESCE(o.counterparty_name, p.creditor_name) AS party, COALESCE(o.counterparty_iban, p.creditor_iban) AS party_iban
           FROM recon_match_entry me JOIN entry e ON e.id = me.entry_id
           JOIN recon_match_item mi ON mi.match_id = me.match_id
           LEFT JOIN open_item o ON o.id = mi.open_item_id LEFT JOIN payment p ON p.id = mi.payment_id
          WHERE me.match_id = ?",
    )
    .bind(match_id)
    .fetch_all(&mut **tx)
    .await?)
}

/// An open item as a manual match needs it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ItemToSettle {
    pub id: i64,
    pub kind: String,
    pub open_minor: i64,
    pub currency: String,
    pub state: String,
}

pub async fn item_to_settle(
    tx: &mut Tx<'_>,
    external_id: &str,
) -> Result<Option<ItemToSettle>, LedgerError> {
    Ok(sqlx::query_as::<_, ItemToSettle>(
        "SELECT id, kind, amount_minor - settled_minor AS open_minor, currency, state FROM open_item WHERE source IN ('csv', 'tryton') AND external_id = ? ORDER BY id LIMIT 1",
    )
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await?)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PaymentToSettle {
    pub id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub settled_by_entry_id: Option<i64>,
}

pub async fn payment_to_settle(
    tx: &mut Tx<'_>,
    external_id: &str,
) -> Result<Option<PaymentToSettle>, LedgerError> {
    Ok(sqlx::query_as::<_, PaymentToSettle>(
        "SELECT id, amount_minor, currency, settled_by_entry_id FROM payment WHERE external_id = ?",
    )
    .bind(external_id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// When the latest run finished.
pub async fn last_run_at(pool: &sqlx::SqlitePool) -> Result<Option<String>, LedgerError> {
    let (at,): (Option<String>,) = sqlx::query_as("SELECT MAX(finished_at) FROM recon_run")
        .fetch_one(pool)
        .await?;
    Ok(at)
}

/// Every account's key by its id, for showing entries read by id.
pub async fn account_keys(
    pool: &sqlx::SqlitePool,
) -> Result<std::collections::HashMap<i64, String>, LedgerError> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT id, account_key FROM account")
        .fetch_all(pool)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Items some suggestion names: a person has a candidate to decide on, so they are not yet
/// unmatched.
pub async fn suggested_item_ids(tx: &mut Tx<'_>) -> Result<Vec<i64>, LedgerError> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT DISTINCT mi.open_item_id FROM recon_match_item mi JOIN recon_match m ON m.id = mi.match_id
          WHERE m.state = 'suggested' AND mi.open_item_id IS NOT NULL",
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}

/// One transaction of a batch entry, as a run reads it.
#[derive(Debug, Clone)]
pub struct DetailToMatch {
    pub entry_id: i64,
    pub amount_minor: Option<i64>,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
}

/// The transaction details of the entries `entries_to_match` reads (above `after_id`, and the
/// open ones at or below it), in entry and position order, through `entry_detail`'s key.
pub async fn details_to_match(
    connection: &mut sqlx::SqliteConnection,
    after_id: i64,
) -> Result<Vec<DetailToMatch>, LedgerError> {
    prepared::fetch_all_on(
        connection,
        "SELECT d.entry_id, d.amount_minor, d.end_to_end_id, d.counterparty_name, d.counterparty_iban, d.remittance,
                d.creditor_reference, d.position
           FROM entry_detail d WHERE d.entry_id > ?1
         UNION ALL
         SELECT d.entry_id, d.amount_minor, d.end_to_end_id, d.counterparty_name, d.counterparty_iban, d.remittance,
                d.creditor_reference, d.position
           FROM recon_open_entry o CROSS JOIN entry_detail d ON d.entry_id = o.entry_id
          WHERE o.entry_id <= ?1
         ORDER BY 1, 8",
        &[Value::Int(after_id)],
        |row| {
            Ok(DetailToMatch {
                entry_id: row.int(0)?,
                amount_minor: row.optional_int(1)?,
                end_to_end_id: row.optional_text(2)?,
                counterparty_name: row.optional_text(3)?,
                counterparty_iban: row.optional_text(4)?,
                remittance: row.optional_text(5)?,
                creditor_reference: row.optional_text(6)?,
            })
        },
    )
    .await
}

/// What is still open of an item, by its id (none: no such item).
pub async fn item_open_minor(
    tx: &mut Tx<'_>,
    id: i64,
) -> Result<Option<(String, i64)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT external_id, amount_minor - settled_minor FROM open_item WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}

/// Whether another entry settles a payment already, with the payment's id.
pub async fn payment_settled(
    tx: &mut Tx<'_>,
    id: i64,
) -> Result<Option<(String, bool)>, LedgerError> {
    Ok(sqlx::query_as(
        "SELECT external_id, settled_by_entry_id IS NOT NULL FROM payment WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?)
}
