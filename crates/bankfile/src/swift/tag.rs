//! The SWIFT text layer: bytes to lines, lines to messages made of tagged fields.

use std::io::BufRead;

use crate::ParseError;

/// Longest field accepted, in characters. `:86:` is at most 6 × 65 by the standard; banks that
/// ignore the standard stay far below this, and the bound keeps one field from eating memory.
pub(super) const FIELD_CHARS_MAX: usize = 16 * 1024;

/// Whether a tag is one of MT940 and MT942. A line in `:86:` that starts like some other tag
/// (`:26:37` from a wrapped time of day) is text, not a new field.
fn is_known_tag(tag: &str) -> bool {
    known_tag(tag).is_some()
}

/// The tag as a `&'static str`, if it is one of MT940 and MT942.
fn known_tag(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "13" => "13",
        "13D" => "13D",
        "20" => "20",
        "21" => "21",
        "25" => "25",
        "25P" => "25P",
        "28" => "28",
        "28C" => "28C",
        "34F" => "34F",
        "60" => "60",
        "60F" => "60F",
        "60M" => "60M",
        "61" => "61",
        "62" => "62",
        "62F" => "62F",
        "62M" => "62M",
        "64" => "64",
        "65" => "65",
        "86" => "86",
        "90C" => "90C",
        "90D" => "90D",
        "NS" => "NS",
        _ => return None,
    })
}

/// One field of a message: its tag and its lines, the first without its tag.
#[derive(Debug, Clone, Copy)]
pub(super) struct Field<'m> {
    pub tag: &'m str,
    /// The field's lines, each ended by the next one's `\n`.
    text: &'m str,
    /// The file line the field starts on.
    pub line: usize,
}

impl<'m> Field<'m> {
    /// The first line without surrounding blanks: the whole value of a one-line field.
    pub fn first(&self) -> &'m str {
        let first = match memchr::memchr(b'\n', self.text.as_bytes()) {
            Some(end) => &self.text[..end],
            None => self.text,
        };
        crate::scan::trim(first)
    }

    /// The field's lines joined by line breaks (`\n`); no line holds one.
    pub fn text(&self) -> &'m str {
        self.text
    }

    /// The field's lines, one after another, as one text.
    pub fn concat(&self) -> String {
        self.text.split('\n').collect()
    }
}

/// A field as a message keeps it: where its lines are in the message's text.
#[derive(Debug, Clone)]
struct Stored {
    tag: StoredTag,
    /// Where the field's lines start in the message's text; they end where the next field's
    /// start, or with the text.
    start: usize,
    line: usize,
    chars: usize,
}

/// A field's tag: one of MT940's, or another of two or three ASCII characters.
#[derive(Debug, Clone, Copy)]
enum StoredTag {
    Known(&'static str),
    Other([u8; 3], u8),
}

impl Stored {
    fn tag(&self) -> &str {
        match &self.tag {
            StoredTag::Known(tag) => tag,
            StoredTag::Other(bytes, length) => {
                std::str::from_utf8(&bytes[..usize::from(*length)]).unwrap_or_default()
            }
        }
    }
}

/// What a field took in memory when each kept its own tag and lines, in bytes: the bookkeeping
/// the message size limit counts for a field and for each further line, kept as it was so that
/// the limit refuses the same messages.
const FIELD_BYTES: usize = 2 * std::mem::size_of::<String>() + 2 * std::mem::size_of::<usize>();
const LINE_BYTES: usize = std::mem::size_of::<String>();

#[derive(Debug, Clone, Default)]
pub(super) struct Message {
    /// The lines of every field, one field after another, lines ended by `\n`.
    text: String,
    stored: Vec<Stored>,
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
    /// The first line of text inside the `{4:` block before any field: a field cut off before
    /// its tag was complete, if the file ends there.
    pub text_before_fields: Option<usize>,
    /// What the message holds in memory, in bytes: its text and each field's and line's
    /// bookkeeping. Compared with the limit of a streamed message.
    pub bytes: usize,
}

impl Message {
    fn has(&self, tag: &str) -> bool {
        self.stored.iter().any(|f| f.tag() == tag)
    }

    pub fn has_fields(&self) -> bool {
        !self.stored.is_empty()
    }

    /// The tags of the fields, in order.
    pub fn tags(&self) -> impl Iterator<Item = &str> {
        self.stored.iter().map(Stored::tag)
    }

    /// The fields, in order.
    pub fn fields(&self) -> Vec<Field<'_>> {
        let mut fields = Vec::with_capacity(self.stored.len());
        for (index, stored) in self.stored.iter().enumerate() {
            let end = self
                .stored
                .get(index + 1)
                .map_or(self.text.len(), |next| next.start);
            fields.push(Field {
                tag: stored.tag(),
                text: self.text[stored.start..end]
                    .strip_suffix('\n')
                    .unwrap_or_default(),
                line: stored.line,
            });
        }
        fields
    }
}

/// Bytes to text. Banks send MT940 in UTF-8 or in a Windows code page (German umlauts in
/// Latin-1 or CP1252); both are read. Control characters other than line breaks and the SWIFT
/// frame characters (SOH, ETX) become spaces, so no later step sees them.
pub(super) fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => blank_controls(text.chars()),
        Err(_) => blank_controls(bytes.iter().map(|b| windows_1252(*b))),
    }
}

