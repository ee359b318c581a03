//! BAI2 physical records joined into logical ones: `/` and line ends split, `88` continues.
//!
//! A record ends at a `/` that is followed (after blanks) by the end of the line or by the
//! next record's code, or at the end of a line when the next line starts a record. That one
//! rule reads the dialects in the wild: records one per line with or without `/`, several
//! records on one line (`…/  49,-1600,11/`), text fields holding `/` (`2/AV MAIN`), and text
//! wrapped onto a line that starts with no record code at all.

use std::collections::VecDeque;
use std::io::{BufRead, Read};

use crate::ParseError;

/// Record codes that may start a physical record.
const RECORD_CODES: [&str; 8] = ["01", "02", "03", "16", "49", "88", "98", "99"];
/// Longest logical record accepted, continuations included, in bytes; real ones stay far
/// below (a 16 record with its text is a few hundred bytes).
const RECORD_BYTES_MAX: usize = 64 * 1024;
/// How much of one line is read before it is cut where a record ends, in bytes: files written
/// without line breaks (fixed-length records, one `/` after another) stream too.
const LINE_PIECE_BYTES: usize = 1024 * 1024;
/// Longest stretch of a line without a record ending in it that is read, in bytes; past it the
/// record would be refused as too long anyway.
const LINE_BYTES_MAX: usize = 64 * 1024 * 1024;
/// Least a piece of a long line holds before its cut, in bytes: more than an error shows of a
/// line's start (20 characters of up to four bytes).
const PIECE_HEAD_BYTES: usize = 128;
/// Most bytes of the reader's buffer checked as UTF-8 and copied at once (see [`Lines`]).
const BLOCK_BYTES: usize = 64 * 1024;
/// The UTF-8 byte order mark some exports start with.
const BOM: &[u8] = b"\xef\xbb\xbf";
/// Most continuation (`88`) records one logical record may have.
const CONTINUATIONS_MAX: usize = 1000;

/// A logical record: its code, where it starts, and its body with its continuations.
#[derive(Debug, Clone, Default)]
pub(crate) struct Record {
    pub code: &'static str,
    pub line: usize,
    /// The record's own body, then the body of each `88`, one after another.
    text: String,
    /// Where each piece (the record's own body, then each continuation's) ends in `text`, and
    /// the line it is on.
    segments: Vec<(usize, usize)>,
}

impl Record {
    /// Physical records this logical one was written as: itself plus each `88`.
    pub fn physical_count(&self) -> u64 {
        self.segments.len() as u64
    }

    pub fn fields(&self) -> Fields<'_> {
        Fields {
            text: &self.text,
            segments: &self.segments,
            segment: 0,
            position: Some(0),
        }
    }
}

/// A blank between records: a space or a tab.
fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn record_code_at(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    if bytes.len() < 3 || bytes[2] != b',' {
        return None;
    }
    let code = match [bytes[0], bytes[1]] {
        [b'0', b'1'] => "01",
        [b'0', b'2'] => "02",
        [b'0', b'3'] => "03",
        [b'1', b'6'] => "16",
        [b'4', b'9'] => "49",
        [b'8', b'8'] => "88",
        [b'9', b'8'] => "98",
        [b'9', b'9'] => "99",
        _ => return None,
    };
    debug_assert!(RECORD_CODES.contains(&code));
    Some(code)
}

/// Where the record body starting at `body` ends: the index of its terminating `/`, if any.
fn terminator(body: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(offset) = memchr::memchr(b'/', &body.as_bytes()[search..]) {
        let slash = search + offset;
        let after = body[slash + 1..].trim_start_matches(is_blank);
        if after.is_empty() || record_code_at(after).is_some() {
            return Some(slash);
        }
        search = slash + 1;
    }
    None
}

/// A physical record whose end has not been seen yet; its body is kept in
/// [`Splitter::open_body`].
struct Open {
    code: &'static str,
    line: usize,
}

/// Cuts lines into logical records as they come, continuations attached to the record they
/// continue. A record is complete once the next one that is not a continuation begins, or the
/// input ends; until then it stays here.
#[derive(Default)]
pub(crate) struct Splitter {
    records: VecDeque<Record>,
    /// A physical record whose end has not been seen yet (no `/`), which a following line
    /// without a record code continues.
    open: Option<Open>,
    /// The body of the open record.
    open_body: String,
    /// Records read and given back ([`Splitter::recycle`]), whose buffers the next ones reuse.
    spare: Vec<Record>,
}

