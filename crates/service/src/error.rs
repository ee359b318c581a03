//! Service errors, and the `{code, message}` body every front shows for them.

use serde::Serialize;
use thiserror::Error;
use ts_rs::TS;
use utoipa::ToSchema;

#[derive(Debug, Error)]
pub enum ServiceError {
    /// The caller asked for something malformed (a bad date, an unknown account).
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    NotFound(String),
    /// The acting user is not one of the ledger's, or their role does not allow the command.
    #[error("{0}")]
    Forbidden(String),
    /// A bank or ERP did not answer as it should (unreachable, refusing, off contract): the
    /// words say which and why, without a secret.
    #[error("{0}")]
    Unavailable(String),
    #[error(transparent)]
    Ledger(#[from] cashline_ledger::LedgerError),
    #[error(transparent)]
    Engine(#[from] cashline_engine::EngineError),
    #[error(transparent)]
    Chart(#[from] cashline_chart::ChartError),
    /// What the ledger holds is not what Cashline wrote (a stored JSON text that does not
    /// parse): our failure, never the caller's.
    #[error("{0}")]
    Corrupt(String),
}

/// What a front shows: a stable code to branch on and one plain sentence for the person.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, TS, ToSchema)]
pub struct ErrorBody {
    pub code: &'static str,
    pub message: String,
}

impl ServiceError {
    /// Codes are added only where a front branches on them.
    pub fn code(&self) -> &'static str {
        use cashline_engine::EngineError;
        match self {
            // What the caller sent cannot be carried out as asked: their fault, a 4xx.
            ServiceError::BadRequest(_)
            | ServiceError::Engine(
                EngineError::InvalidRequest(_)
                | EngineError::Domain(_)
                | EngineError::BadFile { .. }
                | EngineError::Inconsistent { .. }
                | EngineError::OutOfRange(_),
            ) => "bad_request",
            ServiceError::NotFound(_) => "not_found",
            ServiceError::Forbidden(_) => "forbidden",
            ServiceError::Unavailable(_) => "unavailable",
            ServiceError::Ledger(_)
            | ServiceError::Engine(_)
            | ServiceError::Chart(_)
            | ServiceError::Corrupt(_) => "internal",
        }
    }

    /// Whether the caller can fix this (a 4xx), rather than Cashline (a 5xx).
    pub fn is_callers_fault(&self) -> bool {
        self.code() != "internal"
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody {
            code: self.code(),
            message: self.to_string(),
        }
    }
}
