//! The `:86:` information to account owner, in its three dialects: German `?NN` sub-fields
//! after a 3-digit business transaction code, SWIFT-style `/CODE/value/` pairs, and free text.

use cashline_domain::iban::is_compact_iban;
#[cfg(test)]
use cashline_domain::Iban;

/// What an entry's `:86:` says, in canonical terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Details {
    /// The German business transaction code (Geschäftsvorfallcode) as the entry's bank
    /// transaction code, e.g. `GVC 166`.
    pub transaction_code: Option<String>,
    pub end_to_end_id: Option<String>,
    pub counterparty_name: Option<String>,
    pub counterparty_iban: Option<String>,
    pub remittance: Option<String>,
    pub creditor_reference: Option<String>,
}

/// Characters in a full German remittance sub-field (`?20` … `?29`, `?60` … `?63`).
const SUBFIELD_CHARS: usize = 27;

/// SEPA keys inside German remittance lines (DFÜ-Abkommen, Anlage 3).
const SEPA_KEYS: &[&str] = &[
    "EREF+", "KREF+", "MREF+", "CRED+", "DEBT+", "SVWZ+", "ABWA+", "ABWE+", "IBAN+", "BIC+",
    "COAM+", "OAMT+", "SQTP+", "PURP+", "RTRN+",
];

/// Codes of the `/CODE/value` dialect (SWIFT's narrative codes as Dutch, Belgian and other
/// banks use them).
const SLASH_CODES: &[&str] = &[
    "EREF", "MARF", "CSID", "CNTP", "REMI", "PURP", "ULTC", "ULTD", "ULTB", "ORDP", "BENM", "NAME",
    "ADDR", "IBAN", "BIC", "ID", "ISDT", "TRCD", "TRTP", "RTRN", "CREF", "PREF", "ACCW", "SVCL",
    "COAM", "OAMT", "EXCH", "CHGS", "OCMT", "BUSP", "IREF", "MREF", "CRED", "KREF",
];

/// References that stand for "none given".
const PLACEHOLDERS: &[&str] = &["NONREF", "NOREF", "NOTPROVIDED", "NONE", "NOT PROVIDED"];

pub(super) fn is_placeholder(text: &str) -> bool {
    let text = text.trim();
    text.is_empty() || PLACEHOLDERS.iter().any(|p| text.eq_ignore_ascii_case(p))
}

/// Buffers [`parse`] reuses from one entry to the next.
#[derive(Default)]
pub(super) struct Scratch {
    tight: String,
    joined: String,
    /// Where each purpose sub-field ends in `joined`.
    ends: Vec<usize>,
    spaced: String,
}

/// Reads the `:86:` fields that follow an entry's `:61:` (usually one), each given as its
/// lines joined by `\n`.
pub(super) fn parse(fields: &[&str], scratch: &mut Scratch) -> Details {
    // Structured layouts wrap anywhere, even inside a code: their line breaks are not content.
    let Scratch {
        tight,
        joined,
        ends,
        spaced,
    } = scratch;
    tight.clear();
    for field in fields {
        let mut rest = *field;
        while let Some(end) = memchr::memchr(b'\n', rest.as_bytes()) {
            tight.push_str(&rest[..end]);
            rest = &rest[end + 1..];
        }
        tight.push_str(rest);
    }
    let head = tight.trim_start();
    let bytes = head.as_bytes();
    let german = bytes.len() >= 3
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 3 || matches!(bytes[3], b'?' | b'>'));
    if german {
        return german_details(head, joined, ends, spaced);
    }
    if let Some(details) = slash_details(tight) {
        return details;
    }
    // Free text wraps between words (in fixed columns, padded with blanks), so each line break
    // is a space.
    let remittance = match fields {
        [field] => non_empty(collapse(field)),
        _ => {
            let mut remittance = String::new();
            for field in fields {
                collapse_into(field, &mut remittance);
            }
            non_empty(remittance)
        }
    };
    Details {
        creditor_reference: remittance.as_deref().and_then(creditor_reference_in),
        remittance,
        ..Details::default()
    }
}

/// Whitespace as [`char::is_whitespace`] has it, for an ASCII byte.
fn is_ascii_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0B | 0x0C | b'\r')
}

