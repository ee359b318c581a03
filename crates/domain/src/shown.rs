//! Text from outside (file names, paths, values read from files) made safe to show on a
//! terminal or write to a log: control characters become visible escapes and IBANs are masked.
//!
//! A file name is chosen by whoever dropped the file, so it can hold a newline that forges a
//! log line, ANSI escapes that clear a screen, or a bidi override that reverses what a reader
//! sees; and banks name files after the account, so it often holds a full IBAN. Every front and
//! the log layers pass such text through [`shown`].
//!
//! Only IBANs are masked, because only they can be told apart from other numbers: their
//! ISO 13616 checksum confirms them. Bare national account numbers are digit runs like dates,
//! amounts, statement and line numbers, and masking those would make logs and messages useless,
//! so they are left as they are. Nor are digests and keys made here (a word of 32 or more
//! lower-case hexadecimal digits, such as a key's reference or an audit hash): one in a few
//! dozen holds a run that passes the checksum by chance, and masking it would make the
//! reference useless to whoever must find it; no IBAN is written that way, as the longest
//! whose country code is in hexadecimal letters (Andorra's, `AD…`) has 24 characters.

use std::fmt::Write;

use crate::iban::{is_compact_iban, IBAN_CHARS_MAX, IBAN_CHARS_MIN};
use crate::mask::mask_account;

/// Whether a character must not reach a terminal or a log raw: C0 and C1 controls, DEL, the
/// line and paragraph separators (which some terminals and editors break lines at), and the
/// bidirectional marks, embeddings, overrides and isolates (which reorder what is displayed).
pub fn is_unsafe_to_show(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
        )
}

/// `text` with every unsafe character escaped (`\n`, `\r`, `\t`, `\u{1b}`, …) and every IBAN
/// (compact or in groups separated by single spaces, any letter case) masked to its last four
/// characters, as [`mask_account`] does. The result is for reading, not for parsing back: a
/// backslash already in the text is kept as it is, so Windows paths stay readable.
pub fn shown(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some(end) = digest_at(&chars, i) {
            out.extend(&chars[i..end]);
            i = end;
            continue;
        }
        if let Some(end) = iban_at(&chars, i) {
            let run: String = chars[i..end].iter().collect();
            out.push_str(&mask_account(&run));
            i = end;
            continue;
        }
        push_escaped(&mut out, chars[i]);
        i += 1;
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    if !is_unsafe_to_show(c) {
        out.push(c);
        return;
    }
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        other => {
            // Writing into a String cannot fail.
            let _ = write!(out, "\\u{{{:x}}}", u32::from(other));
        }
    }
}

/// The shortest word a digest or key reference made here can be: 16 bytes in hexadecimal.
const DIGEST_CHARS_MIN: usize = 32;

/// The end of the digest (a whole word of lower-case hexadecimal digits, at least
/// [`DIGEST_CHARS_MIN`] long) starting at `start`, if one does.
fn digest_at(chars: &[char], start: usize) -> Option<usize> {
    if start > 0 && chars[start - 1].is_ascii_alphanumeric() {
        return None;
    }
    let word = chars[start..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    let hex = chars[start..start + word]
        .iter()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(c));
    (word >= DIGEST_CHARS_MIN && hex).then_some(start + word)
}

