//! Cashline's ledger: one SQLite file, its migrations, and the queries the engines use.
//!
//! Each module holds the SQL for one table, next to the small functions that use it. Writes
//! take a transaction (`&mut Tx`), so an import is all-or-nothing; reads take the pool.
//! Money is stored as integer minor units beside its currency (see ARCHITECTURE.md).

pub mod account;
pub mod audit;
pub mod balance;
pub mod bank;
pub mod csv_mapping;
pub mod entity;
pub mod entry;
pub mod error;
pub mod exception;
pub mod fx_rate;
pub mod open_item;
pub mod payment;
mod prepared;
pub mod setting;
pub mod source_file;
pub mod statement;
pub mod time;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{Sqlite, SqlitePool, Transaction};

pub use error::LedgerError;

pub type Tx<'c> = Transaction<'c, Sqlite>;

/// Readers run beside the one writer thanks to WAL; two cores gain nothing from more.
const POOL_CONNECTIONS_MAX: u32 = 4;
/// How long a writer waits for another before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Page cache per connection, in KiB.
pub const PAGE_CACHE_KIB: i64 = 65_536;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The open ledger: a connection pool over one SQLite file, migrated to the latest schema.
#[derive(Clone, Debug)]
pub struct Ledger {
    pool: SqlitePool,
}

impl Ledger {
    /// Opens (creating if needed) the ledger file and applies pending migrations.
    pub async fn open(path: &Path) -> Result<Ledger, LedgerError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| LedgerError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::from_str("sqlite:")
            .map_err(LedgerError::from)?
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // SQLite's default 2 MiB cache pages the entry indexes in and out once a ledger
            // holds a million entries; 64 MiB (allocated only as used) keeps them resident.
            .pragma("cache_size", format!("-{PAGE_CACHE_KIB}"));
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_CONNECTIONS_MAX)
            .connect_with(options)
            .await
            .map_err(|source| LedgerError::Open {
                path: path.display().to_string(),
                source,
            })?;
        MIGRATOR.run(&pool).await?;
        Ok(Ledger { pool })
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    pub async fn begin(&self) -> Result<Tx<'static>, LedgerError> {
        // BEGIN IMMEDIATE would be ideal for writers; sqlx's deferred BEGIN upgrades on the
        // first write and the busy timeout covers the rare contention of a desktop app.
        Ok(self.pool.begin().await?)
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
