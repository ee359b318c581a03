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
    #[error("ledger query failed: {0}")]
    Query(#[from] sqlx::Error),
    #[error("ledger statement failed ({sql}): {message}")]
    Statement { sql: String, message: String },
    #[error("the ledger holds a value it cannot read back: {0}")]
    Corrupt(String),
}
