// Generated from crates/service/src/{wire,request}.rs by crates/service/src/typescript.rs.
// Do not edit: run `CASHLINE_BLESS=1 cargo test -p cashline-service typescript`.

export type ImportReport = { files: Array<FileResult>, };

export type FileResult = { file: string, format: string | null, 
/**
 * `imported`, `duplicate` or `failed`.
 */
status: string, statements: number, entries: number, new_entries: number, 
/**
 * Entries first reported intraday (pending) and now booked by this file.
 */
promoted_entries: number, 
/**
 * Payments its bookings settled (a debit with the payment's end-to-end id) or returned.
 */
payments_settled: number, payments_returned: number, 
/**
 * A status report (pain.002): the payments it named.
 */
payment_statuses: number, error: string | null, 
/**
 * Why the file failed, for fronts that branch on it: `unknown_format`, `invalid`,
 * `truncated`, `too_large`, `unsupported`, `unreadable` or `failed`.
 */
error_code: string | null, warnings: Array<string>, exceptions: Array<string>, };

export type PositionsReport = { as_of: string, as_of_date: string, entity: string | null, reporting_currency: string, accounts: Array<AccountPosition>, 
/**
 * Accounts known from an import or created by hand that have reported no balance yet.
 */
accounts_without_data: Array<string>, totals: Array<CurrencyTotal>, 
/**
 * Totals per bank and currency (never across currencies).
 */
banks: Array<BankTotal>, 
/**
 * The group total in the reporting currency; `null` when there is no account.
 */
consolidated: Consolidated | null, entities: Array<Consolidated>, };

export type AccountPosition = { account: string, account_masked: string, name: string | null, bank: string | null, entity: string | null, currency: string, booked: string, available: string | null, 
/**
 * Which figure `booked` is: `closing_booked`, `interim_booked`, `interim_available` or
 * `rolled_forward`.
 */
basis: string, booked_date: string, as_of: string, source: string, stale: boolean, stale_reason: string | null, 
/**
 * The day whose end-of-day statement is due by now (daily accounts).
 */
expected_date: string | null, 
/**
 * `booked` in the reporting currency, or `null` where no rate is known.
 */
converted: Converted | null, };

export type Converted = { currency: string, amount: string, 
/**
 * `null` when the account is in the reporting currency already.
 */
rate: string | null, rate_date: string | null, rate_source: string | null, };

export type CurrencyTotal = { currency: string, booked: string, accounts: number, };

export type BankTotal = { bank: string | null, currency: string, booked: string, accounts: number, };

export type Consolidated = { 
/**
 * `group`, or an entity's code.
 */
scope: string, currency: string, 
/**
 * `null` when a rate is missing: a partial sum is never shown as a total.
 */
booked: string | null, rates_date: string | null, complete: boolean, missing_rates: Array<string>, };

export type EntriesReport = { entries: Array<Entry>, };

export type Entry = { account: string, bank_ref: string | null, 
/**
 * The bank's own number for the entry: camt `NtryRef`, the MT940 `:61:` customer
 * reference, the BAI2 customer reference.
 */
entry_ref: string | null, booking_date: string | null, value_date: string | null, amount: string, currency: string, status: string, reversal: boolean, end_to_end_id: string | null, counterparty: string | null, counterparty_iban: string | null, remittance: string | null, creditor_reference: string | null, bank_transaction_code: string | null, 
/**
 * The transactions the bank reports inside the entry (camt `TxDtls`) in file order: one
 * for a single transfer, several for a batch booked as one total; empty when the format
 * has none.
 */
details: Array<EntryDetail>, };

export type EntryDetail = { 
/**
 * From 1, in file order.
 */
position: number, 
/**
 * Signed like the entry's; `null` (with `currency`) when the bank states no amount.
 */
amount: string | null, currency: string | null, end_to_end_id: string | null, instruction_id: string | null, 
/**
 * The account servicer's reference of this transaction.
 */
bank_ref: string | null, mandate_id: string | null, counterparty: string | null, counterparty_iban: string | null, remittance: string | null, creditor_reference: string | null, 
/**
 * The ISO reason code of a returned transaction.
 */
return_reason: string | null, };

export type ExceptionsReport = { exceptions: Array<Exception>, };

