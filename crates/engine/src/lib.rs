//! Cashline's engines. They decide; adapters (the bank-file parsers) translate and the ledger
//! stores. Nothing here knows which window, command line or HTTP request it is serving.

pub mod bank;
pub mod csv_mapping;
pub mod erp;
pub mod error;
pub mod forecast;
pub mod freshness;
pub mod fx;
pub mod history;
pub mod import;
pub mod open_item;
pub mod payment;
pub mod position;
pub mod recon;

/// Largest file accepted for import, in bytes.
pub use cashline_bankfile::FILE_BYTES_MAX;

pub use cashline_bankfile::csv_mapping::CsvMapping as CsvMappingDefinition;
pub use error::EngineError;
