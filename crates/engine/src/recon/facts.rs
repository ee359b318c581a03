//! What the matcher sees: bank entries and the ERP's open items and payments, as plain facts
//! read from the ledger, and what earlier decisions taught (aliases, hard negatives).

use chrono::NaiveDate;
use rustc_hash::{FxHashMap, FxHashSet};

use cashline_domain::Currency;

use super::text::{compact, party_key};

/// One transaction of a batch entry (a camt `TxDtls`).
#[derive(Debug, Clone, Default)]
pub struct DetailFacts {
    /// Signed like its entry; `None` when the bank gives no amount per transaction.
    pub amount_minor: Option<i64>,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
}

/// A booked or pending bank entry no live match explains yet.
#[derive(Debug, Clone)]
pub struct EntryFacts {
    pub id: i64,
    pub bank_ref: String,
    pub account_id: i64,
    /// Signed: a credit is positive.
    pub amount_minor: i64,
    pub currency: Currency,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    pub pending: bool,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub entry_ref: Option<String>,
    pub bank_transaction_code: Option<String>,
    pub details: Vec<DetailFacts>,
}

impl EntryFacts {
    /// The day the money moved, as the window rules compare it.
    pub fn date(&self) -> Option<NaiveDate> {
        self.value_date.or(self.booking_date)
    }
}

/// What an entry can settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetKind {
    Receivable,
    Payable,
    Payment,
}

impl TargetKind {
    /// The sign of the entry that settles it: money in for a receivable, out otherwise.
    pub fn entry_sign(self) -> i64 {
        match self {
            TargetKind::Receivable => 1,
            TargetKind::Payable | TargetKind::Payment => -1,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Receivable => "receivable",
            TargetKind::Payable => "payable",
            TargetKind::Payment => "payment",
        }
    }
}

/// A ledger row an entry can settle: an open item or an outgoing payment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TargetId {
    Item(i64),
    Payment(i64),
}

/// An open item or a payment still expecting its bank entry.
#[derive(Debug, Clone)]
pub struct Target {
    pub id: TargetId,
    pub kind: TargetKind,
    /// The ERP's id (open item id, payment id), as a controller knows it.
    pub external_id: String,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    /// What is still expected, positive: the amount less what live matches settled.
    pub open_minor: i64,
    pub currency: Currency,
    /// The due date of an item, the requested date of a payment.
    pub due_date: Option<NaiveDate>,
    /// The item's invoice or document number; a payment's remittance reference.
    pub reference: Option<String>,
    /// A payment's end-to-end id.
    pub end_to_end_id: Option<String>,
}

impl Target {
    /// The entry amount that settles it exactly.
    pub fn expected_entry_minor(&self) -> i64 {
        self.kind.entry_sign() * self.open_minor
    }
}

/// Learnt from earlier decisions.
#[derive(Debug, Clone, Default)]
pub struct Memory {
    /// A name or IBAN as the bank writes it (normalised) → the ERP parties it stands for.
    aliases: FxHashMap<String, Vec<String>>,
    /// Pairs a person said do not belong together.
    negatives: FxHashSet<(i64, TargetId)>,
}

impl Memory {
    /// `alias` is a name or an IBAN as the bank writes it; `party` the ERP's counterparty name.
    pub fn add_alias(&mut self, alias: &str, party: &str) {
        let parties = self.aliases.entry(alias_key(alias)).or_default();
        let party = party_key(party);
        if !parties.contains(&party) {
            parties.push(party);
        }
    }

    pub fn add_negative(&mut self, entry_id: i64, target: TargetId) {
        self.negatives.insert((entry_id, target));
    }

    pub fn is_negative(&self, entry_id: i64, target: TargetId) -> bool {
        !self.negatives.is_empty() && self.negatives.contains(&(entry_id, target))
    }

    /// The ERP parties (as `party_key`s) an entry's name or IBAN was confirmed to stand for.
    pub fn parties_of(&self, alias: &str) -> &[String] {
        // Asked for most entries of a run: the key is not worked out when nothing is learnt.
        if self.aliases.is_empty() {
            return &[];
        }
        self.aliases
            .get(&alias_key(alias))
            .map_or(&[], Vec::as_slice)
    }

    /// Whether any hard negative is known: without one, no candidate needs checking.
    pub fn has_negatives(&self) -> bool {
        !self.negatives.is_empty()
    }

    pub fn is_empty(&self) -> bool {
        self.aliases.is_empty() && self.negatives.is_empty()
    }
}

/// IBANs compare compact and upper case; names by their party key.
fn alias_key(alias: &str) -> String {
    let iban = compact(alias);
    if cashline_domain::iban::is_compact_iban(iban.as_bytes()) {
        iban
    } else {
        party_key(alias)
    }
}
