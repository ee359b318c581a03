//! `cipher`: the ledger file encrypted at rest (SQLCipher), and the one way its key changes:
//! a whole new file written under the new key from a source (the ledger itself, or a backup),
//! checked against it, and put in place by a rename, so a crash leaves the old file or the
//! new one, never half of each.
//!
//! A generated key is SQLCipher's raw 256-bit key with a salt chosen here, so the keychain
//! entry can be named by that salt (the first 16 bytes of the file) and written *before* the
//! file exists: the key follows the file when it is moved, and no file is ever made whose key
//! was not kept first.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use rand::RngCore;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use sqlx::{ConnectOptions, Connection, Row};

use crate::LedgerError;

/// The first 16 bytes of every plain SQLite file; an encrypted one begins with its salt.
const PLAIN_HEADER: &[u8; 16] = b"SQLite format 3\0";
/// How long a key change waits for another process to let go of the ledger before saying
/// it is in use: the other process is a person's window or server, not a short write.
pub(crate) const IN_USE_WAIT: Duration = Duration::from_secs(2);

/// What opens a ledger file.
#[derive(Clone)]
pub enum LedgerKey {
    /// A generated 256-bit key, used as it is (no key derivation); `salt` is given only when
    /// a new file is made under it, since an existing file carries its own.
    Raw {
        key: [u8; 32],
        salt: Option<[u8; 16]>,
    },
    /// A person's passphrase (a backup to carry elsewhere): SQLCipher derives the key.
    Passphrase(String),
}

/// Never printed: a key in a log line is a key given away.
impl fmt::Debug for LedgerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LedgerKey::Raw { .. } => f.write_str("LedgerKey::Raw(…)"),
            LedgerKey::Passphrase(_) => f.write_str("LedgerKey::Passphrase(…)"),
        }
    }
}

impl LedgerKey {
    /// A new random key and salt, for a file not yet made.
    pub fn generate() -> LedgerKey {
        let mut key = [0u8; 32];
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut key);
        rand::rng().fill_bytes(&mut salt);
        LedgerKey::Raw {
            key,
            salt: Some(salt),
        }
    }

    /// A raw key as kept in the keychain (64 hex digits), for an existing file.
    pub fn from_hex(text: &str) -> Result<LedgerKey, LedgerError> {
        let bytes = hex::decode(text.trim())
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes).ok())
            .ok_or(LedgerError::KeyUnreadable)?;
        Ok(LedgerKey::Raw {
            key: bytes,
            salt: None,
        })
    }

    /// The text kept in the keychain for a raw key; a passphrase is never kept.
    pub fn to_hex(&self) -> Option<String> {
        match self {
            LedgerKey::Raw { key, .. } => Some(hex::encode(key)),
            LedgerKey::Passphrase(_) => None,
        }
    }

    /// The salt a new file made under this key will begin with.
    pub fn salt(&self) -> Option<[u8; 16]> {
        match self {
            LedgerKey::Raw { salt, .. } => *salt,
            LedgerKey::Passphrase(_) => None,
        }
    }

    /// The key as SQLCipher reads it in `PRAGMA key` and `ATTACH … KEY`: `x'…'` for a raw key
    /// (with the salt appended for a new file), the passphrase itself otherwise.
    fn text(&self) -> String {
        match self {
            LedgerKey::Raw { key, salt: None } => format!("x'{}'", hex::encode(key)),
            LedgerKey::Raw {
                key,
                salt: Some(salt),
            } => format!("x'{}{}'", hex::encode(key), hex::encode(salt)),
            LedgerKey::Passphrase(passphrase) => passphrase.clone(),
        }
    }

    /// The value of `PRAGMA key = …`, quoted as an SQL string.
    pub(crate) fn pragma(&self) -> String {
        format!("'{}'", self.text().replace('\'', "''"))
    }
}

/// What a ledger file is, read from its first bytes without opening it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// No file, or an empty one: a new ledger is made there.
    Missing,
    /// A plain SQLite file (a ledger from before encryption, or a plain backup).
    Plain,
    /// An encrypted file, with the salt it begins with.
    Encrypted { salt: [u8; 16] },
}

/// Reads the first 16 bytes of `path`.
pub fn inspect(path: &Path) -> Result<FileKind, LedgerError> {
    let shown = || path.display().to_string();
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(FileKind::Missing),
        Err(source) => {
            return Err(LedgerError::File {
                path: shown(),
                source,
            })
        }
    };
    let mut header = [0u8; 16];
    let mut read = 0;
    while read < header.len() {
        match file.read(&mut header[read..]) {
            Ok(0) => break,
            Ok(n) => read += n,
            Err(source) => {
                return Err(LedgerError::File {
                    path: shown(),
                    source,
                })
            }
        }
    }
    match read {
        0 => Ok(FileKind::Missing),
        16 if &header == PLAIN_HEADER => Ok(FileKind::Plain),
        16 => Ok(FileKind::Encrypted { salt: header }),
        _ => Err(LedgerError::NotALedger { path: shown() }),
    }
}

