//! Bank file formats parsed into Cashline's canonical statements.
//!
//! Each format separates "is this my file?" ([`detect`]) from "parse it" ([`parse`]). Parsing
//! is pure: bytes in, [`ParsedFile`] out, or a [`ParseError`] naming the line and element at
//! fault. Nothing here touches the ledger.

pub mod bai2;
pub mod camt;
pub mod csv_mapping;
pub mod error;
pub mod format;
pub mod ofx;
pub mod statement;
pub mod stream;
pub mod swift;

pub use error::ParseError;
pub use format::{detect, identify, parse, parse_stream, parse_with, FileFormat, IDENTIFY_BYTES};
pub use statement::{ParsedAccount, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement};

/// Largest file the parsers accept, in bytes. A statement file larger than this is not a
/// statement file; refusing it early keeps memory bounded.
pub const FILE_BYTES_MAX: usize = 512 * 1024 * 1024;