/// Records kept for reuse: a few are all a stream needs at once.
const SPARE_RECORDS: usize = 4;

impl Splitter {
    /// Reads one line (without its line break; a trailing CR is dropped), or a piece of a long
    /// line that ends where a record ends (see [`Lines`]).
    pub fn line(&mut self, line_number: usize, raw_line: &str) -> Result<(), ParseError> {
        let records = &mut self.records;
        let spare = &mut self.spare;
        let open = &mut self.open;
        let open_body = &mut self.open_body;
        let line = raw_line.trim_end_matches('\r');
        let trimmed = line.trim_start_matches(is_blank);
        if crate::scan::trim(trimmed).is_empty() {
            return Ok(());
        }
        let mut rest: &str;
        if record_code_at(trimmed).is_some() {
            if let Some(done) = open.take() {
                attach(records, spare, done.code, done.line, open_body)?;
                open_body.clear();
            }
            rest = trimmed;
        } else if let Some(current) = open.as_ref() {
            // A wrapped line. Text (16 and its continuations) was wrapped between words; any
            // other record was cut at a fixed width, possibly inside a number.
            let text_record = current.code == "16"
                || (current.code == "88" && records.back().is_some_and(|r| r.code == "16"));
            if text_record {
                open_body.push(' ');
            }
            match terminator(trimmed) {
                Some(slash) => {
                    open_body.push_str(trimmed[..slash].trim_end());
                    let done = open.take().expect("checked above");
                    attach(records, spare, done.code, done.line, open_body)?;
                    open_body.clear();
                    rest = trimmed[slash + 1..].trim_start_matches(is_blank);
                }
                None => {
                    open_body.push_str(trimmed);
                    check_length(open_body, current.line)?;
                    return Ok(());
                }
            }
        } else {
            return Err(ParseError::Invalid {
                line: line_number,
                element: "record".into(),
                message: format!(
                    "'{}' does not start with a BAI2 record code (01, 02, 03, 16, 49, 88, 98, 99)",
                    preview(trimmed)
                ),
            });
        }
        while !rest.is_empty() {
            let code = record_code_at(rest).ok_or_else(|| ParseError::Invalid {
                line: line_number,
                element: "record".into(),
                message: format!("'{}' does not start with a BAI2 record code", preview(rest)),
            })?;
            let body = &rest[3..];
            match terminator(body) {
                Some(slash) => {
                    attach(records, spare, code, line_number, &body[..slash])?;
                    rest = body[slash + 1..].trim_start_matches(is_blank);
                }
                None => {
                    let body = body.trim_end_matches([' ', '\t']);
                    check_length(body, line_number)?;
                    open_body.clear();
                    open_body.push_str(body);
                    *open = Some(Open {
                        code,
                        line: line_number,
                    });
                    rest = "";
                }
            }
        }
        Ok(())
    }

    /// The end of the input ends the record still open.
    pub fn finish(&mut self) -> Result<(), ParseError> {
        if let Some(done) = self.open.take() {
            attach(
                &mut self.records,
                &mut self.spare,
                done.code,
                done.line,
                &self.open_body,
            )?;
            self.open_body.clear();
        }
        Ok(())
    }

    /// The next complete record; once the input has `ended`, every record is complete.
    pub fn next_complete(&mut self, ended: bool) -> Option<Record> {
        if self.records.len() > 1 || ended {
            self.records.pop_front()
        } else {
            None
        }
    }

    /// Takes back a record that has been read, so that a later one reuses its buffers.
    pub fn recycle(&mut self, record: Record) {
        if self.spare.len() < SPARE_RECORDS {
            self.spare.push(record);
        }
    }
}