/// The character at `at` of `text`, if it is whitespace (as [`char::is_whitespace`] has it),
/// and its length in bytes.
#[inline]
fn space_at(text: &str, at: usize) -> (bool, usize) {
    let byte = text.as_bytes()[at];
    if byte < 0x80 {
        (is_ascii_space(byte), 1)
    } else {
        let c = text[at..].chars().next().expect("at a character boundary");
        (c.is_whitespace(), c.len_utf8())
    }
}

/// The words of `text` (split as [`str::split_whitespace`] splits) appended to `out`, each
/// after a single space where `out` already holds a word.
fn collapse_into(text: &str, out: &mut String) {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let (space, width) = space_at(text, at);
        if space {
            at += width;
            continue;
        }
        let start = at;
        at += width;
        while at < bytes.len() {
            // Letters and digits, the bulk of a word, are told apart at once.
            if bytes[at] > b' ' && bytes[at] < 0x80 {
                at += 1;
                continue;
            }
            let (space, width) = space_at(text, at);
            if space {
                break;
            }
            at += width;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..at]);
    }
}

/// Whether `text` is its own collapse: printable ASCII words joined by single spaces.
fn is_collapsed(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return true;
    };
    if *first == b' ' || *last == b' ' {
        return false;
    }
    // Without early exits, so that both loops run over whole vectors of bytes.
    let outside = bytes
        .iter()
        .fold(false, |found, b| found | (b.wrapping_sub(b' ') >= 0x60));
    let double = bytes
        .iter()
        .zip(&bytes[1..])
        .fold(false, |found, (a, b)| found | ((*a == b' ') & (*b == b' ')));
    !outside && !double
}

/// The words of `text` joined by single spaces.
fn collapse(text: &str) -> String {
    if is_collapsed(text) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    collapse_into(text, &mut out);
    out
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

/// `joined`, `ends` and `spaced` are buffers to reuse.
fn german_details(
    text: &str,
    joined: &mut String,
    ends: &mut Vec<usize>,
    spaced: &mut String,
) -> Details {
    let separator = text.as_bytes().get(3).copied().unwrap_or(b'?');
    let mut details = Details {
        transaction_code: Some({
            let mut code = String::with_capacity(7);
            code.push_str("GVC ");
            code.push_str(&text[..3]);
            code
        }),
        ..Details::default()
    };
    let body = &text[3..];
    let mut booking_text = None;
    let mut keyed = false;
    let mut name_first: Option<&str> = None;
    let mut name_more: Option<String> = None;
    let mut account = None;
    // The purpose sub-fields one after another, as SEPA remittance is joined; where it turns
    // out not to be, they are joined again below from where each ends.
    joined.clear();
    ends.clear();
    for (code, value) in subfields(body, separator) {
        match code {
            0 => booking_text = non_empty(collapse(value)),
            20..=29 | 60..=63 => {
                keyed = keyed || has_sepa_key(value);
                joined.push_str(value);
                ends.push(joined.len());
            }
            31 => account = Some(value),
            32 | 33 => match (name_first, name_more.as_mut()) {
                (None, _) => name_first = Some(value),
                (Some(first), None) => {
                    let mut name = String::with_capacity(first.len() + value.len());
                    name.push_str(first);
                    name.push_str(value);
                    name_more = Some(name);
                }
                (Some(_), Some(name)) => name.push_str(value),
            },
            _ => {}
        }
    }
    let name = name_more.as_deref().or(name_first).unwrap_or_default();
    details.counterparty_name = non_empty(collapse(name));
    details.counterparty_iban = account.and_then(iban_text);

    // SEPA remittance is cut into 27-character pieces mid-word; older free text is a line per
    // sub-field, cut mid-word only where a line is full.
    if !keyed {
        spaced.clear();
        let mut start = 0;
        for &end in ends.iter() {
            let piece = &joined[start..end];
            spaced.push_str(piece);
            if piece.chars().count() < SUBFIELD_CHARS {
                spaced.push(' ');
            }
            start = end;
        }
        std::mem::swap(joined, spaced);
    }
    if keyed {
        let sepa = sepa_values(joined);
        let value = |range: Option<(usize, usize)>| {
            range
                .map(|(start, end)| collapse(&joined[start..end]))
                .filter(|v| !v.is_empty())
        };
        details.end_to_end_id = value(sepa.end_to_end).filter(|v| !is_placeholder(v));
        details.remittance =
            value(sepa.remittance).or_else(|| non_empty(collapse(&joined[..sepa.before])));
        if details.counterparty_iban.is_none() {
            details.counterparty_iban = value(sepa.iban).and_then(|v| iban_text(&v));
        }
    } else {
        details.remittance = non_empty(collapse(joined));
    }
    details.remittance = details.remittance.or(booking_text);
    details.creditor_reference = details
        .remittance
        .as_deref()
        .and_then(creditor_reference_in);
    details
}

/// `?20text?21more` → `(20, "text"), (21, "more")`. A separator not followed by two digits is
/// text.
fn subfields(text: &str, separator: u8) -> impl Iterator<Item = (u32, &str)> {
    let bytes = text.as_bytes();
    let start_at = move |from: usize| {
        let mut from = from;
        while let Some(offset) = memchr::memchr(separator, &bytes[from..]) {
            let at = from + offset;
            if bytes
                .get(at + 1..at + 3)
                .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
            {
                return Some(at);
            }
            from = at + 1;
        }
        None
    };
    let mut next = start_at(0);
    std::iter::from_fn(move || {
        let start = next?;
        next = start_at(start + 3);
        let end = next.unwrap_or(text.len());
        let code = u32::from(bytes[start + 1] - b'0') * 10 + u32::from(bytes[start + 2] - b'0');
        Some((code, &text[start + 3..end]))
    })
}

/// The SEPA key (`EREF+`, `BIC+`, …) that ends at the `+` at `plus`, if one does.
fn sepa_key_at(bytes: &[u8], plus: usize) -> Option<&'static str> {
    // No key ends with another key's letters, so at most one matches.
    let key = match bytes.get(plus.checked_sub(4)?..plus) {
        Some(b"EREF") => "EREF+",
        Some(b"KREF") => "KREF+",
        Some(b"MREF") => "MREF+",
        Some(b"CRED") => "CRED+",
        Some(b"DEBT") => "DEBT+",
        Some(b"SVWZ") => "SVWZ+",
        Some(b"ABWA") => "ABWA+",
        Some(b"ABWE") => "ABWE+",
        Some(b"IBAN") => "IBAN+",
        Some(b"COAM") => "COAM+",
        Some(b"OAMT") => "OAMT+",
        Some(b"SQTP") => "SQTP+",
        Some(b"PURP") => "PURP+",
        Some(b"RTRN") => "RTRN+",
        _ => return (bytes.get(plus.checked_sub(3)?..plus) == Some(b"BIC")).then_some("BIC+"),
    };
    debug_assert!(SEPA_KEYS.contains(&key));
    Some(key)
}

