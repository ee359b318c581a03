//! The open items a run reads: the same rows whether few items are open (read through the
//! state index) or most are (read in table order).

use cashline_ledger::{recon, Ledger};

async fn insert_items(ledger: &Ledger, count: i64) {
    let mut tx = ledger.begin().await.unwrap();
    for i in 1..=count {
        sqlx::query(
            "INSERT INTO open_item (id, source, external_id, kind, counterparty_name, amount_minor, currency,
                                    due_date, reference, state, imported_at, updated_at)
             VALUES (?1, 'csv', 'AR' || ?1, 'receivable', 'Customer', 100 * ?1, 'EUR',
                     date('2026-12-01', '-' || ?1 || ' days'), 'INV' || ?1, 'open',
                     '2026-12-07T09:00:00Z', '2026-12-07T09:00:00Z')",
        )
        .bind(i)
        .execute(&mut *tx)
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
}

async fn open_ids(ledger: &Ledger) -> Vec<i64> {
    let mut connection = ledger.acquire().await.unwrap();
    recon::targets(&mut connection)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

#[tokio::test]
async fn open_items_are_read_whole_and_in_id_order_whether_few_or_most_are_open() {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    insert_items(&ledger, 40).await;
    // Most open: read in table order.
    assert_eq!(open_ids(&ledger).await, (1..=40).collect::<Vec<_>>());

    // Few open (one in ten, one partly settled), due dates running against the ids: read
    // through the index, the same rows in the same order.
    sqlx::query(
        "UPDATE open_item SET state = CASE WHEN id % 20 = 0 THEN 'partially_matched' ELSE 'matched' END,
                settled_minor = CASE WHEN id % 20 = 0 THEN 50 ELSE amount_minor END
          WHERE id % 10 <> 0 OR id % 20 = 0",
    )
    .execute(ledger.pool())
    .await
    .unwrap();
    let mut connection = ledger.acquire().await.unwrap();
    let targets = recon::targets(&mut connection).await.unwrap();
    drop(connection);
    assert_eq!(
        targets.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![10, 20, 30, 40]
    );
    let twenty = targets.iter().find(|t| t.id == 20).unwrap();
    assert_eq!(twenty.open_minor, 2_000 - 50, "what is left open");
    ledger.close().await;
}
