//! `prepared`: one SQL statement prepared once and stepped for many rows on the transaction's own
//! SQLite handle, for the ledger's bulk writes.
//!
//! sqlx costs 3-5 µs per row on a bulk insert: every bound string is cloned into boxed
//! arguments and shipped to its worker thread, which makes three busy threads on two cores
//! (BENCHMARKS.md, import). Here the handle is borrowed from sqlx for the length of one batch
//! (`lock_handle`), text is bound without a copy, and the statement stays inside the same
//! transaction, so a failed import still rolls back as one.
//!
//! The only `unsafe` of the ledger lives here, behind a safe interface: a [`Prepared`] borrows
//! the locked handle, so it cannot outlive it, and every row is bound, stepped, reset and
//! unbound in one call, so no bound pointer outlives the values of that row.

use std::ffi::{c_int, CStr};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;

use crate::LedgerError;

/// A value for one `?N` parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Int(i64),
    Text(Option<&'a str>),
}

/// A statement prepared on a locked handle; finalized when dropped.
pub(crate) struct Prepared<'h> {
    db: NonNull<ffi::sqlite3>,
    statement: NonNull<ffi::sqlite3_stmt>,
    sql: &'static str,
    _handle: std::marker::PhantomData<&'h mut LockedSqliteHandle<'h>>,
}

impl<'h> Prepared<'h> {
    pub(crate) fn new(
        handle: &'h mut LockedSqliteHandle<'_>,
        sql: &'static str,
    ) -> Result<Prepared<'h>, LedgerError> {
        let db = handle.as_raw_handle();
        let mut statement = ptr::null_mut();
        let length = c_int::try_from(sql.len()).expect("the ledger's SQL is short");
        // SAFETY: `db` is the open connection sqlx lent us, locked against its worker for 'h;
        // `sql` is valid for `length` bytes.
        let code = unsafe {
            ffi::sqlite3_prepare_v2(
                db.as_ptr(),
                sql.as_ptr().cast(),
                length,
                &mut statement,
                ptr::null_mut(),
            )
        };
        if code != ffi::SQLITE_OK {
            return Err(error(db, sql));
        }
        let statement = NonNull::new(statement).ok_or_else(|| LedgerError::Write {
            sql: first_line(sql),
            message: "the statement is empty".to_string(),
        })?;
        Ok(Prepared {
            db,
            statement,
            sql,
            _handle: std::marker::PhantomData,
        })
    }

    /// Binds `values` to `?1`, `?2`, …, runs the statement to completion and returns the rows
    /// it changed.
    pub(crate) fn execute(&mut self, values: &[Value<'_>]) -> Result<u64, LedgerError> {
        let outcome = self.bind_and_step(values);
        // SAFETY: the statement is ours and not running; clearing the bindings drops every
        // pointer into `values` before they can go out of scope.
        unsafe {
            ffi::sqlite3_reset(self.statement.as_ptr());
            ffi::sqlite3_clear_bindings(self.statement.as_ptr());
        }
        outcome
    }

    fn bind_and_step(&mut self, values: &[Value<'_>]) -> Result<u64, LedgerError> {
        let statement = self.statement.as_ptr();
        for (index, value) in values.iter().enumerate() {
            let parameter = c_int::try_from(index + 1).expect("few parameters");
            // SAFETY: `statement` is a valid prepared statement. Text is bound with
            // SQLITE_STATIC: SQLite reads it in place until `execute` clears the bindings,
            // and `values` outlives that call.
            let code = unsafe {
                match *value {
                    Value::Int(number) => ffi::sqlite3_bind_int64(statement, parameter, number),
                    Value::Text(None) => ffi::sqlite3_bind_null(statement, parameter),
                    Value::Text(Some(text)) => ffi::sqlite3_bind_text(
                        statement,
                        parameter,
                        text.as_ptr().cast(),
                        c_int::try_from(text.len()).map_err(|_| LedgerError::Write {
                            sql: first_line(self.sql),
                            message: format!("parameter {parameter} is longer than 2 GB"),
                        })?,
                        ffi::SQLITE_STATIC(),
                    ),
                }
            };
            if code != ffi::SQLITE_OK {
                return Err(error(self.db, self.sql));
            }
        }
        // SAFETY: as above; the statement has every parameter bound.
        match unsafe { ffi::sqlite3_step(statement) } {
            ffi::SQLITE_DONE | ffi::SQLITE_ROW => {
                // SAFETY: `db` is the connection the statement belongs to.
                let changed = unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) };
                Ok(u64::try_from(changed).unwrap_or(0))
            }
            _ => Err(error(self.db, self.sql)),
        }
    }
}

impl Drop for Prepared<'_> {
    fn drop(&mut self) {
        // SAFETY: finalized exactly once, while the handle is still locked ('h).
        unsafe {
            ffi::sqlite3_finalize(self.statement.as_ptr());
        }
    }
}

/// The connection's last error as a ledger error.
fn error(db: NonNull<ffi::sqlite3>, sql: &str) -> LedgerError {
    // SAFETY: `db` is open; `sqlite3_errmsg` returns a NUL-terminated string owned by SQLite,
    // copied out at once.
    let message = unsafe { CStr::from_ptr(ffi::sqlite3_errmsg(db.as_ptr())) }
        .to_string_lossy()
        .into_owned();
    LedgerError::Write {
        sql: first_line(sql),
        message,
    }
}

fn first_line(sql: &str) -> String {
    sql.lines().next().unwrap_or_default().trim().to_string()
}