export type Exception = { id: string, kind: string, subject: string, detail: string | null, state: string, owner: string | null, opened_at: string, closed_at: string | null, resolution: string | null, 
/**
 * Signed like the entry or item it is about, in `currency`'s minor units as text.
 */
amount: string | null, currency: string | null, account: string | null, entity: string | null, bank: string | null, 
/**
 * Whole days since the day it is about (an entry's date, an item's due date) or else since
 * it was opened, and its aging bucket (`0-2`, `3-7`, `8-30`, `over-30`).
 */
age_days: number, age_bucket: string, notes: number, 
/**
 * The match it is about (a difference), where there is one.
 */
match_id: string | null, };

export type AuditReport = { records: number, ok: boolean, first_bad: string | null, 
/**
 * What is wrong, in words, when it does not verify.
 */
problem: string | null, 
/**
 * Money-relevant rows no audit record accounts for (a bank file, statements beyond those
 * its import counted), in words.
 */
unrecorded: Array<string>, 
/**
 * Whether an anchor outside the ledger (in the keychain) was there to check the log's
 * length against; `anchor_note` says why not where it was not.
 */
anchored: boolean, anchor_note: string | null, };

export type AuditEntry = { id: number, 
/**
 * RFC 3339, UTC.
 */
recorded_at: string, actor: string, action: string, subject: string, 
/**
 * What the change was, as recorded.
 */
detail: unknown, record_hash: string, };

export type AuditLog = { records: Array<AuditEntry>, 
/**
 * The id to ask `before_id` for the next (older) page; none when this page is the last.
 */
next_before_id: number | null, actions: Array<string>, actors: Array<string>, };

export type LedgerFile = { file: string, exists: boolean, encrypted: boolean, 
/**
 * The keystore entry that holds its key (`ledger-key:<salt>`), for an encrypted file.
 */
key_reference: string | null, 
/**
 * Whether that entry is there; `null` where the keystore could not be asked.
 */
key_kept: boolean | null, 
/**
 * Where keys are kept: `the OS keychain`, or the keystore file `CASHLINE_KEYSTORE` names.
 */
key_store: string, 
/**
 * The file's size with its write-ahead log.
 */
bytes: number, 
/**
 * The SQLCipher release the ledger is read with.
 */
cipher: string, };

export type LedgerFileChange = { file: string, action: string, 
/**
 * Rows copied, over every table, checked against the source.
 */
rows: number, audit_records: number, };

export type AutoBackup = { folder: string | null, keep: number, backups: Array<string>, };

export type DbReport = { ledger: LedgerFile, auto_backup: AutoBackup, };

export type Session = { user: string, role: string, rights: Array<string>, };

export type User = { name: string, role: string, created_at: string, created_by: string, disabled: boolean, };

export type UsersReport = { users: Array<User>, };

export type SessionStarted = { token: string, session: Session, };

export type Revealed = { view: string, user: string, };

export type CsvMappingsReport = { mappings: Array<CsvMapping>, };

export type CsvMapping = { name: string, 
/**
 * What its files hold: `statements` (a bank's export), `open_items` or `payments` (an
 * ERP's).
 */
records: string, header: string, 
/**
 * The bank file crate's mapping definition, as saved; the UI types it itself.
 */
definition: unknown, };

export type Settings = { 
/**
 * The folder watched for new bank files, or `null`.
 */
inbox_folder: string | null, 
/**
 * Files in that folder that are not bank files: the inbox leaves them where they are,
 * and the screen says so when the folder is chosen.
 */
inbox_other_files: Array<string>, };

export type ForecastReport = { 
/**
 * The reporting currency of the consolidated days below.
 */
currency: string, 
/**
 * Consolidated over every currency at today's rates; empty when a rate is missing.
 */
days: Array<ForecastDay>, complete: boolean, missing_rates: Array<string>, 
/**
 * The same forecast in each currency, on that currency's business days.
 */
currencies: Array<CurrencyForecast>, };

export type CurrencyForecast = { currency: string, days: Array<ForecastDay>, };

export type ForecastDay = { date: string, opening: string, receipts: string, payments: string, closing: string, components: Array<ForecastComponent>, };

