//! Canonical domain types shared by every Cashline crate: money, currencies, bank identifiers.
//!
//! Nothing here knows about files, databases or windows. Types validate on construction, so a
//! value of one of these types is always well-formed.

pub mod account;
pub mod bic;
pub mod calendar;
pub mod clock;
pub mod creditor_reference;
pub mod currency;
pub mod error;
pub mod iban;
pub mod kinds;
pub mod mask;
pub mod money;
pub mod payment_state;
pub mod payment_status;
pub mod role;
pub mod sepa;
pub mod shown;

pub use account::AccountKey;
pub use bic::Bic;
pub use calendar::BusinessCalendar;
pub use clock::{Clock, FixedClock, SystemClock};
pub use creditor_reference::CreditorReference;
pub use currency::Currency;
pub use error::DomainError;
pub use iban::Iban;
pub use kinds::StatusCode;
pub use kinds::{
    BalanceType, Cadence, DifferenceKind, EntryStatus, ExceptionKind, ExceptionState, MatchState,
    PaymentSource, PaymentState, StatementKind,
};
pub use money::Money;
pub use payment_status::reason_meaning;
pub use role::{Right, Role};
pub use shown::shown;
