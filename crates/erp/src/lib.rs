//! ERP files: what an ERP exports (CSV files with the headers of `CLI.md`, or any other layout
//! through a saved `mapping`) read into canonical open items and payment instructions; every
//! row is validated, and a file with one bad row is refused whole, naming the line and the
//! field. (Tryton's API is `cashline-tryton`.)

pub mod csv_rows;
pub mod mapping;
pub mod open_items;
pub mod payments;

use thiserror::Error;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ErpError {
    #[error("line {line}, field {field}: {message}")]
    Invalid {
        line: usize,
        field: String,
        message: String,
    },
    #[error("the header lacks the columns {0}")]
    MissingColumns(String),
    #[error("the file is malformed CSV: {0}")]
    Malformed(String),
    #[error("the file holds no rows")]
    Empty,
}

/// Largest ERP export accepted.
pub const ERP_FILE_BYTES_MAX: usize = 256 * 1024 * 1024;
