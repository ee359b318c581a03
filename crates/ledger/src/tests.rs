//! Ledger tests on a fresh file per test, through the real migrations.

use chrono::{TimeZone, Utc};

use crate::audit::{self, NewAuditRecord};
use crate::Ledger;

async fn fresh() -> (tempfile::TempDir, Ledger) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    (dir, ledger)
}

#[tokio::test]
async fn migrations_create_the_whole_model() {
    let (_dir, ledger) = fresh().await;
    let tables: Vec<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(ledger.pool())
            .await
            .unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.0.as_str()).collect();
    for table in [
        "account",
        "audit_record",
        "balance",
        "bank",
        "bank_consent",
        "connection",
        "connection_account",
        "entity",
        "entry",
        "entry_detail",
        "exception_case",
        "fx_rate",
        "open_item",
        "payment",
        "payment_event",
        "recon_match",
        "source_file",
        "statement",
        "sync_page",
        "sync_run",
    ] {
        assert!(names.contains(&table), "missing {table} in {names:?}");
    }
}

#[tokio::test]
async fn no_money_column_is_real() {
    let (_dir, ledger) = fresh().await;
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT m.name, p.name, p.type FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'",
    )
    .fetch_all(ledger.pool())
    .await
    .unwrap();
    for (table, column, kind) in columns {
        assert!(
            !kind.to_uppercase().contains("REAL") && !kind.to_uppercase().contains("FLOAT"),
            "{table}.{column} is {kind}"
        );
    }
}

#[tokio::test]
async fn audit_chain_detects_edits_and_deletions() {
    let (_dir, ledger) = fresh().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let mut tx = ledger.begin().await.unwrap();
    for subject in ["a", "b", "c"] {
        let record = NewAuditRecord {
            actor: "alice",
            action: "import",
            subject,
            detail: serde_json::json!({"n": 1}),
        };
        audit::append(&mut tx, &record, now).await.unwrap();
    }
    tx.commit().await.unwrap();
    let report = audit::verify(ledger.pool()).await.unwrap();
    assert_eq!(report.records, 3);
    assert_eq!(report.first_bad, None);

    sqlx::query("UPDATE audit_record SET actor = 'mallory' WHERE id = 2")
        .execute(ledger.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(ledger.pool()).await.unwrap().first_bad,
        Some(2)
    );
    sqlx::query("UPDATE audit_record SET actor = 'alice' WHERE id = 2")
        .execute(ledger.pool())
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_record WHERE id = 2")
        .execute(ledger.pool())
        .await
        .unwrap();
    assert_eq!(
        audit::verify(ledger.pool()).await.unwrap().first_bad,
        Some(3)
    );
}

#[tokio::test]
async fn prepared_reads_return_values_nulls_and_say_which_column_is_wrong() {
    use crate::prepared::{fetch_all, Value};
    let (_dir, ledger) = fresh().await;
    let pool = ledger.pool();
    let rows = fetch_all(
        pool,
        "SELECT ?1, ?2, NULL, 'zürich' UNION ALL SELECT 7, 'b', 3, ''",
        &[Value::Int(-5), Value::Text(Some("a"))],
        |row| {
            Ok((
                row.int(0)?,
                row.text(1)?,
                row.optional_int(2)?,
                row.optional_text(3)?,
            ))
        },
    )
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            (-5, "a".to_string(), None, Some("zürich".to_string())),
            (7, "b".to_string(), Some(3), Some(String::new())),
        ]
    );
    let wrong = fetch_all(pool, "SELECT 'x'", &[], |row| row.int(0))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        wrong.contains("column 0 of 'SELECT 'x'' is not an integer"),
        "{wrong}"
    );
    let beyond = fetch_all(pool, "SELECT 1", &[], |row| row.optional_int(1))
        .await
        .unwrap_err()
        .to_string();
    assert!(beyond.contains("'SELECT 1' has no column 1"), "{beyond}");
    let null = fetch_all(pool, "SELECT NULL", &[], |row| row.text(0))
        .await
        .unwrap_err()
        .to_string();
    assert!(null.contains("is not text"), "{null}");
    let invalid = fetch_all(pool, "SELECT CAST(x'ff' AS TEXT)", &[], |row| row.text(0))
        .await
        .unwrap_err()
        .to_string();
    assert!(invalid.contains("is not UTF-8 text"), "{invalid}");
    let bad_sql = fetch_all(pool, "SELECT FROM nowhere", &[], |row| row.int(0))
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        bad_sql,
        "ledger statement failed (SELECT FROM nowhere): near \"FROM\": syntax error"
    );
}

