//! Cashline's ledger: one SQLite file, its migrations, and the queries the engines use.
//!
//! Each module holds the SQL for one table, next to the small functions that use it. Writes
//! take a transaction (`&mut Tx`, from `Ledger::begin`, which begins as a writer), so an import
//! is all-or-nothing; reads take the pool and never write.
//! Money is stored as integer minor units beside its currency (see ARCHITECTURE.md).

pub mod account;
pub mod audit;
pub mod backup;
pub mod balance;
pub mod bank;
pub mod cipher;
pub mod connection;
pub mod csv_mapping;
pub mod cutoff;
pub mod entity;
pub mod entry;
pub mod erp;
pub mod error;
pub mod exception;
pub mod fx_rate;
pub mod initiation;
pub mod open_item;
pub mod payment;
pub mod payment_export;
mod prepared;
pub mod recon;
pub mod setting;
pub mod source_file;
pub mod statement;
pub mod sync;
pub mod time;
pub mod user;

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Sqlite, SqlitePool, Transaction};
use tokio::sync::{Mutex, OwnedMutexGuard};

pub use cipher::LedgerKey;
pub use error::LedgerError;
/// A connection a read runs on: a pooled one, or a writer's transaction (`&mut *tx`).
pub use sqlx::SqliteConnection as Connection;

/// One connection for this process's writer and four for readers, which WAL lets run beside
/// it. Writers wait for each other in `Ledger::begin` without holding a connection, so a
/// queue of writers never leaves the readers without one; two cores gain nothing from more.
const POOL_CONNECTIONS_MAX: u32 = 5;
/// How long a writer waits for a writer of another process (another `cashline import`,
/// `serve`, the desktop app) before giving up with `LedgerError::Busy`. Imports of ordinary
/// files hold the ledger for well under a second; this covers a large file beside them.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Page cache per connection, in KiB.
pub const PAGE_CACHE_KIB: i64 = 65_536;

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations");

/// The migrations that run outside sqlx's transaction (`-- no-transaction`, to rebuild a table
/// with foreign keys off), each with a table its own transaction creates. sqlx records such a
/// migration only after it has committed: a process killed between the two leaves its work
/// done but unrecorded, and the next open would run it again and fail on what it already
/// made. The table says the work is done, so the record is completed instead.
const NO_TRANSACTION_MARKERS: [(i64, &str); 2] = [(9, "bank_consent"), (11, "erp_record")];

/// Records the no-transaction migrations whose work committed but whose record was lost.
async fn finish_interrupted_migrations(pool: &SqlitePool) -> Result<(), LedgerError> {
    let (bookkept,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
    )
    .fetch_one(pool)
    .await?;
    if bookkept == 0 {
        return Ok(());
    }
    for migration in MIGRATOR.iter().filter(|m| m.no_tx) {
        let Some((_, marker)) = NO_TRANSACTION_MARKERS
            .iter()
            .find(|(version, _)| *version == migration.version)
        else {
            return Err(LedgerError::Corrupt(format!(
                "migration {} runs outside a transaction and names no table that shows it done",
                migration.version
            )));
        };
        let (recorded, done): (i64, i64) = sqlx::query_as(
            "SELECT (SELECT count(*) FROM _sqlx_migrations WHERE version = ?1),
                    (SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?2)",
        )
        .bind(migration.version)
        .bind(*marker)
        .fetch_one(pool)
        .await?;
        if recorded == 0 && done == 1 {
            tracing::warn!(
                version = migration.version,
                "a migration's work was done but not recorded (the process ended between the two): recording it"
            );
            sqlx::query(
                "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
                 VALUES (?1, ?2, TRUE, ?3, -1)",
            )
            .bind(migration.version)
            .bind(&*migration.description)
            .bind(&*migration.checksum)
            .execute(pool)
            .await?;
        }
    }
    Ok(())
}

