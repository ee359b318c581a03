//! Statements as a stream of events, so that a file of any size is read with bounded memory:
//! a parser hands over each statement's header, then its entries in batches, then its end,
//! and the importer writes them as they come.

use std::io::{BufRead, Read};

use crate::{ParseError, ParsedBalance, ParsedEntry, ParsedFile, ParsedStatement};

/// Entries handed over at once; the importer writes them as one multi-row insert.
pub const ENTRY_BATCH_ROWS: usize = 500;

#[derive(Debug, Clone)]
pub enum StatementEvent {
    /// A statement begins. `entries` is empty; `balances` holds those given before the
    /// entries (all of them in camt).
    Begin(Box<ParsedStatement>),
    /// The next entries of the current statement, in file order.
    Entries(Vec<ParsedEntry>),
    /// The current statement ends; `balances` are those given after its entries (MT940's
    /// closing balances).
    End { balances: Vec<ParsedBalance> },
}

/// Where a parser sends its events. An error stops the parser (the importer gave up).
pub trait StatementSink {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError>;
}

/// Collects a stream back into whole statements, for callers that want them in memory.
#[derive(Default)]
pub struct Collect {
    pub statements: Vec<ParsedStatement>,
}

impl StatementSink for Collect {
    fn event(&mut self, event: StatementEvent) -> Result<(), ParseError> {
        match event {
            StatementEvent::Begin(statement) => self.statements.push(*statement),
            StatementEvent::Entries(entries) => {
                if let Some(statement) = self.statements.last_mut() {
                    // The first batch is kept as it is, not copied.
                    if statement.entries.is_empty() {
                        statement.entries = entries;
                    } else {
                        statement.entries.extend(entries);
                    }
                }
            }
            StatementEvent::End { balances } => {
                if let Some(statement) = self.statements.last_mut() {
                    statement.balances.extend(balances);
                }
            }
        }
        Ok(())
    }
}

/// Replays a parsed file as events, for the formats read whole.
pub fn replay(file: ParsedFile, sink: &mut dyn StatementSink) -> Result<Vec<String>, ParseError> {
    for mut statement in file.statements {
        let entries = std::mem::take(&mut statement.entries);
        sink.event(StatementEvent::Begin(Box::new(statement)))?;
        let mut entries = entries.into_iter().peekable();
        while entries.peek().is_some() {
            let batch: Vec<ParsedEntry> = entries.by_ref().take(ENTRY_BATCH_ROWS).collect();
            sink.event(StatementEvent::Entries(batch))?;
        }
        sink.event(StatementEvent::End {
            balances: Vec::new(),
        })?;
    }
    Ok(file.warnings)
}

/// A reader that counts the lines it has handed over, so a streaming parser can name the line
/// of an error without keeping the file.
pub struct LineCounter<R> {
    inner: R,
    newlines: usize,
}

impl<R: BufRead> LineCounter<R> {
    pub fn new(inner: R) -> Self {
        LineCounter { inner, newlines: 0 }
    }

    /// The line the next unread byte is on, counting from 1.
    pub fn line(&self) -> usize {
        self.newlines + 1
    }
}

impl<R: BufRead> Read for LineCounter<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(out)?;
        self.newlines += out[..read].iter().filter(|b| **b == b'\n').count();
        Ok(read)
    }
}

impl<R: BufRead> BufRead for LineCounter<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        // The buffer is already filled, so this reads nothing: it shows what is consumed.
        if let Ok(buffer) = self.inner.fill_buf() {
            let end = amount.min(buffer.len());
            self.newlines += buffer[..end].iter().filter(|b| **b == b'\n').count();
        }
        self.inner.consume(amount);
    }
}
