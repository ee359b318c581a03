//! Format detection by content, never by file name, and dispatch to the right parser.

use std::fmt;

use crate::csv_mapping::{self, CsvMapping};
use crate::{camt, ParseError, ParsedFile, FILE_BYTES_MAX};

/// A detected file format with its version, e.g. `camt.053.001.08`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Camt(camt::CamtVersion),
    /// A bank's CSV export, read through the saved mapping of this name.
    Csv(String),
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileFormat::Camt(version) => write!(f, "{version}"),
            FileFormat::Csv(mapping) => write!(f, "csv:{mapping}"),
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
        Some(FileFormat::Csv(_)) => unreachable!("detect never answers CSV: it needs a mapping"),
        None => Err(ParseError::UnknownFormat),
    }
}

/// Detects and parses a file, trying the saved CSV mappings when no standard format matches.
/// A `forced` mapping is used whatever the file's header says.
pub fn parse_with(
    bytes: &[u8],
    mappings: &[CsvMapping],
    forced: Option<&CsvMapping>,
) -> Result<ParsedFile, ParseError> {
    if bytes.len() > FILE_BYTES_MAX {
        return Err(ParseError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: FILE_BYTES_MAX,
        });
    }
    if let Some(mapping) = forced {
        return csv_mapping::parse(bytes, mapping);
    }
    if detect(bytes).is_some() {
        return parse(bytes);
    }
    match mappings.iter().find(|m| csv_mapping::matches(bytes, m)) {
        Some(mapping) => csv_mapping::parse(bytes, mapping),
        None => Err(ParseError::UnknownFormat),
    }
}
