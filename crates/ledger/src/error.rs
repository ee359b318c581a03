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