#[tokio::test]
async fn a_prepared_write_stays_inside_its_transaction() {
    use crate::prepared::{Prepared, Value};
    let (_dir, ledger) = fresh().await;
    sqlx::query("CREATE TABLE t (k TEXT NOT NULL PRIMARY KEY, v INTEGER CHECK (v > 0))")
        .execute(ledger.pool())
        .await
        .unwrap();
    let mut tx = ledger.begin().await.unwrap();
    {
        let mut handle = tx.lock_handle().await.unwrap();
        let mut insert = Prepared::new(
            &mut handle,
            "INSERT INTO t (k, v) VALUES (?1, ?2) ON CONFLICT (k) DO NOTHING",
        )
        .unwrap();
        let key = String::from("one");
        assert_eq!(
            insert
                .execute(&[Value::Text(Some(&key)), Value::Int(1)])
                .unwrap(),
            1
        );
        assert_eq!(
            insert
                .execute(&[Value::Text(Some(&key)), Value::Int(2)])
                .unwrap(),
            0
        );
        let refused = insert
            .execute(&[Value::Text(Some("two")), Value::Int(-1)])
            .unwrap_err()
            .to_string();
        assert!(refused.contains("CHECK constraint failed"), "{refused}");
        // The statement is reset after a failure and runs again.
        assert_eq!(
            insert
                .execute(&[Value::Text(Some("two")), Value::Int(2)])
                .unwrap(),
            1
        );
    }
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    assert_eq!(count, 2);
    tx.rollback().await.unwrap();
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM t")
        .fetch_one(ledger.pool())
        .await
        .unwrap();
    assert_eq!(count, 0, "rolled back with the transaction");
}

/// Read-then-write transactions, as every writer runs them (find the file, then insert it),
/// on two ledgers opened on one file as two processes open it, two tasks each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_read_then_write_transactions_all_succeed() {
    const WRITERS: i64 = 4;
    const ROUNDS: i64 = 25;
    let (dir, first) = fresh().await;
    let second = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    sqlx::query("CREATE TABLE counter (n INTEGER NOT NULL)")
        .execute(first.pool())
        .await
        .unwrap();
    sqlx::query("INSERT INTO counter (n) VALUES (0)")
        .execute(first.pool())
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for writer in 0..WRITERS {
        let ledger = if writer % 2 == 0 {
            first.clone()
        } else {
            second.clone()
        };
        tasks.push(tokio::spawn(async move {
            for _ in 0..ROUNDS {
                let mut tx = ledger.begin().await?;
                let (n,): (i64,) = sqlx::query_as("SELECT n FROM counter")
                    .fetch_one(&mut *tx)
                    .await?;
                // Give the other writers every chance to come between the read and the write.
                tokio::task::yield_now().await;
                sqlx::query("UPDATE counter SET n = ?")
                    .bind(n + 1)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
            }
            Ok::<(), crate::LedgerError>(())
        }));
    }
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let (n,): (i64,) = sqlx::query_as("SELECT n FROM counter")
        .fetch_one(first.pool())
        .await
        .unwrap();
    assert_eq!(n, WRITERS * ROUNDS, "a write was lost");
}

/// `begin` takes the write lock before anything is read: another process that will not wait
/// is refused at once, with the ledger's sentence rather than SQLite's.
#[tokio::test]
async fn a_writer_holds_the_write_lock_from_its_begin() {
    use std::str::FromStr;
    let (dir, ledger) = fresh().await;
    let tx = ledger.begin().await.unwrap();
    let options = sqlx::sqlite::SqliteConnectOptions::from_str("sqlite:")
        .unwrap()
        .filename(dir.path().join("ledger.sqlite"))
        .busy_timeout(std::time::Duration::ZERO);
    let other = sqlx::SqlitePool::connect_with(options).await.unwrap();
    let refused = crate::LedgerError::from(
        other
            .begin_with("BEGIN IMMEDIATE")
            .await
            .expect_err("the write lock is taken"),
    );
    assert!(matches!(refused, crate::LedgerError::Busy), "{refused}");
    assert!(refused.to_string().starts_with("the ledger is busy"));
    tx.rollback().await.unwrap();
    other.begin_with("BEGIN IMMEDIATE").await.unwrap();
}

