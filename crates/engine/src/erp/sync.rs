//! One sync of an ERP connection: write back what the bank said, then read what changed (open
//! items, approved payments), write it all-or-nothing per kind, and close what the ERP no
//! longer shows open. Every run is a `sync_run`; a failed one says why in words and a `sync_failed`
//! case stays open until a run ends well.

use chrono::{DateTime, Utc};
use tracing::{info, warn};

use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::connection::ConnectionRow;
use cashline_ledger::erp::{self as records, Model, NewRecord};
use cashline_ledger::open_item::{self, NewOpenItem};
use cashline_ledger::payment::{self as payments, RunSource};
use cashline_ledger::{audit, sync, Ledger};

use super::port::{Changes, ErpItem, ErpPayment, ErpPort};
use super::writeback::{self, WritebackReport};
use super::Failure;
use crate::payment::{self, RunIn};
use crate::EngineError;

pub struct ErpSyncOptions<'a> {
    pub user: &'a str,
    pub now: DateTime<Utc>,
    /// `scheduled` or `user`.
    pub trigger: &'a str,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ErpSyncReport {
    pub connection: String,
    pub ok: bool,
    pub error: Option<String>,
    pub correlation_id: String,
    /// Items read that changed since the last sync, and of them how many Cashline had not.
    pub items_changed: usize,
    pub new_items: usize,
    /// Items the ERP no longer shows open, closed in Cashline.
    pub items_closed: u64,
    pub payments_changed: usize,
    pub new_payments: usize,
    /// Payments withdrawn in the ERP before they went to a bank, cancelled in Cashline.
    pub payments_withdrawn: usize,
    #[serde(flatten)]
    pub written_back: WritebackReport,
}

/// An ERP item's id in the ledger: the connection's and the ERP's, so two ERPs never clash.
pub fn item_external_id(connection_id: i64, erp_id: i64) -> String {
    format!("T{connection_id}-L{erp_id}")
}

/// An ERP payment's id in the ledger, with the ERP's own number the AP lead knows it by.
pub fn payment_external_id(connection_id: i64, number: &str) -> String {
    format!("T{connection_id}-P{number}")
}

pub async fn sync_erp<P: ErpPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &ErpSyncOptions<'_>,
) -> Result<ErpSyncReport, EngineError> {
    let now = options.now;
    let (run_id, correlation_id) = start(ledger, connection, options).await?;
    let mut report = ErpSyncReport {
        connection: connection.name.clone(),
        correlation_id: correlation_id.clone(),
        ..ErpSyncReport::default()
    };
    match read_and_write(ledger, port, connection, options, &mut report).await {
        Ok(()) => report.ok = true,
        Err(Failure::Erp(error)) => {
            warn!(connection = %connection.name, %error, "ERP sync failed");
            report.error = Some(error.to_string());
        }
        Err(Failure::Engine(error)) => {
            // Ours, not the ERP's: the run is recorded as failed, and the error goes up.
            finish(
                ledger,
                connection,
                run_id,
                &report,
                Some(&error.to_string()),
                now,
            )
            .await?;
            return Err(error);
        }
    }
    finish(ledger, connection, run_id, &report, None, now).await?;
    info!(
        connection = %connection.name,
        ok = report.ok,
        items = report.items_changed,
        payments = report.payments_changed,
        "ERP sync ended"
    );
    Ok(report)
}

/// Records a run's start, named `<instant>-erp-<connection>-<run>`.
async fn start(
    ledger: &Ledger,
    connection: &ConnectionRow,
    options: &ErpSyncOptions<'_>,
) -> Result<(i64, String), EngineError> {
    let mut tx = ledger.begin().await?;
    let id = sync::start_run(
        &mut tx,
        &sync::NewRun {
            connection_id: connection.id,
            correlation_id: "",
            trigger: options.trigger,
        },
        options.now,
    )
    .await?;
    let correlation_id = format!(
        "{}-erp-{}-{id}",
        options.now.format("%Y%m%dT%H%M%S%.3fZ"),
        connection.id
    );
    sync::set_correlation(&mut tx, id, &correlation_id).await?;
    tx.commit().await?;
    Ok((id, correlation_id))
}

