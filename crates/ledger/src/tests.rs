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
