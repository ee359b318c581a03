//! Format detection by content, never by file name, and dispatch to the right parser.

use std::fmt;

use crate::{camt, ParseError, ParsedFile, FILE_BYTES_MAX};

/// A detected file format with its version, e.g. `camt.053.001.08`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Camt(camt::CamtVersion),
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileFormat::Camt(version) => write!(f, "{version}"),
        }
    }
}

/// Says which format a file is in, looking only at its content.
pub fn detect(bytes: &[u8]) -> Option<FileFormat> {
    camt::detect(bytes).map(FileFormat::Camt)
}

/// Detects and parses a file.
pub fn parse(bytes: &[u8]) -> Result<ParsedFile, ParseError> {
    if bytes.len() > FILE_BYTES_MAX {
        return Err(ParseError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: FILE_BYTES_MAX,
        });
    }
    match detect(bytes) {
        Some(FileFormat::Camt(version)) => camt::parse(bytes, version),
        None => Err(ParseError::UnknownFormat),
    }
}
