//! The one error type of the engines.

use thiserror::Error;

use cashline_bankfile::ParseError;
use cashline_domain::{shown, DomainError};
use cashline_ledger::LedgerError;

/// The errors naming a file are shown through [`shown`] whole: the name is chosen by whoever
/// dropped the file and the message quotes its content, so either can hold a newline, an ANSI
/// escape or a full IBAN, and these messages reach terminals and logs as they are.
#[derive(Debug, Error)]
pub enum EngineError {
    #[error("{}", shown(&format!("{file}: {source}")))]
    BadFile { file: String, source: ParseError },
    #[error("{}", shown(&format!("{file}: {message}")))]
    Inconsistent { file: String, message: String },
    /// A request that cannot be carried out as asked (an invalid mapping, an unknown name).
    #[error("{0}")]
    InvalidRequest(String),
    /// A computation on amounts or rates left the range of exact decimals (a conversion of a
    /// huge balance, a stored rate of zero): refused with the figures, never a panic.
    #[error("{0}")]
    OutOfRange(String),
    #[error(transparent)]
    Domain(#[from] DomainError),
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_in_an_error_cannot_reach_a_terminal_raw() {
        let error = EngineError::Inconsistent {
            file: "DE89370400440532013000\n\u{1b}[2J.xml".into(),
            message: "the file holds no statement".into(),
        };
        assert_eq!(
            error.to_string(),
            "…3000\\n\\u{1b}[2J.xml: the file holds no statement"
        );
        let error = EngineError::BadFile {
            file: "a\rb.sta".into(),
            source: ParseError::Invalid {
                line: 3,
                element: ":61:".into(),
                message: "bad \u{202e}amount".into(),
            },
        };
        assert!(!error
            .to_string()
            .chars()
            .any(cashline_domain::shown::is_unsafe_to_show));
    }
}
