//! The one error type of the domain crate.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DomainError {
    #[error("'{0}' is not an ISO 4217 currency code")]
    UnknownCurrency(String),
    #[error("cannot combine {left} and {right} amounts without a conversion")]
    CurrencyMismatch { left: String, right: String },
    #[error("amount {amount} has more decimals than {currency} allows ({minor_units})")]
    TooManyDecimals {
        amount: String,
        currency: String,
        minor_units: u32,
    },
    #[error("'{0}' is not a decimal amount")]
    InvalidAmount(String),
    #[error("amount overflows the supported range")]
    AmountOverflow,
    #[error("IBAN is invalid: {0}")]
    InvalidIban(String),
    #[error("BIC '{0}' is invalid: it must be 8 or 11 characters, bank and country code letters")]
    InvalidBic(String),
    #[error("'{0}' is not a user name: 1 to 64 characters, none of them control characters")]
    InvalidUserName(String),
    #[error("account key is empty")]
    EmptyAccountKey,
    #[error("'{value}' is not a {vocabulary} (one of {known})")]
    NotInVocabulary {
        vocabulary: &'static str,
        value: String,
        known: String,
    },
}
