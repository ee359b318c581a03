//! Cashline's engines. They decide; adapters (the bank-file parsers) translate and the ledger
//! stores. Nothing here knows which window, command line or HTTP request it is serving.

pub mod error;
pub mod import;
pub mod position;

pub use error::EngineError;
