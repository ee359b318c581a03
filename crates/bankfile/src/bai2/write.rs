//! Writes canonical statements as a BAI2 file, with correct control totals and record counts:
//! the property tests and the benchmarks need realistic files that the project makes itself.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};

use cashline_domain::{BalanceType, EntryStatus, StatementKind};

use super::type_code::{status_code_of, TypeClass, TypeCode};
use crate::{ParsedEntry, ParsedStatement};

/// Longest physical record written; longer records continue on `88` records, as banks do.
const PHYSICAL_RECORD_CHARS_MAX: usize = 80;

/// Renders statements as one BAI2 file, one group (02) per statement, one account (03) each.
pub fn bai2_file(
    file_id: &str,
    created_at: DateTime<Utc>,
    statements: &[ParsedStatement],
) -> String {
    let mut out = String::with_capacity(1024 + statements.len() * 1024);
    let _ = writeln!(
        out,
        "01,CASHLINE,RECEIVER,{},{},{},,,2/",
        created_at.format("%y%m%d"),
        created_at.format("%H%M"),
        field(file_id)
    );
    let mut file_total: i128 = 0;
    let mut file_records: u64 = 2;
    for statement in statements {
        let (group, total, records) = group_of(statement, created_at.date_naive());
        out.push_str(&group);
        file_total += total;
        file_records += records;
    }
    let _ = writeln!(out, "99,{file_total},{},{file_records}/", statements.len());
    out
}

/// One group: its text, control total and record count.
fn group_of(statement: &ParsedStatement, fallback_date: NaiveDate) -> (String, i128, u64) {
    let as_of_date = statement
        .balances
        .iter()
        .find(|b| b.balance_type == BalanceType::ClosingBooked)
        .or(statement.balances.first())
        .map(|b| b.date)
        .or_else(|| statement.entries.iter().find_map(|e| e.booking_date))
        .unwrap_or(fallback_date);
    let all_booked = statement
        .entries
        .iter()
        .all(|e| e.status != EntryStatus::Pending);
    let modifier = match statement.kind {
        StatementKind::Intraday if all_booked => 1,
        StatementKind::Intraday => 3,
        StatementKind::EndOfDay | StatementKind::Notification => 2,
    };
    let currency = statement.account.currency;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "02,RECEIVER,BANK,1,{},2400,{currency},{modifier}/",
        as_of_date.format("%y%m%d")
    );

    // The account record: balances as status codes, then the credit and debit summaries.
    let mut groups: Vec<String> = Vec::new();
    let mut account_total: i128 = 0;
    for balance in &statement.balances {
        let Some(code) = status_code_of(balance.balance_type) else {
            continue;
        };
        let minor = balance.amount.amount_minor().unwrap_or(0);
        account_total += i128::from(minor);
        groups.push(format!("{code},{minor},,"));
    }
    let (mut credits, mut credit_count, mut debits, mut debit_count) = (0i128, 0u64, 0i128, 0u64);
    for entry in &statement.entries {
        let minor = i128::from(entry.amount.amount_minor().unwrap_or(0));
        if entry.status == EntryStatus::Information {
            continue;
        }
        if minor < 0 {
            debits -= minor;
            debit_count += 1;
        } else {
            credits += minor;
            credit_count += 1;
        }
    }
    groups.push(format!("100,{credits},{credit_count},"));
    groups.push(format!("400,{debits},{debit_count},"));
    account_total += credits + debits;
    let mut lines = continued(
        &format!("03,{},{currency},", field(statement.account.key.reveal())),
        &groups,
        ",",
    );

    for entry in &statement.entries {
        let (record, magnitude) = detail(entry);
        account_total += magnitude;
        lines.extend(record);
    }
    let account_records = lines.len() as u64 + 1;
    for line in &lines {
        out.push_str(line);
        out.push('\n');
    }
    let _ = writeln!(out, "49,{account_total},{account_records}/");
    let group_records = account_records + 2;
    let _ = writeln!(out, "98,{account_total},1,{group_records}/");
    (out, account_total, group_records)
}

/// A transaction detail record with its continuations, and its amount as written.
fn detail(entry: &ParsedEntry) -> (Vec<String>, i128) {
    let minor = i128::from(entry.amount.amount_minor().unwrap_or(0));
    let magnitude = minor.abs();
    let wanted = if entry.status == EntryStatus::Information {
        Some(TypeClass::NonMonetary)
    } else if minor < 0 {
        Some(TypeClass::Debit)
    } else {
        Some(TypeClass::Credit)
    };
    // The entry's own type code where it has one that agrees with the amount's direction;
    // else incoming (195) or outgoing (495) money transfer, or non-monetary (890).
    let code = entry
        .bank_transaction_code
        .as_deref()
        .and_then(TypeCode::parse)
        .filter(|code| code.class() == wanted)
        .unwrap_or_else(|| {
            let fallback = match wanted {
                Some(TypeClass::Debit) => 495,
                Some(TypeClass::NonMonetary) => 890,
                _ => 195,
            };
            TypeCode::new(fallback).expect("a valid code")
        });
    let funds = match entry.value_date {
        Some(date) => format!("V,{},", date.format("%y%m%d")),
        None => "Z".to_string(),
    };
    let head = format!(
        "16,{code},{magnitude},{funds},{},{},",
        field(entry.bank_ref.as_deref().unwrap_or("")),
        field(entry.entry_ref.as_deref().unwrap_or(""))
    );
    let text = entry
        .remittance
        .as_deref()
        .unwrap_or("")
        .replace(['\r', '\n'], " ");
    let words = split_text(text.trim());
    (continued(&head, &words, " "), magnitude)
}

/// Splits text at single spaces (which the reader puts back between continuations) into
/// pieces short enough for a physical record.
fn split_text(text: &str) -> Vec<String> {
    if text.is_empty() {
        return Vec::new();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut index = 1;
    while index + 1 < chars.len() {
        let single_space =
            chars[index] == ' ' && chars[index - 1] != ' ' && chars[index + 1] != ' ';
        if single_space && index - start >= 20 {
            pieces.push(chars[start..index].iter().collect());
            start = index + 1;
            index = start;
        }
        index += 1;
    }
    pieces.push(chars[start..].iter().collect());
    pieces
}

/// Lays `pieces` after `head`, starting an `88` record whenever a physical record would grow
/// past the limit. Every record ends with `/`. Summary pieces end with their own comma (an
/// empty funds type), so a continuation always starts a new field.
fn continued(head: &str, pieces: &[String], separator: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = head.to_string();
    let mut fresh = true;
    for piece in pieces {
        let extra = if fresh { 0 } else { separator.len() };
        if !fresh
            && current.chars().count() + extra + piece.chars().count() + 1
                > PHYSICAL_RECORD_CHARS_MAX
        {
            current.push('/');
            lines.push(std::mem::replace(&mut current, "88,".to_string()));
            fresh = true;
        }
        if !fresh {
            current.push_str(separator);
        }
        current.push_str(piece);
        fresh = false;
    }
    current.push('/');
    lines.push(current);
    lines
}

/// BAI2 fields cannot hold commas or slashes; references written here replace them.
fn field(text: &str) -> String {
    text.replace([',', '/', '\r', '\n'], " ")
}
