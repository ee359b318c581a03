//! The encrypted ledger file: made under a key, opened only with it, re-keyed, encrypted from
//! plain, backed up and restored, each checked by what the file holds afterwards.

use std::path::Path;

use cashline_ledger::audit::{self, NewAuditRecord};
use cashline_ledger::cipher::{self, FileKind, Source};
use cashline_ledger::{backup, Ledger, LedgerError, LedgerKey};
use chrono::{TimeZone, Utc};

async fn with_records(ledger: &Ledger, count: usize) {
    let now = Utc.with_ymd_and_hms(2026, 12, 7, 9, 0, 0).unwrap();
    let mut tx = ledger.begin().await.unwrap();
    for i in 0..count {
        audit::append(
            &mut tx,
            &NewAuditRecord {
                actor: "test",
                action: "test.record",
                subject: &format!("record {i}"),
                detail: serde_json::json!({ "i": i }),
            },
            now,
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn records(ledger: &Ledger) -> u64 {
    audit::head(ledger.pool()).await.unwrap().records
}

async fn no_check(_: std::path::PathBuf, _: LedgerKey) -> Result<(), LedgerError> {
    Ok(())
}

fn plain_header(path: &Path) -> bool {
    std::fs::read(path)
        .unwrap()
        .starts_with(b"SQLite format 3\0")
}

#[tokio::test]
async fn a_ledger_made_under_a_key_opens_only_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let key = LedgerKey::generate();
    let ledger = Ledger::open_with(&path, Some(&key)).await.unwrap();
    with_records(&ledger, 3).await;
    ledger.close().await;

    let salt = key.salt().unwrap();
    assert_eq!(
        cipher::inspect(&path).unwrap(),
        FileKind::Encrypted { salt }
    );
    assert!(!plain_header(&path));

    let reading = LedgerKey::from_hex(&key.to_hex().unwrap()).unwrap();
    let ledger = Ledger::open_with(&path, Some(&reading)).await.unwrap();
    assert_eq!(records(&ledger).await, 3);
    ledger.close().await;

    let wrong = LedgerKey::generate();
    let wrong = LedgerKey::from_hex(&wrong.to_hex().unwrap()).unwrap();
    let error = Ledger::open_with(&path, Some(&wrong)).await.unwrap_err();
    assert!(matches!(error, LedgerError::WrongKey { .. }), "{error}");
    assert!(
        error.to_string().contains("the key does not open"),
        "{error}"
    );
    let error = Ledger::open_with(&path, None).await.unwrap_err();
    assert!(matches!(error, LedgerError::NotALedger { .. }), "{error}");
}

#[tokio::test]
async fn a_plain_ledger_encrypted_in_place_keeps_every_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let ledger = Ledger::open(&path).await.unwrap();
    with_records(&ledger, 5).await;
    let before = audit::head(ledger.pool()).await.unwrap();
    ledger.close().await;
    assert_eq!(cipher::inspect(&path).unwrap(), FileKind::Plain);

    let key = LedgerKey::generate();
    let copied = cipher::replace(&path, None, Source::Itself, &key, no_check)
        .await
        .unwrap();
    assert_eq!(copied.audit_records, 5);
    assert!(!plain_header(&path));
    let ledger = Ledger::open_with(&path, Some(&cipher::for_reading(&key)))
        .await
        .unwrap();
    assert_eq!(audit::head(ledger.pool()).await.unwrap(), before);
    assert!(audit::verify(ledger.pool())
        .await
        .unwrap()
        .first_bad
        .is_none());
    ledger.close().await;
}

#[tokio::test]
async fn a_new_key_replaces_the_old_and_the_old_no_longer_opens() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let old = LedgerKey::generate();
    let ledger = Ledger::open_with(&path, Some(&old)).await.unwrap();
    with_records(&ledger, 2).await;
    ledger.close().await;

    let old = cipher::for_reading(&old);
    let new = LedgerKey::generate();
    cipher::replace(&path, Some(&old), Source::Itself, &new, no_check)
        .await
        .unwrap();
    assert!(matches!(
        Ledger::open_with(&path, Some(&old)).await.unwrap_err(),
        LedgerError::WrongKey { .. }
    ));
    let ledger = Ledger::open_with(&path, Some(&cipher::for_reading(&new)))
        .await
        .unwrap();
    assert_eq!(records(&ledger).await, 2);
    ledger.close().await;
}

