//! What a parser produces: statements in the canonical model, before they meet the ledger.

use chrono::{DateTime, NaiveDate, Utc};

use cashline_domain::{
    AccountKey, BalanceType, Bic, Currency, EntryStatus, Iban, Money, StatementKind,
};

use crate::FileFormat;

#[derive(Debug, Clone)]
pub struct ParsedFile {
    pub format: FileFormat,
    pub statements: Vec<ParsedStatement>,
    /// Things that did not stop the import but that a person may want to know.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedStatement {
    pub kind: StatementKind,
    pub message_id: String,
    pub statement_ref: String,
    pub sequence_number: Option<String>,
    pub page_number: Option<u32>,
    pub created_at: Option<DateTime<Utc>>,
    pub period_from: Option<DateTime<Utc>>,
    pub period_to: Option<DateTime<Utc>>,
    pub account: ParsedAccount,
    pub balances: Vec<ParsedBalance>,
    pub entries: Vec<ParsedEntry>,
    /// Where in the file this statement starts, for error messages: `line 12`.
    pub line: usize,
}

#[derive(Debug, Clone)]
pub struct ParsedAccount {
    pub key: AccountKey,
    pub iban: Option<Iban>,
    pub currency: Currency,
    pub bic: Option<Bic>,
    pub bank_name: Option<String>,
    pub owner_name: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ParsedBalance {
    pub balance_type: BalanceType,
    /// Signed: a debit balance is negative.
    pub amount: Money,
    pub date: NaiveDate,
    /// When the bank says this balance was true; `None` where it gives only a date.
    pub as_of: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct ParsedEntry {
    /// Signed: debits are negative.
    pub amount: Money,
    pub status: EntryStatus,
    pub reversal: bool,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    pub bank_ref: Option<String>,
    pub entry_ref: Option<String>,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub bank_transaction_code: Option<String>,
    /// The element this entry came from, e.g. `Stmt[1]/Ntry[3] (line 120)`.
    pub source_element: String,
    /// The transactions the bank reports inside this entry, in file order: one for a single
    /// transfer, several for a batch booked as one total. Empty where the format has no such
    /// level (MT940, BAI2, OFX, CSV) or the bank gave none.
    pub details: Vec<ParsedDetail>,
}

/// Most transaction details one entry may carry. Real batches (salary or supplier runs,
/// collected direct debits) hold thousands; a file claiming more is refused rather than held.
pub const DETAILS_PER_ENTRY_MAX: usize = 100_000;

/// One transaction inside an entry (camt `NtryDtls/TxDtls`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ParsedDetail {
    /// Signed like entries: the detail's own credit/debit indicator, else its entry's. `None`
    /// where the bank states no amount for the transaction.
    pub amount: Option<Money>,
    pub end_to_end_id: Option<String>,
    pub instruction_id: Option<String>,
    /// The account servicer's reference of this transaction.
    pub bank_ref: Option<String>,
    pub mandate_id: Option<String>,
    /// The creditor of a debit, the debtor of a credit.
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    /// The ISO reason code of a returned transaction (`AC04`, `MD06`, …).
    pub return_reason: Option<String>,
}
