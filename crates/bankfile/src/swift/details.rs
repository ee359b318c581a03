//! The `:86:` information to account owner, in its three dialects: German `?NN` sub-fields
//! after a 3-digit business transaction code, SWIFT-style `/CODE/value/` pairs, and free text.

use cashline_domain::Iban;

/// What an entry's `:86:` says, in canonical terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Details {
    /// The German business transaction code (Geschäftsvorfallcode), e.g. `166`.
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

pub(super) fn parse(lines: &[String]) -> Details {
    // Structured layouts wrap anywhere, even inside a code: their line breaks are not content.
    let tight: String = lines.concat();
    let head = tight.trim_start();
    let bytes = head.as_bytes();
    let german = bytes.len() >= 3
        && bytes[..3].iter().all(u8::is_ascii_digit)
        && (bytes.len() == 3 || matches!(bytes[3], b'?' | b'>'));
    if german {
        return german_details(head);
    }
    if let Some(details) = slash_details(&tight) {
        return details;
    }
    // Free text wraps between words (in fixed columns, padded with blanks), so each line break
    // is a space.
    let remittance = non_empty(collapse(&lines.join(" ")));
    Details {
        creditor_reference: remittance.as_deref().and_then(creditor_reference_in),
        remittance,
        ..Details::default()
    }
}

fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(text: String) -> Option<String> {
    (!text.is_empty()).then_some(text)
}

fn german_details(text: &str) -> Details {
    let separator = text[3..].chars().next().unwrap_or('?');
    let mut details = Details {
        transaction_code: Some(text[..3].to_string()),
        ..Details::default()
    };
    let mut booking_text = None;
    let mut purpose: Vec<&str> = Vec::new();
    let mut name = String::new();
    let mut account = None;
    for (code, value) in subfields(&text[3..], separator) {
        match code {
            0 => booking_text = non_empty(collapse(value)),
            20..=29 | 60..=63 => purpose.push(value),
            31 => account = Some(value),
            32 | 33 => name.push_str(value),
            _ => {}
        }
    }
    details.counterparty_name = non_empty(collapse(&name));
    details.counterparty_iban = account.and_then(iban_text);

    // SEPA remittance is cut into 27-character pieces mid-word; older free text is a line per
    // sub-field, cut mid-word only where a line is full.
    let keyed = purpose
        .iter()
        .any(|p| SEPA_KEYS.iter().any(|k| p.contains(k)));
    let mut joined = String::new();
    for piece in &purpose {
        joined.push_str(piece);
        if !keyed && piece.chars().count() < SUBFIELD_CHARS {
            joined.push(' ');
        }
    }
    if keyed {
        let (before, pairs) = sepa_pairs(&joined);
        let value = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| collapse(v))
                .filter(|v| !v.is_empty())
        };
        details.end_to_end_id = value("EREF+").filter(|v| !is_placeholder(v));
        details.remittance = value("SVWZ+").or_else(|| non_empty(collapse(before)));
        if details.counterparty_iban.is_none() {
            details.counterparty_iban = value("IBAN+").and_then(|v| iban_text(&v));
        }
    } else {
        details.remittance = non_empty(collapse(&joined));
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
fn subfields(text: &str, separator: char) -> Vec<(u32, &str)> {
    let mut starts = Vec::new();
    let bytes = text.as_bytes();
    for (index, c) in text.char_indices() {
        let digits = bytes.get(index + 1..index + 3);
        if c == separator && digits.is_some_and(|d| d.iter().all(u8::is_ascii_digit)) {
            starts.push(index);
        }
    }
    let mut out = Vec::with_capacity(starts.len());
    for (position, start) in starts.iter().enumerate() {
        let end = starts.get(position + 1).copied().unwrap_or(text.len());
        let code = text[start + 1..start + 3].parse().unwrap_or(0);
        out.push((code, &text[start + 3..end]));
    }
    out
}

/// Splits `EREF+abcSVWZ+text` into its keyed values, with any text before the first key.
fn sepa_pairs(text: &str) -> (&str, Vec<(&'static str, &str)>) {
    let mut found: Vec<(usize, &'static str)> = Vec::new();
    for key in SEPA_KEYS {
        let mut from = 0;
        while let Some(offset) = text[from..].find(key) {
            found.push((from + offset, key));
            from += offset + key.len();
        }
    }
    found.sort_unstable();
    let before = &text[..found.first().map_or(text.len(), |(start, _)| *start)];
    let mut pairs = Vec::with_capacity(found.len());
    for (position, (start, key)) in found.iter().enumerate() {
        let end = found
            .get(position + 1)
            .map_or(text.len(), |(next, _)| *next);
        let value_start = (start + key.len()).min(end);
        pairs.push((*key, &text[value_start..end]));
    }
    (before, pairs)
}

fn slash_details(text: &str) -> Option<Details> {
    let text = text.trim();
    let markers = slash_markers(text);
    if markers.first().map(|(start, _)| *start) != Some(0) {
        return None;
    }
    let mut values: Vec<(&str, &str)> = Vec::with_capacity(markers.len());
    for (position, (start, code)) in markers.iter().enumerate() {
        let value_start = start + code.len() + 2;
        let end = markers
            .get(position + 1)
            .map_or(text.len(), |(next, _)| *next)
            .max(value_start);
        values.push((code, &text[value_start..end]));
    }
    let value = |code: &str| {
        values
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, v)| v.trim_matches('/').trim())
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
            let (kind, rest) = match remittance.split_once("//") {
                Some((kind @ ("USTD" | "STRD"), rest)) => (Some(kind), rest),
                _ => match remittance.split_once('/') {
                    Some((kind @ ("USTD" | "STRD"), rest)) => (Some(kind), rest),
                    _ => (None, remittance),
                },
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

/// Where `/CODE/` markers of known codes start in a text.
fn slash_markers(text: &str) -> Vec<(usize, &'static str)> {
    let mut markers = Vec::new();
    for (index, _) in text.match_indices('/') {
        let rest = &text[index + 1..];
        if let Some(code) = SLASH_CODES
            .iter()
            .find(|code| rest.starts_with(*code) && rest[code.len()..].starts_with('/'))
        {
            markers.push((index, *code));
        }
    }
    markers
}

fn iban_text(text: &str) -> Option<String> {
    Iban::parse(text.trim())
        .ok()
        .map(|iban| iban.reveal().to_string())
}

/// Shortest and longest ISO 11649 creditor reference (`RF` + 2 check digits + up to 21).
const CREDITOR_REFERENCE_CHARS_MIN: usize = 5;
const CREDITOR_REFERENCE_CHARS_MAX: usize = 25;

/// The first ISO 11649 creditor reference (`RF18539007547034`, also printed in groups of four)
/// in a text whose check digits are right.
pub(super) fn creditor_reference_in(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    for (index, _) in text.match_indices("RF") {
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
