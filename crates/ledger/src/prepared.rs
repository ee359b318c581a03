//! `prepared`: one SQL statement prepared and stepped on sqlx's own SQLite handle, for the
//! ledger's bulk writes and its hottest reads.
//!
//! sqlx costs microseconds per row: on a bulk insert every bound string is cloned into boxed
//! arguments and shipped to its worker thread (3-5 µs a row, three busy threads on two cores);
//! on a read every row comes back through a channel, about 8 µs for a row of 13 columns where
//! SQLite itself needs 0.7 (BENCHMARKS.md). Here the handle is borrowed from sqlx
//! (`lock_handle`) for the length of one call, text is bound without a copy, and a write stays
//! inside its transaction, so a failed import still rolls back as one. Everything else in the
//! ledger goes through sqlx.
//!
//! The ledger's `unsafe` lives here and in `backup` (SQLite's backup API), behind a safe interface: a [`Prepared`] borrows
//! the locked handle, so it cannot outlive it; every call binds, steps, resets and unbinds, so
//! no bound pointer outlives the values of that call; and a [`Row`] lends its columns only
//! while the statement rests on that row.

use std::ffi::{c_int, CStr};
use std::ptr::{self, NonNull};

use libsqlite3_sys as ffi;
use sqlx::sqlite::LockedSqliteHandle;

use crate::LedgerError;

/// A value for one `?N` parameter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Value<'a> {
    Int(i64),
    OptionalInt(Option<i64>),
    Text(Option<&'a str>),
}

/// A statement prepared on a locked handle; finalized when dropped.
pub(crate) struct Prepared<'h> {
    db: NonNull<ffi::sqlite3>,
    statement: NonNull<ffi::sqlite3_stmt>,
    sql: &'static str,
    _handle: std::marker::PhantomData<&'h mut ()>,
}

