//! Human-readable output: plain aligned tables. Scripts use `--json` instead.

use serde::Serialize;

use cashline_service::wire;

pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Prints `value` as the one JSON document of `--json`, else as a person reads it.
pub fn show<T: Serialize>(as_json: bool, value: &T, human: fn(&T)) -> anyhow::Result<()> {
    if as_json {
        json(value)
    } else {
        human(value);
        Ok(())
    }
}

pub fn table(headers: &[&str], rows: &[Vec<String>], right_aligned: &[usize]) {
    // Cells come from files and banks: a name must not be able to drive the terminal.
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| shown(cell)).collect())
        .collect();
    let rows = rows.as_slice();
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (index, cell) in row.iter().enumerate() {
            widths[index] = widths[index].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<String>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if right_aligned.contains(&i) {
                    format!("{c:>w$}", w = widths[i])
                } else {
                    format!("{c:<w$}", w = widths[i])
                }
            })
            .collect();
        println!("{}", parts.join("  ").trim_end());
    };
    line(headers.iter().map(|h| h.to_string()).collect());
    for row in rows {
        line(row.clone());
    }
}

pub fn import(report: &wire::ImportReport) {
    let rows: Vec<Vec<String>> = report
        .files
        .iter()
        .map(|f| {
            vec![
                f.file.clone(),
                f.format.clone().unwrap_or_else(|| "-".into()),
                f.status.to_string(),
                f.statements.to_string(),
                f.entries.to_string(),
                f.new_entries.to_string(),
            ]
        })
        .collect();
    table(
        &["file", "format", "status", "statements", "entries", "new"],
        &rows,
        &[3, 4, 5],
    );
    for file in &report.files {
        for exception in &file.exceptions {
            println!("exception in {}: {}", shown(&file.file), shown(exception));
        }
        for warning in &file.warnings {
            println!("warning in {}: {}", shown(&file.file), shown(warning));
        }
    }
}

