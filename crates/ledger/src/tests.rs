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
        "connection",
        "entity",
        "entry",
        "exception_case",
        "fx_rate",
        "open_item",
        "payment",
        "payment_event",
        "recon_match",
        "source_file",
        "statement",
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
