//! The SWIFT text layer: bytes to lines, lines to messages made of tagged fields.

use crate::ParseError;

/// Longest field accepted, in characters. `:86:` is at most 6 × 65 by the standard; banks that
/// ignore the standard stay far below this, and the bound keeps one field from eating memory.
pub(super) const FIELD_CHARS_MAX: usize = 16 * 1024;

/// Tags of MT940 and MT942. A line in `:86:` that starts like some other tag (`:26:37` from a
/// wrapped time of day) is text, not a new field.
const KNOWN_TAGS: &[&str] = &[
    "13", "13D", "20", "21", "25", "25P", "28", "28C", "34F", "60", "60F", "60M", "61", "62",
    "62F", "62M", "64", "65", "86", "90C", "90D", "NS",
];

#[derive(Debug, Clone)]
pub(super) struct Field {
    pub tag: String,
    /// The field's lines, the first without its tag.
    pub lines: Vec<String>,
    /// The file line the field starts on.
    pub line: usize,
    chars: usize,
}

impl Field {
    /// The first line without surrounding blanks: the whole value of a one-line field.
    pub fn first(&self) -> &str {
        self.lines.first().map_or("", |l| l.trim())
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct Message {
    pub fields: Vec<Field>,
    /// The file line the message starts on (its header or first field).
    pub line: usize,
    /// The last file line that belongs to the message.
    pub line_end: usize,
    /// `940`, `942`, … from the application header `{2:I940…}`, where there is one.
    pub message_type: Option<String>,
    /// Whether the text came inside a `{4:` block, which must be closed by `-}`.
    pub in_block: bool,
    /// Whether the message ended with its terminator `-}` rather than being cut off by the next
    /// message or the end of the file.
    pub closed: bool,
}

impl Message {
    fn has(&self, tag: &str) -> bool {
        self.fields.iter().any(|f| f.tag == tag)
    }
}

/// Bytes to text. Banks send MT940 in UTF-8 or in a Windows code page (German umlauts in
/// Latin-1 or CP1252); both are read. Control characters other than line breaks and the SWIFT
/// frame characters (SOH, ETX) become spaces, so no later step sees them.
pub(super) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text: String = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|b| windows_1252(*b)).collect(),
    };
    text.chars()
        .map(|c| match c {
            '\n' | '\r' | '\u{1}' | '\u{3}' => c,
            c if c.is_control() => ' ',
            c => c,
        })
        .collect()
}

/// CP1252, which is Latin-1 except for printable characters in 0x80–0x9F.
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', ' ', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', ' ', 'Ž', ' ', ' ', '‘',
        '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', ' ', 'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

/// The logical lines of a text with their 1-based file line numbers. Besides CR, LF and CRLF,
/// some banks separate lines with `@@` (German HBCI downloads) and frame messages with SOH/ETX;
/// those split lines too but do not count as file lines.
pub(super) fn lines(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut number = 1;
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut index = 0;
    while index <= bytes.len() {
        let at_end = index == bytes.len();
        let byte = if at_end { b'\n' } else { bytes[index] };
        let is_break = byte == b'\n' || byte == b'\r';
        if is_break {
            split_soft(&text[start..index], number, &mut out);
            if !at_end && byte == b'\r' && bytes.get(index + 1) == Some(&b'\n') {
                index += 1;
            }
            number += 1;
            start = index + 1;
        }
        index += 1;
    }
    out
}

fn split_soft<'a>(physical: &'a str, number: usize, out: &mut Vec<(usize, &'a str)>) {
    for part in physical.split(['\u{1}', '\u{3}']) {
        for piece in part.split("@@") {
            out.push((number, piece));
        }
    }
}

/// The tag at the start of a line (`61` for `:61:…`), if the line starts a field.
pub(super) fn tag_of(line: &str) -> Option<&str> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let bytes = tag.as_bytes();
    let numbered = (bytes.len() == 2 || bytes.len() == 3)
        && bytes[0].is_ascii_digit()
        && bytes[1].is_ascii_digit()
        && bytes.get(2).is_none_or(|b| b.is_ascii_uppercase());
    (numbered || tag == "NS").then_some(tag)
}

/// Message type from an application header block `{2:I940…}` or `{2:O940…}`.
fn message_type_of(header: &str) -> Option<String> {
    let start = header.find("{2:")? + 3;
    let kind: String = header[start..]
        .chars()
        .skip(1)
        .take_while(char::is_ascii_digit)
        .collect();
    (kind.len() == 3).then_some(kind)
}

fn is_header(text: &str) -> bool {
    text.starts_with("{1:") || text.starts_with("{2:") || text.starts_with("{4:")
}

/// Cuts a text into messages of fields. Fails only where a field exceeds [`FIELD_CHARS_MAX`];
/// whether the messages make sense is for the caller to judge.
pub(super) fn split_messages(text: &str) -> Result<Vec<Message>, ParseError> {
    let mut splitter = Splitter::default();
    for (number, line) in lines(text) {
        splitter.line(number, line)?;
    }
    splitter.finish();
    Ok(splitter.messages)
}

#[derive(Default)]
struct Splitter {
    messages: Vec<Message>,
    current: Option<Message>,
}

