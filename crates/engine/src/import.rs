//! Statement import: one file is read and written in one transaction, or not at all.
//!
//! The file streams: a parser thread hands over statements and batches of entries through a
//! bounded queue while this task writes them, so memory stays bounded whatever the file's
//! size. Only when the whole file has been read without error is the transaction committed.
//!
//! Idempotency has three guards, from coarse to fine: the file's SHA-256 digest, the
//! statement's identity (account, currency, statement id, sequence, page) and each entry's
//! identity (see `identity`).

mod checks;
mod identity;
mod writer;

use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use tokio::sync::mpsc;
use tracing::{info, info_span, warn, Instrument};

use cashline_bankfile::stream::{StatementEvent, StatementSink};
use cashline_bankfile::{FileFormat, ParseError, IDENTIFY_BYTES};
use cashline_ledger::statement::StatementOrigin;
use cashline_ledger::{audit, source_file, Ledger};

pub use checks::{balance_check, balance_check_with_sum};
pub use writer::{StatementWriter, Written};

use crate::EngineError;

/// Largest file accepted. Files stream, so this only guards against reading a disk image by
/// mistake.
pub const IMPORT_FILE_BYTES_MAX: u64 = 64 * 1024 * 1024 * 1024;
/// Event batches queued between the parser thread and the writer: enough to keep both busy,
/// few enough that memory stays bounded.
const EVENT_QUEUE_MAX: usize = 4;
/// Read buffer of the parser thread.
const READ_BUFFER_BYTES: usize = 256 * 1024;

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    /// At least one statement was new.
    Imported,
    /// The file, or every statement in it, was imported before; nothing changed.
    Duplicate,
}

#[derive(Debug, Clone)]
pub struct FileImport {
    pub file_name: String,
    pub format: String,
    pub status: ImportStatus,
    pub statements: u64,
    pub statements_new: u64,
    pub entries: u64,
    pub entries_new: u64,
    /// Entries first seen in an intraday report, now booked by this file's statements.
    pub entries_promoted: u64,
    /// Payments this file's bookings settled or returned.
    pub payments_settled: u64,
    pub payments_returned: u64,
    /// Transaction details written with the new and promoted entries.
    pub details_new: u64,
    pub exceptions_opened: Vec<String>,
    pub warnings: Vec<String>,
}

/// Where the file's bytes are.
#[derive(Clone, Copy)]
pub enum ImportSource<'a> {
    /// Already in memory (an upload from the UI).
    Bytes(&'a [u8]),
    /// On disk: read as a stream, never whole.
    Path(&'a Path),
}

pub struct ImportRequest<'a> {
    pub file_name: &'a str,
    pub source: ImportSource<'a>,
    pub user: &'a str,
    pub now: DateTime<Utc>,
    /// Read the file as CSV with this saved mapping, whatever its header.
    pub csv_mapping: Option<&'a str>,
}

/// Reads and imports one file. A file that fails changes nothing in the ledger.
pub async fn import_file(
    ledger: &Ledger,
    request: ImportRequest<'_>,
) -> Result<FileImport, EngineError> {
    let span = info_span!("import", file = request.file_name);
    import_traced(ledger, request).instrument(span).await
}

fn bad_file(file_name: &str, source: ParseError) -> EngineError {
    EngineError::BadFile {
        file: file_name.to_string(),
        source,
    }
}

fn io_error(file_name: &str, error: std::io::Error) -> EngineError {
    bad_file(file_name, ParseError::Io(error.to_string()))
}

/// The file's SHA-256 and its first bytes, read in one pass for a file on disk.
fn digest_and_head(source: ImportSource<'_>) -> std::io::Result<(String, Vec<u8>)> {
    match source {
        ImportSource::Bytes(bytes) => {
            let head = bytes[..bytes.len().min(IDENTIFY_BYTES)].to_vec();
            Ok((hex::encode(Sha256::digest(bytes)), head))
        }
        ImportSource::Path(path) => {
            let size = std::fs::metadata(path)?.len();
            if size > IMPORT_FILE_BYTES_MAX {
                return Err(std::io::Error::other(format!(
                    "the file is {size} bytes, more than the {IMPORT_FILE_BYTES_MAX}-byte limit"
                )));
            }
            let mut file = BufReader::with_capacity(READ_BUFFER_BYTES, File::open(path)?);
            let mut hasher = Sha256::new();
            let mut head = Vec::with_capacity(IDENTIFY_BYTES);
            let mut buffer = vec![0u8; READ_BUFFER_BYTES];
            loop {
                let read = file.read(&mut buffer)?;
                if read == 0 {
                    break;
                }
                if head.len() < IDENTIFY_BYTES {
                    let take = (IDENTIFY_BYTES - head.len()).min(read);
                    head.extend_from_slice(&buffer[..take]);
                }
                hasher.update(&buffer[..read]);
            }
            Ok((hex::encode(hasher.finalize()), head))
        }
    }
}

