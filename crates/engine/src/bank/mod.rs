//! Bank connections: the port a bank's API adapter implements (`port`), and the sync that
//! writes what it answers through the same statement writer as a file (`sync`).

pub mod port;
pub mod schedule;
pub mod sync;

pub use port::{
    Answer, BankError, BankPort, Caller, PaymentOrder, RemoteAccount, RemoteBalance,
    RemotePaymentStatus, RemoteTransaction,
};