export type ForecastComponent = { 
/**
 * `payment`, `receivable` or `payable`.
 */
kind: string, id: string, counterparty: string | null, 
/**
 * The requested or due date; the component counts on the day it is listed under.
 */
date: string, amount: string, currency: string, probability: string | null, weighted: string, };

export type HistoryReport = { from: string, to: string, accounts: Array<AccountHistory>, totals: Array<CurrencyHistory>, };

export type AccountHistory = { account: string, account_masked: string, entity: string | null, currency: string, days: Array<HistoryDay>, };

export type HistoryDay = { date: string, closing: string, reported: boolean, };

export type CurrencyHistory = { currency: string, days: Array<HistoryDay>, };

export type IntradayReport = { date: string, entries: Array<IntradayEntry>, };

export type IntradayEntry = { account: string, account_masked: string, amount: string, currency: string, status: string, counterparty: string | null, remittance: string | null, running: string, };

export type EntitiesReport = { entities: Array<Entity>, };

export type Entity = { code: string, name: string, country: string | null, reporting_currency: string | null, };

export type AccountsReport = { accounts: Array<Account>, };

export type Account = { account: string, account_masked: string, currency: string, name: string | null, purpose: string | null, bank: string | null, bic: string | null, entity: string | null, cadence: string, statement_due_time_utc: string, intraday_hours: number | null, };

export type RatesReport = { rates: Array<Rate>, };

export type Rate = { base: string, quote: string, date: string, rate: string, source: string, };

export type RatesImported = { file: string, rates: number, written: number, first_date: string | null, last_date: string | null, warnings: Array<string>, };

export type OpenItemsReport = { items: Array<OpenItem>, };

export type OpenItem = { id: string, kind: string, counterparty: string | null, counterparty_iban: string | null, amount: string, 
/**
 * What reconciliation has not settled of it yet.
 */
open_amount: string, currency: string, due_date: string | null, reference: string | null, 
/**
 * The ERP's number of the document (an invoice's), where it has one.
 */
document_number: string | null, probability: string | null, state: string, 
/**
 * `csv` or `tryton`.
 */
source: string, 
/**
 * The ERP connection it came through, for an item read from an ERP.
 */
connection: string | null, entity: string | null, };

export type ItemsImported = { file: string, 
/**
 * The saved mapping the file was read through, for an export in another layout.
 */
mapping: string | null, items: number, new_items: number, };

export type PaymentsReport = { payments: Array<Payment>, 
/**
 * How many payments the filters let through, `payments` being the first of them where a
 * limit was asked.
 */
matching: number, };

export type Payment = { id: string, end_to_end_id: string, status: string, 
/**
 * The bank's reason code for where the payment is, where it gave one.
 */
reason: string | null, 
/**
 * The company's account it is paid from.
 */
debtor_iban: string, creditor_name: string, creditor_iban: string, amount: string, currency: string, requested_date: string, reference: string | null, prepared_by: string, approved_by: string | null, 
/**
 * The run it came in with (`payments runs`).
 */
run: number | null, payment_info_id: string | null, 
/**
 * What validation found wrong; a payment with issues stays `imported`.
 */
issues: Array<PaymentIssue>, 
/**
 * Who has approved it (two are needed above the currency's limit).
 */
approvals: Array<string>, 
/**
 * Open exceptions about it (a possible duplicate waiting for a decision, …).
 */
cases: Array<PaymentCase>, 
/**
 * On its way and still not settled after its requested date.
 */
overdue: boolean, events: Array<PaymentEvent>, };

export type PaymentEvent = { 
/**
 * The state the event moved the payment to (or, when not applied, asked for).
 */
status: string, from: string | null, 
/**
 * False for a move the state machine or the order of reports refused.
 */
applied: boolean, refusal: string | null, at: string, 
/**
 * `user`, `csv`, `pain.001`, `export`, `pain.002`, `camt.054`, `statement`, …
 */
source: string, source_file: string | null, 
/**
 * The ISO 20022 status (`ACTC`, `RJCT`, …) and what it means.
 */
bank_status: string | null, bank_status_meaning: string | null, 
/**
 * The bank's time of the status.
 */
status_at: string | null, 
/**
 * The reason code (`AC04`, …), its meaning, and any words that came with it.
 */
reason: string | null, reason_meaning: string | null, reason_text: string | null, correlation_id: string, recorded_by: string, };