/// The end (exclusive, in `chars`) of the IBAN starting at `start`, if one does. The run may
/// hold single spaces between characters (the printed form groups by four). Of the lengths
/// that pass the checksum, the longest ending at a word's end wins, else the longest: so no
/// tail of a longer IBAN stays visible, and a word after a spaced IBAN is not swallowed.
fn iban_at(chars: &[char], start: usize) -> Option<usize> {
    // Cheap shape test first: two letters and two digits, so ordinary text costs little.
    let head = chars.get(start..start + 4)?;
    if !(head[0].is_ascii_alphabetic()
        && head[1].is_ascii_alphabetic()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
    {
        return None;
    }
    // No word boundary is required before the run: `camt053DE89…` holds an IBAN too.
    let mut compact: Vec<u8> = Vec::with_capacity(IBAN_CHARS_MAX);
    // `ends[n]` is where the run ends once it holds n + 1 characters.
    let mut ends: Vec<usize> = Vec::with_capacity(IBAN_CHARS_MAX);
    let mut i = start;
    while i < chars.len() && compact.len() < IBAN_CHARS_MAX {
        let c = chars[i];
        if c.is_ascii_alphanumeric() {
            compact.push(c.to_ascii_uppercase() as u8);
            ends.push(i + 1);
            i += 1;
        } else if c == ' ' && chars.get(i + 1).is_some_and(char::is_ascii_alphanumeric) {
            i += 1;
        } else {
            break;
        }
    }
    let valid: Vec<usize> = (IBAN_CHARS_MIN..=compact.len())
        .filter(|&length| is_compact_iban(&compact[..length]))
        .collect();
    // One length in 97 passes the checksum by chance, so `DE89 … 00 today` would also pass as
    // `…00toda`: a length ending where a word ends wins over a longer one inside a word.
    let at_word_end = |length: &&usize| {
        !chars
            .get(ends[**length - 1])
            .is_some_and(char::is_ascii_alphanumeric)
    };
    valid
        .iter()
        .rev()
        .find(at_word_end)
        .or(valid.last())
        .map(|length| ends[length - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Iban;
    use proptest::prelude::*;

    #[test]
    fn escapes_a_forged_log_line_and_terminal_codes() {
        let name =
            "fake.xml\n2026-11-23 INFO inbox file imported file=x status=imported\u{1b}[2J.xml";
        assert_eq!(
            shown(name),
            "fake.xml\\n2026-11-23 INFO inbox file imported file=x status=imported\\u{1b}[2J.xml"
        );
        assert_eq!(shown("a\rb\tc\u{7f}\u{85}"), "a\\rb\\tc\\u{7f}\\u{85}");
        assert_eq!(
            shown("invoice\u{202E}lmx.exe"),
            "invoice\\u{202e}lmx.exe",
            "a bidi override would show the name reversed"
        );
        assert_eq!(shown("\u{2066}x\u{2069}"), "\\u{2066}x\\u{2069}");
    }

    #[test]
    fn masks_ibans_in_file_names_and_paths() {
        assert_eq!(
            shown("DE89370400440532013000_2026-11.xml"),
            "…3000_2026-11.xml"
        );
        assert_eq!(
            shown("/inbox/camt053-de89370400440532013000.xml"),
            "/inbox/camt053-…3000.xml",
            "lower case is an IBAN too"
        );
        assert_eq!(
            shown("for DE89 3704 0044 0532 0130 00 today"),
            "for …3000 today"
        );
        assert_eq!(shown("GB82WEST12345698765432"), "…5432");
    }

    #[test]
    fn leaves_digests_and_key_references_whole() {
        // `ab37…` passes the checksum as a 21-character IBAN by chance.
        let reference = "ledger-key:ab37963e810dc061b6f7fbe01c2a3e67";
        assert_eq!(shown(reference), reference);
        let mut seen_masked = 0;
        for seed in 0u64..2000 {
            let digest = hex_of(seed);
            assert_eq!(shown(&format!("hash {digest}.")), format!("hash {digest}."));
            let longer = format!("x{digest}");
            seen_masked += usize::from(shown(&longer) != longer);
        }
        assert!(
            seen_masked > 0,
            "without the word boundary, chance IBANs are masked"
        );
        assert_eq!(
            shown("DE89370400440532013000"),
            "…3000",
            "upper case is never a digest"
        );
    }

    /// 32 hexadecimal digits spread from `seed`, as a key's salt would be.
    fn hex_of(seed: u64) -> String {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        (0..32)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                char::from_digit((state % 16) as u32, 16).unwrap()
            })
            .collect()
    }

    #[test]
    fn leaves_ordinary_text_dates_and_amounts_alone() {
        for text in [
            "statement 2026-11-23 of 1234567890.50 EUR",
            "AB12 is not an IBAN",
            "DE89370400440532013001.xml",
            "C:\\Users\\ana\\inbox\\report.xml",
            "Überweisung für Müller",
        ] {
            assert_eq!(shown(text), text);
        }
    }

    fn unsafe_char() -> impl Strategy<Value = char> {
        prop_oneof![
            (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap()),
            (0x7fu32..0xa0).prop_map(|c| char::from_u32(c).unwrap()),
            prop::sample::select(vec!['\u{202E}', '\u{2066}', '\u{2069}', '\u{2028}']),
        ]
    }

    fn any_text() -> impl Strategy<Value = String> {
        prop::collection::vec(prop_oneof![any::<char>(), unsafe_char()], 0..80)
            .prop_map(|chars| chars.into_iter().collect())
    }

    proptest! {
        #[test]
        fn never_shows_a_control_character(text in any_text()) {
            let out = shown(&text);
            prop_assert!(!out.chars().any(is_unsafe_to_show), "{out:?}");
        }

        #[test]
        fn never_shows_a_valid_iban(
            before in any_text(),
            after in any_text(),
            country in prop::sample::select(vec!["DE", "FR", "NL", "GB", "IT", "ES", "CH", "NO"]),
            bban in "[0-9A-Z]{11,30}",
            spaced in any::<bool>(),
            lower in any::<bool>(),
        ) {
            let iban = Iban::from_country_and_bban(country, &bban).unwrap();
            let mut written = iban.reveal().to_string();
            if spaced {
                written = written
                    .as_bytes()
                    .chunks(4)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect::<Vec<_>>()
                    .join(" ");
            }
            if lower {
                written = written.to_lowercase();
            }
            let text = format!("{before}{written}{after}");
            let chars: Vec<char> = text.chars().collect();
            prop_assume!((0..chars.len()).all(|i| digest_at(&chars, i).is_none()));
            let out = shown(&text);
            let compact: String = out.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert!(
                !compact.to_ascii_uppercase().contains(iban.reveal()),
                "{out:?} shows {}",
                iban.reveal()
            );
        }
    }
}