impl Splitter {
    fn line(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        // A line can hold the end of one message and the header of the next; each step consumes
        // part of the line and hands back the rest, so this ends.
        let mut pending = Some(line);
        while let Some(text) = pending.take() {
            pending = self.step(number, text)?;
        }
        Ok(())
    }

    fn step<'a>(&mut self, number: usize, line: &'a str) -> Result<Option<&'a str>, ParseError> {
        let trimmed = line.trim();
        if is_header(trimmed) {
            return Ok(self.header(number, trimmed));
        }
        // Only `-}` ends a message for certain: a lone `-` also turns up inside `:86:` where a
        // bank wrapped its text (ING, Rabobank), and the next `:20:` starts a message anyway.
        // Some banks put the block's closing brace on a line of its own after the `-`.
        let block_closes =
            trimmed.starts_with('}') && self.current.as_ref().is_some_and(|m| m.in_block);
        if trimmed.starts_with("-}") || block_closes {
            if let Some(mut message) = self.current.take() {
                message.closed = true;
                message.line_end = number;
                self.messages.push(message);
            }
            // A trailer block may follow on the same line, and after it the next header.
            return Ok(trimmed.find("{1:").map(|start| &trimmed[start..]));
        }
        let open_tag = self
            .current
            .as_ref()
            .and_then(|m| m.fields.last())
            .map(|f| f.tag.as_str());
        // Blanks (or a DOS end-of-file mark, made a blank by `decode`) can precede a tag.
        let candidate = line.trim_start();
        match tag_of(candidate) {
            Some(tag)
                if KNOWN_TAGS.contains(&tag)
                    || !matches!(open_tag, Some("86") | Some("NS") | Some("61")) =>
            {
                let tag = tag.to_string();
                let content = &candidate[tag.len() + 2..];
                self.field(number, tag, content)?;
                Ok(None)
            }
            _ => self.continuation(number, line).map(|()| None),
        }
    }

    /// Opens a message at an application header; returns any text after `{4:` on the line.
    fn header<'a>(&mut self, number: usize, text: &'a str) -> Option<&'a str> {
        // A new header ends the message before it, closed or not.
        if let Some(message) = self.current.take() {
            self.messages.push(message);
        }
        let message_type = message_type_of(text);
        self.current = Some(Message {
            line: number,
            line_end: number,
            message_type,
            in_block: true,
            ..Message::default()
        });
        let rest = &text[text.find("{4:")? + 3..];
        (!rest.trim().is_empty()).then_some(rest)
    }

    fn field(&mut self, number: usize, tag: String, content: &str) -> Result<(), ParseError> {
        if content.len() > FIELD_CHARS_MAX {
            return Err(too_long(number, &tag));
        }
        let starts_message = match &self.current {
            None => true,
            // A second :20: starts the next message of a file without terminators.
            Some(message) => tag == "20" && message.has("20"),
        };
        if starts_message {
            if let Some(message) = self.current.take() {
                self.messages.push(message);
            }
            self.current = Some(Message {
                line: number,
                line_end: number,
                ..Message::default()
            });
        }
        let message = self.current.as_mut().expect("a message was opened above");
        message.line_end = number;
        message.fields.push(Field {
            tag,
            lines: vec![content.to_string()],
            line: number,
            chars: content.len(),
        });
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        // Text outside any field (a bank's file header, a note before the first message) carries
        // nothing a statement needs.
        let Some(field) = self.current.as_mut().and_then(|m| m.fields.last_mut()) else {
            return Ok(());
        };
        if line.trim().is_empty() {
            return Ok(());
        }
        field.chars += line.len() + 1;
        if field.chars > FIELD_CHARS_MAX {
            return Err(too_long(number, &field.tag));
        }
        field.lines.push(line.to_string());
        if let Some(message) = self.current.as_mut() {
            message.line_end = number;
        }
        Ok(())
    }

    fn finish(&mut self) {
        if let Some(message) = self.current.take() {
            self.messages.push(message);
        }
        // A block with no fields at all (an empty `{4:` … `-}`) carries no statement.
        self.messages.retain(|m| !m.fields.is_empty());
    }
}

fn too_long(line: usize, tag: &str) -> ParseError {
    ParseError::Invalid {
        line,
        element: format!(":{tag}:"),
        message: format!("the field is longer than {FIELD_CHARS_MAX} characters"),
    }
}

/// The tags at line starts within the first bytes of a file, and the message types of any
/// application headers there: enough to say whether the file is an MT940 or MT942.
pub(super) fn tags_in(text: &str) -> (Vec<String>, Vec<String>) {
    let mut tags = Vec::new();
    let mut types = Vec::new();
    for (_, line) in lines(text) {
        let mut line = line.trim_start();
        if is_header(line) {
            if let Some(kind) = message_type_of(line) {
                types.push(kind);
            }
            match line.find("{4:") {
                Some(start) => line = &line[start + 3..],
                None => continue,
            }
        }
        if let Some(tag) = tag_of(line) {
            if !tags.iter().any(|t| t == tag) {
                tags.push(tag.to_string());
            }
        }
    }
    (tags, types)
}