/// Silences SQLCipher's own log, once per process: it writes every page that would not
/// decrypt to stderr, where a command prints one sentence; the wrong key is said once, as
/// `LedgerError::WrongKey`. The level is global to the library, so one connection sets it.
pub(crate) async fn quiet_log() {
    static QUIET: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    QUIET
        .get_or_init(|| async {
            let set = async {
                let mut connection = SqliteConnectOptions::from_str("sqlite::memory:")?
                    .connect()
                    .await?;
                sqlx::query("PRAGMA cipher_log_level = NONE")
                    .execute(&mut connection)
                    .await?;
                connection.close().await
            };
            if let Err(error) = set.await {
                tracing::debug!(%error, "SQLCipher's log level could not be set");
            }
        })
        .await;
}

/// SQLCipher's primary result code for a file that does not decrypt to a database.
const SQLITE_NOTADB: i64 = 26;

/// Whether `error` says the file is not a database: the answer SQLCipher gives to a wrong key.
pub(crate) fn is_not_a_database(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .and_then(|e| e.code())
        .and_then(|code| code.parse::<i64>().ok())
        .is_some_and(|code| code & 0xff == SQLITE_NOTADB)
}

/// One connection to `path` under `key`, outside any pool, checked by a first read (SQLCipher
/// says nothing of a wrong key until then).
pub(crate) async fn connect(
    path: &Path,
    key: Option<&LedgerKey>,
    busy: Duration,
) -> Result<SqliteConnection, LedgerError> {
    connect_to(path, key, busy, false).await
}

/// As `connect`, making the file when `create` says so.
pub(crate) async fn connect_to(
    path: &Path,
    key: Option<&LedgerKey>,
    busy: Duration,
    create: bool,
) -> Result<SqliteConnection, LedgerError> {
    let mut options = SqliteConnectOptions::from_str("sqlite:")
        .map_err(LedgerError::from)?
        .filename(path)
        .create_if_missing(create)
        .busy_timeout(busy)
        .disable_statement_logging();
    if let Some(key) = key {
        quiet_log().await;
        options = options.pragma("key", key.pragma());
    }
    let opened = async {
        let mut connection = options.connect().await?;
        sqlx::query("SELECT count(*) FROM sqlite_master")
            .fetch_one(&mut connection)
            .await?;
        Ok::<_, sqlx::Error>(connection)
    };
    opened
        .await
        .map_err(|source| opening_error(path, key, source))
}

/// The words for a file that would not open: a wrong key is said as one.
pub(crate) fn opening_error(
    path: &Path,
    key: Option<&LedgerKey>,
    source: sqlx::Error,
) -> LedgerError {
    let path = path.display().to_string();
    if is_not_a_database(&source) {
        return match key {
            Some(_) => LedgerError::WrongKey { path },
            None => LedgerError::NotALedger { path },
        };
    }
    LedgerError::Open { path, source }
}

/// What a copy must agree with its source on: every table's row count, the sum of every
/// money column, and the audit chain's head.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub rows: BTreeMap<String, i64>,
    pub sums: BTreeMap<String, i64>,
    pub audit_records: i64,
    pub audit_head: Option<String>,
}

impl Fingerprint {
    /// All rows of every table, for what a command says it copied.
    pub fn total_rows(&self) -> i64 {
        self.rows.values().sum()
    }
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The fingerprint of schema `schema` (`main`, or an attached one) on `connection`.
pub(crate) async fn fingerprint(
    connection: &mut SqliteConnection,
    schema: &str,
) -> Result<Fingerprint, LedgerError> {
    let schema_q = quoted(schema);
    let tables: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT name FROM {schema_q}.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )))
    .fetch_all(&mut *connection)
    .await?;
    let mut rows = BTreeMap::new();
    let mut sums = BTreeMap::new();
    for table in tables {
        let table_q = quoted(&table);
        let count: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT count(*) FROM {schema_q}.{table_q}"
        )))
        .fetch_one(&mut *connection)
        .await?;
        rows.insert(table.clone(), count);
        let columns = sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA {schema_q}.table_info({table_q})"
        )))
        .fetch_all(&mut *connection)
        .await?;
        for column in columns {
            let name: String = column.try_get("name")?;
            if name.ends_with("amount_minor") {
                let sum: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
                    "SELECT coalesce(sum({}), 0) FROM {schema_q}.{table_q}",
                    quoted(&name)
                )))
                .fetch_one(&mut *connection)
                .await?;
                sums.insert(format!("{table}.{name}"), sum);
            }
        }
    }
    let (audit_records, audit_head) = if rows.contains_key("audit_record") {
        sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT count(*), (SELECT record_hash FROM {schema_q}.audit_record ORDER BY id DESC LIMIT 1) FROM {schema_q}.audit_record"
        )))
        .fetch_one(&mut *connection)
        .await?
    } else {
        (0, None)
    };
    Ok(Fingerprint {
        rows,
        sums,
        audit_records,
        audit_head,
    })
}