/// A statement of `kind` on one account, for entry tests.
async fn statement_for_entries(tx: &mut crate::Tx<'_>, kind: &str, reference: &str) -> (i64, i64) {
    use crate::{account, source_file, statement};
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let file_id = source_file::insert(
        tx,
        &source_file::NewSourceFile {
            digest_sha256: reference,
            file_name: "statement.xml",
            format: "camt.053.001.08",
            size_bytes: 1,
            imported_at: now,
            imported_by: "alice",
        },
    )
    .await
    .unwrap();
    let account_id = account::ensure(
        tx,
        &account::AccountSeen {
            account_key: "DE89370400440532013000",
            iban: Some("DE89370400440532013000"),
            bic: None,
            currency: "EUR",
            name: None,
            bank_id: None,
        },
        now,
    )
    .await
    .unwrap();
    let statement_id = statement::insert(
        tx,
        &statement::NewStatement {
            account_id,
            origin: statement::StatementOrigin::File(file_id),
            kind,
            format: "camt.053.001.08",
            message_id: reference,
            statement_ref: reference,
            sequence_number: None,
            page_number: None,
            created_at_bank: None,
            period_from: None,
            period_to: None,
            identity_key: reference,
            imported_at: now,
        },
    )
    .await
    .unwrap();
    (account_id, statement_id)
}

fn batch_entry(
    account_id: i64,
    statement_id: i64,
    key: &str,
    status: &'static str,
    details: Vec<crate::entry::NewDetail>,
) -> crate::entry::NewEntry {
    crate::entry::NewEntry {
        account_id,
        statement_id,
        identity_key: key.to_string(),
        booking_date: None,
        value_date: None,
        amount_minor: -30_000,
        currency: "EUR".into(),
        status,
        reversal: false,
        bank_ref: Some(key.to_string()),
        entry_ref: None,
        end_to_end_id: None,
        counterparty_name: None,
        counterparty_iban: None,
        remittance: None,
        creditor_reference: None,
        bank_transaction_code: None,
        source_element: None,
        details,
    }
}

fn transfer(end_to_end_id: &str, amount_minor: Option<i64>) -> crate::entry::NewDetail {
    crate::entry::NewDetail {
        amount_minor,
        currency: amount_minor.map(|_| "EUR".to_string()),
        end_to_end_id: Some(end_to_end_id.to_string()),
        counterparty_name: Some("Coho Winery SA".into()),
        ..Default::default()
    }
}

