//! The bank's side of a connection: the Berlin Group NextGenPSD2 XS2A client (`client`, which
//! implements the engine's `BankPort`), the contract's JSON (`model`), and a bank simulator
//! speaking the same contract (`sim`), used by the tests, the demo and `cashline bank-sim`.

pub mod client;
pub mod model;
pub mod oauth;
pub mod sim;

pub use client::{ClientSettings, Xs2aClient};
