//! The parts of the Berlin Group NextGenPSD2 1.3 JSON contract Cashline uses, named as the
//! specification names them. Amounts stay text on the wire (the contract's pattern
//! `-?[0-9]{1,14}(.[0-9]{1,3})?`) and become exact `Money` only in the adapter.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Amount {
    pub currency: String,
    pub amount: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccountReference {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Href {
    pub href: String,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Links {
    #[serde(rename = "scaRedirect", skip_serializing_if = "Option::is_none")]
    pub sca_redirect: Option<Href>,
    /// The OAuth SCA approach: where the authorisation server's metadata is.
    #[serde(rename = "scaOAuth", skip_serializing_if = "Option::is_none")]
    pub sca_oauth: Option<Href>,
    #[serde(rename = "self", skip_serializing_if = "Option::is_none")]
    pub self_: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balances: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transactions: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first: Option<Href>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<Href>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ConsentAccess {
    #[serde(rename = "allPsd2")]
    pub all_psd2: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConsentRequest {
    pub access: ConsentAccess,
    pub recurring_indicator: bool,
    /// `YYYY-MM-DD`.
    pub valid_until: String,
    pub frequency_per_day: u32,
    pub combined_service_indicator: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConsentCreated {
    pub consent_status: String,
    pub consent_id: String,
    #[serde(rename = "_links")]
    pub links: Links,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ConsentStatus {
    pub consent_status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountDetails {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cash_account_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
    pub links: Option<Links>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccountList {
    pub accounts: Vec<AccountDetails>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    pub balance_amount: Amount,
    pub balance_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reference_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BalancesResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountReference>,
    pub balances: Vec<Balance>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entry_reference: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub booking_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_date: Option<String>,
    pub transaction_amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<AccountReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<AccountReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remittance_information_unstructured: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bank_transaction_code: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccountReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub booked: Option<Vec<Transaction>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending: Option<Vec<Transaction>>,
    #[serde(rename = "_links")]
    pub links: Links,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TransactionsResponse {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountReference>,
    pub transactions: Option<AccountReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct CreditTransfer {
    pub end_to_end_identification: String,
    pub debtor_account: AccountReference,
    pub instructed_amount: Amount,
    pub creditor_account: AccountReference,
    pub creditor_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remittance_information_unstructured: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_execution_date: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PaymentCreated {
    pub transaction_status: String,
    pub payment_id: String,
    #[serde(rename = "_links")]
    pub links: Links,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PaymentStatus {
    pub transaction_status: String,
    /// Where the simulator (and many banks) put the reason of a rejection: `AC04 Account closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psu_message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TppMessage {
    pub category: String,
    pub code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// The error body of the NextGen ("NG") variant: a list of messages with codes.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub tpp_messages: Vec<TppMessage>,
}