export type PaymentRunsReport = { runs: Array<PaymentRun>, };

export type PaymentIssue = { field: string, reason: string, };

export type Connection = { name: string, 
/**
 * `psd2`.
 */
kind: string, url: string, 
/**
 * `healthy`, `degraded`, `consent_expiring`, `expired`, `failing` or `awaiting_consent`.
 */
state: string, 
/**
 * The state in a sentence, for the screen.
 */
state_text: string, consent_status: string | null, consent_valid_until: string | null, consent_days_left: number | null, 
/**
 * Where the PSU approves a consent that waits for it.
 */
sca_redirect: string | null, accounts: Array<ConnectionAccount>, last_sync_at: string | null, last_ok_at: string | null, last_error: string | null, next_sync_at: string | null, 
/**
 * Unattended reads a day per account the consent allows, and what is left today of the
 * account with the least.
 */
reads_per_day: number | null, reads_left_today: number | null, runs: Array<ConnectionRun>, };

export type ConnectionAccount = { 
/**
 * Masked: the last four characters.
 */
account: string, currency: string, };

export type ConnectionRun = { started_at: string, outcome: string | null, 
/**
 * `scheduled` or `user`.
 */
trigger: string, accounts: number, new_entries: number, retries: number, error: string | null, correlation_id: string, };

export type ConnectionsReport = { connections: Array<Connection>, };

export type SyncRun = { connection: string, 
/**
 * `ok` or `failed`.
 */
outcome: string, accounts: number, new_entries: number, error: string | null, correlation_id: string, };

export type SyncReport = { runs: Array<SyncRun>, };

export type ErpSyncRun = { connection: string, 
/**
 * When it began, for a run recorded in the ledger.
 */
started_at: string | null, 
/**
 * `ok` or `failed` (`running` for one under way).
 */
outcome: string, items_changed: number, new_items: number, items_closed: number, payments_changed: number, new_payments: number, payments_withdrawn: number, written_back: number, writeback_failed: number, writeback_refused: number, error: string | null, correlation_id: string, };

export type ErpSyncReport = { runs: Array<ErpSyncRun>, };

export type ErpWriteback = { 
/**
 * `payment:<id>:<state>` or `match:<id>`, as the ledger knows it.
 */
subject: string, 
/**
 * What it is about, as a person knows it: `payment T1-P1 settled`, `match 7`.
 */
about: string, 
/**
 * `payment_status` or `match`.
 */
kind: string, 
/**
 * `done`, `failed` (tried again on the next sync), `refused` (a person's to do) or
 * `reverted` (written, then undone in Cashline: a person takes it back in the ERP).
 */
state: string, erp_reference: string | null, attempts: number, error: string | null, at: string, };

export type ErpItemCount = { state: string, items: number, };

export type ErpConnection = { name: string, 
/**
 * `tryton`.
 */
kind: string, url: string, database: string, user: string, 
/**
 * `healthy`, `failing` or `never_synced`.
 */
state: string, state_text: string, cadence_minutes: number, last_sync_at: string | null, last_ok_at: string | null, last_error: string | null, next_sync_at: string | null, items: Array<ErpItemCount>, payments: number, writebacks: Array<ErpWriteback>, runs: Array<ErpSyncRun>, };

export type ErpConnectionsReport = { connections: Array<ErpConnection>, };

export type PaymentSent = { payment: string, 
/**
 * `answered` (the bank holds it), `unknown` (no answer; asked about again under the same
 * request id, never sent as a new one), `refused` (the bank said no before taking it) or
 * `not_sent`.
 */
outcome: string, 
/**
 * The bank's ISO status where it answered (RCVD, ACTC, …, RJCT).
 */
status: string | null, 
/**
 * The payment's state afterwards.
 */
state: string | null, bank_payment_id: string | null, request_id: string | null, error: string | null, };

export type PaymentsSent = { connection: string, payments: Array<PaymentSent>, };

export type PaymentCase = { 
/**
 * `payment_duplicate`, `cutoff_missed`, `payment_rejected`, …
 */
kind: string, subject: string, };

export type ApprovalLimitsReport = { limits: Array<ApprovalLimit>, };

