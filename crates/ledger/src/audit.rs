//! `audit_record`: an append-only log chained by SHA-256, so an edit or a deletion anywhere
//! breaks every hash after it.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use crate::time::instant_text;
use crate::{LedgerError, Tx};

/// The hash before the first record.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub struct NewAuditRecord<'a> {
    pub actor: &'a str,
    pub action: &'a str,
    pub subject: &'a str,
    pub detail: serde_json::Value,
}

fn record_hash(
    previous_hash: &str,
    recorded_at: &str,
    actor: &str,
    action: &str,
    subject: &str,
    detail_json: &str,
) -> String {
    let mut hasher = Sha256::new();
    // Length-prefixed fields, so no two different records hash the same text.
    for field in [
        previous_hash,
        recorded_at,
        actor,
        action,
        subject,
        detail_json,
    ] {
        hasher.update((field.len() as u64).to_be_bytes());
        hasher.update(field.as_bytes());
    }
    hex::encode(hasher.finalize())
}

/// Appends a record inside the caller's transaction, so it commits with the change it records.
pub async fn append(
    tx: &mut Tx<'_>,
    record: &NewAuditRecord<'_>,
    now: DateTime<Utc>,
) -> Result<(), LedgerError> {
    let previous: Option<(String,)> =
        sqlx::query_as("SELECT record_hash FROM audit_record ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut **tx)
            .await?;
    let previous_hash = previous.map_or_else(|| GENESIS_HASH.to_string(), |(hash,)| hash);
    let recorded_at = instant_text(now);
    let detail_json = record.detail.to_string();
    let hash = record_hash(
        &previous_hash,
        &recorded_at,
        record.actor,
        record.action,
        record.subject,
        &detail_json,
    );
    sqlx::query(
        "INSERT INTO audit_record (recorded_at, actor, action, subject, detail_json, previous_hash, record_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(recorded_at)
    .bind(record.actor)
    .bind(record.action)
    .bind(record.subject)
    .bind(detail_json)
    .bind(previous_hash)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainReport {
    pub records: u64,
    /// The id of the first record whose hash or link does not verify, or where the records
    /// the anchor counted are missing from.
    pub first_bad: Option<i64>,
    /// What is wrong, in words.
    pub problem: Option<String>,
}

/// Where the chain stood when it was last anchored outside the ledger: how many records it
/// held, and the hash of the last. A chain cut short, emptied, or put back from an older copy
/// holds fewer, or another record where that one was.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Anchor {
    pub records: u64,
    pub head_hash: String,
}

/// The chain's head now: the anchor to keep once what was appended has committed. One
/// statement, so its count and its last hash are of the same moment while other processes
/// append.
pub async fn head(pool: &sqlx::SqlitePool) -> Result<Anchor, LedgerError> {
    let (records, last): (i64, Option<String>) = sqlx::query_as(
        "SELECT count(*), (SELECT record_hash FROM audit_record ORDER BY id DESC LIMIT 1)
           FROM audit_record",
    )
    .fetch_one(pool)
    .await?;
    Ok(Anchor {
        records: u64::try_from(records).unwrap_or_default(),
        head_hash: last.unwrap_or_else(|| GENESIS_HASH.to_string()),
    })
}

#[derive(sqlx::FromRow)]
struct StoredRecord {
    id: i64,
    recorded_at: String,
    actor: String,
    action: String,
    subject: String,
    detail_json: String,
    previous_hash: String,
    record_hash: String,
}

/// The hash of the record at `position` (1 for the first) in the chain's order.
pub async fn hash_at(
    pool: &sqlx::SqlitePool,
    position: u64,
) -> Result<Option<String>, LedgerError> {
    let offset = i64::try_from(position.saturating_sub(1)).unwrap_or(i64::MAX);
    let row: Option<(String,)> =
        sqlx::query_as("SELECT record_hash FROM audit_record ORDER BY id LIMIT 1 OFFSET ?")
            .bind(offset)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(hash,)| hash))
}

/// Re-computes the whole chain.
pub async fn verify(pool: &sqlx::SqlitePool) -> Result<ChainReport, LedgerError> {
    verify_against(pool, None).await
}