pub fn positions(report: &wire::PositionsReport) {
    if report.accounts.is_empty() {
        println!("No positions yet: import bank statements with `cashline import FILE`.");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .accounts
        .iter()
        .map(|p| {
            vec![
                p.account_masked.clone(),
                p.bank.clone().unwrap_or_default(),
                p.currency.clone(),
                p.booked.clone(),
                p.available.clone().unwrap_or_else(|| "-".into()),
                p.booked_date.clone(),
                p.source.clone(),
                if p.stale {
                    "stale".into()
                } else {
                    String::new()
                },
            ]
        })
        .collect();
    table(
        &[
            "account",
            "bank",
            "ccy",
            "booked",
            "available",
            "date",
            "source",
            "",
        ],
        &rows,
        &[3, 4],
    );
    println!();
    let totals: Vec<Vec<String>> = report
        .totals
        .iter()
        .map(|t| vec![t.currency.clone(), t.booked.clone(), t.accounts.to_string()])
        .collect();
    table(&["ccy", "total booked", "accounts"], &totals, &[1, 2]);
}

pub fn entries(report: &wire::EntriesReport) {
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(report.entries.len());
    for e in &report.entries {
        rows.push(vec![
            e.booking_date.clone().unwrap_or_default(),
            cashline_service::service::masked(&e.account),
            e.amount.clone(),
            e.currency.clone(),
            e.status.clone(),
            e.counterparty.clone().unwrap_or_default(),
            e.remittance
                .clone()
                .unwrap_or_default()
                .chars()
                .take(40)
                .collect(),
        ]);
        // A batch's transactions follow it, indented; a single transfer's one is the entry.
        if e.details.len() > 1 {
            for d in &e.details {
                rows.push(vec![
                    String::new(),
                    format!("  {}/{}", d.position, e.details.len()),
                    d.amount.clone().unwrap_or_default(),
                    d.currency.clone().unwrap_or_default(),
                    d.return_reason
                        .as_ref()
                        .map(|reason| format!("returned {reason}"))
                        .unwrap_or_default(),
                    d.counterparty.clone().unwrap_or_default(),
                    d.end_to_end_id
                        .clone()
                        .or_else(|| d.remittance.clone())
                        .or_else(|| d.bank_ref.clone())
                        .unwrap_or_default()
                        .chars()
                        .take(40)
                        .collect(),
                ]);
            }
        }
    }
    table(
        &[
            "booked",
            "account",
            "amount",
            "ccy",
            "status",
            "counterparty",
            "remittance",
        ],
        &rows,
        &[2],
    );
}

pub fn exceptions(report: &wire::ExceptionsReport) {
    if report.exceptions.is_empty() {
        println!("No exceptions.");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .exceptions
        .iter()
        .map(|e| {
            vec![
                e.id.clone(),
                e.kind.clone(),
                e.state.clone(),
                e.age_days.to_string(),
                e.owner.clone().unwrap_or_default(),
                e.amount
                    .as_ref()
                    .map(|a| format!("{a} {}", e.currency.clone().unwrap_or_default()))
                    .unwrap_or_default(),
                e.subject.clone(),
            ]
        })
        .collect();
    table(
        &["id", "kind", "state", "days", "owner", "amount", "subject"],
        &rows,
        &[0, 3, 5],
    );
}

pub fn forecast(report: &wire::ForecastReport) {
    if !report.complete {
        println!(
            "No consolidated forecast: no rate for {}.",
            report.missing_rates.join(", ")
        );
    }
    let mut blocks: Vec<(&str, &Vec<wire::ForecastDay>)> = Vec::new();
    if report.complete {
        blocks.push((&report.currency, &report.days));
    }
    for currency in &report.currencies {
        blocks.push((&currency.currency, &currency.days));
    }
    for (currency, days) in blocks {
        println!("{currency}");
        let rows: Vec<Vec<String>> = days
            .iter()
            .map(|d| {
                vec![
                    d.date.clone(),
                    d.opening.clone(),
                    d.receipts.clone(),
                    d.payments.clone(),
                    d.closing.clone(),
                ]
            })
            .collect();
        table(
            &["date", "opening", "receipts", "payments", "closing"],
            &rows,
            &[1, 2, 3, 4],
        );
        println!();
    }
}

pub fn history(report: &wire::HistoryReport) {
    for total in &report.totals {
        println!(
            "{} closing balances {} to {}",
            total.currency, report.from, report.to
        );
        let rows: Vec<Vec<String>> = total
            .days
            .iter()
            .map(|d| vec![d.date.clone(), d.closing.clone()])
            .collect();
        table(&["date", "closing"], &rows, &[1]);
        println!();
    }
}

pub fn intraday(report: &wire::IntradayReport) {
    let rows: Vec<Vec<String>> = report
        .entries
        .iter()
        .map(|e| {
            vec![
                cashline_service::service::masked(&e.account),
                e.amount.clone(),
                e.currency.clone(),
                e.status.clone(),
                e.running.clone(),
                e.counterparty.clone().unwrap_or_default(),
            ]
        })
        .collect();
    println!("Entries of {}", report.date);
    table(
        &[
            "account",
            "amount",
            "ccy",
            "status",
            "running",
            "counterparty",
        ],
        &rows,
        &[1, 4],
    );
}

pub fn accounts(report: &wire::AccountsReport) {
    let rows: Vec<Vec<String>> = report
        .accounts
        .iter()
        .map(|a| {
            vec![
                a.account_masked.clone(),
                a.currency.clone(),
                a.bank.clone().unwrap_or_default(),
                a.entity.clone().unwrap_or_default(),
                a.name.clone().unwrap_or_default(),
                if a.cadence == "intraday" {
                    format!("intraday every {}h", a.intraday_hours.unwrap_or(4))
                } else {
                    format!("daily by {} UTC", a.statement_due_time_utc)
                },
            ]
        })
        .collect();
    table(
        &["account", "ccy", "bank", "entity", "name", "cadence"],
        &rows,
        &[],
    );
}

pub fn rates_imported(report: &wire::RatesImported, as_json: bool) -> anyhow::Result<()> {
    if as_json {
        return json(report);
    }
    println!(
        "{}: {} rates from {} to {} ({} new or changed).",
        shown(&report.file),
        report.rates,
        report.first_date.as_deref().unwrap_or("-"),
        report.last_date.as_deref().unwrap_or("-"),
        report.written
    );
    for warning in &report.warnings {
        println!("warning: {}", shown(warning));
    }
    Ok(())
}

pub fn open_items(report: &wire::OpenItemsReport) {
    let rows: Vec<Vec<String>> = report
        .items
        .iter()
        .map(|i| {
            vec![
                i.id.clone(),
                i.document_number.clone().unwrap_or_default(),
                i.kind.clone(),
                i.open_amount.clone(),
                i.currency.clone(),
                i.due_date.clone().unwrap_or_default(),
                i.probability.clone().unwrap_or_default(),
                i.state.clone(),
                i.counterparty.clone().unwrap_or_default(),
                i.connection.clone().unwrap_or_else(|| i.source.clone()),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "document",
            "kind",
            "open",
            "ccy",
            "due",
            "probability",
            "state",
            "counterparty",
            "source",
        ],
        &rows,
        &[3],
    );
}

pub fn payment_timeline(payment: &wire::Payment) {
    println!(
        "Payment {}: {} {} to {} ({}), requested {}, {}.",
        shown(&payment.id),
        payment.amount,
        payment.currency,
        shown(&payment.creditor_name),
        shown(&payment.creditor_iban),
        payment.requested_date,
        payment.status
    );
    for issue in &payment.issues {
        println!("  issue in {}: {}", issue.field, shown(&issue.reason));
    }
    for case in &payment.cases {
        println!("  waiting ({}): {}", case.kind, shown(&case.subject));
    }
    if !payment.approvals.is_empty() {
        println!("  approved by {}", shown(&payment.approvals.join(", ")));
    }
    let rows: Vec<Vec<String>> = payment
        .events
        .iter()
        .map(|e| {
            let bank = match (&e.bank_status, &e.bank_status_meaning) {
                (Some(code), Some(meaning)) => format!("{code} ({meaning})"),
                _ => String::new(),
            };
            let reason = match (&e.reason, &e.reason_meaning, &e.reason_text) {
                (Some(code), Some(meaning), _) => format!("{code}: {meaning}"),
                (Some(code), None, Some(text)) => format!("{code}: {text}"),
                (Some(code), None, None) => code.clone(),
                (None, _, Some(text)) => text.clone(),
                (None, _, None) => String::new(),
            };
            vec![
                e.at.clone(),
                if e.applied {
                    e.status.clone()
                } else {
                    format!("refused: {}", e.status)
                },
                e.source.clone(),
                bank,
                reason,
                e.refusal.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "at",
            "status",
            "source",
            "bank status",
            "reason",
            "refused because",
        ],
        &rows,
        &[],
    );
}

pub fn cutoffs(report: &wire::CutoffsReport) {
    if report.cutoffs.is_empty() {
        println!("No cut-offs set: payments are not checked against a bank's cut-off.");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .cutoffs
        .iter()
        .map(|c| {
            vec![
                c.bank_bic.clone(),
                c.currency.clone(),
                c.time.clone(),
                c.time_zone.clone(),
                c.set_by.clone(),
            ]
        })
        .collect();
    table(
        &["bank", "ccy", "cut-off", "time zone", "set by"],
        &rows,
        &[],
    );
}

pub fn approval_limits(report: &wire::ApprovalLimitsReport) {
    if report.limits.is_empty() {
        println!("No approval limits: one approver, not the preparer, suffices for every payment.");
        return;
    }
    let rows: Vec<Vec<String>> = report
        .limits
        .iter()
        .map(|l| {
            vec![
                l.currency.clone(),
                l.amount.clone(),
                l.set_by.clone(),
                l.set_at.clone(),
            ]
        })
        .collect();
    table(&["ccy", "two approvers above", "set by", "at"], &rows, &[1]);
}

pub fn payment_runs(report: &wire::PaymentRunsReport) {
    let rows: Vec<Vec<String>> = report
        .runs
        .iter()
        .flat_map(|run| {
            run.states.iter().map(move |s| {
                vec![
                    run.id.to_string(),
                    run.name.clone(),
                    run.source.clone(),
                    s.state.clone(),
                    s.count.to_string(),
                    s.amount.clone(),
                    s.currency.clone(),
                ]
            })
        })
        .collect();
    table(
        &[
            "run", "name", "source", "state", "payments", "amount", "ccy",
        ],
        &rows,
        &[4, 5],
    );
}

pub fn payment_exports(report: &wire::PaymentExportsReport) {
    let rows: Vec<Vec<String>> = report
        .exports
        .iter()
        .map(|e| {
            vec![
                e.id.to_string(),
                e.message_id.clone(),
                e.format.clone(),
                e.payments.to_string(),
                e.created_at.clone(),
                e.written_at
                    .clone()
                    .unwrap_or_else(|| "interrupted: the next export finishes it".into()),
                e.file_name.clone(),
            ]
        })
        .collect();
    table(
        &[
            "export", "message", "format", "payments", "created", "written", "file",
        ],
        &rows,
        &[3],
    );
}

pub fn payments(report: &wire::PaymentsReport) {
    let rows: Vec<Vec<String>> = report
        .payments
        .iter()
        .map(|p| {
            vec![
                p.id.clone(),
                p.status.clone(),
                p.amount.clone(),
                p.currency.clone(),
                p.requested_date.clone(),
                p.creditor_name.clone(),
                p.approved_by.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "id",
            "status",
            "amount",
            "ccy",
            "requested",
            "creditor",
            "approved by",
        ],
        &rows,
        &[2],
    );
}

/// A name, path or message as the terminal may show it: control characters escaped, so a file
/// name cannot move the cursor, clear the screen or forge a line, and IBANs masked.
pub use cashline_domain::shown;

pub fn erp_connections(report: &wire::ErpConnectionsReport) {
    let rows: Vec<Vec<String>> = report
        .connections
        .iter()
        .map(|c| {
            let open: i64 = c
                .items
                .iter()
                .filter(|i| i.state != "closed")
                .map(|i| i.items)
                .sum();
            vec![
                c.name.clone(),
                c.kind.clone(),
                format!("{} / {}", c.url, c.database),
                c.state.clone(),
                c.last_sync_at.clone().unwrap_or_default(),
                c.next_sync_at.clone().unwrap_or_default(),
                open.to_string(),
                c.payments.to_string(),
                c.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table(
        &[
            "name",
            "kind",
            "server",
            "state",
            "last sync",
            "next sync",
            "items",
            "payments",
            "last error",
        ],
        &rows,
        &[6, 7],
    );
}

pub fn erp_sync(report: &wire::ErpSyncReport) {
    for run in &report.runs {
        let detail = match &run.error {
            Some(error) => format!("failed: {error}"),
            None => format!(
                "{} items changed ({} new, {} closed), {} new payments, {} withdrawn, {} written back{}{}",
                run.items_changed,
                run.new_items,
                run.items_closed,
                run.new_payments,
                run.payments_withdrawn,
                run.written_back,
                if run.writeback_failed > 0 { format!(", {} failed", run.writeback_failed) } else { String::new() },
                if run.writeback_refused > 0 { format!(", {} left to a person", run.writeback_refused) } else { String::new() },
            ),
        };
        println!("{}: {}", shown(&run.connection), shown(&detail));
    }
}

pub fn users(report: &wire::UsersReport) {
    let rows: Vec<Vec<String>> = report
        .users
        .iter()
        .map(|u| {
            vec![
                u.name.clone(),
                u.role.to_string(),
                if u.disabled { "disabled" } else { "" }.to_string(),
                u.created_by.clone(),
                u.created_at.clone(),
            ]
        })
        .collect();
    table(&["user", "role", "", "added by", "added at"], &rows, &[]);
}

pub fn session(session: &wire::Session) {
    println!(
        "{} ({}): may {}",
        shown(&session.user),
        session.role,
        if session.rights.is_empty() {
            "read only".to_string()
        } else {
            session.rights.join(", ")
        }
    );
}

pub fn audit_log(log: &wire::AuditLog) {
    if log.records.is_empty() {
        println!("No audit record matches.");
        return;
    }
    let rows: Vec<Vec<String>> = log
        .records
        .iter()
        .map(|r| {
            vec![
                r.id.to_string(),
                r.recorded_at.clone(),
                r.actor.clone(),
                r.action.clone(),
                r.subject.clone(),
            ]
        })
        .collect();
    table(
        &["#", "recorded at", "by", "action", "subject"],
        &rows,
        &[0],
    );
}