/// Whether a SEPA key appears in the text.
fn has_sepa_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(offset) = memchr::memchr(b'+', &bytes[from..]) {
        let plus = from + offset;
        if sepa_key_at(bytes, plus).is_some() {
            return true;
        }
        from = plus + 1;
    }
    false
}

/// Where the values of the keys read are in a SEPA remittance text: the first `EREF+`,
/// `SVWZ+` and `IBAN+` values (up to the next key of any kind), and the end of the text
/// before the first key.
struct SepaValues {
    before: usize,
    end_to_end: Option<(usize, usize)>,
    remittance: Option<(usize, usize)>,
    iban: Option<(usize, usize)>,
}

/// Finds the keyed values of `EREF+abcSVWZ+text`.
fn sepa_values(text: &str) -> SepaValues {
    let bytes = text.as_bytes();
    let mut values = SepaValues {
        before: text.len(),
        end_to_end: None,
        remittance: None,
        iban: None,
    };
    // The value being read: which slot it fills, and where it starts.
    let mut open: Option<(&'static str, usize)> = None;
    let close = |values: &mut SepaValues, open: Option<(&'static str, usize)>, end: usize| {
        let Some((key, start)) = open else {
            return;
        };
        let slot = match key {
            "EREF+" => &mut values.end_to_end,
            "SVWZ+" => &mut values.remittance,
            "IBAN+" => &mut values.iban,
            _ => return,
        };
        if slot.is_none() {
            *slot = Some((start.min(end), end));
        }
    };
    let mut from = 0;
    let mut first = true;
    while let Some(offset) = memchr::memchr(b'+', &bytes[from..]) {
        let plus = from + offset;
        from = plus + 1;
        let Some(key) = sepa_key_at(bytes, plus) else {
            continue;
        };
        let start = plus + 1 - key.len();
        if std::mem::take(&mut first) {
            values.before = start;
        }
        close(&mut values, open.take(), start);
        open = Some((key, plus + 1));
    }
    close(&mut values, open, text.len());
    values
}

fn slash_details(text: &str) -> Option<Details> {
    let text = crate::scan::trim(text);
    if !text.starts_with('/') {
        return None;
    }
    // The first value of each code read: where it starts and ends.
    let mut found: [Option<&str>; 5] = [None; 5];
    const READ: [&str; 5] = ["EREF", "NAME", "IBAN", "CNTP", "REMI"];
    let mut markers = SlashMarkers { text, from: 0 };
    let mut current = markers.next();
    if current.map(|(start, _)| start) != Some(0) {
        return None;
    }
    while let Some((start, code)) = current {
        let next = markers.next();
        let value_start = start + code.len() + 2;
        let end = next.map_or(text.len(), |(next, _)| next).max(value_start);
        if let Some(slot) = READ.iter().position(|c| *c == code) {
            found[slot].get_or_insert(&text[value_start..end]);
        }
        current = next;
    }
    let value = |code: &str| {
        let slot = READ.iter().position(|c| *c == code).expect("a code read");
        found[slot].map(|v| crate::scan::trim(v.trim_matches('/')))
    };
    let mut details = Details {
        end_to_end_id: value("EREF")
            .filter(|v| !is_placeholder(v))
            .map(str::to_string),
        counterparty_name: value("NAME").and_then(|v| non_empty(collapse(v))),
        counterparty_iban: value("IBAN").and_then(iban_text),
        ..Details::default()
    };
    // `/CNTP/account/BIC/name/place/`: the counterparty in one field (ING).
    if let Some(counterparty) = value("CNTP") {
        let mut parts = counterparty.split('/');
        let account = parts.next().unwrap_or_default();
        let name = parts.nth(1).unwrap_or_default();
        if details.counterparty_iban.is_none() {
            details.counterparty_iban = iban_text(account);
        }
        if details.counterparty_name.is_none() {
            details.counterparty_name = non_empty(collapse(name));
        }
    }
    match value("REMI") {
        Some(remittance) => {
            // ING writes `/REMI/USTD//text/` or `/REMI/STRD/CUR/RF…/`.
            // Either form starts with the kind and a slash: without one, neither is looked for.
            let typed = remittance.starts_with("USTD/") || remittance.starts_with("STRD/");
            let (kind, rest) = if !typed {
                (None, remittance)
            } else {
                match remittance.split_once("//") {
                    Some((kind @ ("USTD" | "STRD"), rest)) => (Some(kind), rest),
                    _ => match remittance.split_once('/') {
                        Some((kind @ ("USTD" | "STRD"), rest)) => (Some(kind), rest),
                        _ => (None, remittance),
                    },
                }
            };
            let rest = match (kind, rest.split_once('/')) {
                (Some("STRD"), Some(("CUR" | "ISO", reference))) => reference,
                _ => rest,
            };
            details.remittance = non_empty(collapse(rest.trim_matches('/')));
        }
        // Without a counterparty either, the codes are ones this reader does not know: the whole
        // text is the best description there is.
        None if value("CNTP").is_none()
            && details.counterparty_name.is_none()
            && details.counterparty_iban.is_none()
            && details.end_to_end_id.is_none() =>
        {
            details.remittance = non_empty(collapse(text))
        }
        None => {}
    }
    details.creditor_reference = details
        .remittance
        .as_deref()
        .and_then(creditor_reference_in);
    Some(details)
}

/// The code of [`SLASH_CODES`] that `text` is, if it is one.
fn slash_code(text: &[u8]) -> Option<&'static str> {
    let code = match text {
        b"EREF" => "EREF",
        b"MARF" => "MARF",
        b"CSID" => "CSID",
        b"CNTP" => "CNTP",
        b"REMI" => "REMI",
        b"PURP" => "PURP",
        b"ULTC" => "ULTC",
        b"ULTD" => "ULTD",
        b"ULTB" => "ULTB",
        b"ORDP" => "ORDP",
        b"BENM" => "BENM",
        b"NAME" => "NAME",
        b"ADDR" => "ADDR",
        b"IBAN" => "IBAN",
        b"BIC" => "BIC",
        b"ID" => "ID",
        b"ISDT" => "ISDT",
        b"TRCD" => "TRCD",
        b"TRTP" => "TRTP",
        b"RTRN" => "RTRN",
        b"CREF" => "CREF",
        b"PREF" => "PREF",
        b"ACCW" => "ACCW",
        b"SVCL" => "SVCL",
        b"COAM" => "COAM",
        b"OAMT" => "OAMT",
        b"EXCH" => "EXCH",
        b"CHGS" => "CHGS",
        b"OCMT" => "OCMT",
        b"BUSP" => "BUSP",
        b"IREF" => "IREF",
        b"MREF" => "MREF",
        b"CRED" => "CRED",
        b"KREF" => "KREF",
        _ => return None,
    };
    debug_assert!(SLASH_CODES.contains(&code));
    Some(code)
}

