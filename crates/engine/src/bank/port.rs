//! The bank port: what the engines need of a bank's API, in their own terms. Adapters (the
//! Berlin Group client in `cashline-psd2`) translate to and from the bank's contract.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};
use thiserror::Error;

use cashline_domain::{BalanceType, Currency, EntryStatus, Money};

/// Who is asking. The PSD2 rules count them apart: a call without the user present counts
/// against the consent's daily budget and carries no `PSU-IP-Address`; a refresh a person
/// asked for carries the address and does not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    Unattended,
    User { ip_address: String },
}

impl Caller {
    pub fn ip_address(&self) -> Option<&str> {
        match self {
            Caller::Unattended => None,
            Caller::User { ip_address } => Some(ip_address),
        }
    }

    pub fn is_unattended(&self) -> bool {
        matches!(self, Caller::Unattended)
    }
}

/// An answer with its provenance: the request id the bank logged, and the digest of the
/// bodies read (every page of it), so a replayed answer is known as the same.
#[derive(Debug, Clone)]
pub struct Answer<T> {
    pub value: T,
    pub request_id: String,
    pub body_sha256: String,
    /// Pages read (1 unless the bank paged the answer).
    pub pages: u32,
}

/// An account as the bank lists it under the consent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAccount {
    /// The bank's id for asking about it; not stable across reconnects.
    pub resource_id: String,
    /// Compact, upper case.
    pub iban: Option<String>,
    pub currency: Currency,
    pub name: Option<String>,
    pub owner_name: Option<String>,
    pub bic: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteBalance {
    pub balance_type: BalanceType,
    pub amount: Money,
    pub date: NaiveDate,
    /// When the bank says it was last changed, where it says.
    pub as_of: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteTransaction {
    /// The bank's id of this report of it; a pending transaction may get another once booked.
    pub transaction_id: Option<String>,
    /// The bank's reference of the entry, kept when it books: the entry's identity.
    pub entry_reference: Option<String>,
    pub status: EntryStatus,
    pub booking_date: Option<NaiveDate>,
    pub value_date: Option<NaiveDate>,
    /// Signed: debits negative.
    pub amount: Money,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub bank_transaction_code: Option<String>,
}

/// A credit transfer to initiate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentOrder {
    /// The idempotency keys: the same payment is always sent with the same two.
    pub end_to_end_id: String,
    pub request_id: String,
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub creditor_bic: Option<String>,
    pub amount: Money,
    pub remittance: Option<String>,
    pub requested_date: Option<NaiveDate>,
}

/// A payment's status at the bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemotePaymentStatus {
    pub bank_payment_id: String,
    /// ISO 20022 transaction status: RCVD, ACTC, ACSP, ACSC, RJCT, …
    pub status: String,
    pub reason_code: Option<String>,
    pub reason_text: Option<String>,
}

/// What can go wrong talking to a bank, as far as the sync must tell the cases apart. The
/// texts are plain sentences and never carry a token or a secret.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum BankError {
    #[error("the bank did not answer in time")]
    Timeout,
    #[error("the bank could not be reached: {0}")]
    Connect(String),
    /// The TLS handshake failed on a certificate, ours or the bank's, in words that say which.
    /// It fails the same way on every attempt until a person changes a certificate.
    #[error("{0}")]
    Handshake(String),
    #[error("the bank asks to wait before the next call{}", retry_after_seconds.map(|s| format!(" ({s} s)")).unwrap_or_default())]
    RateLimited { retry_after_seconds: Option<u64> },
    #[error("the consent's daily number of unattended reads is used up")]
    AccessExceeded,
    #[error("the consent has expired; renew it")]
    ConsentExpired,
    #[error("the consent is no longer valid (revoked or unknown); renew it")]
    ConsentInvalid,
    #[error("the bank does not know this account any more")]
    ResourceUnknown,
    #[error("the bank answered with an error (HTTP {status})")]
    Server { status: u16 },
    #[error("the bank's answer does not follow its contract: {what}")]
    Malformed { what: String },
    #[error("the bank refused the request (HTTP {status} {code}): {text}")]
    Refused {
        status: u16,
        code: String,
        text: String,
    },
}

impl BankError {
    /// Worth trying again in this run: the bank may answer the next time.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            BankError::Timeout
                | BankError::Connect(_)
                | BankError::RateLimited { .. }
                | BankError::Server { .. }
        )
    }

    /// The consent must be renewed by a person before anything else works.
    pub fn needs_consent(&self) -> bool {
        matches!(self, BankError::ConsentExpired | BankError::ConsentInvalid)
    }
}

/// A bank's API, under one connection's consent.
pub trait BankPort: Send + Sync {
    fn accounts(
        &self,
        caller: &Caller,
    ) -> impl Future<Output = Result<Answer<Vec<RemoteAccount>>, BankError>> + Send;

    fn balances(
        &self,
        account: &RemoteAccount,
        caller: &Caller,
    ) -> impl Future<Output = Result<Answer<Vec<RemoteBalance>>, BankError>> + Send;

    /// Booked and pending transactions from `from` on, every page followed.
    fn transactions(
        &self,
        account: &RemoteAccount,
        from: NaiveDate,
        caller: &Caller,
    ) -> impl Future<Output = Result<Answer<Vec<RemoteTransaction>>, BankError>> + Send;

    fn initiate_payment(
        &self,
        order: &PaymentOrder,
        caller: &Caller,
    ) -> impl Future<Output = Result<Answer<RemotePaymentStatus>, BankError>> + Send;

    fn payment_status(
        &self,
        bank_payment_id: &str,
    ) -> impl Future<Output = Result<Answer<RemotePaymentStatus>, BankError>> + Send;
}