/// Lines (or pieces of long lines) from a stream, decoded and numbered as in the file. Each
/// line is decoded on its own: as UTF-8 while the lines are UTF-8, and from the first that is
/// not, it and every later one as Latin-1.
pub(crate) struct Lines<R> {
    reader: R,
    /// Bytes read and not yet handed over: the line being read, without its line break. Used
    /// only for a line that does not lie whole in the reader's buffer; others are handed over
    /// from that buffer as they are.
    pending: Vec<u8>,
    /// Bytes of the reader's buffer handed over as the last line, consumed at the next call.
    unconsumed: usize,
    /// The last line handed over, where it had to be copied or decoded.
    decoded: String,
    /// A copy of the reader's next bytes up to a line break, checked to be UTF-8 at once
    /// rather than line by line; its lines are handed over from here, from `block_at` on.
    block: String,
    block_at: usize,
    /// The file line the pending bytes are on.
    number: usize,
    /// How much of a line is read before it is cut where a record ends ([`LINE_PIECE_BYTES`]).
    piece_bytes: usize,
    /// How many pending bytes to read before looking for a record's end again.
    reach: usize,
    /// Up to where `pending` was searched for a record's end without finding one.
    searched: usize,
    /// Whether a piece of the current line was handed over already.
    line_started: bool,
    /// Lines in the file so far, as `str::lines` counts them.
    lines_seen: usize,
    /// No byte was handed over yet (a byte order mark may start the file).
    first: bool,
    /// A line was not UTF-8: the file is read as Latin-1 from there on.
    latin1: bool,
    ended: bool,
}

/// What [`Lines::next_line`] found.
pub(crate) enum NextLine<'a> {
    /// A line, or a piece of a line cut where a record ends, and the file line it is on.
    Line(usize, &'a str),
    End,
}

fn io_error(error: std::io::Error) -> ParseError {
    ParseError::Io(error.to_string())
}

/// Bytes as Latin-1 text, into `out`.
fn latin1_into(bytes: &[u8], out: &mut String) {
    out.clear();
    out.extend(bytes.iter().map(|b| char::from(*b)));
}

impl<R: BufRead> Lines<R> {
    pub fn new(reader: R) -> Self {
        Self::with_piece_bytes(reader, LINE_PIECE_BYTES)
    }

    /// As [`Lines::new`], cutting long lines after `piece_bytes` (for tests).
    pub fn with_piece_bytes(reader: R, piece_bytes: usize) -> Self {
        let piece_bytes = piece_bytes.max(1);
        Lines {
            reader,
            pending: Vec::new(),
            unconsumed: 0,
            decoded: String::new(),
            block: String::new(),
            block_at: 0,
            number: 1,
            piece_bytes,
            reach: piece_bytes,
            searched: 0,
            line_started: false,
            lines_seen: 0,
            first: true,
            latin1: false,
            ended: false,
        }
    }

    /// The lines of the file, as `str::lines` counts them; final once [`NextLine::End`] came.
    pub fn lines_seen(&self) -> usize {
        self.lines_seen
    }

