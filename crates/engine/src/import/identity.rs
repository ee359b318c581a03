//! Entry identity: what makes two reports of a bank entry the same entry. The bank reference
//! and amount where the bank gives a reference, else the entry's content; with an occurrence
//! number, so that two genuinely equal entries on one statement are both kept.

use std::collections::HashMap;
use std::fmt::Write;
use std::hash::{Hash, Hasher};

use cashline_bankfile::{ParsedDetail, ParsedEntry};
use cashline_ledger::entry;

use crate::EngineError;

/// Counts entries with the same identity within one statement. Only 64-bit hashes are kept,
/// so a statement of millions of entries costs megabytes, not the entries themselves.
#[derive(Default)]
pub(super) struct Occurrences {
    seen: HashMap<u64, u32>,
}

impl Occurrences {
    fn next(&mut self, base: &str) -> u32 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        base.hash(&mut hasher);
        let count = self.seen.entry(hasher.finish()).or_insert(0);
        *count += 1;
        *count
    }
}

fn identity_base(parsed_entry: &ParsedEntry, amount_minor: i64) -> String {
    match &parsed_entry.bank_ref {
        // The value date keeps two entries apart that a bank gave the same reference and
        // amount on different days (anonymised files do; a pending entry already has it).
        Some(reference) => format!(
            "ref:{reference}|{amount_minor}|{}",
            parsed_entry
                .value_date
                .or(parsed_entry.booking_date)
                .map(|d| d.to_string())
                .unwrap_or_default()
        ),
        // Without a bank reference the content is the identity. The booking date and the
        // bank's entry number are left out: a pending entry gets both only when booked.
        None => format!(
            "fp:{}|{amount_minor}|{}|{}|{}",
            parsed_entry
                .value_date
                .or(parsed_entry.booking_date)
                .map(|d| d.to_string())
                .unwrap_or_default(),
            parsed_entry.end_to_end_id.as_deref().unwrap_or(""),
            parsed_entry.counterparty_name.as_deref().unwrap_or(""),
            parsed_entry.remittance.as_deref().unwrap_or(""),
        ),
    }
}

/// Ledger rows for a batch of one statement's entries, taking the entries' text rather than
/// copying it.
pub(super) fn entry_rows(
    entries: Vec<ParsedEntry>,
    occurrences: &mut Occurrences,
    account_id: i64,
    statement_id: i64,
) -> Result<Vec<entry::NewEntry>, EngineError> {
    let mut rows = Vec::with_capacity(entries.len());
    for mut parsed_entry in entries {
        let amount_minor = parsed_entry.amount.amount_minor()?;
        let mut identity_key = identity_base(&parsed_entry, amount_minor);
        let occurrence = occurrences.next(&identity_key);
        write!(identity_key, "#{occurrence}").expect("writing to a String cannot fail");
        let details = std::mem::take(&mut parsed_entry.details)
            .into_iter()
            .map(detail_row)
            .collect::<Result<Vec<_>, EngineError>>()?;
        rows.push(entry::NewEntry {
            account_id,
            statement_id,
            identity_key,
            booking_date: parsed_entry.booking_date,
            value_date: parsed_entry.value_date,
            amount_minor,
            currency: parsed_entry.amount.currency().to_string(),
            status: parsed_entry.status.as_str(),
            reversal: parsed_entry.reversal,
            bank_ref: parsed_entry
                .bank_ref
                .or_else(|| parsed_entry.entry_ref.clone()),
            entry_ref: parsed_entry.entry_ref,
            end_to_end_id: parsed_entry.end_to_end_id,
            counterparty_name: parsed_entry.counterparty_name,
            counterparty_iban: parsed_entry.counterparty_iban,
            remittance: parsed_entry.remittance,
            creditor_reference: parsed_entry.creditor_reference,
            bank_transaction_code: parsed_entry.bank_transaction_code,
            source_element: Some(parsed_entry.source_element),
            details,
        });
    }
    Ok(rows)
}

fn detail_row(detail: ParsedDetail) -> Result<entry::NewDetail, EngineError> {
    let amount_minor = detail.amount.map(|a| a.amount_minor()).transpose()?;
    Ok(entry::NewDetail {
        amount_minor,
        currency: detail.amount.map(|a| a.currency().to_string()),
        end_to_end_id: detail.end_to_end_id,
        instruction_id: detail.instruction_id,
        bank_ref: detail.bank_ref,
        mandate_id: detail.mandate_id,
        counterparty_name: detail.counterparty_name,
        counterparty_iban: detail.counterparty_iban,
        remittance: detail.remittance,
        creditor_reference: detail.creditor_reference,
        return_reason: detail.return_reason,
    })
}
