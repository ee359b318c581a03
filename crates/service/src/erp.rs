//! The ERP's side: open items from CSV exports (payments are in `payments`).

use std::path::Path;

use rust_decimal::Decimal;

use cashline_domain::Right;
use cashline_domain::{shown, Currency, Money};
use cashline_engine::csv_mapping;
use cashline_engine::open_item;
use cashline_erp::mapping::{ErpCsvMapping, Records};
use cashline_ledger::open_item as items;

use crate::request::OpenItemsQuery;
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
    /// The ERP mapping to read a file through: the one named (which must read `records`), or
    /// the saved one whose header the file has, or none (the layout of CLI.md).
    pub(crate) async fn erp_mapping(
        &self,
        records: Records,
        named: Option<&str>,
        bytes: &[u8],
    ) -> Result<Option<ErpCsvMapping>, ServiceError> {
        let saved = csv_mapping::load_erp(&self.ledger).await?;
        match named {
            Some(name) => {
                let mapping = saved.into_iter().find(|m| m.name == name).ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "there is no saved ERP mapping named '{}'",
                        shown(name)
                    ))
                })?;
                if mapping.records != records {
                    return Err(ServiceError::BadRequest(format!(
                        "mapping '{}' reads {}, not {}",
                        shown(name),
                        mapping.records.as_str(),
                        records.as_str()
                    )));
                }
                Ok(Some(mapping))
            }
            None => Ok(saved
                .into_iter()
                .find(|m| m.records == records && m.matches(bytes))),
        }
    }

    pub async fn open_items_import(
        &self,
        path: &Path,
    ) -> Result<wire::ItemsImported, ServiceError> {
        self.open_items_import_with(path, None).await
    }

    /// Open items from an ERP's export: the layout of CLI.md, or another ERP's through the
    /// saved mapping named, or else the one whose header the file has.
    pub async fn open_items_import_with(
        &self,
        path: &Path,
        mapping: Option<&str>,
    ) -> Result<wire::ItemsImported, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let (name, bytes) = read(path)?;
        let mapping = self
            .erp_mapping(Records::OpenItems, mapping, &bytes)
            .await?;
        let parsed = match &mapping {
            Some(mapping) => mapping.open_items(&bytes),
            None => cashline_erp::open_items::parse(&bytes),
        }
        .map_err(|e| ServiceError::BadRequest(format!("{name}: {e}")))?;
        let report =
            open_item::store(&self.ledger, &name, &parsed, "csv", user, self.clock.now()).await?;
        Ok(wire::ItemsImported {
            file: name,
            mapping: mapping.map(|m| m.name),
            items: report.items,
            new_items: report.new_items,
        })
    }

    pub async fn open_items(
        &self,
        query: &OpenItemsQuery,
    ) -> Result<wire::OpenItemsReport, ServiceError> {
        let today = self.clock.now().date_naive();
        // A blank filter from the command line is no filter, as from a query string.
        let given = |field: &Option<String>| {
            field
                .as_deref()
                .map(str::trim)
                .filter(|text| !text.is_empty())
                .map(str::to_string)
        };
        let query = OpenItemsQuery {
            kind: given(&query.kind),
            state: given(&query.state),
            due: given(&query.due),
            counterparty: given(&query.counterparty),
            currency: given(&query.currency),
            matched: given(&query.matched),
            source: given(&query.source),
        };
        let (overdue_on, due_from) = match query.due.as_deref() {
            None => (None, None),
            Some("overdue") => (Some(today), None),
            Some("due") => (None, Some(today)),
            Some(other) => {
                return Err(ServiceError::BadRequest(format!(
                    "due '{}' is neither due nor overdue",
                    shown(other)
                )))
            }
        };
        let matched = match query.matched.as_deref() {
            None => None,
            Some("matched") => Some(true),
            Some("unmatched") => Some(false),
            Some(other) => {
                return Err(ServiceError::BadRequest(format!(
                    "matched '{}' is neither matched nor unmatched",
                    shown(other)
                )))
            }
        };
        if let Some(state) = query.state.as_deref() {
            if !["open", "partially_matched", "matched", "closed"].contains(&state) {
                return Err(ServiceError::BadRequest(format!(
                    "state '{}' is none of open, partially_matched, matched, closed",
                    shown(state)
                )));
            }
        }
        if let Some(source) = query.source.as_deref() {
            let erp = cashline_ledger::connection::find(self.ledger.pool(), source).await?;
            if source != "csv" && erp.is_none_or(|c| c.kind != "tryton") {
                return Err(ServiceError::BadRequest(format!(
                    "source '{}' is neither csv nor an ERP connection",
                    shown(source)
                )));
            }
        }
        if let Some(kind) = query.kind.as_deref() {
            if !["receivable", "payable"].contains(&kind) {
                return Err(ServiceError::BadRequest(format!(
                    "kind '{}' is neither receivable nor payable",
                    shown(kind)
                )));
            }
        }
        let currency = query.currency.as_deref().map(str::to_ascii_uppercase);
        let filter = items::ItemFilter {
            kind: query.kind.as_deref(),
            state: query.state.as_deref(),
            overdue_on,
            due_from,
            counterparty: query.counterparty.as_deref(),
            currency: currency.as_deref(),
            matched,
            source: query.source.as_deref(),
        };
        let rows = items::list(self.ledger.pool(), &filter).await?;
        let mut out = Vec::with_capacity(rows.len());
        for listed in rows {
            let row = listed.item;
            let currency =
                Currency::from_code(&row.currency).map_err(cashline_engine::EngineError::from)?;
            let money = |minor: i64| Money::from_minor(minor, currency).amount_text();
            out.push(wire::OpenItem {
                id: row.external_id,
                kind: row.kind,
                counterparty: row.counterparty_name,
                counterparty_iban: row.counterparty_iban,
                amount: money(row.amount_minor),
                open_amount: money((row.amount_minor - listed.settled_minor).max(0)),
                currency: row.currency,
                due_date: row.due_date,
                reference: row.reference,
                document_number: listed.document_number,
                probability: row.collection_probability_text,
                state: row.state,
                source: row.source,
                connection: listed.connection_name,
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
        let user = self.allow(Right::Reconcile).await?;
        let value: Decimal = probability.trim().parse().map_err(|_| {
            ServiceError::BadRequest(format!("probability '{probability}' is not a decimal"))
        })?;
        open_item::set_probability(&self.ledger, "csv", id, value, user, self.clock.now()).await?;
        Ok(())
    }
}