#[tokio::test]
async fn details_are_written_with_new_entries_only_and_read_back_in_order() {
    use crate::entry::{self, EntriesWritten};
    let (_dir, ledger) = fresh().await;
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 9, 0, 0).unwrap();
    let mut tx = ledger.begin().await.unwrap();
    let (account_id, intraday) = statement_for_entries(&mut tx, "intraday", "report").await;
    let entries = vec![
        batch_entry(
            account_id,
            intraday,
            "run",
            "booked",
            vec![
                transfer("E2E-1", Some(-10_000)),
                transfer("E2E-2", Some(-20_000)),
            ],
        ),
        // Reported intraday without its transactions; the booking statement brings them.
        batch_entry(account_id, intraday, "pending", "pending", Vec::new()),
        batch_entry(account_id, intraday, "plain", "booked", Vec::new()),
    ];
    let written = entry::insert_new(&mut tx, &entries, entry::Promote::Nothing, now)
        .await
        .unwrap();
    assert_eq!(
        written,
        EntriesWritten {
            inserted: 3,
            promoted: 0,
            details: 2
        }
    );
    let (_, booked) = statement_for_entries(&mut tx, "end_of_day", "statement").await;
    let again = vec![
        // Both were reported intraday and are now booked in place; the details held already
        // stay as they are, the missing ones are added.
        batch_entry(
            account_id,
            booked,
            "run",
            "booked",
            vec![
                transfer("E2E-1", Some(-10_000)),
                transfer("E2E-2", Some(-20_000)),
            ],
        ),
        batch_entry(
            account_id,
            booked,
            "pending",
            "booked",
            vec![transfer("E2E-3", None), transfer("E2E-4", Some(-5_000))],
        ),
    ];
    let written = entry::insert_new(&mut tx, &again, entry::Promote::Provisional, now)
        .await
        .unwrap();
    assert_eq!(
        written,
        EntriesWritten {
            inserted: 0,
            promoted: 2,
            details: 2
        }
    );
    // Known and booked: a statement sent again writes nothing, details included.
    let written = entry::insert_new(&mut tx, &again, entry::Promote::Provisional, now)
        .await
        .unwrap();
    assert_eq!(written, EntriesWritten::default());
    tx.commit().await.unwrap();
    let (stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM entry_detail")
        .fetch_one(ledger.pool())
        .await
        .unwrap();
    assert_eq!(stored, 4);

    let ids: Vec<(i64, String)> = sqlx::query_as("SELECT id, identity_key FROM entry ORDER BY id")
        .fetch_all(ledger.pool())
        .await
        .unwrap();
    let all: Vec<i64> = ids.iter().map(|(id, _)| *id).collect();
    let details = entry::details_of(ledger.pool(), &all).await.unwrap();
    assert_eq!(details.len(), 2, "the plain entry has none");
    let run = &details[&ids[0].0];
    assert_eq!(
        run.iter()
            .map(|d| (d.position, d.end_to_end_id.as_deref(), d.amount_minor))
            .collect::<Vec<_>>(),
        [
            (1, Some("E2E-1"), Some(-10_000)),
            (2, Some("E2E-2"), Some(-20_000))
        ]
    );
    let promoted = &details[&ids[1].0];
    assert_eq!(promoted[0].amount_minor, None);
    assert_eq!(promoted[0].currency, None);
    assert_eq!(promoted[1].currency.as_deref(), Some("EUR"));
    // Only the ids asked for are read.
    let one = entry::details_of(ledger.pool(), &all[..1]).await.unwrap();
    assert_eq!(one.keys().copied().collect::<Vec<_>>(), [ids[0].0]);
    assert!(entry::details_of(ledger.pool(), &[])
        .await
        .unwrap()
        .is_empty());
}

/// A ledger written by the version before bank connections (migration 8) opens with every
/// statement, entry and balance where it was, foreign keys still enforced, and statements now
/// free to come from an API page instead of a file.
#[tokio::test]
async fn a_ledger_from_before_bank_connections_keeps_its_statements() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let options = SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true)
        .foreign_keys(true);
    let old = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    crate::MIGRATOR.run_to(8, &old).await.unwrap();
    let at = "2026-11-23T08:00:00Z";
    for sql in [
        "INSERT INTO account (id, account_key, currency, created_at) VALUES (1, 'DE89370400440532013000', 'EUR', ?1)",
        "INSERT INTO source_file (id, digest_sha256, file_name, format, size_bytes, imported_at, imported_by) VALUES (1, 'd', 'f.xml', 'camt.053.001.08', 1, ?1, 'u')",
        "INSERT INTO statement (id, account_id, source_file_id, kind, format, message_id, statement_ref, identity_key, imported_at) VALUES (7, 1, 1, 'end_of_day', 'camt.053.001.08', 'm', 's', 'k', ?1)",
        "INSERT INTO entry (account_id, statement_id, identity_key, amount_minor, currency, status, created_at) VALUES (1, 7, 'e1', 1250, 'EUR', 'booked', ?1)",
        "INSERT INTO balance (account_id, statement_id, balance_type, amount_minor, currency, balance_date, as_of_at, source, created_at) VALUES (1, 7, 'closing_booked', 1250, 'EUR', '2026-11-22', ?1, 'camt.053', ?1)",
    ] {
        sqlx::query(sql).bind(at).execute(&old).await.unwrap();
    }
    old.close().await;

    let ledger = Ledger::open(&path).await.unwrap();
    let kept: (i64, i64, Option<i64>) =
        sqlx::query_as("SELECT id, source_file_id, sync_page_id FROM statement")
            .fetch_one(ledger.pool())
            .await
            .unwrap();
    assert_eq!(kept, (7, 1, None));
    let (entries, balances): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM entry WHERE statement_id = 7), (SELECT count(*) FROM balance WHERE statement_id = 7)",
    )
    .fetch_one(ledger.pool())
    .await
    .unwrap();
    assert_eq!((entries, balances), (1, 1));
    let (on,): (i64,) = sqlx::query_as("PRAGMA foreign_keys")
        .fetch_one(ledger.pool())
        .await
        .unwrap();
    assert_eq!(on, 1, "foreign keys are on again after the migration");
    let broken: Vec<(String,)> = sqlx::query_as("SELECT \"table\" FROM pragma_foreign_key_check")
        .fetch_all(ledger.pool())
        .await
        .unwrap();
    assert!(broken.is_empty(), "{broken:?}");
    // Still enforced against the rebuilt table.
    let orphan = sqlx::query("INSERT INTO entry (account_id, statement_id, identity_key, amount_minor, currency, status, created_at) VALUES (1, 99, 'e2', 1, 'EUR', 'booked', ?1)")
        .bind(at)
        .execute(ledger.pool())
        .await;
    assert!(orphan.is_err(), "an entry of no statement is refused");
    let nowhere = sqlx::query("INSERT INTO statement (account_id, kind, format, message_id, statement_ref, identity_key, imported_at) VALUES (1, 'intraday', 'psd2', 'm', 's', 'k2', ?1)")
        .bind(at)
        .execute(ledger.pool())
        .await;
    assert!(nowhere.is_err(), "a statement from nowhere is refused");
}