/// The SHA-256 of a file on disk, as the import records it (`source_file.digest_sha256`), read
/// as a stream. The watched inbox compares it before and after an import to know that what was
/// imported is what it files away.
pub fn file_digest(path: &Path) -> std::io::Result<String> {
    digest_and_head(ImportSource::Path(path)).map(|(digest, _)| digest)
}

async fn import_traced(
    ledger: &Ledger,
    request: ImportRequest<'_>,
) -> Result<FileImport, EngineError> {
    let name = request.file_name;
    let (digest, head) = match request.source {
        ImportSource::Bytes(_) => digest_and_head(request.source),
        ImportSource::Path(path) => {
            let path = path.to_path_buf();
            tokio::task::spawn_blocking(move || digest_and_head(ImportSource::Path(&path)))
                .await
                .map_err(|e| io_error(name, std::io::Error::other(e)))?
        }
    }
    .map_err(|e| io_error(name, e))?;
    let mappings = crate::csv_mapping::load(ledger).await?;
    let forced = match request.csv_mapping {
        Some(mapping_name) => Some(
            mappings
                .iter()
                .find(|m| m.name == mapping_name)
                .ok_or_else(|| EngineError::Inconsistent {
                    file: name.to_string(),
                    message: format!("there is no saved CSV mapping named '{mapping_name}'"),
                })?,
        ),
        None => None,
    };
    let format = cashline_bankfile::identify(&head, &mappings, forced)
        .map_err(|source| bad_file(name, source))?;

    let mut tx = ledger.begin().await?;
    if let Some(known) = source_file::find(&mut tx, &digest).await? {
        tx.rollback().await?;
        info!("file imported before; nothing changed");
        return Ok(FileImport {
            file_name: name.to_string(),
            format: known.format,
            status: ImportStatus::Duplicate,
            statements: known.statements_count.max(0) as u64,
            statements_new: 0,
            entries: known.entries_count.max(0) as u64,
            entries_new: 0,
            entries_promoted: 0,
            payments_settled: 0,
            payments_returned: 0,
            details_new: 0,
            exceptions_opened: Vec::new(),
            warnings: Vec::new(),
        });
    }
    let size_bytes = match request.source {
        ImportSource::Bytes(bytes) => bytes.len() as u64,
        ImportSource::Path(path) => std::fs::metadata(path)
            .map_err(|e| io_error(name, e))?
            .len(),
    };
    let source_file_id = source_file::insert(
        &mut tx,
        &source_file::NewSourceFile {
            digest_sha256: &digest,
            file_name: name,
            format: &format.to_string(),
            size_bytes,
            imported_at: request.now,
            imported_by: request.user,
        },
    )
    .await?;

    let (sender, receiver) = mpsc::channel(EVENT_QUEUE_MAX);
    let parser = spawn_parser(request.source, format.clone(), mappings, sender)?;
    let origin = StatementOrigin::File(source_file_id);
    let mut writer = StatementWriter::new(origin, format.to_string(), request.now);
    let written = writer.consume(&mut tx, receiver).await;
    // The parser ends on its own once the queue is closed, so joining it cannot hang.
    let parsed = parser
        .await
        .map_err(|e| io_error(name, std::io::Error::other(e)))?;
    let outcome = match (written, parsed) {
        // A parse error explains a writer that stopped early better than the writer does.
        (_, Err(source)) if !matches!(source, ParseError::Aborted(_)) => {
            Err(bad_file(name, source))
        }
        (Err(error), _) => Err(error),
        (Ok(()), Err(source)) => Err(bad_file(name, source)),
        (Ok(()), Ok(warnings)) => {
            let written = writer.into_written();
            Ok(FileImport {
                file_name: name.to_string(),
                format: format.to_string(),
                status: ImportStatus::Duplicate,
                statements: written.statements,
                statements_new: written.statements_new,
                entries: written.entries,
                entries_new: written.entries_new,
                entries_promoted: written.entries_promoted,
                payments_settled: 0,
                payments_returned: 0,
                details_new: written.details_new,
                exceptions_opened: written.exceptions_opened,
                warnings,
            })
        }
    };
    match outcome {
        Ok(mut report) if report.statements_new > 0 => {
            report.status = ImportStatus::Imported;
            source_file::set_counts(&mut tx, source_file_id, report.statements, report.entries)
                .await?;
            let booked = crate::payment::booking::from_statements(
                &mut tx,
                origin,
                name,
                request.user,
                request.now,
            )
            .await?;
            report.payments_settled = booked.settled;
            report.payments_returned = booked.returned;
            let detail = serde_json::json!({
                "file": name,
                "digest_sha256": digest,
                "format": report.format,
                "statements_new": report.statements_new,
                "entries_new": report.entries_new,
                "entries_promoted": report.entries_promoted,
                "details_new": report.details_new,
                "payments_settled": report.payments_settled,
                "payments_returned": report.payments_returned,
            });
            let record = audit::NewAuditRecord {
                actor: request.user,
                action: "statement.import",
                subject: name,
                detail,
            };
            audit::append(&mut tx, &record, request.now).await?;
            tx.commit().await?;
            info!(
                format = %report.format,
                statements_new = report.statements_new,
                entries_new = report.entries_new,
                details_new = report.details_new,
                "file imported"
            );
            // The new balances may answer a stale or missing-data exception. The import has
            // committed: a sweep that fails is logged, the file stays imported.
            let sweep = crate::freshness::Sweep::ResolveOnly;
            if let Err(error) = crate::freshness::sweep_now(ledger, request.now, sweep).await {
                warn!(%error, "the freshness exceptions could not be brought up to date");
            }
            Ok(report)
        }
        Ok(report) => {
            tx.rollback().await?;
            info!("every statement was imported before; nothing changed");
            Ok(report)
        }
        Err(error) => {
            // Dropping the transaction would roll back too; saying it keeps the intent visible.
            let _ = tx.rollback().await;
            warn!(%error, "import failed; nothing written");
            Err(error)
        }
    }
}

