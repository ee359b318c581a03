//! Open items from the ERP: imported all-or-nothing and idempotently by id.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use cashline_erp::open_items::OpenItem;
use cashline_ledger::{audit, entity, open_item, Ledger};

use crate::EngineError;

#[derive(Debug, Clone, Default)]
pub struct ItemsImported {
    pub items: usize,
    pub new_items: usize,
}

/// Writes the items of one export; items already known are refreshed from it.
pub async fn store(
    ledger: &Ledger,
    file_name: &str,
    items: &[OpenItem],
    source: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<ItemsImported, EngineError> {
    // The entities are looked up before the write transaction, which every other writer waits
    // for; a foreign key still refuses one removed meanwhile.
    let mut entity_ids = Vec::with_capacity(items.len());
    for item in items {
        entity_ids.push(match &item.entity {
            Some(code) => Some(
                entity::find(ledger.pool(), code)
                    .await?
                    .ok_or_else(|| EngineError::Inconsistent {
                        file: file_name.to_string(),
                        message: format!("item {}: there is no entity '{code}'", item.external_id),
                    })?
                    .id,
            ),
            None => None,
        });
    }
    let mut tx = ledger.begin().await?;
    let mut report = ItemsImported {
        items: items.len(),
        new_items: 0,
    };
    for (item, entity_id) in items.iter().zip(entity_ids) {
        let currency = item.amount.currency().to_string();
        let (_, new) = open_item::upsert(
            &mut tx,
            &open_item::NewOpenItem {
                source,
                external_id: &item.external_id,
                kind: item.kind.as_str(),
                counterparty_name: item.counterparty.as_deref(),
                counterparty_iban: item.counterparty_iban.as_ref().map(|i| i.reveal()),
                amount_minor: item.amount.amount_minor()?,
                currency: &currency,
                due_date: item.due_date,
                reference: item.reference.as_deref(),
                entity_id,
                document_number: None,
                connection_id: None,
            },
            now,
        )
        .await?;
        if let Some(probability) = item.probability {
            open_item::set_probability(
                &mut tx,
                source,
                &item.external_id,
                &probability.normalize().to_string(),
            )
            .await?;
        }
        report.new_items += usize::from(new);
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "open_items.import",
        subject: file_name,
        detail: serde_json::json!({ "items": report.items, "new_items": report.new_items, "source": source }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(report)
}

/// Sets the probability that a receivable is collected on its due date (0 to 1).
pub async fn set_probability(
    ledger: &Ledger,
    source: &str,
    external_id: &str,
    probability: Decimal,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    if probability < Decimal::ZERO || probability > Decimal::ONE {
        return Err(EngineError::InvalidRequest(format!(
            "probability {probability} is not between 0 and 1"
        )));
    }
    let mut tx = ledger.begin().await?;
    let text = probability.normalize().to_string();
    if !open_item::set_probability(&mut tx, source, external_id, &text).await? {
        return Err(EngineError::InvalidRequest(format!(
            "there is no open item '{external_id}'"
        )));
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "open_item.probability",
        subject: external_id,
        detail: serde_json::json!({ "probability": text }),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}
