//! Saved CSV mappings: validated before they are stored, audited when they change, since a
//! mapping decides how amounts are read.

use chrono::{DateTime, Utc};

use cashline_bankfile::csv_mapping::CsvMapping;
use cashline_ledger::{audit, csv_mapping as store, Ledger};

use crate::EngineError;

/// Every saved mapping. A stored definition that no longer reads is a corrupt ledger.
pub async fn load(ledger: &Ledger) -> Result<Vec<CsvMapping>, EngineError> {
    let rows = store::list(ledger.pool()).await?;
    rows.into_iter()
        .map(|row| {
            serde_json::from_str(&row.definition_json).map_err(|e| {
                EngineError::Ledger(cashline_ledger::LedgerError::Corrupt(format!(
                    "CSV mapping '{}' cannot be read: {e}",
                    row.name
                )))
            })
        })
        .collect()
}

/// Validates and saves a mapping (replacing one of the same name).
pub async fn save(
    ledger: &Ledger,
    mapping: &CsvMapping,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    mapping.validate().map_err(|message| {
        EngineError::InvalidRequest(format!("CSV mapping '{}': {message}", mapping.name))
    })?;
    let definition =
        serde_json::to_string(mapping).map_err(|e| EngineError::InvalidRequest(e.to_string()))?;
    let mut tx = ledger.begin().await?;
    store::save(
        &mut tx,
        &mapping.name,
        &mapping.header,
        &definition,
        user,
        now,
    )
    .await?;
    let record = audit::NewAuditRecord {
        actor: user,
        action: "csv_mapping.save",
        subject: &mapping.name,
        detail: serde_json::from_str(&definition).unwrap_or_default(),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(
    ledger: &Ledger,
    name: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let mut tx = ledger.begin().await?;
    if !store::remove(&mut tx, name).await? {
        return Err(EngineError::InvalidRequest(format!(
            "there is no saved CSV mapping named '{name}'"
        )));
    }
    let record = audit::NewAuditRecord {
        actor: user,
        action: "csv_mapping.remove",
        subject: name,
        detail: serde_json::json!({}),
    };
    audit::append(&mut tx, &record, now).await?;
    tx.commit().await?;
    Ok(())
}