/// Where `/CODE/` markers of known codes start in a text, in order.
struct SlashMarkers<'a> {
    text: &'a str,
    from: usize,
}

impl Iterator for SlashMarkers<'_> {
    type Item = (usize, &'static str);

    fn next(&mut self) -> Option<(usize, &'static str)> {
        let bytes = self.text.as_bytes();
        while let Some(offset) = memchr::memchr(b'/', &bytes[self.from..]) {
            let index = self.from + offset;
            self.from = index + 1;
            // A code is followed by `/`, and holds none: it is all up to the next one.
            let rest = &bytes[index + 1..];
            let Some(length) = rest.iter().take(5).position(|b| *b == b'/') else {
                continue;
            };
            if let Some(code) = slash_code(&rest[..length]) {
                return Some((index, code));
            }
        }
        None
    }
}

/// The IBAN in a text, compact and in capitals, exactly where [`Iban::parse`] accepts the text
/// (tested against it): blanks anywhere are dropped, letters capitalised, and the length,
/// alphabet, country, check digits and ISO 13616 checksum checked (`is_compact_iban`). It is
/// read here rather than through `Iban::parse`, which allocates three times, because a
/// statement holds one per entry.
fn iban_text(text: &str) -> Option<String> {
    // Written compact and in capitals, as it nearly always is: checked before it is copied.
    if text
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    {
        return is_compact_iban(text.as_bytes()).then(|| text.to_string());
    }
    let mut compact = String::with_capacity(text.len());
    let mut at = 0;
    while at < text.len() {
        let (space, width) = space_at(text, at);
        if !space {
            let byte = text.as_bytes()[at];
            if !byte.is_ascii_alphanumeric() {
                return None;
            }
            compact.push(char::from(byte.to_ascii_uppercase()));
        }
        at += width;
    }
    is_compact_iban(compact.as_bytes()).then_some(compact)
}