/// A writer dropped wherever it is (a request whose client went away, a send cut off) must
/// leave the ledger writable: no connection goes back to the pool inside a transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_writer_dropped_at_any_point_leaves_the_ledger_writable() {
    let (_dir, ledger) = fresh().await;
    let now = Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap();
    for n in 0..300u64 {
        let write = async {
            let mut tx = ledger.begin().await?;
            audit::append(
                &mut tx,
                &NewAuditRecord {
                    actor: "t",
                    action: "probe",
                    subject: &n.to_string(),
                    detail: serde_json::json!({}),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok::<_, crate::LedgerError>(())
        };
        let _ = tokio::time::timeout(std::time::Duration::from_micros(n * 7 % 900), write).await;
        let next = tokio::time::timeout(std::time::Duration::from_secs(5), ledger.begin()).await;
        let tx = next
            .unwrap_or_else(|_| panic!("round {n}: the ledger is no longer writable"))
            .unwrap();
        tx.rollback().await.unwrap();
    }
}

#[tokio::test]
async fn a_migration_done_outside_a_transaction_but_not_recorded_is_recorded_not_run_again() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let ledger = Ledger::open(&path).await.unwrap();
    // As a process killed after 0009's and 0011's own COMMIT, before sqlx recorded them.
    sqlx::query("DELETE FROM _sqlx_migrations WHERE version IN (9, 11)")
        .execute(ledger.pool())
        .await
        .unwrap();
    ledger.close().await;

    let ledger = Ledger::open(&path)
        .await
        .expect("opens without running 0011 twice");
    let recorded: Vec<(i64,)> = sqlx::query_as(
        "SELECT version FROM _sqlx_migrations WHERE version IN (9, 11) ORDER BY version",
    )
    .fetch_all(ledger.pool())
    .await
    .unwrap();
    assert_eq!(recorded, [(9,), (11,)]);
}

#[test]
fn every_migration_outside_a_transaction_names_the_table_that_shows_it_done() {
    for migration in crate::MIGRATOR.iter().filter(|m| m.no_tx) {
        let (_, marker) = crate::NO_TRANSACTION_MARKERS
            .iter()
            .find(|(v, _)| *v == migration.version)
            .unwrap_or_else(|| panic!("migration {} has no marker", migration.version));
        assert!(
            migration
                .sql
                .as_str()
                .contains(&format!("CREATE TABLE {marker} (")),
            "migration {} creates {marker}",
            migration.version
        );
    }
}