export type CutoffsReport = { cutoffs: Array<Cutoff>, };

export type PaymentsExported = { 
/**
 * The new pain.001, if there were approved payments to send.
 */
file: string | null, message_id: string | null, payments: number, 
/**
 * Files of earlier exports an interruption had left unwritten, written now.
 */
finished: Array<string>, };

export type PaymentExportsReport = { exports: Array<PaymentExport>, };

export type PaymentExport = { id: number, message_id: string, 
/**
 * `pain.001.001.09` or `pain.001.001.03`.
 */
format: string, 
/**
 * Where it was first written.
 */
file_name: string, payments: number, digest_sha256: string, created_at: string, created_by: string, 
/**
 * When its file was in place; null while an interrupted export has not been finished.
 */
written_at: string | null, };

export type PaymentExportDocument = { message_id: string, format: string, 
/**
 * The name to save it under (the file's own name, without its folder).
 */
file_name: string, document: string, };

export type Cutoff = { bank_bic: string, currency: string, time: string, time_zone: string, set_by: string, set_at: string, };

export type ApprovalLimit = { currency: string, amount: string, set_by: string, set_at: string, };

export type PaymentRun = { id: number, 
/**
 * `csv`, `pain.001` or `erp`.
 */
source: string, name: string, message_id: string | null, created_at: string, imported_by: string, payments: number, states: Array<RunState>, };

export type RunState = { state: string, currency: string, count: number, amount: string, };

export type PaymentsImported = { file: string, 
/**
 * The saved mapping the file was read through, for an export in another layout.
 */
mapping: string | null, payments: number, new_payments: number, validated: number, with_issues: number, held_as_duplicates: number, };

export type CalendarReport = { currency: string, 
/**
 * `TARGET2` for EUR, `weekends` for the others.
 */
calendar: string, days: Array<CalendarDay>, };

export type CalendarDay = { date: string, business_day: boolean, 
/**
 * Why the day is closed: `Saturday`, `Sunday` or a holiday's name.
 */
closed: string | null, };

export type AgingBucket = { bucket: string, count: number, };

export type ExceptionDetail = { exception: Exception, notes: Array<ExceptionNote>, history: Array<ExceptionEvent>, };

export type ExceptionNote = { author: string, text: string, written_at: string, };

export type ExceptionEvent = { action: string, detail: string | null, actor: string, at: string, };

export type ExceptionsChanged = { changed: number, };

export type ReconRunReport = { dry_run: boolean, run: string | null, examined: number, auto: number, suggested: number, unmatched_entries: number, unmatched_items: number, automation_rate: string, exceptions_opened: number, exceptions_resolved: number, matches: Array<ReconMatch>, };

export type ReconMatch = { 
/**
 * `null` in a dry run.
 */
id: string | null, 
/**
 * Bank references.
 */
entries: Array<string>, 
/**
 * Open item ids.
 */
items: Array<string>, 
/**
 * Payment ids.
 */
payments: Array<string>, rule: string, confidence: string, 
/**
 * `auto`, `suggested`, `confirmed`, `rejected` or `undone`.
 */
state: string, 
/**
 * The entries less what the items expected, in the entries' currency.
 */
difference: string, difference_kind: string | null, currency: string, tentative: boolean, 
/**
 * The explanation as stored (rule, evidence, differences, settles, notes, made_by).
 */
explanation: Record<string, unknown>, decided_by: string | null, decided_at: string | null, created_at: string | null, 
/**
 * The entries and items in full, for a controller to judge (empty in a run's answer).
 */
entry_lines: Array<ReconLine>, item_lines: Array<ReconLine>, };

export type ReconLine = { 
/**
 * The bank reference of an entry; the ERP id of an item or payment.
 */
id: string, 
/**
 * `entry`, `receivable`, `payable` or `payment`.
 */
kind: string, account: string | null, counterparty: string | null, 
/**
 * Signed as the bank sees it (an entry), or as expected on the bank (an item: a receivable
 * positive, a payable or payment negative).
 */
amount: string, 
/**
 * What is still open of an item (its full amount for an entry).
 */
open: string, currency: string, 
/**
 * The value (or booking) date of an entry, the due date of an item.
 */
date: string | null, reference: string | null, remittance: string | null, status: string | null, };