/// A run that could not start (the ERP's password is not in the keychain any more): recorded
/// as failed with why, so the connection shows it and its `sync_failed` case opens.
pub async fn record_unstarted(
    ledger: &Ledger,
    connection: &ConnectionRow,
    error: &str,
    options: &ErpSyncOptions<'_>,
) -> Result<ErpSyncReport, EngineError> {
    let (run_id, correlation_id) = start(ledger, connection, options).await?;
    let report = ErpSyncReport {
        connection: connection.name.clone(),
        correlation_id,
        error: Some(error.to_string()),
        ..ErpSyncReport::default()
    };
    finish(ledger, connection, run_id, &report, None, options.now).await?;
    Ok(report)
}

async fn read_and_write<P: ErpPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &ErpSyncOptions<'_>,
    report: &mut ErpSyncReport,
) -> Result<(), Failure> {
    // What the bank said goes back first, so what is read next shows the ERP as it is after
    // it (an invoice a match paid is reconciled there, and closed here on the same sync).
    report.written_back = writeback::write_back(ledger, port, connection, options).await?;
    // Everything is read before anything is written: an ERP that stops answering mid-way
    // leaves the ledger as it was.
    let items_since = records::cursor(ledger.pool(), connection.id, Model::OpenItem).await?;
    let items = port
        .open_items(items_since.as_deref())
        .await
        .map_err(Failure::Erp)?;
    let payments_since = records::cursor(ledger.pool(), connection.id, Model::Payment).await?;
    let approved = port
        .approved_payments(payments_since.as_deref())
        .await
        .map_err(Failure::Erp)?;
    write_items(ledger, connection, &items, options, report).await?;
    write_payments(ledger, connection, &approved, options, report).await?;
    Ok(())
}

