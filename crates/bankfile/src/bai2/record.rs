//! BAI2 physical records joined into logical ones: `/` and line ends split, `88` continues.
//!
//! A record ends at a `/` that is followed (after blanks) by the end of the line or by the
//! next record's code, or at the end of a line when the next line starts a record. That one
//! rule reads the dialects in the wild: records one per line with or without `/`, several
//! records on one line (`…/  49,-1600,11/`), text fields holding `/` (`2/AV MAIN`), and text
//! wrapped onto a line that starts with no record code at all.

use crate::ParseError;

/// Record codes that may start a physical record.
const RECORD_CODES: [&str; 8] = ["01", "02", "03", "16", "49", "88", "98", "99"];
/// Longest logical record accepted, continuations included, in bytes; real ones stay far
/// below (a 16 record with its text is a few hundred bytes).
const RECORD_BYTES_MAX: usize = 64 * 1024;
/// Most continuation (`88`) records one logical record may have.
const CONTINUATIONS_MAX: usize = 1000;

/// One piece of a logical record: the record's own body, or the body of one `88`.
#[derive(Debug, Clone)]
pub(crate) struct Segment {
    pub text: String,
    pub line: usize,
}

/// A logical record: its code, where it starts, and its body with its continuations.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub code: &'static str,
    pub line: usize,
    pub segments: Vec<Segment>,
}

impl Record {
    /// Physical records this logical one was written as: itself plus each `88`.
    pub fn physical_count(&self) -> u64 {
        self.segments.len() as u64
    }

    pub fn fields(&self) -> Fields<'_> {
        Fields {
            segments: &self.segments,
            segment: 0,
            position: Some(0),
        }
    }
}

fn record_code_at(text: &str) -> Option<&'static str> {
    let bytes = text.as_bytes();
    if bytes.len() < 3 || bytes[2] != b',' {
        return None;
    }
    RECORD_CODES
        .iter()
        .copied()
        .find(|code| text.starts_with(code))
}

/// Where the record body starting at `body` ends: the index of its terminating `/`, if any.
fn terminator(body: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(offset) = body[search..].find('/') {
        let slash = search + offset;
        let after = body[slash + 1..].trim_start_matches([' ', '\t']);
        if after.is_empty() || record_code_at(after).is_some() {
            return Some(slash);
        }
        search = slash + 1;
    }
    None
}

struct Open {
    code: &'static str,
    line: usize,
    body: String,
}

/// Splits a whole file into logical records, continuations attached to the record they
/// continue.
pub(crate) fn split(text: &str) -> Result<Vec<Record>, ParseError> {
    let mut records: Vec<Record> = Vec::new();
    // A physical record whose end has not been seen yet (no `/`), which a following line
    // without a record code continues.
    let mut open: Option<Open> = None;
    for (index, raw_line) in text.split('\n').enumerate() {
        let line_number = index + 1;
        let line = raw_line.trim_end_matches('\r');
        let trimmed = line.trim_start_matches([' ', '\t']);
        if trimmed.trim().is_empty() {
            continue;
        }
        let mut rest: &str;
        if record_code_at(trimmed).is_some() {
            if let Some(done) = open.take() {
                attach(&mut records, done)?;
            }
            rest = trimmed;
        } else if let Some(current) = open.as_mut() {
            // A wrapped line. Text (16 and its continuations) was wrapped between words; any
            // other record was cut at a fixed width, possibly inside a number.
            let text_record = current.code == "16"
                || (current.code == "88" && records.last().is_some_and(|r| r.code == "16"));
            if text_record {
                current.body.push(' ');
            }
            match terminator(trimmed) {
                Some(slash) => {
                    current.body.push_str(trimmed[..slash].trim_end());
                    let done = open.take().expect("checked above");
                    attach(&mut records, done)?;
                    rest = trimmed[slash + 1..].trim_start_matches([' ', '\t']);
                }
                None => {
                    current.body.push_str(trimmed);
                    check_length(&current.body, current.line)?;
                    continue;
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
                    attach(
                        &mut records,
                        Open {
                            code,
                            line: line_number,
                            body: body[..slash].to_string(),
                        },
                    )?;
                    rest = body[slash + 1..].trim_start_matches([' ', '\t']);
                }
                None => {
                    let body = body.trim_end_matches([' ', '\t']).to_string();
                    check_length(&body, line_number)?;
                    open = Some(Open {
                        code,
                        line: line_number,
                        body,
                    });
                    rest = "";
                }
            }
        }
    }
    if let Some(done) = open.take() {
        attach(&mut records, done)?;
    }
    Ok(records)
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
fn attach(records: &mut Vec<Record>, physical: Open) -> Result<(), ParseError> {
    check_length(&physical.body, physical.line)?;
    if physical.code != "88" {
        records.push(Record {
            code: physical.code,
            line: physical.line,
            segments: vec![Segment {
                text: physical.body,
                line: physical.line,
            }],
        });
        return Ok(());
    }
    let Some(last) = records.last_mut() else {
        return Err(ParseError::Invalid {
            line: physical.line,
            element: "record 88".into(),
            message: "a continuation record with no record before it to continue".into(),
        });
    };
    let length: usize = last.segments.iter().map(|s| s.text.len()).sum();
    if last.segments.len() > CONTINUATIONS_MAX || length + physical.body.len() > RECORD_BYTES_MAX {
        return Err(ParseError::Invalid {
            line: physical.line,
            element: "record 88".into(),
            message: format!(
                "the record starting on line {} has too many continuations",
                last.line
            ),
        });
    }
    last.segments.push(Segment {
        text: physical.body,
        line: physical.line,
    });
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

impl Field<'_> {
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

/// Reads a logical record's fields in order. A continuation always starts a new field.
pub(crate) struct Fields<'a> {
    segments: &'a [Segment],
    segment: usize,
    /// Where the next field starts in the current segment; `None` once its last field is read.
    position: Option<usize>,
}

impl<'a> Fields<'a> {
    pub fn next_field(&mut self) -> Option<Field<'a>> {
        loop {
            let segment = self.segments.get(self.segment)?;
            let Some(start) = self.position else {
                self.segment += 1;
                self.position = Some(0);
                continue;
            };
            let rest = &segment.text[start..];
            return Some(match rest.find(',') {
                Some(comma) => {
                    self.position = Some(start + comma + 1);
                    Field {
                        text: &rest[..comma],
                        line: segment.line,
                    }
                }
                None => {
                    self.position = None;
                    Field {
                        text: rest,
                        line: segment.line,
                    }
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
        let mut pieces: Vec<&str> = Vec::new();
        if let (Some(segment), Some(start)) = (self.segments.get(self.segment), self.position) {
            pieces.push(segment.text[start..].trim());
        }
        for segment in self.segments.iter().skip(self.segment + 1) {
            pieces.push(segment.text.trim());
        }
        self.segment = self.segments.len();
        self.position = None;
        pieces
            .into_iter()
            .filter(|piece| !piece.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
