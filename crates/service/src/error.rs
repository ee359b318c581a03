//! Service errors, and the `{code, message}` body every front shows for them.

use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum ServiceError {
    /// The caller asked for something malformed (a bad date, an unknown account).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Ledger(#[from] cashline_ledger::LedgerError),
    #[error("{0}")]
    Engine(#[from] cashline_engine::EngineError),
    #[error("{0}")]
    Chart(#[from] cashline_chart::ChartError),
}

/// What a front shows: a stable code to branch on and one plain sentence for the person.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
}

impl ServiceError {
    /// Codes are added only where a front branches on them.
    pub fn code(&self) -> &'static str {
        match self {
            ServiceError::BadRequest(_) => "bad_request",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Ledger(_) | ServiceError::Engine(_) | ServiceError::Chart(_) => {
                "internal"
            }
        }
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
        }
    }
}