/// Whether the file at `path` (under `key`) is a Cashline ledger: it holds the migrations'
/// own table and the ledger's entries and audit log. A restore refuses any other database,
/// which migrations would otherwise turn into an empty ledger.
pub async fn is_ledger(path: &Path, key: Option<&LedgerKey>) -> Result<bool, LedgerError> {
    let mut connection = connect(path, key, IN_USE_WAIT).await?;
    let found: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table'
            AND name IN ('_sqlx_migrations', 'entry', 'audit_record', 'app_setting')",
    )
    .fetch_one(&mut connection)
    .await?;
    connection.close().await?;
    Ok(found == 4)
}

/// Where a replacement's content comes from.
pub enum Source<'a> {
    /// The ledger itself, under the key it opens with (none for a plain one): `db encrypt`,
    /// `db rekey`.
    Itself,
    /// Another file (a backup) under its own key: a restore.
    File {
        path: &'a Path,
        key: Option<&'a LedgerKey>,
    },
}

/// Replaces the ledger at `path` (opened with `key`, if it exists) by a copy of `source`
/// encrypted under `new_key`, after checking the copy against its source. The caller keeps
/// `new_key` in the keychain first. Refused while another process has the ledger open: it
/// would go on writing to the file taken away.
///
/// `check` is given the finished copy and its key before it takes the ledger's place (the
/// service verifies its audit chain there); an error from it changes nothing.
pub async fn replace<C, F>(
    path: &Path,
    key: Option<&LedgerKey>,
    source: Source<'_>,
    new_key: &LedgerKey,
    check: C,
) -> Result<Fingerprint, LedgerError>
where
    C: FnOnce(PathBuf, LedgerKey) -> F,
    F: std::future::Future<Output = Result<(), LedgerError>>,
{
    if new_key.salt().is_none() && matches!(new_key, LedgerKey::Raw { .. }) {
        return Err(LedgerError::KeyUnreadable);
    }
    let exists = inspect(path)? != FileKind::Missing;
    let mut lock = if exists {
        Some(hold_alone(path, key).await?)
    } else {
        None
    };
    let replacement = sibling(path, "replacement");
    remove_quietly(&replacement);
    let written = async {
        let mut from = match source {
            Source::Itself => None,
            Source::File { path: file, key } => Some(connect(file, key, IN_USE_WAIT).await?),
        };
        let reading = match (&mut from, &mut lock) {
            (Some(from), _) => from,
            (None, Some(lock)) => lock,
            (None, None) => {
                return Err(LedgerError::NotALedger {
                    path: path.display().to_string(),
                })
            }
        };
        let before = fingerprint(reading, "main").await?;
        export(reading, &replacement, new_key).await?;
        let mut copy = connect(&replacement, Some(&for_reading(new_key)), IN_USE_WAIT).await?;
        let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&mut copy)
            .await?;
        let after = fingerprint(&mut copy, "main").await?;
        copy.close().await?;
        if integrity != "ok" || after != before {
            return Err(LedgerError::CopyDiffers {
                what: if integrity != "ok" {
                    format!("its integrity check says {integrity}")
                } else {
                    differences(&before, &after)
                },
            });
        }
        if let Some(from) = from {
            from.close().await?;
        }
        check(replacement.clone(), new_key.clone()).await?;
        for leftover in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(suffixed(&replacement, leftover));
        }
        Ok(before)
    }
    .await;
    let fingerprint = match written {
        Ok(fingerprint) => fingerprint,
        Err(error) => {
            remove_quietly(&replacement);
            return Err(error);
        }
    };
    // The old file stays open under our lock while the new one takes its name; then its
    // first bytes are spoiled, so a process that opened it meanwhile and waits on the lock
    // finds no ledger there rather than writing to a file no one will read again.
    let old = std::fs::OpenOptions::new().write(true).open(path).ok();
    std::fs::File::open(&replacement)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&replacement, path))
        .map_err(|source| {
            remove_quietly(&replacement);
            LedgerError::File {
                path: path.display().to_string(),
                source,
            }
        })?;
    for leftover in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(suffixed(path, leftover));
    }
    if let Some(mut old) = old {
        let mut spoil = [0u8; 100];
        rand::rng().fill_bytes(&mut spoil);
        let _ = old
            .seek(SeekFrom::Start(0))
            .and_then(|_| old.write_all(&spoil));
    }
    if let Some(lock) = lock {
        // The connection closes on a file already spoiled: nothing it could write matters.
        let _ = lock.close().await;
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if let Ok(folder) = std::fs::File::open(parent) {
            let _ = folder.sync_all();
        }
    }
    Ok(fingerprint)
}