export type ReconMatchesReport = { matches: Array<ReconMatch>, };

export type ReconWorkbench = { entries: Array<ReconLine>, items: Array<ReconLine>, };

export type ReconDecision = { id: string, state: string, superseded: Array<string>, aliases_learnt: number, negatives_learnt: number, };

export type ReconRulesReport = { rules: Array<ReconRule>, auto_threshold: string, suggest_threshold: string, };

export type ReconRule = { name: string, kind: string, position: number, enabled: boolean, description: string, params: Record<string, unknown>, created_by: string, };

export type ReconLearntReport = { aliases: Array<ReconAlias>, negatives: Array<ReconNegative>, };

export type ReconAlias = { id: string, 
/**
 * `name` or `iban`.
 */
kind: string, alias: string, party: string, created_by: string, created_at: string, };

export type ReconNegative = { id: string, entry: string, target: string, created_by: string, created_at: string, };

export type ReconEvaluation = { auto: EvaluationAuto, recall: string, labelled: number, found: number, false_matches: Array<FalseMatch>, };

export type EvaluationAuto = { matches: number, right: number, precision: string, };

export type FalseMatch = { entries: Array<string>, items: Array<string>, rule: string, state: string, };

export type ReconSummary = { 
/**
 * Entries matched automatically over entries looked at, 2 decimals.
 */
automation_rate: string, entries_examined: number, auto_matched: number, confirmed: number, suggestions: number, unmatched_entries: number, unreconciled: Array<UnreconciledTotal>, open_exceptions: Array<AgingBucket>, last_run_at: string | null, };

export type UnreconciledTotal = { currency: string, entries: number, credits: string, debits: string, };

export type ErrorBody = { code: string, message: string, };

export type PositionsRequest = { as_of?: string, entity?: string, reporting_currency?: string, };

export type ForecastRequest = { days?: number, entity?: string, reporting_currency?: string, };

export type HistoryRequest = { from?: string, to?: string, entity?: string, };

export type IntradayRequest = { date?: string, };

export type EntriesQuery = { account?: string, from?: string, to?: string, limit?: number, };

export type FilterQuery = { kind?: string, state?: string, };

export type OpenItemsQuery = { 
/**
 * `receivable` or `payable`.
 */
kind?: string, 
/**
 * One state: `open`, `partially_matched`, `matched`, `closed`.
 */
state?: string, 
/**
 * `overdue` (due before today and not settled) or `due` (due today or later).
 */
due?: string, 
/**
 * Part of the counterparty's name, in any case.
 */
counterparty?: string, currency?: string, 
/**
 * `matched` (wholly or in part) or `unmatched`.
 */
matched?: string, 
/**
 * `csv`, or the name of the ERP connection the items came through.
 */
source?: string, };

export type ChartRequest = { 
/**
 * `balances`, `history`, `forecast`, `entities` or `banks` (over HTTP, from the path).
 */
chart: string, entity?: string, reporting_currency?: string, days?: number, from?: string, to?: string, 
/**
 * Balances as they stood at the end of this day (`entities`, `banks`).
 */
as_of?: string, };

export type CalendarRequest = { currency?: string, from?: string, to?: string, };

export type EntitySave = { code: string, name: string, country?: string, reporting_currency?: string, };

export type AccountUpdate = { name?: string, purpose?: string, 
/**
 * `""` detaches the account from its entity.
 */
entity?: string, cadence?: string, statement_due_time_utc?: string, intraday_hours?: number, };

export type RatesQuery = { date?: string, };

export type RateInput = { base: string, quote: string, date: string, rate: string, };

export type PaymentsApprove = { ids: Array<string>, };

export type PaymentId = { id: string, };

export type PaymentsExport = { 
/**
 * `pain.001.001.09` or `pain.001.001.03`.
 */
format: string, };

export type ExportId = { id: string, };

export type PaymentCancel = { id: string, reason: string, };

export type ApprovalLimitSet = { currency: string, amount: string | null, };

