//! Writes canonical statements as MT940 messages in FIN blocks: the property tests, the demo and
//! the benchmarks need realistic files that the project makes itself.

use std::fmt::Write as _;

use chrono::NaiveDate;

use cashline_domain::{BalanceType, Money};

use crate::{ParsedEntry, ParsedStatement};

/// Characters a German remittance sub-field (`?20` … `?29`, `?60` … `?63`) holds.
const SUBFIELD_CHARS_MAX: usize = 27;
/// Remittance sub-fields there are: `?20` to `?29`, then `?60` to `?63`.
const PURPOSE_CODES: [u32; 14] = [20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 60, 61, 62, 63];
/// Longest customer and bank references `:61:` allows (16x each).
const REFERENCE_CHARS_MAX: usize = 16;
/// Widest line, as the standard says.
const LINE_CHARS_MAX: usize = 65;

/// Renders each statement as one MT940 message (`{1:…}{2:…}{4:` … `-}`), one after another.
pub fn mt940_document(statements: &[ParsedStatement]) -> String {
    let mut text = String::with_capacity(1024 + statements.len() * 1024);
    for statement in statements {
        write_message(&mut text, statement);
    }
    text
}

fn write_message(text: &mut String, statement: &ParsedStatement) {
    let account = &statement.account;
    let bic = account.bic.as_ref().map_or("XXXXXXXXXXX".to_string(), |b| {
        format!("{:X<11}", b.as_str())
    });
    // Logical terminal addresses: the BIC's eight characters, a terminal letter, the branch.
    let (bank, branch) = bic.split_at(8);
    let _ = write!(
        text,
        "{{1:F01{bank}A{branch}0000000000}}{{2:I940{bank}X{branch}N}}{{4:\r\n"
    );
    let _ = write!(text, ":20:{}\r\n", clean(&statement.message_id, 16));
    let _ = write!(text, ":25:{}\r\n", account.key.reveal());
    let number = statement
        .sequence_number
        .clone()
        .unwrap_or_else(|| clean(&statement.statement_ref, 5));
    match statement.page_number {
        Some(page) => {
            let _ = write!(text, ":28C:{number}/{page:03}\r\n");
        }
        None => {
            let _ = write!(text, ":28C:{number}\r\n");
        }
    }
    // A later page opens with the intermediate balance of the page before.
    let intermediate = statement.page_number.is_some_and(|p| p > 1);
    for balance in &statement.balances {
        if balance.balance_type == BalanceType::OpeningBooked {
            let tag = if intermediate { "60M" } else { "60F" };
            let _ = write!(
                text,
                ":{tag}:{}\r\n",
                balance_text(&balance.amount, balance.date)
            );
        }
    }
    for entry in &statement.entries {
        write_entry(text, entry);
    }
    for (balance_type, tag) in [
        (BalanceType::ClosingBooked, "62F"),
        (BalanceType::ClosingAvailable, "64"),
        (BalanceType::ForwardAvailable, "65"),
    ] {
        for balance in statement
            .balances
            .iter()
            .filter(|b| b.balance_type == balance_type)
        {
            let _ = write!(
                text,
                ":{tag}:{}\r\n",
                balance_text(&balance.amount, balance.date)
            );
        }
    }
    text.push_str("-}\r\n");
}

fn write_entry(text: &mut String, entry: &ParsedEntry) {
    let value_date = entry.value_date.or(entry.booking_date).unwrap_or_default();
    let mark = match (entry.reversal, entry.amount.is_negative()) {
        (false, false) => "C",
        (false, true) => "D",
        // A reversed debit brings money back, a reversed credit takes it away.
        (true, false) => "RD",
        (true, true) => "RC",
    };
    let magnitude = if entry.amount.is_negative() {
        entry.amount.negated()
    } else {
        entry.amount
    };
    let type_code = entry
        .bank_transaction_code
        .as_deref()
        .filter(|c| {
            let b = c.as_bytes();
            b.len() == 4
                && b[0].is_ascii_uppercase()
                && b[1..].iter().all(u8::is_ascii_alphanumeric)
        })
        .unwrap_or("NTRF");
    let _ = write!(
        text,
        ":61:{}{}{mark}{}{type_code}{}",
        value_date.format("%y%m%d"),
        entry
            .booking_date
            .map(|d| d.format("%m%d").to_string())
            .unwrap_or_default(),
        amount_text(&magnitude),
        entry
            .entry_ref
            .as_deref()
            .map_or("NONREF".to_string(), |r| clean(r, REFERENCE_CHARS_MAX)),
    );
    if let Some(reference) = &entry.bank_ref {
        let _ = write!(text, "//{}", clean(reference, REFERENCE_CHARS_MAX));
    }
    text.push_str("\r\n");
    write_details(text, entry);
}

