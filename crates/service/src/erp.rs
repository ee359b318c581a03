//! The ERP's side: open items from CSV exports (payments are in `payments`).

use std::path::Path;

use rust_decimal::Decimal;

use cashline_domain::{Currency, Money};
use cashline_engine::open_item;
use cashline_ledger::open_item as items;

use crate::wire;
use crate::{Service, ServiceError};

pub(crate) fn read(path: &Path) -> Result<(String, Vec<u8>), ServiceError> {
    use std::io::Read;
    let name = path.display().to_string();
    let cannot =
        |e: std::io::Error| ServiceError::BadRequest(format!("{name}: cannot read the file: {e}"));
    // Read at most one byte past the limit: a huge file (or one still growing) is refused
    // without being loaded whole.
    let limit = cashline_erp::ERP_FILE_BYTES_MAX as u64;
    let too_large = || {
        ServiceError::BadRequest(format!(
            "{name}: larger than the {limit}-byte limit of an ERP file"
        ))
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    if file.metadata().map_err(cannot)?.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok((name, bytes))
}

impl Service {
    pub async fn open_items_import(
        &self,
        path: &Path,
    ) -> Result<wire::ItemsImported, ServiceError> {
        let (name, bytes) = read(path)?;
        let parsed = cashline_erp::open_items::parse(&bytes)
            .map_err(|e| ServiceError::BadRequest(format!("{name}: {e}")))?;
        let report = open_item::store(
            &self.ledger,
            &name,
            &parsed,
            "csv",
            &self.user,
            self.clock.now(),
        )
        .await?;
        Ok(wire::ItemsImported {
            file: name,
            items: report.items,
            new_items: report.new_items,
        })
    }

    pub async fn open_items(
        &self,
        kind: Option<&str>,
        state: Option<&str>,
    ) -> Result<wire::OpenItemsReport, ServiceError> {
        let rows = items::list(self.ledger.pool(), kind, state).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let currency =
                Currency::from_code(&row.currency).map_err(cashline_engine::EngineError::from)?;
            out.push(wire::OpenItem {
                id: row.external_id,
                kind: row.kind,
                counterparty: row.counterparty_name,
                counterparty_iban: row.counterparty_iban,
                amount: Money::from_minor(row.amount_minor, currency).amount_text(),
                currency: row.currency,
                due_date: row.due_date,
                reference: row.reference,
                probability: row.collection_probability_text,
                state: row.state,
                source: row.source,
                entity: row.entity_code,
            });
        }
        Ok(wire::OpenItemsReport { items: out })
    }

    pub async fn open_item_probability(
        &self,
        id: &str,
        probability: &str,
    ) -> Result<(), ServiceError> {
        let value: Decimal = probability.trim().parse().map_err(|_| {
            ServiceError::BadRequest(format!("probability '{probability}' is not a decimal"))
        })?;
        open_item::set_probability(&self.ledger, "csv", id, value, &self.user, self.clock.now())
            .await?;
        Ok(())
    }
}
