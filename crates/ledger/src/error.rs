//! The one error type of the ledger crate.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum LedgerError {
    #[error("cannot create the folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the ledger {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("the ledger's schema could not be migrated: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Another program held the ledger's write lock for longer than the busy timeout.
    #[error(
        "the ledger is busy: another program (an import, `cashline serve`, the desktop app) has \
         been writing to it for more than {} s; nothing was changed, try again",
        crate::BUSY_TIMEOUT.as_secs()
    )]
    Busy,
    #[error("ledger query failed: {0}")]
    Query(sqlx::Error),
    #[error("ledger statement failed ({sql}): {message}")]
    Statement { sql: String, message: String },
    #[error("the ledger holds a value it cannot read back: {0}")]
    Corrupt(String),
    #[error("{path}: {source}")]
    File {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} is not a Cashline ledger (it is not a database, or it is encrypted and was opened without a key)")]
    NotALedger { path: String },
    #[error("the key does not open {path}: it was made under another key, or it is not a Cashline ledger")]
    WrongKey { path: String },
    #[error("the ledger's key is not readable (not 64 hexadecimal digits)")]
    KeyUnreadable,
    #[error(
        "{path} is open in another program (`cashline serve`, the desktop app, another \
         command): close it and try again; nothing was changed"
    )]
    InUse { path: String },
    #[error("the copy did not match the ledger, so nothing was changed: {what}")]
    CopyDiffers { what: String },
    #[error("the backup to {path} failed: {why}")]
    Backup { path: String, why: String },
}

/// SQLite's primary result code for a lock held by another connection (extended codes keep it
/// in their low byte: `SQLITE_BUSY_SNAPSHOT`, `SQLITE_BUSY_TIMEOUT`, …).
const SQLITE_BUSY: i64 = 5;

impl From<sqlx::Error> for LedgerError {
    fn from(error: sqlx::Error) -> LedgerError {
        let busy = error
            .as_database_error()
            .and_then(|e| e.code())
            .and_then(|code| code.parse::<i64>().ok())
            .is_some_and(|code| code & 0xff == SQLITE_BUSY);
        if busy {
            LedgerError::Busy
        } else {
            LedgerError::Query(error)
        }
    }
}