/// An existing file is opened with the key but without the salt it was made with.
pub fn for_reading(key: &LedgerKey) -> LedgerKey {
    match key {
        LedgerKey::Raw { key, .. } => LedgerKey::Raw {
            key: *key,
            salt: None,
        },
        other => other.clone(),
    }
}

/// Writes everything `connection`'s main schema holds into a new file at `to` under `key`
/// (SQLCipher's `sqlcipher_export`, which also turns a plain file into an encrypted one).
async fn export(
    connection: &mut SqliteConnection,
    to: &Path,
    key: &LedgerKey,
) -> Result<(), LedgerError> {
    let to_text = to.to_str().ok_or_else(|| LedgerError::NotALedger {
        path: to.display().to_string(),
    })?;
    // An empty file is a new database to SQLite; the source's connection may not create one.
    std::fs::File::create(to).map_err(|source| LedgerError::File {
        path: to.display().to_string(),
        source,
    })?;
    sqlx::query("ATTACH DATABASE ? AS replacement KEY ?")
        .bind(to_text)
        .bind(key.text())
        .execute(&mut *connection)
        .await?;
    let exported = async {
        sqlx::query("SELECT sqlcipher_export('replacement')")
            .execute(&mut *connection)
            .await?;
        // sqlcipher_export copies the schema and rows, not the header's version number.
        let version: i64 = sqlx::query_scalar("PRAGMA main.user_version")
            .fetch_one(&mut *connection)
            .await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "PRAGMA replacement.user_version = {version}"
        )))
        .execute(&mut *connection)
        .await?;
        Ok::<_, LedgerError>(())
    }
    .await;
    sqlx::query("DETACH DATABASE replacement")
        .execute(&mut *connection)
        .await?;
    exported
}

/// A connection that holds the ledger alone until it is closed: the journal leaves WAL (which
/// SQLite refuses while another connection has the file open) and the lock is exclusive.
async fn hold_alone(path: &Path, key: Option<&LedgerKey>) -> Result<SqliteConnection, LedgerError> {
    let mut lock = connect(path, key, IN_USE_WAIT).await?;
    let in_use = || LedgerError::InUse {
        path: path.display().to_string(),
    };
    sqlx::query("PRAGMA locking_mode = EXCLUSIVE")
        .execute(&mut lock)
        .await?;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(&mut lock)
        .await
        .map_err(|e| match LedgerError::from(e) {
            LedgerError::Busy => in_use(),
            other => other,
        })?;
    if !mode.eq_ignore_ascii_case("delete") {
        return Err(in_use());
    }
    // A write transaction takes the exclusive lock, which exclusive locking mode keeps.
    sqlx::query("BEGIN EXCLUSIVE")
        .execute(&mut lock)
        .await
        .map_err(|e| match LedgerError::from(e) {
            LedgerError::Busy => in_use(),
            other => other,
        })?;
    sqlx::query("COMMIT").execute(&mut lock).await?;
    Ok(lock)
}

fn differences(before: &Fingerprint, after: &Fingerprint) -> String {
    for (table, count) in &before.rows {
        let copied = after.rows.get(table).copied().unwrap_or_default();
        if copied != *count {
            return format!("{table} holds {copied} rows where the source holds {count}");
        }
    }
    for (column, sum) in &before.sums {
        let copied = after.sums.get(column).copied().unwrap_or_default();
        if copied != *sum {
            return format!("{column} sums to {copied} where the source sums to {sum}");
        }
    }
    "its audit chain ends elsewhere than the source's".to_string()
}

pub(crate) fn suffixed(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// A working file beside `path`, named for this process so two never share one.
pub(crate) fn sibling(path: &Path, what: &str) -> PathBuf {
    suffixed(path, &format!(".{what}-{}", std::process::id()))
}

pub(crate) fn remove_quietly(path: &Path) {
    let _ = std::fs::remove_file(path);
    for leftover in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(suffixed(path, leftover));
    }
}

/// The SQLCipher release the ledger is built with (`PRAGMA cipher_version`).
pub async fn cipher_version() -> Result<String, LedgerError> {
    let mut connection = SqliteConnectOptions::from_str("sqlite::memory:")?
        .connect()
        .await?;
    let version = sqlx::query_scalar::<_, String>("PRAGMA cipher_version")
        .fetch_optional(&mut connection)
        .await?
        .unwrap_or_default();
    connection.close().await?;
    Ok(version)
}
