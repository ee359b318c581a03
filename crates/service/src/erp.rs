//! The ERP's side: open items and payment runs from CSV exports, and payment approval.

use std::path::Path;

use rust_decimal::Decimal;

use cashline_domain::{Currency, Money};
use cashline_engine::{open_item, payment};
use cashline_ledger::{open_item as items, payment as payments};

use crate::wire;
use crate::{Service, ServiceError};

fn read(path: &Path) -> Result<(String, Vec<u8>), ServiceError> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| ServiceError::BadRequest(format!("{name}: cannot read the file: {e}")))?;
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

    pub async fn payments_import(
        &self,
        path: &Path,
    ) -> Result<wire::PaymentsImported, ServiceError> {
        let (name, bytes) = read(path)?;
        let parsed = cashline_erp::payments::parse(&bytes)
            .map_err(|e| ServiceError::BadRequest(format!("{name}: {e}")))?;
        let report =
            payment::store(&self.ledger, &name, &parsed, &self.user, self.clock.now()).await?;
        Ok(wire::PaymentsImported {
            file: name,
            payments: report.payments,
            new_payments: report.new_payments,
        })
    }

    pub async fn payments_approve(
        &self,
        ids: &[String],
    ) -> Result<wire::PaymentsReport, ServiceError> {
        payment::approve(&self.ledger, ids, &self.user, self.clock.now()).await?;
        let mut report = self.payments(None).await?;
        report.payments.retain(|p| ids.contains(&p.id));
        Ok(report)
    }

    pub async fn payments(
        &self,
        state: Option<&str>,
    ) -> Result<wire::PaymentsReport, ServiceError> {
        let rows = payments::list(self.ledger.pool(), state).await?;
        let events = payments::events(self.ledger.pool()).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let currency =
                Currency::from_code(&row.currency).map_err(cashline_engine::EngineError::from)?;
            let own: Vec<&payments::EventRow> =
                events.iter().filter(|e| e.payment_id == row.id).collect();
            out.push(wire::Payment {
                id: row.external_id,
                end_to_end_id: row.end_to_end_id,
                reason: own.iter().rev().find_map(|e| e.reason_code.clone()),
                status: row.state,
                creditor_name: row.creditor_name,
                creditor_iban: row.creditor_iban,
                amount: Money::from_minor(row.amount_minor, currency).amount_text(),
                currency: row.currency,
                requested_date: row.requested_date,
                reference: row.reference,
                prepared_by: row.prepared_by,
                approved_by: row.approved_by,
                events: own
                    .iter()
                    .map(|e| wire::PaymentEvent {
                        status: e.state.clone(),
                        at: e.occurred_at.clone(),
                        source: e.source.clone(),
                        reason: e.reason_code.clone(),
                    })
                    .collect(),
            });
        }
        Ok(wire::PaymentsReport { payments: out })
    }
}
