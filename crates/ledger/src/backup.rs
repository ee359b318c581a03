//! `backup`: a consistent copy of the open ledger taken while others go on using it, through
//! SQLite's online backup API on sqlx's own handles, written beside its destination and
//! renamed into place once whole.

use std::ffi::CStr;
use std::path::Path;

use libsqlite3_sys as ffi;
use sqlx::Connection;

use crate::cipher::{self, Fingerprint, LedgerKey};
use crate::{Ledger, LedgerError};

/// Copies the ledger to a new file at `to`, encrypted under `key` (none: a plain copy, only
/// of a plain ledger). `to` appears only once the copy is complete and checked.
pub async fn backup(
    ledger: &Ledger,
    to: &Path,
    key: Option<&LedgerKey>,
) -> Result<Fingerprint, LedgerError> {
    let partial = cipher::sibling(to, "partial");
    cipher::remove_quietly(&partial);
    let copied = copy(ledger, &partial, to, key).await;
    let fingerprint = match copied {
        Ok(fingerprint) => fingerprint,
        Err(error) => {
            cipher::remove_quietly(&partial);
            return Err(error);
        }
    };
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .and_then(|()| std::fs::rename(&partial, to))
        .map_err(|source| {
            cipher::remove_quietly(&partial);
            LedgerError::File {
                path: to.display().to_string(),
                source,
            }
        })?;
    Ok(fingerprint)
}

async fn copy(
    ledger: &Ledger,
    partial: &Path,
    to: &Path,
    key: Option<&LedgerKey>,
) -> Result<Fingerprint, LedgerError> {
    let mut destination = cipher::connect_to(partial, key, cipher::IN_USE_WAIT, true).await?;
    let mut source = ledger.acquire().await?;
    {
        let mut from = source.lock_handle().await?;
        let mut into = destination.lock_handle().await?;
        let from = from.as_raw_handle();
        let into = into.as_raw_handle();
        // SAFETY: both handles are open connections sqlx lent us, locked against their workers
        // until the guards above drop, which is after the backup is finished; the names are
        // NUL-terminated literals. `sqlite3_backup_finish` is called on every path once
        // `init` returned a backup, and nothing else touches either connection meanwhile.
        let failure = unsafe {
            let backup = ffi::sqlite3_backup_init(
                into.as_ptr(),
                c"main".as_ptr(),
                from.as_ptr(),
                c"main".as_ptr(),
            );
            if backup.is_null() {
                Some(message(into.as_ptr()))
            } else {
                // -1: every page in one step, under one read of the source, so the copy is of
                // one moment however others write meanwhile (WAL lets them).
                let step = ffi::sqlite3_backup_step(backup, -1);
                let finish = ffi::sqlite3_backup_finish(backup);
                if step != ffi::SQLITE_DONE || finish != ffi::SQLITE_OK {
                    Some(message(into.as_ptr()))
                } else {
                    None
                }
            }
        };
        if let Some(why) = failure {
            return Err(LedgerError::Backup {
                path: to.display().to_string(),
                why,
            });
        }
    }
    drop(source);
    let check: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut destination)
        .await?;
    if check != "ok" {
        return Err(LedgerError::Backup {
            path: to.display().to_string(),
            why: format!("the copy's integrity check says {check}"),
        });
    }
    let fingerprint = cipher::fingerprint(&mut destination, "main").await?;
    destination.close().await?;
    Ok(fingerprint)
}

/// SQLite's last error message on `db`.
///
/// # Safety
/// `db` is an open connection no other thread is using.
unsafe fn message(db: *mut ffi::sqlite3) -> String {
    // SAFETY: the caller's promise; sqlite3_errmsg returns a NUL-terminated string owned by
    // the connection, copied here before anything else runs on it.
    unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db)) }
        .to_string_lossy()
        .into_owned()
}