    pub fn next_line(&mut self) -> Result<NextLine<'_>, ParseError> {
        if self.unconsumed > 0 {
            self.reader.consume(std::mem::take(&mut self.unconsumed));
        }
        if self.ended {
            return Ok(NextLine::End);
        }
        if self.pending.is_empty() && !self.latin1 {
            if self.block_at == self.block.len() {
                self.refill_block()?;
            }
            if let Some(end) = memchr::memchr(b'\n', &self.block.as_bytes()[self.block_at..]) {
                // Within a piece's length, as `read_until` would read it; a longer line is read
                // as any long line is.
                if end < self.reach {
                    self.reader.consume(end + 1);
                    let start = self.block_at;
                    self.block_at += end + 1;
                    self.lines_seen += 1;
                    self.number += 1;
                    let mut text = &self.block[start..start + end];
                    if std::mem::take(&mut self.first) {
                        text = text.strip_prefix('\u{feff}').unwrap_or(text);
                    }
                    return Ok(NextLine::Line(self.number - 1, text));
                }
                self.block.clear();
                self.block_at = 0;
            }
        }
        if self.pending.is_empty() {
            // A whole line in the reader's buffer (as `read_until` would read it, within a
            // piece's length) is handed over from there, without copying.
            let found = {
                let buffer = self.reader.fill_buf().map_err(io_error)?;
                let window = &buffer[..buffer.len().min(self.reach)];
                memchr::memchr(b'\n', window)
            };
            if let Some(end) = found {
                self.unconsumed = end + 1;
                self.lines_seen += 1;
                self.number += 1;
                let number = self.number - 1;
                // The same buffer again: nothing was consumed since.
                let buffer = self.reader.fill_buf().map_err(io_error)?;
                let mut bytes = &buffer[..end];
                if std::mem::take(&mut self.first) && bytes.starts_with(BOM) {
                    bytes = &bytes[BOM.len()..];
                }
                if !self.latin1 {
                    match std::str::from_utf8(bytes) {
                        Ok(text) => return Ok(NextLine::Line(number, text)),
                        Err(_) => self.latin1 = true,
                    }
                }
                latin1_into(bytes, &mut self.decoded);
                return Ok(NextLine::Line(number, &self.decoded));
            }
        }
        loop {
            let allowance = self.reach.saturating_sub(self.pending.len()).max(1);
            let read = (&mut self.reader)
                .take(allowance as u64)
                .read_until(b'\n', &mut self.pending)
                .map_err(io_error)?;
            if self.pending.last() == Some(&b'\n') {
                self.pending.pop();
                self.lines_seen += 1;
                self.number += 1;
                return Ok(self.hand_over(self.number - 1, None));
            }
            if read == 0 {
                self.ended = true;
                let bom_only = self.first && self.pending == BOM;
                if self.line_started || !(self.pending.is_empty() || bom_only) {
                    self.lines_seen += 1;
                }
                return Ok(self.hand_over(self.number, None));
            }
            if self.pending.len() < self.reach {
                continue;
            }
            // A long line: hand over what ends where a record ends, keep the rest.
            match self.record_end() {
                Some(cut) => return Ok(self.hand_over(self.number, Some(cut))),
                None if self.pending.len() > LINE_BYTES_MAX => {
                    return Err(ParseError::Invalid {
                        line: self.number,
                        element: "record".into(),
                        message: format!(
                            "the line runs for more than {} MiB without a record ending in it",
                            LINE_BYTES_MAX / (1024 * 1024)
                        ),
                    });
                }
                None => self.reach = self.pending.len() + self.piece_bytes,
            }
        }
    }

    /// Copies the whole lines at the start of the reader's buffer (up to [`BLOCK_BYTES`]) that
    /// are UTF-8 into the block; none where the first line is not whole there.
    fn refill_block(&mut self) -> Result<(), ParseError> {
        self.block.clear();
        self.block_at = 0;
        let buffer = self.reader.fill_buf().map_err(io_error)?;
        let window = &buffer[..buffer.len().min(BLOCK_BYTES)];
        let valid = match std::str::from_utf8(window) {
            Ok(text) => text,
            Err(error) => {
                std::str::from_utf8(&window[..error.valid_up_to()]).expect("valid up to there")
            }
        };
        if let Some(last) = valid.rfind('\n') {
            self.block.push_str(&valid[..=last]);
        }
        Ok(())
    }

    /// Where in the pending bytes a record starts right after a `/` and blanks. The reader
    /// cuts a long line there, which changes nothing: that `/` ends a record either way, and
    /// the piece before it is long enough to show in an error just as the whole line would.
    fn record_end(&mut self) -> Option<usize> {
        let bytes = &self.pending;
        let blanks = bytes
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count();
        let from = self
            .searched
            .saturating_sub(3)
            .max(blanks + PIECE_HEAD_BYTES);
        let to = bytes.len().saturating_sub(3);
        self.searched = to;
        (from..=to).rev().find(|&at| {
            let code = &bytes[at..];
            let starts_record =
                code[2] == b',' && RECORD_CODES.iter().any(|c| code.starts_with(c.as_bytes()));
            starts_record
                && bytes[..at]
                    .iter()
                    .rev()
                    .find(|b| !matches!(b, b' ' | b'\t'))
                    == Some(&b'/')
        })
    }

    /// Decodes the pending bytes (those before `cut`, else all) as the next line.
    fn hand_over(&mut self, number: usize, cut: Option<usize>) -> NextLine<'_> {
        let end = cut.unwrap_or(self.pending.len());
        self.line_started = cut.is_some();
        self.searched = 0;
        self.reach = self.piece_bytes;
        let mut bytes = &self.pending[..end];
        if std::mem::take(&mut self.first) && bytes.starts_with(BOM) {
            bytes = &bytes[BOM.len()..];
        }
        self.decoded.clear();
        match std::str::from_utf8(bytes) {
            Ok(text) if !self.latin1 => self.decoded.push_str(text),
            Ok(_) => latin1_into(bytes, &mut self.decoded),
            Err(_) => {
                self.latin1 = true;
                latin1_into(bytes, &mut self.decoded);
            }
        }
        self.pending.drain(..end);
        NextLine::Line(number, &self.decoded)
    }
}