/// The UTF-8 byte order mark some exports start with.
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn blank_controls(chars: impl Iterator<Item = char>) -> String {
    chars.map(blank_control).collect()
}

fn blank_control(c: char) -> char {
    match c {
        '\n' | '\r' | '\u{1}' | '\u{3}' => c,
        c if c.is_control() => ' ',
        c => c,
    }
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
    // A tag has two or three characters, so its closing colon is one of the first four bytes.
    let head = &rest.as_bytes()[..rest.len().min(4)];
    let end = head.iter().position(|b| *b == b':')?;
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

/// What [`LineReader::next_line`] found.
pub(super) enum NextLine<'a> {
    /// A logical line and the file line it is on.
    Line(usize, &'a str),
    /// A logical line grew past the reader's limit before it ended; the file line it is on.
    TooLong(usize),
    /// The end of the input.
    End,
}

/// Reads logical lines from a stream exactly as [`lines`] cuts a decoded text, holding one line
/// at a time. Each line is decoded on its own: as UTF-8 while the lines are UTF-8, and from the
/// first that is not, it and every later one as CP1252 (a whole-file decode would read the
/// lines before it in CP1252 too, which differs only for non-ASCII UTF-8 text in a file that is
/// not UTF-8).
pub(super) struct LineReader<R> {
    reader: R,
    cut: Cut,
    /// Longest logical line handed over, in bytes.
    limit: usize,
    /// No line was handed over yet (a byte order mark may start the first).
    first: bool,
    /// A line was not UTF-8: the file is in a Windows code page.
    single_byte: bool,
    ended: bool,
    /// The last line handed over, where it had to be decoded.
    text: String,
    /// The line being read (`cut.piece`) was handed over: it is cleared before reading on.
    handed: bool,
}

/// Where the reader is in cutting bytes into lines.
struct Cut {
    /// The file line the next byte is on.
    number: usize,
    /// The bytes of the logical line being read.
    piece: Vec<u8>,
    /// The last byte was a CR, so an LF right after it ends no further line.
    after_cr: bool,
    /// The last byte was an `@` that may be the first of an `@@` separator.
    after_at: bool,
    /// The line being read holds a byte that may be (part of) a control character.
    controls: bool,
}

impl Cut {
    /// Takes bytes from `buffer` into the line being read up to the end of that line; returns
    /// how many bytes it used and, where the line ended, the file line it is on.
    fn scan(&mut self, buffer: &[u8]) -> (usize, Option<usize>) {
        let mut used = 0;
        while used < buffer.len() {
            if std::mem::take(&mut self.after_cr) && buffer[used] == b'\n' {
                used += 1;
                continue;
            }
            let rest = &buffer[used..];
            let Some(offset) = crate::scan::find_line_special(rest) else {
                self.flush_at();
                self.piece.extend_from_slice(rest);
                return (buffer.len(), None);
            };
            if offset > 0 {
                self.flush_at();
                self.piece.extend_from_slice(&rest[..offset]);
            }
            used += offset + 1;
            match rest[offset] {
                byte @ (b'\n' | b'\r') => {
                    self.flush_at();
                    self.after_cr = byte == b'\r';
                    self.number += 1;
                    return (used, Some(self.number - 1));
                }
                b'@' if self.after_at => {
                    self.after_at = false;
                    return (used, Some(self.number));
                }
                b'@' => self.after_at = true,
                // SOH and ETX frame a message: they end a line but not a file line.
                1 | 3 => {
                    self.flush_at();
                    return (used, Some(self.number));
                }
                // Another control character, DEL, or a byte past ASCII: text. Decoding blanks
                // control characters, which past ASCII only 0xC2 can start (the C1 controls).
                byte => {
                    self.flush_at();
                    self.controls |= byte < 0x80 || byte == 0xC2;
                    self.piece.push(byte);
                }
            }
        }
        (used, None)
    }

    /// A lone `@` was text after all.
    fn flush_at(&mut self) {
        if std::mem::take(&mut self.after_at) {
            self.piece.push(b'@');
        }
    }
}

impl<R: BufRead> LineReader<R> {
    pub fn new(reader: R, limit: usize) -> Self {
        LineReader {
            reader,
            cut: Cut {
                number: 1,
                piece: Vec::new(),
                after_cr: false,
                after_at: false,
                controls: false,
            },
            limit,
            first: true,
            single_byte: false,
            ended: false,
            text: String::new(),
            handed: false,
        }
    }

    pub fn next_line(&mut self) -> Result<NextLine<'_>, ParseError> {
        if self.ended {
            return Ok(NextLine::End);
        }
        if std::mem::take(&mut self.handed) {
            self.cut.piece.clear();
        }
        loop {
            let buffer = self
                .reader
                .fill_buf()
                .map_err(|e| ParseError::Io(e.to_string()))?;
            if buffer.is_empty() {
                // The end of the text ends its last line, empty or not, as in [`lines`].
                self.ended = true;
                self.cut.flush_at();
                return Ok(self.hand_over(self.cut.number));
            }
            let (used, found) = self.cut.scan(buffer);
            self.reader.consume(used);
            if self.cut.piece.len() > self.limit {
                return Ok(NextLine::TooLong(found.unwrap_or(self.cut.number)));
            }
            if let Some(number) = found {
                return Ok(self.hand_over(number));
            }
        }
    }

    fn hand_over(&mut self, number: usize) -> NextLine<'_> {
        self.handed = true;
        let mut bytes = &self.cut.piece[..];
        if std::mem::take(&mut self.first) && bytes.starts_with(BOM) {
            bytes = &bytes[BOM.len()..];
        }
        let controls = std::mem::take(&mut self.cut.controls);
        if !self.single_byte {
            match std::str::from_utf8(bytes) {
                // Without a byte that can be part of a control character, the line is as is.
                Ok(text) if !controls => return NextLine::Line(number, text),
                Ok(text) => {
                    self.text.clear();
                    self.text.extend(text.chars().map(blank_control));
                    return NextLine::Line(number, &self.text);
                }
                Err(_) => self.single_byte = true,
            }
        }
        self.text.clear();
        self.text
            .extend(bytes.iter().map(|b| blank_control(windows_1252(*b))));
        NextLine::Line(number, &self.text)
    }
}

