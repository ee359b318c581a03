//! The ERP port: what the engines need of an ERP, in their own terms. Adapters (Tryton's
//! JSON-RPC in `cashline-tryton`) translate to and from the ERP's models.

use std::future::Future;

use chrono::NaiveDate;
use thiserror::Error;

use cashline_domain::Money;
use cashline_erp::open_items::ItemKind;

/// An ERP's record as far as write-back needs it: opaque to the engine, kept beside the
/// ledger row and handed back to the adapter.
pub type WritebackKey = serde_json::Value;

/// A receivable or payable still open in the ERP.
#[derive(Debug, Clone, PartialEq)]
pub struct ErpItem {
    /// The ERP's id of the record (Tryton: the `account.move.line`).
    pub erp_id: i64,
    pub kind: ItemKind,
    /// The ERP's number of the document it belongs to (an invoice's).
    pub document_number: Option<String>,
    /// What a payer quotes in the remittance: the invoice number of a customer invoice, the
    /// supplier's own number of a supplier invoice.
    pub reference: Option<String>,
    pub counterparty: Option<String>,
    /// Compact, upper case.
    pub counterparty_iban: Option<String>,
    /// What is still to pay of it, positive; the kind says which way.
    pub amount: Money,
    pub due_date: Option<NaiveDate>,
    /// When the ERP last wrote it, on the ERP's clock and in its own form.
    pub written_at: String,
    pub writeback: WritebackKey,
}

/// A payment the ERP has approved and not yet handed to a bank.
#[derive(Debug, Clone, PartialEq)]
pub struct ErpPayment {
    pub erp_id: i64,
    /// The ERP's number of it, as the AP lead knows it.
    pub number: String,
    /// Compact, as the ERP holds them; validated by the engine like any run's.
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub creditor_bic: Option<String>,
    pub amount: Money,
    pub requested_date: NaiveDate,
    pub end_to_end_id: String,
    pub reference: Option<String>,
    pub written_at: String,
}

/// What changed in the ERP since a point, and what is open there now.
#[derive(Debug, Clone, Default)]
pub struct Changes<T> {
    /// The records written since the point asked for (all of them the first time).
    pub changed: Vec<T>,
    /// The ids of every record open now, changed or not: what is missing was closed or
    /// deleted in the ERP.
    pub open_ids: Vec<i64>,
    /// The newest write date among them, to ask from next time.
    pub written_until: Option<String>,
}

/// A payment's end, as the ERP is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentEnd {
    Succeeded,
    /// Refused or returned by the bank, with its reason in words (`AC04 Account closed`).
    Failed {
        reason: String,
    },
}

/// A confirmed match, as an ERP records a bank line that settled its items.
#[derive(Debug, Clone)]
pub struct SettledLine {
    /// Cashline's reference of it, unique: the ERP record is found by it when a write is
    /// retried, so it is never written twice.
    pub reference: String,
    /// The company's account the money moved on, compact.
    pub account_iban: String,
    pub date: NaiveDate,
    /// Signed as the bank booked it: a receipt positive.
    pub amount: Money,
    /// What the bank line said, for the ERP's line description.
    pub description: String,
    /// Each item it settles, with the amount it settles of it (positive).
    pub items: Vec<(WritebackKey, Money)>,
}

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ErpPortError {
    /// The ERP could not be reached, or stopped answering mid-way.
    #[error("the ERP cannot be reached: {0}")]
    Unreachable(String),
    /// The ERP refused the login (a wrong password, a disabled user).
    #[error("the ERP refused the login: {0}")]
    Login(String),
    /// The ERP answered with an error of its own, in its words.
    #[error("the ERP answered: {0}")]
    Answer(String),
    /// The ERP's data cannot be mapped to Cashline's (a record without a currency).
    #[error("the ERP's data cannot be read: {0}")]
    Data(String),
}

/// An ERP adapter. Every call may be retried: writes are idempotent by what they carry (the
/// payment's id and end, the line's reference).
pub trait ErpPort: Sync {
    fn open_items(
        &self,
        since: Option<&str>,
    ) -> impl Future<Output = Result<Changes<ErpItem>, ErpPortError>> + Send;

    fn approved_payments(
        &self,
        since: Option<&str>,
    ) -> impl Future<Output = Result<Changes<ErpPayment>, ErpPortError>> + Send;

    /// Records a payment's end on the ERP's payment; returns the ERP's words for what it did.
    fn write_payment_end(
        &self,
        erp_id: i64,
        end: &PaymentEnd,
    ) -> impl Future<Output = Result<String, ErpPortError>> + Send;

    /// Posts the bank line of a confirmed match, reconciling the items it settles; returns
    /// the ERP's reference of what it posted.
    fn post_settled_line(
        &self,
        line: &SettledLine,
    ) -> impl Future<Output = Result<String, ErpPortError>> + Send;
}