fn check_length(body: &str, line: usize) -> Result<(), ParseError> {
    if body.len() > RECORD_BYTES_MAX {
        return Err(ParseError::Invalid {
            line,
            element: "record".into(),
            message: format!("the record is longer than {RECORD_BYTES_MAX} bytes"),
        });
    }
    Ok(())
}

/// Adds a finished physical record: a new logical record, or a continuation of the last one.
fn attach(
    records: &mut VecDeque<Record>,
    spare: &mut Vec<Record>,
    code: &'static str,
    line: usize,
    body: &str,
) -> Result<(), ParseError> {
    check_length(body, line)?;
    if code != "88" {
        let mut record = spare.pop().unwrap_or_default();
        record.code = code;
        record.line = line;
        record.text.clear();
        record.text.push_str(body);
        record.segments.clear();
        record.segments.push((body.len(), line));
        records.push_back(record);
        return Ok(());
    }
    let Some(last) = records.back_mut() else {
        return Err(ParseError::Invalid {
            line,
            element: "record 88".into(),
            message: "a continuation record with no record before it to continue".into(),
        });
    };
    let length = last.text.len();
    if last.segments.len() > CONTINUATIONS_MAX || length + body.len() > RECORD_BYTES_MAX {
        return Err(ParseError::Invalid {
            line,
            element: "record 88".into(),
            message: format!(
                "the record starting on line {} has too many continuations",
                last.line
            ),
        });
    }
    last.text.push_str(body);
    last.segments.push((last.text.len(), line));
    Ok(())
}

fn preview(text: &str) -> String {
    text.chars().take(20).collect()
}

/// One comma-separated field and the line it is on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field<'a> {
    pub text: &'a str,
    pub line: usize,
}

impl<'a> Field<'a> {
    pub fn trimmed(&self) -> &'a str {
        crate::scan::trim(self.text)
    }
}

/// Reads a logical record's fields in order. A continuation always starts a new field.
pub(crate) struct Fields<'a> {
    text: &'a str,
    /// Where each segment ends in `text`, and its line.
    segments: &'a [(usize, usize)],
    segment: usize,
    /// Where the next field starts in `text`; `None` once the current segment's last field is
    /// read.
    position: Option<usize>,
}

impl<'a> Fields<'a> {
    pub fn next_field(&mut self) -> Option<Field<'a>> {
        loop {
            let (end, line) = *self.segments.get(self.segment)?;
            let Some(start) = self.position else {
                self.segment += 1;
                self.position = Some(end);
                continue;
            };
            let rest = &self.text[start..end];
            return Some(match memchr::memchr(b',', rest.as_bytes()) {
                Some(comma) => {
                    self.position = Some(start + comma + 1);
                    Field {
                        text: &rest[..comma],
                        line,
                    }
                }
                None => {
                    self.position = None;
                    Field { text: rest, line }
                }
            });
        }
    }

    /// Whether no field is left in the current segment (the next one, if any, starts a
    /// continuation record).
    pub fn at_segment_end(&self) -> bool {
        self.position.is_none()
    }

    /// Whether every field has been read.
    pub fn is_done(&self) -> bool {
        self.segment >= self.segments.len()
            || (self.segment + 1 == self.segments.len() && self.position.is_none())
    }

    /// The text field: the rest of this segment, commas and all, then every continuation,
    /// joined by single spaces.
    pub fn rest_as_text(&mut self) -> String {
        // The text left, and a space between each two pieces at most.
        let segment_end = self
            .segments
            .get(self.segment)
            .map_or(self.text.len(), |(end, _)| *end);
        let remaining = self.text.len() - self.position.unwrap_or(segment_end)
            + self.segments.len().saturating_sub(self.segment + 1);
        let mut out = String::new();
        let mut add = |piece: &str| {
            let piece = crate::scan::trim(piece);
            if !piece.is_empty() {
                if out.is_empty() {
                    out.reserve(remaining);
                } else {
                    out.push(' ');
                }
                out.push_str(piece);
            }
        };
        if let (Some((end, _)), Some(start)) = (self.segments.get(self.segment), self.position) {
            add(&self.text[start..*end]);
        }
        let mut start = self
            .segments
            .get(self.segment)
            .map_or(self.text.len(), |(end, _)| *end);
        for (end, _) in self.segments.iter().skip(self.segment + 1) {
            add(&self.text[start..*end]);
            start = *end;
        }
        self.segment = self.segments.len();
        self.position = None;
        out
    }
}
