//! Requests: the arguments of every service command, in one shape for every front. The HTTP
//! API reads them from a query string or a JSON body, the Tauri shell from the window's call,
//! and the CLI builds them from its flags, so an empty filter, a bad date or a missing default
//! means the same thing everywhere.
//!
//! Deserialising is lenient where a person typed the value (an empty or blank text is no
//! filter) and strict where a machine did (a date is `YYYY-MM-DD` or an error naming it).

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer};
use ts_rs::TS;
use utoipa::{IntoParams, ToSchema};

/// An optional date: absent, `null` or `""` is none; anything else must be `YYYY-MM-DD`.
fn date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<NaiveDate>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    match text.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| serde::de::Error::custom(format!("'{text}' is not a date (YYYY-MM-DD)"))),
    }
}

/// A date that must be given.
fn required_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NaiveDate, D::Error> {
    date(deserializer)?.ok_or_else(|| serde::de::Error::custom("a date (YYYY-MM-DD) is needed"))
}

/// An optional text: absent, `null` or blank is none; otherwise trimmed.
fn text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    Ok(text.map(|t| t.trim().to_string()).filter(|t| !t.is_empty()))
}

/// Positions now, or as they stood at the end of a past day.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct PositionsRequest {
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub as_of: Option<NaiveDate>,
    #[serde(deserialize_with = "text")]
    pub entity: Option<String>,
    #[serde(deserialize_with = "text")]
    pub reporting_currency: Option<String>,
}

/// The forecast: `days` business days from today.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ForecastRequest {
    pub days: Option<usize>,
    #[serde(deserialize_with = "text")]
    pub entity: Option<String>,
    #[serde(deserialize_with = "text")]
    pub reporting_currency: Option<String>,
}

/// Daily closings over a period (by default the last 90 days up to today).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct HistoryRequest {
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
    #[serde(deserialize_with = "text")]
    pub entity: Option<String>,
}

/// The entries of one day (today by default).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct IntradayRequest {
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub date: Option<NaiveDate>,
}

/// Bank entries, filtered by account and booking dates (both ends included).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct EntriesQuery {
    #[serde(deserialize_with = "text")]
    pub account: Option<String>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
    pub limit: Option<u32>,
}

/// A filter by kind and state (exceptions, open items, payments).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct FilterQuery {
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub state: Option<String>,
}

/// The open items list's filters: each blank one is no filter.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct OpenItemsQuery {
    /// `receivable` or `payable`.
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    /// One state: `open`, `partially_matched`, `matched`, `closed`.
    #[serde(deserialize_with = "text")]
    pub state: Option<String>,
    /// `overdue` (due before today and not settled) or `due` (due today or later).
    #[serde(deserialize_with = "text")]
    pub due: Option<String>,
    /// Part of the counterparty's name, in any case.
    #[serde(deserialize_with = "text")]
    pub counterparty: Option<String>,
    #[serde(deserialize_with = "text")]
    pub currency: Option<String>,
    /// `matched` (wholly or in part) or `unmatched`.
    #[serde(deserialize_with = "text")]
    pub matched: Option<String>,
    /// `csv`, or the name of the ERP connection the items came through.
    #[serde(deserialize_with = "text")]
    pub source: Option<String>,
}

/// Which chart, over which scope.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ChartRequest {
    /// `balances`, `history`, `forecast`, `entities` or `banks` (over HTTP, from the path).
    #[param(ignore)]
    pub chart: String,
    #[serde(deserialize_with = "text")]
    pub entity: Option<String>,
    #[serde(deserialize_with = "text")]
    pub reporting_currency: Option<String>,
    pub days: Option<usize>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
    /// Balances as they stood at the end of this day (`entities`, `banks`).
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub as_of: Option<NaiveDate>,
}

/// Business days of a currency (EUR when none is given).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct CalendarRequest {
    #[serde(deserialize_with = "text")]
    pub currency: Option<String>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
}

/// An entity to create, or to change by its code.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[ts(optional_fields)]
pub struct EntitySave {
    pub code: String,
    pub name: String,
    #[serde(default, deserialize_with = "text")]
    pub country: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub reporting_currency: Option<String>,
}

/// A change to an account, from a form or the CLI; an absent field stays as it is.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct AccountUpdate {
    pub name: Option<String>,
    pub purpose: Option<String>,
    /// `""` detaches the account from its entity.
    pub entity: Option<String>,
    pub cadence: Option<String>,
    pub statement_due_time_utc: Option<String>,
    pub intraday_hours: Option<i64>,
}

/// The rates known on a day (the latest by default).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct RatesQuery {
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub date: Option<NaiveDate>,
}

/// A rate entered by hand: 1 `base` = `rate` `quote` on `date`.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct RateInput {
    pub base: String,
    pub quote: String,
    #[serde(deserialize_with = "required_date")]
    #[ts(as = "String")]
    pub date: NaiveDate,
    pub rate: String,
}

/// Payments to approve, by their ids.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct PaymentsApprove {
    pub ids: Vec<String>,
}

