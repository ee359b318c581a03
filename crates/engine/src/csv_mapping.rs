//! Saved CSV mappings, of bank statement exports and of other ERPs' open items and payment
//! runs: validated before they are stored, audited when they change, since a mapping decides
//! how amounts are read.

use chrono::{DateTime, Utc};

use cashline_bankfile::csv_mapping::CsvMapping;
use cashline_erp::mapping::ErpCsvMapping;
use cashline_ledger::{audit, csv_mapping as store, Ledger};

use crate::EngineError;

/// Every saved mapping of bank statements. A stored definition that no longer reads is a
/// corrupt ledger.
pub async fn load(ledger: &Ledger) -> Result<Vec<CsvMapping>, EngineError> {
    load_of(ledger, "statements").await
}

/// Every saved mapping of ERP exports.
pub async fn load_erp(ledger: &Ledger) -> Result<Vec<ErpCsvMapping>, EngineError> {
    let mut all = load_of(ledger, "open_items").await?;
    all.extend(load_of(ledger, "payments").await?);
    Ok(all)
}

async fn load_of<T: serde::de::DeserializeOwned>(
    ledger: &Ledger,
    records: &str,
) -> Result<Vec<T>, EngineError> {
    let rows = store::list(ledger.pool()).await?;
    rows.into_iter()
        .filter(|row| row.records == records)
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

/// Validates and saves a statement mapping (replacing one of the same name).
pub async fn save(
    ledger: &Ledger,
    mapping: &CsvMapping,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let definition = checked(&mapping.name, mapping.validate(), mapping)?;
    store_mapping(
        ledger,
        &mapping.name,
        "statements",
        &mapping.header,
        &definition,
        user,
        now,
    )
    .await
}

/// Validates and saves a mapping of an ERP's export (replacing one of the same name).
pub async fn save_erp(
    ledger: &Ledger,
    mapping: &ErpCsvMapping,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let definition = checked(&mapping.name, mapping.validate(), mapping)?;
    let records = mapping.records.as_str();
    store_mapping(
        ledger,
        &mapping.name,
        records,
        &mapping.header,
        &definition,
        user,
        now,
    )
    .await
}

/// A mapping's JSON once it has validated, or its refusal naming it.
fn checked(
    name: &str,
    validated: Result<(), String>,
    mapping: &impl serde::Serialize,
) -> Result<String, EngineError> {
    validated.map_err(|message| {
        EngineError::InvalidRequest(format!("CSV mapping '{name}': {message}"))
    })?;
    serde_json::to_string(mapping).map_err(|e| EngineError::InvalidRequest(e.to_string()))
}

async fn store_mapping(
    ledger: &Ledger,
    name: &str,
    records: &str,
    header: &str,
    definition: &str,
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let mut tx = ledger.begin().await?;
    store::save(&mut tx, name, records, header, definition, user, now).await?;
    let record = audit::NewAuditRecord {
        actor: user,
        action: "csv_mapping.save",
        subject: name,
        detail: serde_json::from_str(definition).unwrap_or_default(),
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