/// Re-computes the whole chain, and checks it still holds what `anchor` saw: at least as many
/// records, the anchored one where it was.
pub async fn verify_against(
    pool: &sqlx::SqlitePool,
    anchor: Option<&Anchor>,
) -> Result<ChainReport, LedgerError> {
    let rows = sqlx::query_as::<_, StoredRecord>(
        "SELECT id, recorded_at, actor, action, subject, detail_json, previous_hash, record_hash
           FROM audit_record ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    let records = rows.len() as u64;
    let bad = |id: i64, problem: String| ChainReport {
        records,
        first_bad: Some(id),
        problem: Some(problem),
    };
    let mut expected_previous = GENESIS_HASH.to_string();
    for (position, row) in rows.iter().enumerate() {
        let hash = record_hash(
            &row.previous_hash,
            &row.recorded_at,
            &row.actor,
            &row.action,
            &row.subject,
            &row.detail_json,
        );
        if row.previous_hash != expected_previous {
            let what = if position == 0 {
                "does not start the log: the records before it are gone".to_string()
            } else {
                "does not follow the record before it: one was removed, inserted or moved"
                    .to_string()
            };
            return Ok(bad(row.id, format!("record {} {what}", row.id)));
        }
        if hash != row.record_hash {
            return Ok(bad(
                row.id,
                format!("record {} was changed after it was written", row.id),
            ));
        }
        expected_previous = row.record_hash.clone();
    }
    if let Some(anchor) = anchor {
        if records < anchor.records {
            let next = rows.last().map_or(1, |r| r.id + 1);
            return Ok(bad(
                next,
                format!(
                    "the log holds {records} records, but held {} when last anchored: the last \
                     {} are gone (or an older copy of the ledger was put back)",
                    anchor.records,
                    anchor.records - records
                ),
            ));
        }
        if anchor.records > 0 {
            let at = &rows[usize::try_from(anchor.records - 1).unwrap_or_default()];
            if at.record_hash != anchor.head_hash {
                return Ok(bad(
                    at.id,
                    format!(
                        "record {} is not the one anchored as record {}: the log was replaced",
                        at.id, anchor.records
                    ),
                ));
            }
        }
    }
    Ok(ChainReport {
        records,
        first_bad: None,
        problem: None,
    })
}

/// Rows that a money-relevant change wrote without the audit record that says so: a bank
/// file no import or status record names (by its digest, or a status report by its name),
/// and statements beyond the number its import record counted. Each in words; none when
/// every row is accounted for. A row inserted behind Cashline's back is found here even where
/// the chain itself is intact.
pub async fn unrecorded(pool: &sqlx::SqlitePool) -> Result<Vec<String>, LedgerError> {
    let mut found = Vec::new();
    let files: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, file_name FROM source_file
          WHERE digest_sha256 NOT IN (
                  SELECT json_extract(detail_json, '$.digest_sha256') FROM audit_record
                   WHERE action IN ('statement.import', 'payments.status')
                     AND json_extract(detail_json, '$.digest_sha256') IS NOT NULL)
            AND file_name NOT IN (SELECT subject FROM audit_record WHERE action = 'payments.status')
          ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    for (id, name) in files {
        found.push(format!("source file {id} ({name}) has no import record"));
    }
    let statements: Vec<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT sf.id, sf.file_name, count(s.id),
                (SELECT sum(json_extract(a.detail_json, '$.statements_new')) FROM audit_record a
                  WHERE a.action = 'statement.import'
                    AND json_extract(a.detail_json, '$.digest_sha256') = sf.digest_sha256)
           FROM source_file sf JOIN statement s ON s.source_file_id = sf.id
          GROUP BY sf.id ORDER BY sf.id",
    )
    .fetch_all(pool)
    .await?;
    for (id, name, held, recorded) in statements {
        if let Some(recorded) = recorded {
            if held > recorded {
                found.push(format!(
                    "source file {id} ({name}) holds {held} statements, its import record {recorded}"
                ));
            }
        }
    }
    for query in [UNRECORDED_EVENTS, UNRECORDED_APPROVALS, UNRECORDED_MATCHES] {
        let rows: Vec<(String,)> = sqlx::query_as(query).fetch_all(pool).await?;
        found.extend(rows.into_iter().map(|(row,)| row));
    }
    Ok(found)
}