/// Which payments: in a state, of a run, only the overdue ones; `None` is no filter.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct PaymentsQuery {
    #[serde(deserialize_with = "text")]
    pub state: Option<String>,
    pub run: Option<i64>,
    pub overdue: Option<bool>,
    /// The debtor account (an IBAN, spaces and case ignored).
    #[serde(default, deserialize_with = "text")]
    pub debtor: Option<String>,
    /// Only the payments someone must act on: an open case (a possible duplicate, a missed
    /// cut-off), issues from validation, rejected or returned by the bank, or overdue.
    pub needs_action: Option<bool>,
    /// A creditor's name or IBAN holds this (case and spaces ignored).
    #[serde(default, deserialize_with = "text")]
    pub creditor: Option<String>,
    /// Requested on or after this day.
    #[serde(default, deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    /// Requested on or before this day.
    #[serde(default, deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
    /// At most this many payments, the first by requested date; `matching` says how many
    /// there were.
    pub limit: Option<usize>,
}

/// A bank's cut-off for a currency: `HH:MM` in the IANA `time_zone`.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct CutoffSet {
    pub bic: String,
    pub currency: String,
    pub time: String,
    pub time_zone: String,
}

/// Writes the approved, unsent payments as one bank file, in the data folder's `exports`.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct PaymentsExport {
    /// `pain.001.001.09` or `pain.001.001.03`.
    pub format: String,
}

/// One exported file, by its message id (or its number).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportId {
    pub id: String,
}

/// One payment, by its id.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PaymentId {
    pub id: String,
}

/// The amount above which a payment in `currency` needs two approvers; none removes it.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct ApprovalLimitSet {
    pub currency: String,
    pub amount: Option<String>,
}

/// A payment to cancel, and why.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct PaymentCancel {
    pub id: String,
    pub reason: String,
}

/// The settings a person can change; an absent or empty inbox folder stops watching one.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct SettingsUpdate {
    #[serde(deserialize_with = "text")]
    pub inbox_folder: Option<String>,
}

/// The daily backup as a person sets it: a folder (an existing one, in full; absent or empty
/// turns it off) and how many to keep (the default when absent).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct AutoBackupUpdate {
    #[serde(deserialize_with = "text")]
    pub folder: Option<String>,
    pub keep: Option<u32>,
}

/// How an uploaded or named file is to be read.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ImportOptions {
    /// Read every file as CSV with this saved mapping, whatever its header says.
    #[serde(deserialize_with = "text")]
    pub csv_mapping: Option<String>,
}

/// A reconciliation run; a dry run decides and writes nothing.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ReconRun {
    pub dry_run: bool,
}

/// Matches, newest first, optionally in one state.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct MatchesQuery {
    #[serde(deserialize_with = "text")]
    pub state: Option<String>,
    pub limit: Option<u32>,
}

/// One match, by its id (confirm, reject, undo).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct MatchId {
    pub id: String,
}

/// A match made by hand: entries by bank reference, items and payments by their ERP ids.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ManualMatch {
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub payments: Vec<String>,
    /// `fee`, `short_payment`, `over_payment`, `instalment`, `rounding` or `other`.
    #[serde(deserialize_with = "text")]
    pub difference_kind: Option<String>,
    /// The account of the entries, where a bank reference is on several.
    #[serde(deserialize_with = "text")]
    pub account: Option<String>,
}

/// A rule by name (enable, disable, remove), or moved to a position (1 = first).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[ts(optional_fields)]
pub struct RuleChange {
    pub name: String,
    #[serde(default)]
    pub position: Option<u32>,
}

/// A rule as a controller writes it: a custom rule's criteria, or a built-in kind's settings.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[ts(optional_fields)]
pub struct RuleAdd {
    /// The JSON of the rule (`{"name": …, "criteria": [...], "confidence": "0.90"}`).
    pub rule: String,
}

/// An alias or a hard negative, by its id.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct LearntId {
    pub id: String,
}

/// The labelled truth to judge the current matches against, as its JSON text.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct ReconEvaluate {
    pub truth: String,
}

/// The exception queue's filters; blank is no filter. `age` is an aging bucket.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ExceptionsQuery {
    #[serde(deserialize_with = "text")]
    pub kind: Option<String>,
    #[serde(deserialize_with = "text")]
    pub state: Option<String>,
    #[serde(deserialize_with = "text")]
    pub owner: Option<String>,
    #[serde(deserialize_with = "text")]
    pub account: Option<String>,
    #[serde(deserialize_with = "text")]
    pub entity: Option<String>,
    #[serde(deserialize_with = "text")]
    pub bank: Option<String>,
    /// `0-2`, `3-7`, `8-30` or `over-30` (days since opened).
    #[serde(deserialize_with = "text")]
    pub age: Option<String>,
}

/// One case (its notes and history).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExceptionId {
    pub id: String,
}

/// Cases given to an owner (none: unassigned).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[ts(optional_fields)]
pub struct ExceptionsAssign {
    pub ids: Vec<String>,
    #[serde(default, deserialize_with = "text")]
    pub owner: Option<String>,
}