impl<'h> Prepared<'h> {
    pub(crate) fn new(
        handle: &'h mut LockedSqliteHandle<'_>,
        sql: &'static str,
    ) -> Result<Prepared<'h>, LedgerError> {
        Self::prepare(handle.as_raw_handle(), sql)
    }

    /// Another statement on the same locked handle, for a write that steps two statements in
    /// turn (entries and their details).
    pub(crate) fn beside(&self, sql: &'static str) -> Result<Prepared<'h>, LedgerError> {
        Self::prepare(self.db, sql)
    }

    fn prepare(db: NonNull<ffi::sqlite3>, sql: &'static str) -> Result<Prepared<'h>, LedgerError> {
        let mut statement = ptr::null_mut();
        let length = c_int::try_from(sql.len()).expect("the ledger's SQL is short");
        // SAFETY: `db` is the open connection sqlx lent us, locked against its worker for 'h
        // (by `new`'s borrow, or by the statement `beside` was called on, which has it too);
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
        let statement = NonNull::new(statement).ok_or_else(|| LedgerError::Statement {
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
        let outcome = self.bind(values).and_then(|()| {
            self.step()?;
            // SAFETY: `db` is the connection the statement belongs to.
            let changed = unsafe { ffi::sqlite3_changes64(self.db.as_ptr()) };
            Ok(u64::try_from(changed).unwrap_or(0))
        });
        self.rest();
        outcome
    }

    /// The rowid of the row the last successful `INSERT` on this connection added; read it
    /// right after an `execute` that changed one row.
    pub(crate) fn last_insert_id(&self) -> i64 {
        // SAFETY: `db` is open and locked for 'h; the call only reads the connection's state.
        unsafe { ffi::sqlite3_last_insert_rowid(self.db.as_ptr()) }
    }

    /// Binds `values` and maps every row the statement returns.
    pub(crate) fn query<T>(
        &mut self,
        values: &[Value<'_>],
        mut map: impl FnMut(&Row<'_>) -> Result<T, LedgerError>,
    ) -> Result<Vec<T>, LedgerError> {
        let outcome = self.bind(values).and_then(|()| {
            let mut rows = Vec::new();
            while self.step()? {
                rows.push(map(&Row {
                    statement: self.statement,
                    sql: self.sql,
                    _on_row: std::marker::PhantomData,
                })?);
            }
            Ok(rows)
        });
        self.rest();
        outcome
    }

    /// Back to the start, with no value bound.
    fn rest(&mut self) {
        // SAFETY: the statement is ours and not running; clearing the bindings drops every
        // pointer into the caller's values before they can go out of scope.
        unsafe {
            ffi::sqlite3_reset(self.statement.as_ptr());
            ffi::sqlite3_clear_bindings(self.statement.as_ptr());
        }
    }

    /// One step: true when it rests on a row, false when done.
    fn step(&mut self) -> Result<bool, LedgerError> {
        // SAFETY: a valid statement with every parameter bound.
        match unsafe { ffi::sqlite3_step(self.statement.as_ptr()) } {
            ffi::SQLITE_ROW => Ok(true),
            ffi::SQLITE_DONE => Ok(false),
            _ => Err(error(self.db, self.sql)),
        }
    }

    fn bind(&mut self, values: &[Value<'_>]) -> Result<(), LedgerError> {
        let statement = self.statement.as_ptr();
        for (index, value) in values.iter().enumerate() {
            let parameter = c_int::try_from(index + 1).expect("few parameters");
            // SAFETY: `statement` is a valid prepared statement. Text is bound with
            // SQLITE_STATIC: SQLite reads it in place until `execute` clears the bindings,
            // and `values` outlives that call.
            let code = unsafe {
                match *value {
                    Value::Int(number) | Value::OptionalInt(Some(number)) => {
                        ffi::sqlite3_bind_int64(statement, parameter, number)
                    }
                    Value::OptionalInt(None) => ffi::sqlite3_bind_null(statement, parameter),
                    Value::Text(None) => ffi::sqlite3_bind_null(statement, parameter),
                    Value::Text(Some(text)) => ffi::sqlite3_bind_text(
                        statement,
                        parameter,
                        text.as_ptr().cast(),
                        c_int::try_from(text.len()).map_err(|_| LedgerError::Statement {
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
        Ok(())
    }
}

/// The row a query rests on; its columns are read by index, in the order of the SELECT.
pub(crate) struct Row<'s> {
    statement: NonNull<ffi::sqlite3_stmt>,
    sql: &'static str,
    _on_row: std::marker::PhantomData<&'s ()>,
}

impl Row<'_> {
    /// The column's index and SQLite type; a column the statement does not have is an error
    /// (SQLite leaves reading one undefined).
    fn column_type(&self, column: usize) -> Result<(c_int, c_int), LedgerError> {
        let statement = self.statement.as_ptr();
        // SAFETY: the statement rests on a row (`Row` exists only inside `query`'s loop).
        let count = unsafe { ffi::sqlite3_column_count(statement) };
        let index = c_int::try_from(column)
            .ok()
            .filter(|index| *index < count)
            .ok_or_else(|| {
                LedgerError::Corrupt(format!("'{}' has no column {column}", first_line(self.sql)))
            })?;
        // SAFETY: as above, and the index is within the row.
        Ok((index, unsafe { ffi::sqlite3_column_type(statement, index) }))
    }

    fn mismatch(&self, column: usize, wanted: &str) -> LedgerError {
        LedgerError::Corrupt(format!(
            "column {column} of '{}' is not {wanted}",
            first_line(self.sql)
        ))
    }

    pub(crate) fn optional_int(&self, column: usize) -> Result<Option<i64>, LedgerError> {
        match self.column_type(column)? {
            (_, ffi::SQLITE_NULL) => Ok(None),
            // SAFETY: as in `column_type`; the column holds an integer.
            (index, ffi::SQLITE_INTEGER) => Ok(Some(unsafe {
                ffi::sqlite3_column_int64(self.statement.as_ptr(), index)
            })),
            _ => Err(self.mismatch(column, "an integer")),
        }
    }

    pub(crate) fn int(&self, column: usize) -> Result<i64, LedgerError> {
        self.optional_int(column)?
            .ok_or_else(|| self.mismatch(column, "an integer"))
    }

    pub(crate) fn optional_text(&self, column: usize) -> Result<Option<String>, LedgerError> {
        match self.column_type(column)? {
            (_, ffi::SQLITE_NULL) => Ok(None),
            (index, ffi::SQLITE_TEXT) => {
                let statement = self.statement.as_ptr();
                // SAFETY: as in `column_type`; text first, then its length in bytes, as SQLite
                // asks; the bytes stay valid until the next step, and are copied out at once.
                let bytes = unsafe {
                    let text = ffi::sqlite3_column_text(statement, index);
                    let length = ffi::sqlite3_column_bytes(statement, index);
                    if text.is_null() {
                        &[][..]
                    } else {
                        std::slice::from_raw_parts(text, usize::try_from(length).unwrap_or(0))
                    }
                };
                String::from_utf8(bytes.to_vec())
                    .map(Some)
                    .map_err(|_| self.mismatch(column, "UTF-8 text"))
            }
            _ => Err(self.mismatch(column, "text")),
        }
    }

    pub(crate) fn text(&self, column: usize) -> Result<String, LedgerError> {
        self.optional_text(column)?
            .ok_or_else(|| self.mismatch(column, "text"))
    }
}

/// Borrows the connection's SQLite handle from its sqlx worker thread. The round trip first
/// is not for show: sqlx hands the handle over by releasing the worker's lock and taking it
/// back (`Command::UnlockDb`), and a second `lock_handle` that starts before the worker has
/// taken it back can leave both waiting for each other for ever (seen as a hang of one in
/// a few runs of 1,000 payment lookups in a row). The worker answers the ping only once it
/// holds its lock again, so each borrow starts from the state sqlx expects.
pub(crate) async fn lock(
    connection: &mut sqlx::SqliteConnection,
) -> Result<LockedSqliteHandle<'_>, LedgerError> {
    use sqlx::Connection;
    connection.ping().await?;
    Ok(connection.lock_handle().await?)
}

/// Runs one read on a connection of the pool, mapping each row.
pub(crate) async fn fetch_all<T>(
    pool: &sqlx::SqlitePool,
    sql: &'static str,
    values: &[Value<'_>],
    map: impl FnMut(&Row<'_>) -> Result<T, LedgerError>,
) -> Result<Vec<T>, LedgerError> {
    let mut connection = pool.acquire().await?;
    let mut handle = lock(&mut connection).await?;
    let mut statement = Prepared::new(&mut handle, sql)?;
    statement.query(values, map)
}

/// Runs one read on a connection the caller holds (a writer's transaction, so the read sees
/// what it is about to change).
pub(crate) async fn fetch_all_on<T>(
    connection: &mut sqlx::SqliteConnection,
    sql: &'static str,
    values: &[Value<'_>],
    map: impl FnMut(&Row<'_>) -> Result<T, LedgerError>,
) -> Result<Vec<T>, LedgerError> {
    let mut handle = lock(connection).await?;
    let mut statement = Prepared::new(&mut handle, sql)?;
    statement.query(values, map)
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
    LedgerError::Statement {
        sql: first_line(sql),
        message,
    }
}

fn first_line(sql: &str) -> String {
    sql.lines().next().unwrap_or_default().trim().to_string()
}