/// Shortest and longest ISO 11649 creditor reference (`RF` + 2 check digits + up to 21).
const CREDITOR_REFERENCE_CHARS_MIN: usize = 5;
const CREDITOR_REFERENCE_CHARS_MAX: usize = 25;

/// The first ISO 11649 creditor reference (`RF18539007547034`, also printed in groups of four)
/// in a text whose check digits are right.
pub(super) fn creditor_reference_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut from = 0;
    let starts = std::iter::from_fn(|| {
        while let Some(offset) = memchr::memchr(b'R', &bytes[from..]) {
            let at = from + offset;
            from = at + 1;
            if bytes.get(at + 1) == Some(&b'F') {
                return Some(at);
            }
        }
        None
    });
    for index in starts {
        let starts_word = index == 0 || !bytes[index - 1].is_ascii_alphanumeric();
        let digits = bytes.get(index + 2..index + 4);
        if !starts_word || !digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit)) {
            continue;
        }
        // Candidates: the unbroken run, then the run with single spaces between groups.
        let mut compact = String::new();
        let mut candidates = Vec::new();
        let mut previous_space = false;
        for c in text[index..].chars() {
            if c.is_ascii_alphanumeric() {
                compact.push(c.to_ascii_uppercase());
                previous_space = false;
                if compact.len() > CREDITOR_REFERENCE_CHARS_MAX {
                    break;
                }
            } else if c == ' ' && !previous_space && compact.len().is_multiple_of(4) {
                // The printed form groups the reference in fours.
                candidates.push(compact.clone());
                previous_space = true;
            } else {
                break;
            }
        }
        candidates.push(compact);
        // The longest valid candidate wins: a reference printed in groups is one reference.
        if let Some(found) = candidates
            .into_iter()
            .rev()
            .find(|c| is_creditor_reference(c))
        {
            return Some(found);
        }
    }
    None
}