async fn write_items(
    ledger: &Ledger,
    connection: &ConnectionRow,
    items: &Changes<ErpItem>,
    options: &ErpSyncOptions<'_>,
    report: &mut ErpSyncReport,
) -> Result<(), EngineError> {
    let now = options.now;
    let mut tx = ledger.begin().await?;
    for item in &items.changed {
        let external_id = item_external_id(connection.id, item.erp_id);
        // Read again inside the cursor's margin, unchanged since: nothing to write.
        let last_read =
            records::written_at_erp(&mut tx, connection.id, Model::OpenItem, item.erp_id).await?;
        if last_read.as_deref() == Some(item.written_at.as_str()) {
            continue;
        }
        report.items_changed += 1;
        let currency = item.amount.currency().to_string();
        let erp_open = item.amount.amount_minor()?;
        let existing = open_item::id_of(&mut tx, &connection.kind, &external_id).await?;
        // What Cashline's own written-back matches settled is already off the ERP's open
        // amount; added back, the ledger's settled amount is not counted twice.
        let written_back = match existing {
            Some(id) => records::written_back_settled(&mut tx, connection.id, id).await?,
            None => 0,
        };
        let (id, new) = open_item::upsert(
            &mut tx,
            &NewOpenItem {
                source: &connection.kind,
                external_id: &external_id,
                kind: item.kind.as_str(),
                counterparty_name: item.counterparty.as_deref(),
                counterparty_iban: item.counterparty_iban.as_deref(),
                amount_minor: erp_open + written_back,
                currency: &currency,
                due_date: item.due_date,
                reference: item.reference.as_deref(),
                entity_id: None,
                document_number: item.document_number.as_deref(),
                connection_id: Some(connection.id),
            },
            now,
        )
        .await?;
        // Open in the ERP again (a payment reversed there): open here too.
        open_item::reopen(&mut tx, id, now).await?;
        let key = item.writeback.to_string();
        records::save_record(
            &mut tx,
            &NewRecord {
                connection_id: connection.id,
                model: Model::OpenItem,
                erp_id: item.erp_id,
                local_id: id,
                written_at_erp: Some(&item.written_at),
                writeback_json: &key,
            },
            now,
        )
        .await?;
        report.new_items += usize::from(new);
    }
    let still_open: Vec<String> = items
        .open_ids
        .iter()
        .map(|id| item_external_id(connection.id, *id))
        .collect();
    report.items_closed =
        open_item::close_missing(&mut tx, connection.id, &still_open, now).await?;
    if let Some(until) = &items.written_until {
        records::set_cursor(&mut tx, connection.id, Model::OpenItem, until).await?;
    }
    audit::append(
        &mut tx,
        &audit::NewAuditRecord {
            actor: options.user,
            action: "erp.items",
            subject: &connection.name,
            detail: serde_json::json!({
                "changed": report.items_changed,
                "new": report.new_items,
                "closed": report.items_closed,
                "open": items.open_ids.len(),
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn write_payments(
    ledger: &Ledger,
    connection: &ConnectionRow,
    approved: &Changes<ErpPayment>,
    options: &ErpSyncOptions<'_>,
    report: &mut ErpSyncReport,
) -> Result<(), EngineError> {
    let now = options.now;
    let known: std::collections::HashSet<i64> = records::payment_ids(ledger.pool(), connection.id)
        .await?
        .into_iter()
        .map(|(_, erp_id)| erp_id)
        .collect();
    let fresh: Vec<PaymentInstruction> = approved
        .changed
        .iter()
        .filter(|p| !known.contains(&p.erp_id))
        .map(|p| instruction_of(connection.id, p))
        .collect();
    report.payments_changed = fresh.len();
    if !fresh.is_empty() {
        let name = format!("{} {}", connection.name, now.format("%Y-%m-%d %H:%M"));
        let run = RunIn {
            source: RunSource::Erp,
            name: &name,
            message_id: None,
            source_file_id: None,
        };
        let stored = payment::store(ledger, &run, &fresh, options.user, now).await?;
        report.new_payments = stored.new_payments;
    }
    // The ERP's id of each payment, and how far was read, after the payments themselves: a
    // sync stopped between the two finds its payments known next time and records them.
    let mut tx = ledger.begin().await?;
    for erp in &approved.changed {
        let external_id = payment_external_id(connection.id, &erp.number);
        let Some(row) = payments::find(&mut tx, &external_id).await? else {
            continue;
        };
        records::save_record(
            &mut tx,
            &NewRecord {
                connection_id: connection.id,
                model: Model::Payment,
                erp_id: erp.erp_id,
                local_id: row.id,
                written_at_erp: Some(&erp.written_at),
                writeback_json: "{}",
            },
            now,
        )
        .await?;
    }
    if let Some(until) = &approved.written_until {
        records::set_cursor(&mut tx, connection.id, Model::Payment, until).await?;
    }
    tx.commit().await?;
    // Approved in the ERP, then taken back there before Cashline sent it: withdrawn here too.
    let approved_now: std::collections::HashSet<i64> = approved.open_ids.iter().copied().collect();
    for (external_id, erp_id) in records::unsent_payments(ledger.pool(), connection.id).await? {
        if approved_now.contains(&erp_id) {
            continue;
        }
        let reason = format!("no longer approved in {}", connection.name);
        payment::cancel(ledger, &external_id, &reason, options.user, now).await?;
        report.payments_withdrawn += 1;
    }
    Ok(())
}

fn instruction_of(connection_id: i64, erp: &ErpPayment) -> PaymentInstruction {
    PaymentInstruction {
        external_id: payment_external_id(connection_id, &erp.number),
        end_to_end_id: erp.end_to_end_id.clone(),
        debtor_iban: erp.debtor_iban.clone(),
        creditor_name: erp.creditor_name.clone(),
        creditor_iban: erp.creditor_iban.clone(),
        creditor_bic: erp.creditor_bic.clone(),
        amount: erp.amount,
        requested_date: erp.requested_date,
        reference: erp.reference.clone(),
        payment_info_id: None,
        instruction_id: None,
    }
}

async fn finish(
    ledger: &Ledger,
    connection: &ConnectionRow,
    run_id: i64,
    report: &ErpSyncReport,
    ours: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let error = ours.or(report.error.as_deref());
    let counts = serde_json::to_string(report).unwrap_or_default();
    let mut tx = ledger.begin().await?;
    sync::finish_run(
        &mut tx,
        run_id,
        &sync::RunEnd {
            ok: error.is_none(),
            accounts: 0,
            new_entries: 0,
            error,
            erp_counts_json: Some(&counts),
            ..Default::default()
        },
        now,
    )
    .await?;
    crate::bank::sync::failure_case(&mut tx, &connection.name, error, now).await?;
    tx.commit().await?;
    Ok(())
}
