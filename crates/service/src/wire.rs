//! Wire types: the JSON every front sends, with the keys of `CLI.md`. Domain types are
//! converted here by hand; they never derive `Serialize` themselves.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ImportReport {
    pub files: Vec<FileResult>,
}

impl ImportReport {
    pub fn any_failed(&self) -> bool {
        self.files.iter().any(|f| f.status == "failed")
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
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
    /// Payments its bookings settled (a debit with the payment's end-to-end id) or returned.
    pub payments_settled: u64,
    pub payments_returned: u64,
    /// A status report (pain.002): the payments it named.
    pub payment_statuses: u64,
    pub error: Option<String>,
    /// Why the file failed, for fronts that branch on it: `unknown_format`, `invalid`,
    /// `truncated`, `too_large`, `unsupported`, `unreadable` or `failed`.
    pub error_code: Option<&'static str>,
    pub warnings: Vec<String>,
    pub exceptions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PositionsReport {
    #[schema(format = DateTime)]
    pub as_of: String,
    #[schema(format = Date)]
    pub as_of_date: String,
    pub entity: Option<String>,
    pub reporting_currency: String,
    pub accounts: Vec<AccountPosition>,
    /// Accounts known from an import or created by hand that have reported no balance yet.
    pub accounts_without_data: Vec<String>,
    pub totals: Vec<CurrencyTotal>,
    /// Totals per bank and currency (never across currencies).
    pub banks: Vec<BankTotal>,
    /// The group total in the reporting currency; `null` when there is no account.
    pub consolidated: Option<Consolidated>,
    pub entities: Vec<Consolidated>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AccountPosition {
    pub account: String,
    pub account_masked: String,
    pub name: Option<String>,
    pub bank: Option<String>,
    pub entity: Option<String>,
    pub currency: String,
    pub booked: String,
    pub available: Option<String>,
    /// Which figure `booked` is: `closing_booked`, `interim_booked`, `interim_available` or
    /// `rolled_forward`.
    pub basis: &'static str,
    #[schema(format = Date)]
    pub booked_date: String,
    #[schema(format = DateTime)]
    pub as_of: String,
    pub source: String,
    pub stale: bool,
    pub stale_reason: Option<String>,
    /// The day whose end-of-day statement is due by now (daily accounts).
    #[schema(format = Date)]
    pub expected_date: Option<String>,
    /// `booked` in the reporting currency, or `null` where no rate is known.
    pub converted: Option<Converted>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Converted {
    pub currency: String,
    pub amount: String,
    /// `null` when the account is in the reporting currency already.
    pub rate: Option<String>,
    #[schema(format = Date)]
    pub rate_date: Option<String>,
    pub rate_source: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CurrencyTotal {
    pub currency: String,
    pub booked: String,
    pub accounts: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BankTotal {
    pub bank: Option<String>,
    pub currency: String,
    pub booked: String,
    pub accounts: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Consolidated {
    /// `group`, or an entity's code.
    pub scope: String,
    pub currency: String,
    /// `null` when a rate is missing: a partial sum is never shown as a total.
    pub booked: Option<String>,
    #[schema(format = Date)]
    pub rates_date: Option<String>,
    pub complete: bool,
    pub missing_rates: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct EntriesReport {
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Entry {
    pub account: String,
    pub bank_ref: Option<String>,
    /// The bank's own number for the entry: camt `NtryRef`, the MT940 `:61:` customer
    /// reference, the BAI2 customer reference.
    pub entry_ref: Option<String>,
    #[schema(format = Date)]
    pub booking_date: Option<String>,
    #[schema(format = Date)]
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
    /// The transactions the bank reports inside the entry (camt `TxDtls`) in file order: one
    /// for a single transfer, several for a batch booked as one total; empty when the format
    /// has none.
    pub details: Vec<EntryDetail>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct EntryDetail {
    /// From 1, in file order.
    pub position: u32,
    /// Signed like the entry's; `null` (with `currency`) when the bank states no amount.
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub end_to_end_id: Option<String>,
    pub instruction_id: Option<String>,
    /// The account servicer's reference of this transaction.
    pub bank_ref: Option<String>,
    pub mandate_id: Option<String>,
    pub counterparty: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
    /// The ISO reason code of a returned transaction.
    pub return_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ExceptionsReport {
    pub exceptions: Vec<Exception>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Exception {
    pub id: String,
    pub kind: String,
    pub subject: String,
    pub detail: Option<String>,
    pub state: String,
    pub owner: Option<String>,
    #[schema(format = DateTime)]
    pub opened_at: String,
    #[schema(format = DateTime)]
    pub closed_at: Option<String>,
    pub resolution: Option<String>,
    /// Signed like the entry or item it is about, in `currency`'s minor units as text.
    pub amount: Option<String>,
    pub currency: Option<String>,
    pub account: Option<String>,
    pub entity: Option<String>,
    pub bank: Option<String>,
    /// Whole days since the day it is about (an entry's date, an item's due date) or else since
    /// it was opened, and its aging bucket (`0-2`, `3-7`, `8-30`, `over-30`).
    pub age_days: i64,
    pub age_bucket: String,
    pub notes: i64,
    /// The match it is about (a difference), where there is one.
    pub match_id: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AuditReport {
    pub records: u64,
    pub ok: bool,
    pub first_bad: Option<String>,
    /// What is wrong, in words, when it does not verify.
    pub problem: Option<String>,
    /// Money-relevant rows no audit record accounts for (a bank file, statements beyond those
    /// its import counted), in words.
    pub unrecorded: Vec<String>,
    /// Whether an anchor outside the ledger (in the keychain) was there to check the log's
    /// length against; `anchor_note` says why not where it was not.
    pub anchored: bool,
    pub anchor_note: Option<String>,
}

/// The ledger file: where it is, whether it is encrypted, and whether its key is kept here.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct LedgerFile {
    pub file: String,
    pub exists: bool,
    pub encrypted: bool,
    /// The keystore entry that holds its key (`ledger-key:<salt>`), for an encrypted file.
    pub key_reference: Option<String>,
    /// Whether that entry is there; `null` where the keystore could not be asked.
    pub key_kept: Option<bool>,
    /// Where keys are kept: `the OS keychain`, or the keystore file `CASHLINE_KEYSTORE` names.
    pub key_store: String,
    /// The file's size with its write-ahead log.
    pub bytes: u64,
    /// The SQLCipher release the ledger is read with.
    pub cipher: String,
}

/// What a change to the ledger file did: encrypted, rekeyed, backed up or restored.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct LedgerFileChange {
    pub file: String,
    pub action: String,
    /// Rows copied, over every table, checked against the source.
    pub rows: u64,
    pub audit_records: u64,
}

/// The ledger file and its backups, for the Settings screen.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DbReport {
    pub ledger: LedgerFile,
    pub auto_backup: AutoBackup,
}

/// The automatic daily backup: its folder (none: off), how many it keeps, and those kept,
/// newest first.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AutoBackup {
    pub folder: Option<String>,
    pub keep: u32,
    pub backups: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CsvMappingsReport {
    pub mappings: Vec<CsvMapping>,
}

/// A saved mapping: its name, the header it recognises, and its whole definition.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CsvMapping {
    pub name: String,
    /// What its files hold: `statements` (a bank's export), `open_items` or `payments` (an
    /// ERP's).
    pub records: String,
    pub header: String,
    /// The bank file crate's mapping definition, as saved; the UI types it itself.
    #[ts(type = "unknown")]
    pub definition: serde_json::Value,
}

impl CsvMapping {
    pub fn from_definition(mapping: &cashline_engine::CsvMappingDefinition) -> CsvMapping {
        CsvMapping {
            name: mapping.name.clone(),
            records: "statements".into(),
            header: mapping.header.clone(),
            definition: serde_json::to_value(mapping).unwrap_or_default(),
        }
    }

    pub fn from_erp(mapping: &cashline_erp::mapping::ErpCsvMapping) -> CsvMapping {
        CsvMapping {
            name: mapping.name.clone(),
            records: mapping.records.as_str().into(),
            header: mapping.header.clone(),
            definition: serde_json::to_value(mapping).unwrap_or_default(),
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Settings {
    /// The folder watched for new bank files, or `null`.
    pub inbox_folder: Option<String>,
    /// Files in that folder that are not bank files: the inbox leaves them where they are,
    /// and the screen says so when the folder is chosen.
    pub inbox_other_files: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ForecastReport {
    /// The reporting currency of the consolidated days below.
    pub currency: String,
    /// Consolidated over every currency at today's rates; empty when a rate is missing.
    pub days: Vec<ForecastDay>,
    pub complete: bool,
    pub missing_rates: Vec<String>,
    /// The same forecast in each currency, on that currency's business days.
    pub currencies: Vec<CurrencyForecast>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CurrencyForecast {
    pub currency: String,
    pub days: Vec<ForecastDay>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ForecastDay {
    #[schema(format = Date)]
    pub date: String,
    pub opening: String,
    pub receipts: String,
    pub payments: String,
    pub closing: String,
    pub components: Vec<ForecastComponent>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ForecastComponent {
    /// `payment`, `receivable` or `payable`.
    pub kind: &'static str,
    pub id: String,
    pub counterparty: Option<String>,
    /// The requested or due date; the component counts on the day it is listed under.
    #[schema(format = Date)]
    pub date: String,
    pub amount: String,
    pub currency: String,
    pub probability: Option<String>,
    pub weighted: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct HistoryReport {
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    pub accounts: Vec<AccountHistory>,
    pub totals: Vec<CurrencyHistory>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AccountHistory {
    pub account: String,
    pub account_masked: String,
    pub entity: Option<String>,
    pub currency: String,
    pub days: Vec<HistoryDay>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct HistoryDay {
    #[schema(format = Date)]
    pub date: String,
    pub closing: String,
    pub reported: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CurrencyHistory {
    pub currency: String,
    pub days: Vec<HistoryDay>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct IntradayReport {
    #[schema(format = Date)]
    pub date: String,
    pub entries: Vec<IntradayEntry>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct IntradayEntry {
    pub account: String,
    pub account_masked: String,
    pub amount: String,
    pub currency: String,
    pub status: String,
    pub counterparty: Option<String>,
    pub remittance: Option<String>,
    pub running: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct EntitiesReport {
    pub entities: Vec<Entity>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Entity {
    pub code: String,
    pub name: String,
    pub country: Option<String>,
    pub reporting_currency: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AccountsReport {
    pub accounts: Vec<Account>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Account {
    pub account: String,
    pub account_masked: String,
    pub currency: String,
    pub name: Option<String>,
    pub purpose: Option<String>,
    pub bank: Option<String>,
    pub bic: Option<String>,
    pub entity: Option<String>,
    pub cadence: String,
    pub statement_due_time_utc: String,
    pub intraday_hours: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct RatesReport {
    pub rates: Vec<Rate>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Rate {
    pub base: String,
    pub quote: String,
    #[schema(format = Date)]
    pub date: String,
    pub rate: String,
    pub source: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct RatesImported {
    pub file: String,
    pub rates: usize,
    pub written: u64,
    #[schema(format = Date)]
    pub first_date: Option<String>,
    #[schema(format = Date)]
    pub last_date: Option<String>,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct OpenItemsReport {
    pub items: Vec<OpenItem>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct OpenItem {
    pub id: String,
    pub kind: String,
    pub counterparty: Option<String>,
    pub counterparty_iban: Option<String>,
    pub amount: String,
    /// What reconciliation has not settled of it yet.
    pub open_amount: String,
    pub currency: String,
    #[schema(format = Date)]
    pub due_date: Option<String>,
    pub reference: Option<String>,
    /// The ERP's number of the document (an invoice's), where it has one.
    pub document_number: Option<String>,
    pub probability: Option<String>,
    pub state: String,
    /// `csv` or `tryton`.
    pub source: String,
    /// The ERP connection it came through, for an item read from an ERP.
    pub connection: Option<String>,
    pub entity: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ItemsImported {
    pub file: String,
    /// The saved mapping the file was read through, for an export in another layout.
    pub mapping: Option<String>,
    pub items: usize,
    pub new_items: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentsReport {
    pub payments: Vec<Payment>,
    /// How many payments the filters let through, `payments` being the first of them where a
    /// limit was asked.
    pub matching: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Payment {
    pub id: String,
    pub end_to_end_id: String,
    pub status: String,
    /// The bank's reason code for where the payment is, where it gave one.
    pub reason: Option<String>,
    /// The company's account it is paid from.
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub amount: String,
    pub currency: String,
    #[schema(format = Date)]
    pub requested_date: String,
    pub reference: Option<String>,
    pub prepared_by: String,
    pub approved_by: Option<String>,
    /// The run it came in with (`payments runs`).
    pub run: Option<i64>,
    pub payment_info_id: Option<String>,
    /// What validation found wrong; a payment with issues stays `imported`.
    pub issues: Vec<PaymentIssue>,
    /// Who has approved it (two are needed above the currency's limit).
    pub approvals: Vec<String>,
    /// Open exceptions about it (a possible duplicate waiting for a decision, …).
    pub cases: Vec<PaymentCase>,
    /// On its way and still not settled after its requested date.
    pub overdue: bool,
    pub events: Vec<PaymentEvent>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentIssue {
    pub field: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentCase {
    /// `payment_duplicate`, `cutoff_missed`, `payment_rejected`, …
    pub kind: String,
    pub subject: String,
}

/// What `payments export` wrote.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentsExported {
    /// The new pain.001, if there were approved payments to send.
    pub file: Option<String>,
    pub message_id: Option<String>,
    pub payments: usize,
    /// Files of earlier exports an interruption had left unwritten, written now.
    pub finished: Vec<String>,
}

/// The pain.001 files Cashline has written, newest first.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentExportsReport {
    pub exports: Vec<PaymentExport>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentExport {
    pub id: i64,
    pub message_id: String,
    /// `pain.001.001.09` or `pain.001.001.03`.
    pub format: String,
    /// Where it was first written.
    pub file_name: String,
    pub payments: i64,
    pub digest_sha256: String,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub created_by: String,
    /// When its file was in place; null while an interrupted export has not been finished.
    #[schema(format = DateTime)]
    pub written_at: Option<String>,
}

/// An exported file's exact content, for a lost upload.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentExportDocument {
    pub message_id: String,
    pub format: String,
    /// The name to save it under (the file's own name, without its folder).
    pub file_name: String,
    pub document: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CutoffsReport {
    pub cutoffs: Vec<Cutoff>,
}

/// After `time` (in `time_zone`) the bank executes a payment in `currency` on the next
/// business day.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Cutoff {
    pub bank_bic: String,
    pub currency: String,
    pub time: String,
    pub time_zone: String,
    pub set_by: String,
    #[schema(format = DateTime)]
    pub set_at: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ApprovalLimitsReport {
    pub limits: Vec<ApprovalLimit>,
}

/// Above `amount` a payment in `currency` needs two different approvers.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ApprovalLimit {
    pub currency: String,
    pub amount: String,
    pub set_by: String,
    #[schema(format = DateTime)]
    pub set_at: String,
}

/// One event of a payment's life, in the bank's words where the bank moved it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentEvent {
    /// The state the event moved the payment to (or, when not applied, asked for).
    pub status: String,
    pub from: Option<String>,
    /// False for a move the state machine or the order of reports refused.
    pub applied: bool,
    pub refusal: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
    /// `user`, `csv`, `pain.001`, `export`, `pain.002`, `camt.054`, `statement`, …
    pub source: String,
    pub source_file: Option<String>,
    /// The ISO 20022 status (`ACTC`, `RJCT`, …) and what it means.
    pub bank_status: Option<String>,
    pub bank_status_meaning: Option<String>,
    /// The bank's time of the status.
    #[schema(format = DateTime)]
    pub status_at: Option<String>,
    /// The reason code (`AC04`, …), its meaning, and any words that came with it.
    pub reason: Option<String>,
    pub reason_meaning: Option<String>,
    pub reason_text: Option<String>,
    pub correlation_id: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentRunsReport {
    pub runs: Vec<PaymentRun>,
}

/// A payment run and where its payments are: the funnel.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentRun {
    pub id: i64,
    /// `csv`, `pain.001` or `erp`.
    pub source: String,
    pub name: String,
    pub message_id: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: String,
    pub imported_by: String,
    pub payments: u64,
    pub states: Vec<RunState>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct RunState {
    pub state: String,
    pub currency: String,
    pub count: u64,
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentsImported {
    pub file: String,
    /// The saved mapping the file was read through, for an export in another layout.
    pub mapping: Option<String>,
    pub payments: usize,
    pub new_payments: usize,
    pub validated: usize,
    pub with_issues: usize,
    pub held_as_duplicates: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CalendarReport {
    pub currency: String,
    /// `TARGET2` for EUR, `weekends` for the others.
    pub calendar: &'static str,
    pub days: Vec<CalendarDay>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CalendarDay {
    #[schema(format = Date)]
    pub date: String,
    pub business_day: bool,
    /// Why the day is closed: `Saturday`, `Sunday` or a holiday's name.
    pub closed: Option<&'static str>,
}

/// Open cases per aging bucket.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AgingBucket {
    pub bucket: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ExceptionDetail {
    pub exception: Exception,
    pub notes: Vec<ExceptionNote>,
    pub history: Vec<ExceptionEvent>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ExceptionNote {
    pub author: String,
    pub text: String,
    #[schema(format = DateTime)]
    pub written_at: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ExceptionEvent {
    pub action: String,
    pub detail: Option<String>,
    pub actor: String,
    #[schema(format = DateTime)]
    pub at: String,
}

/// What a bulk change did.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ExceptionsChanged {
    pub changed: usize,
}

/// `cashline recon run --json` (the keys of CLI.md, and more).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconRunReport {
    pub dry_run: bool,
    pub run: Option<String>,
    pub examined: usize,
    pub auto: usize,
    pub suggested: usize,
    pub unmatched_entries: usize,
    pub unmatched_items: usize,
    pub automation_rate: String,
    pub exceptions_opened: usize,
    pub exceptions_resolved: usize,
    pub matches: Vec<ReconMatch>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconMatch {
    /// `null` in a dry run.
    pub id: Option<String>,
    /// Bank references.
    pub entries: Vec<String>,
    /// Open item ids.
    pub items: Vec<String>,
    /// Payment ids.
    pub payments: Vec<String>,
    pub rule: String,
    pub confidence: String,
    /// `auto`, `suggested`, `confirmed`, `rejected` or `undone`.
    pub state: String,
    /// The entries less what the items expected, in the entries' currency.
    pub difference: String,
    pub difference_kind: Option<String>,
    pub currency: String,
    pub tentative: bool,
    /// The explanation as stored (rule, evidence, differences, settles, notes, made_by).
    #[ts(type = "Record<string, unknown>")]
    #[schema(value_type = Object)]
    pub explanation: Box<serde_json::value::RawValue>,
    pub decided_by: Option<String>,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
    #[schema(format = DateTime)]
    pub created_at: Option<String>,
    /// The entries and items in full, for a controller to judge (empty in a run's answer).
    pub entry_lines: Vec<ReconLine>,
    pub item_lines: Vec<ReconLine>,
}

/// An entry or an item as the reconciliation screen shows it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconLine {
    /// The bank reference of an entry; the ERP id of an item or payment.
    pub id: String,
    /// `entry`, `receivable`, `payable` or `payment`.
    pub kind: String,
    pub account: Option<String>,
    pub counterparty: Option<String>,
    /// Signed as the bank sees it (an entry), or as expected on the bank (an item: a receivable
    /// positive, a payable or payment negative).
    pub amount: String,
    /// What is still open of an item (its full amount for an entry).
    pub open: String,
    pub currency: String,
    /// The value (or booking) date of an entry, the due date of an item.
    #[schema(format = Date)]
    pub date: Option<String>,
    pub reference: Option<String>,
    pub remittance: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconMatchesReport {
    pub matches: Vec<ReconMatch>,
}

/// The manual matching screen: what is left on each side.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconWorkbench {
    pub entries: Vec<ReconLine>,
    pub items: Vec<ReconLine>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconDecision {
    pub id: String,
    pub state: String,
    pub superseded: Vec<String>,
    pub aliases_learnt: usize,
    pub negatives_learnt: usize,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconRulesReport {
    pub rules: Vec<ReconRule>,
    pub auto_threshold: String,
    pub suggest_threshold: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconRule {
    pub name: String,
    pub kind: String,
    pub position: i64,
    pub enabled: bool,
    pub description: String,
    #[ts(type = "Record<string, unknown>")]
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    pub created_by: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconLearntReport {
    pub aliases: Vec<ReconAlias>,
    pub negatives: Vec<ReconNegative>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconAlias {
    pub id: String,
    /// `name` or `iban`.
    pub kind: String,
    pub alias: String,
    pub party: String,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconNegative {
    pub id: String,
    pub entry: String,
    pub target: String,
    pub created_by: String,
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `cashline recon evaluate --json` (the keys of CLI.md).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconEvaluation {
    pub auto: EvaluationAuto,
    pub recall: String,
    pub labelled: usize,
    pub found: usize,
    pub false_matches: Vec<FalseMatch>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct EvaluationAuto {
    pub matches: usize,
    pub right: usize,
    pub precision: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct FalseMatch {
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub rule: String,
    pub state: String,
}

/// The controller's figures on the dashboard.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ReconSummary {
    /// Entries matched automatically over entries looked at, 2 decimals.
    pub automation_rate: String,
    pub entries_examined: i64,
    pub auto_matched: i64,
    pub confirmed: i64,
    pub suggestions: i64,
    pub unmatched_entries: i64,
    pub unreconciled: Vec<UnreconciledTotal>,
    pub open_exceptions: Vec<AgingBucket>,
    #[schema(format = DateTime)]
    pub last_run_at: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct UnreconciledTotal {
    pub currency: String,
    pub entries: i64,
    pub credits: String,
    pub debits: String,
}

/// A bank connection and its health.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Connection {
    pub name: String,
    /// `psd2`.
    pub kind: String,
    pub url: String,
    /// `healthy`, `degraded`, `consent_expiring`, `expired`, `failing` or `awaiting_consent`.
    pub state: String,
    /// The state in a sentence, for the screen.
    pub state_text: String,
    pub consent_status: Option<String>,
    #[schema(format = Date)]
    pub consent_valid_until: Option<String>,
    pub consent_days_left: Option<i64>,
    /// Where the PSU approves a consent that waits for it.
    pub sca_redirect: Option<String>,
    pub accounts: Vec<ConnectionAccount>,
    #[schema(format = DateTime)]
    pub last_sync_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_ok_at: Option<String>,
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub next_sync_at: Option<String>,
    /// Unattended reads a day per account the consent allows, and what is left today of the
    /// account with the least.
    pub reads_per_day: Option<i64>,
    pub reads_left_today: Option<i64>,
    pub runs: Vec<ConnectionRun>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ConnectionAccount {
    /// Masked: the last four characters.
    pub account: String,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ConnectionRun {
    #[schema(format = DateTime)]
    pub started_at: String,
    pub outcome: Option<String>,
    /// `scheduled` or `user`.
    pub trigger: String,
    pub accounts: i64,
    pub new_entries: i64,
    pub retries: i64,
    pub error: Option<String>,
    pub correlation_id: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ConnectionsReport {
    pub connections: Vec<Connection>,
}

/// One run of `cashline sync`, keyed as CLI.md says.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SyncRun {
    pub connection: String,
    /// `ok` or `failed`.
    pub outcome: String,
    pub accounts: u64,
    pub new_entries: u64,
    pub error: Option<String>,
    pub correlation_id: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SyncReport {
    pub runs: Vec<SyncRun>,
}

/// One payment asked to be sent through a bank's API, and what became of it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentSent {
    pub payment: String,
    /// `answered` (the bank holds it), `unknown` (no answer; asked about again under the same
    /// request id, never sent as a new one), `refused` (the bank said no before taking it) or
    /// `not_sent`.
    pub outcome: String,
    /// The bank's ISO status where it answered (RCVD, ACTC, …, RJCT).
    pub status: Option<String>,
    /// The payment's state afterwards.
    pub state: Option<String>,
    pub bank_payment_id: Option<String>,
    pub request_id: Option<String>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PaymentsSent {
    pub connection: String,
    pub payments: Vec<PaymentSent>,
}

/// One sync of an ERP connection: what it read, closed and wrote back.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpSyncRun {
    pub connection: String,
    /// When it began, for a run recorded in the ledger.
    #[schema(format = DateTime)]
    pub started_at: Option<String>,
    /// `ok` or `failed` (`running` for one under way).
    pub outcome: String,
    pub items_changed: u64,
    pub new_items: u64,
    pub items_closed: u64,
    pub payments_changed: u64,
    pub new_payments: u64,
    pub payments_withdrawn: u64,
    pub written_back: u64,
    pub writeback_failed: u64,
    pub writeback_refused: u64,
    pub error: Option<String>,
    pub correlation_id: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpSyncReport {
    pub runs: Vec<ErpSyncRun>,
}

/// One write-back to the ERP, as the connection's screen lists it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpWriteback {
    /// `payment:<id>:<state>` or `match:<id>`, as the ledger knows it.
    pub subject: String,
    /// What it is about, as a person knows it: `payment T1-P1 settled`, `match 7`.
    pub about: String,
    /// `payment_status` or `match`.
    pub kind: String,
    /// `done`, `failed` (tried again on the next sync), `refused` (a person's to do) or
    /// `reverted` (written, then undone in Cashline: a person takes it back in the ERP).
    pub state: String,
    pub erp_reference: Option<String>,
    pub attempts: i64,
    pub error: Option<String>,
    #[schema(format = DateTime)]
    pub at: String,
}

/// A count of a connection's open items in one state.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpItemCount {
    pub state: String,
    pub items: i64,
}

/// An ERP connection and its health.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpConnection {
    pub name: String,
    /// `tryton`.
    pub kind: String,
    pub url: String,
    pub database: String,
    pub user: String,
    /// `healthy`, `failing` or `never_synced`.
    pub state: String,
    pub state_text: String,
    pub cadence_minutes: i64,
    #[schema(format = DateTime)]
    pub last_sync_at: Option<String>,
    #[schema(format = DateTime)]
    pub last_ok_at: Option<String>,
    pub last_error: Option<String>,
    #[schema(format = DateTime)]
    pub next_sync_at: Option<String>,
    pub items: Vec<ErpItemCount>,
    pub payments: i64,
    pub writebacks: Vec<ErpWriteback>,
    pub runs: Vec<ErpSyncRun>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ErpConnectionsReport {
    pub connections: Vec<ErpConnection>,
}

/// Who is acting, their role, and the rights it carries (a front hides what they may not do).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Session {
    pub user: String,
    pub role: &'static str,
    pub rights: Vec<&'static str>,
}

/// A user of the ledger.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct User {
    pub name: String,
    pub role: &'static str,
    pub created_at: String,
    pub created_by: String,
    pub disabled: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct UsersReport {
    pub users: Vec<User>,
}

/// A session of the local API, begun by logging in: its token acts as `session.user`.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SessionStarted {
    pub token: String,
    pub session: Session,
}

/// One audit record as the audit screen and its export show it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// RFC 3339, UTC.
    pub recorded_at: String,
    pub actor: String,
    pub action: String,
    pub subject: String,
    /// What the change was, as recorded.
    #[ts(type = "unknown")]
    pub detail: serde_json::Value,
    pub record_hash: String,
}

/// A page of the audit log, newest first, with what its filters can choose from.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AuditLog {
    pub records: Vec<AuditEntry>,
    /// The id to ask `before_id` for the next (older) page; none when this page is the last.
    pub next_before_id: Option<i64>,
    pub actions: Vec<String>,
    pub actors: Vec<String>,
}

/// A reveal granted: the screen it is for, and who asked (recorded in the audit log).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Revealed {
    pub view: String,
    pub user: String,
}
