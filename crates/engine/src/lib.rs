//! Cashline's engines. They decide; adapters (the bank-file parsers) translate and the ledger
//! stores. Nothing here knows which window, command line or HTTP request it is serving.

pub mod csv_mapping;
pub mod error;
pub mod freshness;
pub mod fx;
pub mod import;
pub mod position;

/// Largest file accepted for import, in bytes.
pub use cashline_bankfile::FILE_BYTES_MAX;

pub use cashline_bankfile::csv_mapping::CsvMapping as CsvMappingDefinition;
pub use error::EngineError;