/// A payment's move with no audit record by the same person at the same moment: every
/// command that moves payments records itself in the transaction of the move, at its time.
/// A refused move is on the timeline only, and needs none.
const UNRECORDED_EVENTS: &str = "SELECT 'payment event ' || e.id || ' (' || p.external_id || ' ' || e.state || ') has no audit record'
   FROM payment_event e JOIN payment p ON p.id = e.payment_id
  WHERE e.applied = 1 AND NOT EXISTS (
        SELECT 1 FROM audit_record a WHERE a.recorded_at = e.occurred_at AND a.actor = e.recorded_by)
  ORDER BY e.id";

/// An approval no `payments.approve` record of its approver names.
const UNRECORDED_APPROVALS: &str = "SELECT 'the approval of ' || p.external_id || ' by ' || pa.approved_by || ' has no audit record'
   FROM payment_approval pa JOIN payment p ON p.id = pa.payment_id
  WHERE NOT EXISTS (
        SELECT 1 FROM audit_record a
         WHERE a.action = 'payments.approve' AND a.actor = pa.approved_by
           AND a.recorded_at = pa.approved_at
           AND instr(',' || a.subject || ',', ',' || p.external_id || ',') > 0)
  ORDER BY pa.approved_at, p.external_id";

/// A match with no record of what made it (its run's) or of the person who decided it.
const UNRECORDED_MATCHES: &str = "SELECT 'match ' || m.id || ' (' || m.state || ') has no audit record'
   FROM recon_match m
  WHERE (m.run_id IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM audit_record a WHERE a.action = 'recon.run' AND a.subject = 'recon run ' || m.run_id))
     OR (m.run_id IS NULL AND NOT EXISTS (
            SELECT 1 FROM audit_record a WHERE a.recorded_at = m.created_at AND a.actor = m.decided_by))
     OR (m.decided_at IS NOT NULL AND m.decided_by IS NOT NULL AND NOT EXISTS (
            SELECT 1 FROM audit_record a WHERE a.recorded_at = m.decided_at AND a.actor = m.decided_by))
  ORDER BY m.id";

/// One record as stored, for the audit screen and its export.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub recorded_at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    pub detail_json: String,
    pub record_hash: String,
}

/// What the audit screen filters by; each `None` is no filter. Times are RFC 3339 texts as
/// stored, compared as texts (they are all UTC, `…Z`).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: Option<String>,
    /// An action, or its group before the dot (`payments` takes `payments.approve`).
    pub action: Option<String>,
    /// Part of the subject, in any case.
    pub subject: Option<String>,
    pub from: Option<String>,
    /// Records before this instant.
    pub before: Option<String>,
    /// Records with an id below this one: the next page, newest first.
    pub before_id: Option<i64>,
    pub limit: u32,
}

/// Records newest first, filtered, at most `filter.limit`.
pub async fn list(
    pool: &sqlx::SqlitePool,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, LedgerError> {
    let rows = sqlx::query_as::<_, AuditRow>(
        "SELECT id, recorded_at, actor, action, subject, detail_json, record_hash
           FROM audit_record
          WHERE (?1 IS NULL OR actor = ?1)
            AND (?2 IS NULL OR action = ?2 OR substr(action, 1, length(?2) + 1) = ?2 || '.')
            AND (?3 IS NULL OR instr(lower(subject), lower(?3)) > 0)
            AND (?4 IS NULL OR recorded_at >= ?4)
            AND (?5 IS NULL OR recorded_at < ?5)
            AND (?6 IS NULL OR id < ?6)
          ORDER BY id DESC
          LIMIT ?7",
    )
    .bind(&filter.actor)
    .bind(&filter.action)
    .bind(&filter.subject)
    .bind(&filter.from)
    .bind(&filter.before)
    .bind(filter.before_id)
    .bind(i64::from(filter.limit))
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The actions recorded so far, for the screen's filter.
pub async fn actions(pool: &sqlx::SqlitePool) -> Result<Vec<String>, LedgerError> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT DISTINCT action FROM audit_record ORDER BY action")
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|(a,)| a).collect())
}

/// Who last did `action` to `subject` (who added a connection, say), for the work done later
/// in their name.
pub async fn last_actor(
    pool: &sqlx::SqlitePool,
    action: &str,
    subject: &str,
) -> Result<Option<String>, LedgerError> {
    let found: Option<(String,)> = sqlx::query_as(
        "SELECT actor FROM audit_record WHERE action = ? AND subject = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(action)
    .bind(subject)
    .fetch_optional(pool)
    .await?;
    Ok(found.map(|(actor,)| actor))
}