export type PaymentsQuery = { state?: string, run?: number, overdue?: boolean, 
/**
 * The debtor account (an IBAN, spaces and case ignored).
 */
debtor?: string, 
/**
 * Only the payments someone must act on: an open case (a possible duplicate, a missed
 * cut-off), issues from validation, rejected or returned by the bank, or overdue.
 */
needs_action?: boolean, 
/**
 * A creditor's name or IBAN holds this (case and spaces ignored).
 */
creditor?: string, 
/**
 * Requested on or after this day.
 */
from?: string, 
/**
 * Requested on or before this day.
 */
to?: string, 
/**
 * At most this many payments, the first by requested date; `matching` says how many
 * there were.
 */
limit?: number, };

export type CutoffSet = { bic: string, currency: string, time: string, time_zone: string, };

export type SettingsUpdate = { inbox_folder?: string, };

export type AutoBackupUpdate = { folder?: string, keep?: number, };

export type UserAdd = { name: string, role: string, };

export type UserChange = { name: string, role?: string, disabled?: boolean, };

export type Login = { user: string, };

export type AuditQuery = { actor?: string, 
/**
 * An action (`payments.approve`) or its group (`payments`).
 */
action?: string, 
/**
 * Part of the subject, in any case.
 */
subject?: string, from?: string, to?: string, 
/**
 * The next page: records older than this id.
 */
before_id?: number, 
/**
 * At most this many records (default 200, at most 5,000).
 */
limit?: number, };

export type Reveal = { view: string, };

export type ThresholdsSet = { auto?: string, suggest?: string, };

export type ImportOptions = { 
/**
 * Read every file as CSV with this saved mapping, whatever its header says.
 */
csv_mapping?: string, };

export type ReconRun = { dry_run: boolean, };

export type MatchesQuery = { state?: string, limit?: number, };

export type MatchId = { id: string, };

export type ManualMatch = { entries: Array<string>, items: Array<string>, payments: Array<string>, 
/**
 * `fee`, `short_payment`, `over_payment`, `instalment`, `rounding` or `other`.
 */
difference_kind?: string, 
/**
 * The account of the entries, where a bank reference is on several.
 */
account?: string, };

export type RuleChange = { name: string, position?: number, };

export type RuleAdd = { 
/**
 * The JSON of the rule (`{"name": …, "criteria": [...], "confidence": "0.90"}`).
 */
rule: string, };

export type LearntId = { id: string, };

export type ReconEvaluate = { truth: string, };

export type ExceptionsQuery = { kind?: string, state?: string, owner?: string, account?: string, entity?: string, bank?: string, 
/**
 * `0-2`, `3-7`, `8-30` or `over-30` (days since opened).
 */
age?: string, };

export type ExceptionId = { id: string, };

export type ExceptionsAssign = { ids: Array<string>, owner?: string, };

export type ExceptionComment = { id: string, text: string, };

export type ExceptionsResolve = { ids: Array<string>, state?: string, resolution?: string, };

export type ConnectionAdd = { name: string, 
/**
 * The bank's XS2A base URL (`https://…`; `http://` only on this machine, for simulators).
 */
psd2_url: string, client_id?: string, 
/**
 * Unattended reads a day the consent asks for (default 4).
 */
frequency_per_day?: number, 
/**
 * Days the consent is asked for (default 90; at most 180, the longest PSD2 allows
 * between two strong authentications).
 */
valid_days?: number, 
/**
 * The TPP's client certificate (PEM), for a bank that requires mutual TLS.
 */
client_cert_pem?: string, 
/**
 * Its private key (PEM): kept in the keychain, never in the ledger.
 */
client_key_pem?: string, 
/**
 * A root certificate (PEM) to trust for this bank only: a bank's test CA.
 */
bank_ca_pem?: string, };

export type ConnectionName = { name: string, };

export type SyncRequest = { connection?: string, };

export type ErpAdd = { name: string, 
/**
 * The Tryton server's base URL (`https://…`; `http://` only on this machine).
 */
tryton_url: string, database: string, user: string, 
/**
 * Kept in the OS keychain, never in the ledger.
 */
password: string, 
/**
 * Minutes between scheduled syncs (default 60).
 */
cadence_minutes?: number, };

export type ErpName = { name: string, };

export type ErpSyncRequest = { connection?: string, };

export type PaymentsSend = { ids: Array<string>, 
/**
 * The connection's name.
 */
via: string, };
