//! Wire types: the JSON every front sends, with the keys of `CLI.md`. Domain types are
//! converted here by hand; they never derive `Serialize` themselves.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub files: Vec<FileResult>,
}

impl ImportReport {
    pub fn any_failed(&self) -> bool {
        self.files.iter().any(|f| f.status == "failed")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    pub file: String,
    pub format: Option<String>,
    /// `imported`, `duplicate` or `failed`.
    pub status: &'static str,
    pub statements: u64,
    pub entries: u64,
    pub new_entries: u64,
    /// Entries first reported intraday (pending) and now booked by this file.
    pub promoted_entries: u64,
    pub error: Option<String>,
    pub warnings: Vec<String>,
    pub exceptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PositionsReport {
    pub as_of: String,
    pub as_of_date: String,
    pub accounts: Vec<AccountPosition>,
    pub totals: Vec<CurrencyTotal>,
    /// A reporting-currency total needs FX rates; until rates are loaded there is none, and
    /// none is guessed.
    pub consolidated: Option<Consolidated>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AccountPosition {
    pub account: String,
    pub account_masked: String,
    pub bank: Option<String>,
    pub currency: String,
    pub booked: String,
    pub available: Option<String>,
    pub booked_date: String,
    pub as_of: String,
    pub source: String,
    pub stale: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct CurrencyTotal {
    pub currency: String,
    pub booked: String,
    pub accounts: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consolidated {
    pub currency: String,
    pub booked: String,
    pub rates_date: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EntriesReport {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub account: String,
    pub bank_ref: Option<String>,
    pub booking_date: Option<String>,
    pub value_date: Option<String>,
    pub amount: String,
    pub currency: String,
    pub status: String,
    pub reversal: bool,
    pub end_to_end_id: Option<String>,
    pub counterparty: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    pub bank_transaction_code: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ExceptionsReport {
    pub exceptions: Vec<Exception>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Exception {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub detail: Option<String>,
    pub state: String,
    pub owner: Option<String>,
    pub opened_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditReport {
    pub records: u64,
    pub ok: bool,
    pub first_bad: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CsvMappingsReport {
    pub mappings: Vec<CsvMapping>,
}

/// A saved mapping: its name, the header it recognises, and its whole definition.
#[derive(Debug, Clone, Serialize)]
pub struct CsvMapping {
    pub name: String,
    pub header: String,
    pub definition: serde_json::Value,
}

impl CsvMapping {
    pub fn from_definition(mapping: &cashline_engine::CsvMappingDefinition) -> CsvMapping {
        CsvMapping {
            name: mapping.name.clone(),
            header: mapping.header.clone(),
            definition: serde_json::to_value(mapping).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Settings {
    /// The folder watched for new bank files, or `null`.
    pub inbox_folder: Option<String>,
}
