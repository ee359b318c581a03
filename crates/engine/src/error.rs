//! The one error type of the engines.

use thiserror::Error;

use cashline_bankfile::ParseError;
use cashline_domain::DomainError;
use cashline_ledger::LedgerError;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error("{file}: {source}")]
    BadFile { file: String, source: ParseError },
    #[error("{file}: {message}")]
    Inconsistent { file: String, message: String },
    /// A request that cannot be carried out as asked (an invalid mapping, an unknown name).
    #[error("{0}")]
    InvalidRequest(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}
