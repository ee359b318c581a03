//! Human-readable output: plain aligned tables. Scripts use `--json` instead.

use serde::Serialize;

use cashline_service::wire;

pub fn json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

fn table(headers: &[&str], rows: &[Vec<String>], right_aligned: &[usize]) {
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
            println!("exception in {}: {exception}", file.file);
        }
        for warning in &file.warnings {
            println!("warning in {}: {warning}", file.file);
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
    let rows: Vec<Vec<String>> = report
        .entries
        .iter()
        .map(|e| {
            vec![
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
            ]
        })
        .collect();
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
                e.opened_at.clone(),
                e.subject.clone(),
            ]
        })
        .collect();
    table(&["id", "kind", "state", "opened", "subject"], &rows, &[0]);
}