#[tokio::test]
async fn a_ledger_open_elsewhere_is_not_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let key = LedgerKey::generate();
    let other = Ledger::open_with(&path, Some(&key)).await.unwrap();
    with_records(&other, 1).await;
    let before = std::fs::read(&path).unwrap();

    let error = cipher::replace(
        &path,
        Some(&cipher::for_reading(&key)),
        Source::Itself,
        &LedgerKey::generate(),
        no_check,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LedgerError::InUse { .. }), "{error}");
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(records(&other).await, 1);
    with_records(&other, 1).await;
    assert_eq!(records(&other).await, 2);
    other.close().await;
}

#[tokio::test]
async fn a_backup_under_a_passphrase_restores_over_a_ledger_that_moved_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let key = LedgerKey::generate();
    let ledger = Ledger::open_with(&path, Some(&key)).await.unwrap();
    with_records(&ledger, 4).await;

    let copy = dir.path().join("backup.cashline");
    let passphrase = LedgerKey::Passphrase("correct horse 'battery' staple".into());
    let taken = backup::backup(&ledger, &copy, Some(&passphrase))
        .await
        .unwrap();
    assert_eq!(taken.audit_records, 4);
    assert!(!plain_header(&copy));
    with_records(&ledger, 3).await;
    assert_eq!(records(&ledger).await, 7);
    ledger.close().await;

    let wrong = LedgerKey::Passphrase("wrong".into());
    let error = cipher::replace(
        &path,
        Some(&cipher::for_reading(&key)),
        Source::File {
            path: &copy,
            key: Some(&wrong),
        },
        &LedgerKey::generate(),
        no_check,
    )
    .await
    .unwrap_err();
    assert!(matches!(error, LedgerError::WrongKey { .. }), "{error}");

    let new = LedgerKey::generate();
    cipher::replace(
        &path,
        Some(&cipher::for_reading(&key)),
        Source::File {
            path: &copy,
            key: Some(&passphrase),
        },
        &new,
        no_check,
    )
    .await
    .unwrap();
    let ledger = Ledger::open_with(&path, Some(&cipher::for_reading(&new)))
        .await
        .unwrap();
    assert_eq!(records(&ledger).await, 4);
    ledger.close().await;
}

#[tokio::test]
async fn a_backup_under_the_ledgers_own_kind_of_key_and_a_plain_one_of_a_plain_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.sqlite");
    let key = LedgerKey::generate();
    let ledger = Ledger::open_with(&path, Some(&key)).await.unwrap();
    with_records(&ledger, 2).await;
    let copy = dir.path().join("keyed.cashline");
    let copy_key = LedgerKey::generate();
    backup::backup(&ledger, &copy, Some(&copy_key))
        .await
        .unwrap();
    ledger.close().await;
    assert_eq!(
        cipher::inspect(&copy).unwrap(),
        FileKind::Encrypted {
            salt: copy_key.salt().unwrap()
        }
    );
    let opened = Ledger::open_with(&copy, Some(&cipher::for_reading(&copy_key)))
        .await
        .unwrap();
    assert_eq!(records(&opened).await, 2);
    opened.close().await;

    let plain = dir.path().join("plain.sqlite");
    let ledger = Ledger::open(&plain).await.unwrap();
    with_records(&ledger, 1).await;
    let copy = dir.path().join("plain.cashline");
    backup::backup(&ledger, &copy, None).await.unwrap();
    ledger.close().await;
    assert!(plain_header(&copy));
}
