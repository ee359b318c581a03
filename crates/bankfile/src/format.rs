//! Format detection by content, never by file name, and dispatch to the right parser.

use std::fmt;

use std::io::{BufRead, Read};

use crate::csv_mapping::{self, CsvMapping};
use crate::stream::{replay, Collect, StatementSink};
use crate::{bai2, camt, ofx, swift, ParseError, ParsedFile, FILE_BYTES_MAX};

/// A detected file format with its version, e.g. `camt.053.001.08`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FileFormat {
    Camt(camt::CamtVersion),
    /// SWIFT MT940 customer statement (end of day).
    Mt940,
    /// SWIFT MT942 interim transaction report (intraday).
    Mt942,
    /// A bank's CSV export, read through the saved mapping of this name.
    Csv(String),
    /// BAI2 cash management balance report.
    Bai2,
    /// OFX (or QFX) statement download, with the version its header declares.
    Ofx(ofx::OfxVersion),
}

impl fmt::Display for FileFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileFormat::Camt(version) => write!(f, "{version}"),
            FileFormat::Mt940 => f.write_str("mt940"),
            FileFormat::Mt942 => f.write_str("mt942"),
            FileFormat::Csv(mapping) => write!(f, "csv:{mapping}"),
            FileFormat::Bai2 => f.write_str("bai2"),
            FileFormat::Ofx(version) => write!(f, "{version}"),
        }
    }
}

/// Says which format a file is in, looking only at its content.
pub fn detect(bytes: &[u8]) -> Option<FileFormat> {
    camt::detect(bytes)
        .map(FileFormat::Camt)
        .or_else(|| swift::detect(bytes))
        .or_else(|| bai2::detect(bytes).then_some(FileFormat::Bai2))
        .or_else(|| ofx::detect(bytes).map(FileFormat::Ofx))
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
        Some(FileFormat::Mt940 | FileFormat::Mt942) => swift::parse(bytes),
        Some(FileFormat::Bai2) => bai2::parse(bytes),
        Some(FileFormat::Ofx(version)) => ofx::parse(bytes, version),
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
    let format = identify(bytes, mappings, forced)?;
    let mut collect = Collect::default();
    let warnings = parse_stream(bytes, &format, mappings, &mut collect)?;
    Ok(ParsedFile {
        format,
        statements: collect.statements,
        warnings,
    })
}

/// How many bytes from a file's start [`identify`] needs.
pub const IDENTIFY_BYTES: usize = 64 * 1024;

/// Says which format a file is in from its first bytes (see [`IDENTIFY_BYTES`]): a standard
/// format by content, else the saved CSV mapping whose header it has, else a `forced` one.
pub fn identify(
    head: &[u8],
    mappings: &[CsvMapping],
    forced: Option<&CsvMapping>,
) -> Result<FileFormat, ParseError> {
    if let Some(mapping) = forced {
        return Ok(FileFormat::Csv(mapping.name.clone()));
    }
    if let Some(format) = detect(head) {
        return Ok(format);
    }
    mappings
        .iter()
        .find(|m| csv_mapping::matches(head, m))
        .map(|m| FileFormat::Csv(m.name.clone()))
        .ok_or(ParseError::UnknownFormat)
}

/// Streams a file of a known format into `sink` and returns the warnings. camt (element by
/// element), MT940/MT942 (message by message, each at most [`swift::MESSAGE_BYTES_MAX`]) and
/// BAI2 (record by record) stream, so memory stays bounded for any file size; OFX and CSV are
/// read whole (up to [`FILE_BYTES_MAX`]) and replayed.
pub fn parse_stream<R: BufRead>(
    mut reader: R,
    format: &FileFormat,
    mappings: &[CsvMapping],
    sink: &mut dyn StatementSink,
) -> Result<Vec<String>, ParseError> {
    match format {
        FileFormat::Camt(version) => return camt::parse_stream(reader, *version, sink),
        FileFormat::Mt940 | FileFormat::Mt942 => return swift::parse_stream(reader, format, sink),
        FileFormat::Bai2 => return bai2::parse_stream(reader, sink),
        FileFormat::Ofx(_) | FileFormat::Csv(_) => {}
    }
    let mut bytes = Vec::new();
    let limit = FILE_BYTES_MAX as u64 + 1;
    (&mut reader)
        .take(limit)
        .read_to_end(&mut bytes)
        .map_err(|e| ParseError::Io(e.to_string()))?;
    if bytes.len() > FILE_BYTES_MAX {
        return Err(ParseError::TooLarge {
            size_bytes: bytes.len(),
            limit_bytes: FILE_BYTES_MAX,
        });
    }
    let parsed = match format {
        FileFormat::Camt(_) | FileFormat::Mt940 | FileFormat::Mt942 | FileFormat::Bai2 => {
            unreachable!("streamed above")
        }
        FileFormat::Ofx(version) => ofx::parse(&bytes, *version)?,
        FileFormat::Csv(name) => {
            let mapping = mappings
                .iter()
                .find(|m| &m.name == name)
                .ok_or_else(|| ParseError::Io(format!("the CSV mapping '{name}' is not saved")))?;
            csv_mapping::parse(&bytes, mapping)?
        }
    };
    replay(parsed, sink)
}