/// The open ledger: a connection pool over one SQLite file, migrated to the latest schema.
#[derive(Clone, Debug)]
pub struct Ledger {
    pool: SqlitePool,
    /// Held by this process's one writer from `begin` to commit or rollback; others queue here
    /// in order instead of in SQLite's busy handler, each holding a pooled connection.
    writer: Arc<Mutex<()>>,
}

/// A write transaction: the ledger's write lock is taken when it begins (`BEGIN IMMEDIATE`)
/// and held until `commit` or `rollback` (or drop, which rolls back). Derefs to the connection,
/// so queries run on `&mut **tx`.
#[derive(Debug)]
pub struct Tx<'c> {
    inner: Transaction<'c, Sqlite>,
    /// Dropped after `inner` (fields drop in order): the next writer of this process starts
    /// only once this transaction has ended.
    _writer: OwnedMutexGuard<()>,
}

impl Tx<'_> {
    pub async fn commit(self) -> Result<(), LedgerError> {
        Ok(self.inner.commit().await?)
    }

    pub async fn rollback(self) -> Result<(), LedgerError> {
        Ok(self.inner.rollback().await?)
    }
}

impl Deref for Tx<'_> {
    type Target = SqliteConnection;
    fn deref(&self) -> &SqliteConnection {
        &self.inner
    }
}

impl DerefMut for Tx<'_> {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        &mut self.inner
    }
}

/// Begins a write transaction on `pool` holding the write lock from the start. A deferred
/// `BEGIN` that reads and then writes meets another process's write with `SQLITE_BUSY`, which
/// the busy timeout does not retry (the read snapshot is stale); `BEGIN IMMEDIATE` waits for
/// the lock up to `BUSY_TIMEOUT` before it reads anything.
async fn begin_immediate(pool: &SqlitePool) -> Result<Transaction<'static, Sqlite>, LedgerError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

impl Ledger {
    /// Opens (creating if needed) a plain ledger file and applies pending migrations: tests
    /// and benchmarks, and ledgers from before encryption. Cashline's fronts open theirs
    /// through the service, which finds the key.
    pub async fn open(path: &Path) -> Result<Ledger, LedgerError> {
        Ledger::open_with(path, None).await
    }

    /// Opens (creating if needed) the ledger file under `key` (SQLCipher; none for a plain
    /// file) and applies pending migrations. A wrong key is `LedgerError::WrongKey`.
    pub async fn open_with(path: &Path, key: Option<&LedgerKey>) -> Result<Ledger, LedgerError> {
        if key.is_some() {
            cipher::quiet_log().await;
        }
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|source| LedgerError::Folder {
                path: parent.display().to_string(),
                source,
            })?;
        }
        let mut options = SqliteConnectOptions::from_str("sqlite:")
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
        if let Some(key) = key {
            // sqlx sends `key` before every other pragma, as SQLCipher needs. It would also
            // log that statement, key and all, at debug (and as a slow statement while a
            // passphrase is stretched): an encrypted ledger's statements are never logged.
            options = options
                .pragma("key", key.pragma())
                .disable_statement_logging();
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(POOL_CONNECTIONS_MAX)
            .connect_with(options)
            .await
            .map_err(|source| cipher::opening_error(path, key, source))?;
        finish_interrupted_migrations(&pool).await?;
        MIGRATOR.run(&pool).await?;
        Ok(Ledger {
            pool,
            writer: Arc::new(Mutex::new(())),
        })
    }

    /// A reader's connection from the pool, for reads that take a `Connection`.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Sqlite>, LedgerError> {
        Ok(self.pool.acquire().await?)
    }

    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Begins a write transaction: waits for this process's other writers, then for the
    /// ledger's write lock (other processes), up to `BUSY_TIMEOUT`. Keep it short: every other
    /// writer waits for it.
    pub async fn begin(&self) -> Result<Tx<'static>, LedgerError> {
        let writer = self.writer.clone().lock_owned().await;
        let inner = begin_immediate(&self.pool).await?;
        Ok(Tx {
            inner,
            _writer: writer,
        })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