/// The `:86:`: in the German sub-field layout with SEPA keys where the entry has a German
/// business transaction code (`GVC 166`), else in the `/CODE/value` layout.
fn write_details(text: &mut String, entry: &ParsedEntry) {
    let mut remittance = entry.remittance.clone().unwrap_or_default();
    if let Some(reference) = &entry.creditor_reference {
        if !remittance.contains(reference.as_str()) {
            remittance = format!("{remittance} {reference}").trim().to_string();
        }
    }
    let details = match entry
        .bank_transaction_code
        .as_deref()
        .and_then(|c| c.strip_prefix("GVC "))
    {
        Some(code) => german_details(code, entry, &remittance),
        None => slash_details(entry, &remittance),
    };
    if details.is_empty() {
        return;
    }
    let mut first = true;
    let mut rest = details.as_str();
    while !rest.is_empty() {
        let width = if first {
            LINE_CHARS_MAX - 4
        } else {
            LINE_CHARS_MAX
        };
        let cut = line_cut(rest, width);
        let _ = write!(
            text,
            "{}{}\r\n",
            if first { ":86:" } else { "" },
            &rest[..cut]
        );
        rest = &rest[cut..];
        first = false;
    }
}

fn slash_details(entry: &ParsedEntry, remittance: &str) -> String {
    let mut details = String::new();
    let fields = [
        ("EREF", entry.end_to_end_id.as_deref()),
        ("NAME", entry.counterparty_name.as_deref()),
        ("IBAN", entry.counterparty_iban.as_deref()),
        ("REMI", Some(remittance).filter(|r| !r.is_empty())),
    ];
    for (code, value) in fields {
        if let Some(value) = value {
            let _ = write!(details, "/{code}/{}", sanitize(value).replace('/', " "));
        }
    }
    if !details.is_empty() {
        details.push('/');
    }
    details
}

fn german_details(code: &str, entry: &ParsedEntry, remittance: &str) -> String {
    let mut details = sanitize(code);
    let remittance = Some(remittance.to_string());
    let mut purpose: Vec<String> = Vec::new();
    for (key, value) in [("EREF+", &entry.end_to_end_id), ("SVWZ+", &remittance)] {
        if let Some(value) = value.as_deref().filter(|v| !v.is_empty()) {
            // Each keyed value starts its own sub-field, as banks do.
            purpose.extend(chunks(
                &format!("{key}{}", sanitize(value)),
                SUBFIELD_CHARS_MAX,
            ));
        }
    }
    for (code, piece) in PURPOSE_CODES.iter().zip(&purpose) {
        let _ = write!(details, "?{code}{piece}");
    }
    if let Some(iban) = &entry.counterparty_iban {
        let _ = write!(details, "?31{}", sanitize(iban));
    }
    if let Some(name) = &entry.counterparty_name {
        let name = sanitize(name);
        for (code, piece) in [32, 33].iter().zip(chunks(&name, SUBFIELD_CHARS_MAX)) {
            let _ = write!(details, "?{code}{piece}");
        }
    }
    details
}

/// Where to end a line of at most `width` characters so that the next line does not start like
/// a field (`:`) or a terminator (`-` alone).
fn line_cut(text: &str, width: usize) -> usize {
    let ends: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .skip(1)
        .chain(std::iter::once(text.len()))
        .take(width)
        .collect();
    let longest = *ends.last().unwrap_or(&text.len());
    if longest == text.len() {
        return longest;
    }
    ends.iter()
        .rev()
        .copied()
        .find(|&end| !text[end..].starts_with(':') && &text[end..] != "-")
        .unwrap_or(longest)
}

fn chunks(text: &str, size: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(size).map(|c| c.iter().collect()).collect()
}

/// Text that cannot be mistaken for structure: no sub-field separators, no block braces, no
/// line breaks.
fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '?' | '{' | '}' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// A reference as `:61:` can carry it: no `//`, no line break, at most `limit` characters.
fn clean(text: &str, limit: usize) -> String {
    text.chars()
        .filter(|c| !c.is_control() && *c != '/')
        .take(limit)
        .collect()
}

fn balance_text(amount: &Money, date: NaiveDate) -> String {
    let (mark, magnitude) = if amount.is_negative() {
        ("D", amount.negated())
    } else {
        ("C", *amount)
    };
    format!(
        "{mark}{}{}{}",
        date.format("%y%m%d"),
        amount.currency(),
        amount_text(&magnitude)
    )
}

/// `1234.50` → `1234,50`; `1200` (JPY) → `1200,`: SWIFT always writes the decimal comma.
fn amount_text(magnitude: &Money) -> String {
    let text = magnitude.amount_text();
    match text.split_once('.') {
        Some((whole, fraction)) => format!("{whole},{fraction}"),
        None => format!("{text},"),
    }
}