/// Cuts lines into messages of fields, as they come. Fails only where a field exceeds
/// [`FIELD_CHARS_MAX`]; whether the messages make sense is for the caller to judge.
#[derive(Default)]
pub(super) struct Splitter {
    messages: Vec<Message>,
    current: Option<Message>,
}

impl Splitter {
    /// The messages known to be complete, in file order; a block with no fields at all (an
    /// empty `{4:` … `-}`) carries no statement and is left out.
    pub fn take_complete(&mut self) -> Vec<Message> {
        if self.messages.is_empty() {
            return Vec::new();
        }
        let mut messages = std::mem::take(&mut self.messages);
        messages.retain(Message::has_fields);
        messages
    }

    /// The message being read, if any.
    pub fn current(&self) -> Option<&Message> {
        self.current.as_ref()
    }

    pub fn line(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        // A line can hold the end of one message and the header of the next; each step consumes
        // part of the line and hands back the rest, so this ends.
        let mut pending = Some(line);
        while let Some(text) = pending.take() {
            pending = self.step(number, text)?;
        }
        Ok(())
    }

    fn step<'a>(&mut self, number: usize, line: &'a str) -> Result<Option<&'a str>, ParseError> {
        let trimmed = crate::scan::trim(line);
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
            .and_then(|m| m.stored.last())
            .map(Stored::tag);
        // Blanks (or a DOS end-of-file mark, made a blank by `decode`) can precede a tag.
        let candidate = line.trim_start();
        match tag_of(candidate) {
            Some(tag)
                if is_known_tag(tag)
                    || !matches!(open_tag, Some("86") | Some("NS") | Some("61")) =>
            {
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

    fn field(&mut self, number: usize, tag: &str, content: &str) -> Result<(), ParseError> {
        if content.len() > FIELD_CHARS_MAX {
            return Err(too_long(number, tag));
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
        let stored_tag = match known_tag(tag) {
            Some(known) => StoredTag::Known(known),
            None => {
                // `tag_of` passes two or three ASCII characters only.
                let mut bytes = [0; 3];
                let length = tag.len().min(3);
                bytes[..length].copy_from_slice(&tag.as_bytes()[..length]);
                StoredTag::Other(bytes, length as u8)
            }
        };
        message.stored.push(Stored {
            tag: stored_tag,
            start: message.text.len(),
            line: number,
            chars: content.len(),
        });
        message.text.push_str(content);
        message.text.push('\n');
        message.bytes += content.len() + FIELD_BYTES;
        Ok(())
    }

    fn continuation(&mut self, number: usize, line: &str) -> Result<(), ParseError> {
        // Text outside any field (a bank's file header, a note before the first message) carries
        // nothing a statement needs.
        let Some(message) = self.current.as_mut() else {
            return Ok(());
        };
        let blank = crate::scan::trim(line).is_empty();
        let Some(field) = message.stored.last_mut() else {
            if message.in_block && !blank && message.text_before_fields.is_none() {
                message.text_before_fields = Some(number);
            }
            return Ok(());
        };
        if blank {
            return Ok(());
        }
        field.chars += line.len() + 1;
        if field.chars > FIELD_CHARS_MAX {
            return Err(too_long(number, field.tag()));
        }
        message.text.push_str(line);
        message.text.push('\n');
        message.line_end = number;
        message.bytes += line.len() + LINE_BYTES;
        Ok(())
    }

    /// The end of the text ends the message being read. Returns the line where the text of an
    /// open `{4:` block begins when the file ends before that block has a field: the file was
    /// cut inside a message.
    pub fn finish(&mut self) -> Option<usize> {
        let message = self.current.take()?;
        let cut_at = message
            .text_before_fields
            .filter(|_| !message.closed && !message.has_fields());
        self.messages.push(message);
        cut_at
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
