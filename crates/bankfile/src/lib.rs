//! Bank file formats parsed into Cashline's canonical statements.
//!
//! Each format separates "is this my file?" ([`detect`]) from "parse it" ([`parse`]). Parsing
//! is pure: bytes in, [`ParsedFile`] out, or a [`ParseError`] naming the line and element at
//! fault. Nothing here touches the ledger.

pub mod bai2;
pub mod camt;
#[cfg(test)]
mod counted_reader;
pub mod csv_mapping;
pub mod error;
pub mod format;
mod iso20022;
pub mod ofx;
pub mod pain001;
pub mod pain001_write;
pub mod pain002;
mod scan;
pub mod statement;
pub mod stream;
pub mod swift;

pub use error::ParseError;
pub use format::{detect, identify, parse, parse_stream, parse_with, FileFormat, IDENTIFY_BYTES};
pub use statement::{
    ParsedAccount, ParsedBalance, ParsedDetail, ParsedEntry, ParsedFile, ParsedStatement,
    DETAILS_PER_ENTRY_MAX,
};

/// Largest file the whole-file parsers (OFX, CSV) accept, in bytes; refusing a larger one early
/// keeps memory bounded. camt, MT940/MT942 and BAI2 stream and have no such limit.
pub const FILE_BYTES_MAX: usize = 512 * 1024 * 1024;