/// The standard format a file is in, by its first bytes, for reports about files that failed.
pub fn detect_format(source: ImportSource<'_>) -> Option<String> {
    let head = match source {
        ImportSource::Bytes(bytes) => bytes[..bytes.len().min(IDENTIFY_BYTES)].to_vec(),
        ImportSource::Path(path) => {
            let mut head = Vec::with_capacity(IDENTIFY_BYTES);
            File::open(path)
                .ok()?
                .take(IDENTIFY_BYTES as u64)
                .read_to_end(&mut head)
                .ok()?;
            head
        }
    };
    cashline_bankfile::detect(&head).map(|format| format.to_string())
}

/// Hands parser events to the async writer; a closed queue means the writer gave up.
struct QueueSink {
    sender: mpsc::Sender<StatementEvent>,
}

impl StatementSink for QueueSink {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError> {
        self.sender
            .blocking_send(event)
            .map_err(|_| ParseError::Aborted("the import stopped".into()))
    }
}

type ParserHandle = tokio::task::JoinHandle<Result<Vec<String>, ParseError>>;

fn spawn_parser(
    source: ImportSource<'_>,
    format: FileFormat,
    mappings: Vec<cashline_bankfile::csv_mapping::CsvMapping>,
    sender: mpsc::Sender<StatementEvent>,
) -> Result<ParserHandle, EngineError> {
    let mut sink = QueueSink { sender };
    Ok(match source {
        // An upload is already in memory; the copy lets the parser run on its own thread.
        ImportSource::Bytes(bytes) => {
            let bytes = bytes.to_vec();
            tokio::task::spawn_blocking(move || {
                cashline_bankfile::parse_stream(Cursor::new(bytes), &format, &mappings, &mut sink)
            })
        }
        ImportSource::Path(path) => {
            let path = path.to_path_buf();
            tokio::task::spawn_blocking(move || {
                let file = File::open(&path).map_err(|e| ParseError::Io(e.to_string()))?;
                let reader = BufReader::with_capacity(READ_BUFFER_BYTES, file);
                cashline_bankfile::parse_stream(reader, &format, &mappings, &mut sink)
            })
        }
    })
}