/// A comment on a case.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct ExceptionComment {
    pub id: String,
    pub text: String,
}

/// Cases moved to a state: `in_progress`, `open` again, or an end (`resolved`, `written_off`)
/// with the resolution in words.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[ts(optional_fields)]
pub struct ExceptionsResolve {
    pub ids: Vec<String>,
    #[serde(default, deserialize_with = "text")]
    pub state: Option<String>,
    #[serde(default, deserialize_with = "text")]
    pub resolution: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_filter_is_no_filter_in_every_front() {
        let query: EntriesQuery =
            serde_json::from_str(r#"{"account":"  ","from":"","to":null}"#).unwrap();
        assert!(query.account.is_none() && query.from.is_none() && query.to.is_none());
    }

    #[test]
    fn a_bad_date_names_itself() {
        let error = serde_json::from_str::<PositionsRequest>(r#"{"as_of":"2026-13-01"}"#)
            .unwrap_err()
            .to_string();
        assert!(error.contains("'2026-13-01' is not a date"), "{error}");
    }

    #[test]
    fn a_rate_needs_its_date() {
        let error = serde_json::from_str::<RateInput>(
            r#"{"base":"EUR","quote":"USD","date":"","rate":"1.1"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(error.contains("a date (YYYY-MM-DD) is needed"), "{error}");
    }
}

/// A bank connection over the Berlin Group NextGenPSD2 API, asked for a consent to read every
/// account.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ConnectionAdd {
    pub name: String,
    /// The bank's XS2A base URL (`https://…`; `http://` only on this machine, for simulators).
    pub psd2_url: String,
    #[serde(deserialize_with = "text")]
    pub client_id: Option<String>,
    /// Unattended reads a day the consent asks for (default 4).
    pub frequency_per_day: Option<u32>,
    /// Days the consent is asked for (default 90; at most 180, the longest PSD2 allows
    /// between two strong authentications).
    pub valid_days: Option<u32>,
    /// The TPP's client certificate (PEM), for a bank that requires mutual TLS.
    #[serde(deserialize_with = "text")]
    pub client_cert_pem: Option<String>,
    /// Its private key (PEM): kept in the keychain, never in the ledger.
    #[serde(deserialize_with = "text")]
    pub client_key_pem: Option<String>,
    /// A root certificate (PEM) to trust for this bank only: a bank's test CA.
    #[serde(deserialize_with = "text")]
    pub bank_ca_pem: Option<String>,
}

/// One connection, by name.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConnectionName {
    pub name: String,
}

/// Sync every connection, or one.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct SyncRequest {
    #[serde(deserialize_with = "text")]
    pub connection: Option<String>,
}

/// Approved payments to send through a bank connection's API instead of a file.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct PaymentsSend {
    pub ids: Vec<String>,
    /// The connection's name.
    pub via: String,
}

/// An ERP connection to add: a Tryton server, its database, and a user's login.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ErpAdd {
    pub name: String,
    /// The Tryton server's base URL (`https://…`; `http://` only on this machine).
    pub tryton_url: String,
    pub database: String,
    pub user: String,
    /// Kept in the OS keychain, never in the ledger.
    pub password: String,
    /// Minutes between scheduled syncs (default 60).
    pub cadence_minutes: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ErpName {
    pub name: String,
}

/// Syncs every ERP connection, or the one named.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ErpSyncRequest {
    #[serde(deserialize_with = "text")]
    pub connection: Option<String>,
}

/// A new user: a name and one of the roles.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct UserAdd {
    pub name: String,
    pub role: String,
}

/// A user's new role, or their disabling (`true`) or enabling again (`false`).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct UserChange {
    pub name: String,
    #[serde(deserialize_with = "text")]
    pub role: Option<String>,
    pub disabled: Option<bool>,
}

/// Who starts working in the window or through the local API.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct Login {
    pub user: String,
}

/// The audit log's filters; each blank one is no filter. Dates are UTC days, both included.
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
#[ts(optional_fields)]
pub struct AuditQuery {
    #[serde(deserialize_with = "text")]
    pub actor: Option<String>,
    /// An action (`payments.approve`) or its group (`payments`).
    #[serde(deserialize_with = "text")]
    pub action: Option<String>,
    /// Part of the subject, in any case.
    #[serde(deserialize_with = "text")]
    pub subject: Option<String>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub from: Option<NaiveDate>,
    #[serde(deserialize_with = "date")]
    #[ts(as = "Option<String>")]
    pub to: Option<NaiveDate>,
    /// The next page: records older than this id.
    pub before_id: Option<i64>,
    /// At most this many records (default 200, at most 5,000).
    pub limit: Option<u32>,
}

/// Full account numbers asked for on one screen (`positions` or `accounts`).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct Reveal {
    pub view: String,
}

/// New confidence thresholds for matching, each a decimal from 0.01 to 0.99 (absent: as is).
#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
#[serde(default)]
#[ts(optional_fields)]
pub struct ThresholdsSet {
    #[serde(deserialize_with = "text")]
    pub auto: Option<String>,
    #[serde(deserialize_with = "text")]
    pub suggest: Option<String>,
}