pub(super) fn is_creditor_reference(text: &str) -> bool {
    let length_ok =
        (CREDITOR_REFERENCE_CHARS_MIN..=CREDITOR_REFERENCE_CHARS_MAX).contains(&text.len());
    if !length_ok || !text.starts_with("RF") || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let rearranged = text[4..].chars().chain(text[..4].chars());
    let mut remainder: u32 = 0;
    for c in rearranged {
        let value = match c.to_digit(36) {
            Some(v) => v,
            None => return false,
        };
        remainder = if value < 10 {
            (remainder * 10 + value) % 97
        } else {
            (remainder * 100 + value) % 97
        };
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn domain_iban_text(text: &str) -> Option<String> {
        Iban::parse(text.trim())
            .ok()
            .map(|iban| iban.reveal().to_string())
    }

    /// Valid IBANs, then written as people write them: in groups, in small letters, with
    /// a character changed.
    fn iban_like() -> impl Strategy<Value = String> {
        (
            "[A-Z]{2}",
            "[0-9A-Z]{11,30}",
            any::<u8>(),
            "[ \t\u{a0}]",
            0usize..40,
        )
            .prop_map(|(country, bban, how, blank, at)| {
                let Ok(iban) = Iban::from_country_and_bban(&country, &bban) else {
                    return format!("{country}00{bban}");
                };
                let mut text = iban.reveal().to_string();
                if how & 1 == 1 {
                    text = text.to_ascii_lowercase();
                }
                if how & 2 == 2 && at < text.len() {
                    text.insert_str(at, &blank);
                }
                if how & 4 == 4
                    && at < text.len()
                    && text.is_char_boundary(at)
                    && text.is_char_boundary(at + 1)
                {
                    text.replace_range(at..at + 1, "7");
                }
                if how & 8 == 8 {
                    text.push('é');
                }
                text
            })
    }

    proptest! {
        #[test]
        fn reads_ibans_as_the_domain_does(
            text in prop_oneof![iban_like(), "[ 0-9A-Za-z]{0,40}", "\\PC{0,36}"]
        ) {
            prop_assert_eq!(iban_text(&text), domain_iban_text(&text));
        }

        #[test]
        fn only_collapsed_text_is_taken_as_it_is(text in "[ a\u{7f}\u{1f}\t\u{e9}]{0,12}") {
            let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if is_collapsed(&text) {
                prop_assert_eq!(&collapsed, &text);
            }
        }

        #[test]
        fn collapses_as_split_whitespace_does(
            text in "[ \t\n\r\u{b}\u{c}\u{85}\u{a0}\u{2003}\u{3000}a-zäé€]{0,40}"
        ) {
            prop_assert_eq!(
                collapse(&text),
                text.split_whitespace().collect::<Vec<_>>().join(" ")
            );
        }
    }

    #[test]
    fn every_code_and_key_is_found_and_nothing_else() {
        for code in SLASH_CODES {
            assert_eq!(slash_code(code.as_bytes()), Some(*code));
        }
        for key in SEPA_KEYS {
            let text = format!("x{key}");
            assert_eq!(sepa_key_at(text.as_bytes(), text.len() - 1), Some(*key));
            assert!(has_sepa_key(&text));
        }
        assert_eq!(slash_code(b"EREFX"), None);
        assert_eq!(slash_code(b""), None);
        assert!(!has_sepa_key("IC+ EREF SVWZ"));
        assert!(!has_sepa_key("+BIC"));
    }

    #[test]
    fn the_domain_refuses_what_is_too_short_or_too_long() {
        // The bounds above are the domain's.
        assert!(Iban::parse("NL91ABNA041716").is_err());
        assert!(Iban::parse("MT84MALT011000012345MTLCAST001S").is_ok());
        assert_eq!(iban_text("NL91ABNA041716"), None);
        assert_eq!(
            iban_text("NL91 abna 0417 1643 00").as_deref(),
            Some("NL91ABNA0417164300")
        );
    }
}
