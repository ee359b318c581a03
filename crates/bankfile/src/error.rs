//! The one error type of the bank-file parsers.

use thiserror::Error;

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum ParseError {
    #[error("the file is not a bank statement format Cashline reads (ISO 20022 camt.052, camt.053 or camt.054, SWIFT MT940 or MT942, BAI2, OFX, or a CSV export with a saved mapping)")]
    UnknownFormat,
    #[error("the file is {size_bytes} bytes, more than the {limit_bytes}-byte limit")]
    TooLarge {
        size_bytes: usize,
        limit_bytes: usize,
    },
    #[error("line {line}: the XML is malformed: {message}")]
    Xml { line: usize, message: String },
    #[error("line {line}: the file ends inside element {element}; it looks truncated")]
    Truncated { line: usize, element: String },
    #[error("line {line}, element {element}: {message}")]
    Invalid {
        line: usize,
        element: String,
        message: String,
    },
    #[error("the file could not be read: {0}")]
    Io(String),
    /// The importer stopped reading (it failed, or found the file already imported).
    #[error("reading stopped: {0}")]
    Aborted(String),
    #[error("{format} is not supported: {message}")]
    Unsupported { format: String, message: String },
}
