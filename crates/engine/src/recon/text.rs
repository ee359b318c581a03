//! Text as the matcher compares it: references without their separators, remittance text as
//! runs of letters and digits, counterparty names without legal forms.

/// Upper-case letters and digits only: `inv-2026/0042` and `INV 2026 0042` are one reference.
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    compact_into(text, &mut out);
    out
}

/// Whether `text` is compact as written (most end-to-end ids, references and IBANs are).
pub fn is_compact(text: &str) -> bool {
    text.bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

/// `text` compact, borrowed when it is compact already.
pub fn compact_cow(text: &str) -> std::borrow::Cow<'_, str> {
    if is_compact(text) {
        std::borrow::Cow::Borrowed(text)
    } else {
        std::borrow::Cow::Owned(compact(text))
    }
}

/// `text` compact: itself when compact already, else written into `buffer`.
pub fn compact_in<'t>(text: &'t str, buffer: &'t mut String) -> &'t str {
    if is_compact(text) {
        return text;
    }
    compact_into(text, buffer);
    buffer
}

/// Whether `text`, made compact, is `key` (compact already; compacting it again could drop
/// what an upper case wrote, such as a combining accent).
pub fn compacts_to(text: &str, key: &str) -> bool {
    if text == key {
        return true;
    }
    if text.is_ascii() {
        ascii_compact_bytes(text).eq(key.bytes())
    } else {
        compact(text) == key
    }
}

/// Whether two texts are one reference once compact; written alike (nearly always) is one
/// comparison, and ASCII texts are compared without copying either.
pub fn same_compact(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        ascii_compact_bytes(a).eq(ascii_compact_bytes(b))
    } else {
        compact(a) == compact(b)
    }
}

/// The bytes of `compact(text)` for an ASCII text, without writing them anywhere.
fn ascii_compact_bytes(text: &str) -> impl Iterator<Item = u8> + '_ {
    text.bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_uppercase())
}

/// `compact` into a reused buffer (the matcher calls it for every span of every entry).
pub fn compact_into(text: &str, out: &mut String) {
    out.clear();
    if is_compact(text) {
        out.push_str(text);
        return;
    }
    if text.is_ascii() {
        // Nearly every reference and IBAN: copied a run at a time and upper-cased in place,
        // rather than a character at a time through UTF-8 encoding.
        if text.bytes().all(|b| b.is_ascii_alphanumeric()) {
            out.push_str(text);
            out.make_ascii_uppercase();
        } else {
            // Bytes rather than characters: pushing a `char` encodes it, byte by byte.
            let mut bytes = std::mem::take(out).into_bytes();
            bytes.extend(
                text.bytes()
                    .filter(u8::is_ascii_alphanumeric)
                    .map(|b| b.to_ascii_uppercase()),
            );
            *out = String::from_utf8(bytes).expect("ASCII letters and digits");
        }
        return;
    }
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_uppercase());
        }
    }
}

/// `word` in upper case, added to `out`.
pub fn push_upper(word: &str, out: &mut String) {
    if word.is_ascii() {
        let start = out.len();
        out.push_str(word);
        out[start..].make_ascii_uppercase();
    } else {
        for c in word.chars() {
            out.extend(c.to_uppercase());
        }
    }
}

/// The first three bytes of `runs` joined and upper-cased as [`push_upper`] writes them, if
/// they come to three bytes: what a reference's start is told by without copying the runs.
pub fn upper_prefix(runs: &[&str]) -> Option<[u8; 3]> {
    let mut prefix = [0_u8; 3];
    let mut filled = 0;
    for &b in runs.iter().flat_map(|run| run.as_bytes()) {
        if !b.is_ascii() {
            return upper_prefix_of_chars(runs);
        }
        prefix[filled] = b.to_ascii_uppercase();
        filled += 1;
        if filled == prefix.len() {
            return Some(prefix);
        }
    }
    None
}

/// [`upper_prefix`] where a character beyond ASCII comes first: Unicode's upper case may be
/// longer than the character.
fn upper_prefix_of_chars(runs: &[&str]) -> Option<[u8; 3]> {
    let mut prefix = [0_u8; 3];
    let mut filled = 0;
    for c in runs.iter().flat_map(|run| run.chars()) {
        for upper in c.to_uppercase() {
            let mut bytes = [0_u8; 4];
            for &b in upper.encode_utf8(&mut bytes).as_bytes() {
                prefix[filled] = b;
                filled += 1;
                if filled == prefix.len() {
                    return Some(prefix);
                }
            }
        }
    }
    None
}

/// The runs of letters and digits of a text, in order: a number split by a space, a dash, a
/// slash or a line break is several runs the matcher joins back.
pub fn tokens(text: &str) -> Tokens<'_> {
    Tokens { text, at: 0 }
}

/// The iterator of [`tokens`]: reads bytes, and decodes a character only where one is not
/// ASCII, since remittance texts are nearly all ASCII and the matcher reads every one.
pub struct Tokens<'a> {
    text: &'a str,
    at: usize,
}

/// By byte: 0 a separator, 1 an ASCII letter or digit, 2 the start (or the rest) of a
/// character beyond ASCII, which is decoded to be classed.
const BYTE_CLASS: [u8; 256] = {
    let mut table = [0_u8; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = if byte >= 0x80 {
            2
        } else if byte.is_ascii_alphanumeric() {
            1
        } else {
            0
        };
        b += 1;
    }
    table
};

impl<'a> Tokens<'a> {
    /// Moves past the characters that are (`word`) or are not letters or digits.
    fn move_past(&mut self, word: bool) {
        let bytes = self.text.as_bytes();
        let same = u8::from(word);
        let mut at = self.at;
        while let Some(&b) = bytes.get(at) {
            match BYTE_CLASS[usize::from(b)] {
                class if class == same => at += 1,
                2 => {
                    let c = self.text[at..]
                        .chars()
                        .next()
                        .expect("at a character boundary");
                    if c.is_alphanumeric() != word {
                        break;
                    }
                    at += c.len_utf8();
                }
                _ => break,
            }
        }
        self.at = at;
    }
}

impl<'a> Iterator for Tokens<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        self.move_past(false);
        if self.at >= self.text.len() {
            return None;
        }
        let start = self.at;
        self.move_past(true);
        Some(&self.text[start..self.at])
    }
}

/// Legal forms that one system writes and another leaves out (upper case).
fn is_legal_form(word: &str) -> bool {
    matches!(
        word,
        "GMBH"
            | "AG"
            | "KG"
            | "OHG"
            | "SE"
            | "LTD"
            | "LIMITED"
            | "INC"
            | "LLC"
            | "PLC"
            | "BV"
            | "NV"
            | "SA"
            | "SAS"
            | "SARL"
            | "SRL"
            | "SPA"
            | "AB"
            | "AS"
            | "OY"
            | "CO"
            | "CORP"
            | "UG"
    )
}

/// A counterparty name as parties compare: upper case, letters and digits, legal forms and
/// `&`/`and` dropped, so "Fabrikam GmbH" at the bank is "FABRIKAM" in the ERP too.
pub fn party_key(name: &str) -> String {
    let mut key = String::with_capacity(name.len());
    party_key_into(name, &mut key);
    key
}

/// `party_key` into a reused buffer.
pub fn party_key_into(name: &str, key: &mut String) {
    key.clear();
    for word in tokens(name) {
        let start = key.len();
        push_upper(word, key);
        let upper = &key[start..];
        if upper == "AND" || is_legal_form(upper) {
            key.truncate(start);
        }
    }
}

/// Whether two names are one party: equal keys, or one key inside the other when both are long
/// enough that containment is not chance ("FABRIKAMEUROPE" holds "FABRIKAM").
pub fn same_party(left: &str, right: &str) -> bool {
    same_party_key(&party_key(left), &party_key(right))
}

/// `same_party` on keys already made.
pub fn same_party_key(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return false;
    }
    a == b || (a.len().min(b.len()) >= 6 && (a.contains(b) || b.contains(a)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_compare_without_separators() {
        assert_eq!(compact("inv-2026/0042"), "INV20260042");
        assert_eq!(compact("INV 2026\n0042"), "INV20260042");
        assert_eq!(
            tokens("Rg. 4711, 4712/2026").collect::<Vec<_>>(),
            ["Rg", "4711", "4712", "2026"]
        );
    }

    /// The runs of a text by the plain definition: split on every character that is not a
    /// letter or digit.
    fn plain_tokens(text: &str) -> Vec<&str> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect()
    }

    /// A text compact by the plain definition: its letters and digits, in Unicode upper case.
    fn plain_compact(text: &str) -> String {
        text.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_uppercase)
            .collect()
    }

    /// The fast paths give what the plain definitions give, ASCII or not.
    #[test]
    fn the_fast_paths_agree_with_the_plain_definitions() {
        let texts = [
            "",
            "   ",
            "inv-2026/0042",
            "Rg. 4711, 4712/2026 --",
            "Zahlung für Rechnung ÄÖ-12 straße",
            "ﬁnal ß Ⅻ 42",
            "日本 請求書 No.７７",
            "a\u{0}b\tc\r\nd",
            "-x-",
        ];
        for text in texts {
            assert_eq!(
                tokens(text).collect::<Vec<_>>(),
                plain_tokens(text),
                "{text:?}"
            );
            let upper = plain_compact(text);
            assert_eq!(compact(text), upper, "{text:?}");
            let mut pushed = String::from("AB");
            push_upper(text, &mut pushed);
            assert_eq!(pushed, format!("AB{}", text.to_uppercase()), "{text:?}");
            let runs: Vec<&str> = tokens(text).collect();
            let joined = upper.as_bytes();
            assert_eq!(
                upper_prefix(&runs),
                joined.get(..3).map(|b| [b[0], b[1], b[2]]),
                "{text:?}"
            );
        }
    }

    proptest::proptest! {
        /// On any text at all (control characters, marks, scripts beyond Latin), the byte-level
        /// paths never panic and agree with the character-level definitions.
        #[test]
        fn the_fast_paths_agree_on_any_text(text in "\\PC*|[ -~\\t\\n]*") {
            let plain = plain_tokens(&text);
            proptest::prop_assert_eq!(tokens(&text).collect::<Vec<_>>(), plain.clone());
            proptest::prop_assert_eq!(compact(&text), plain_compact(&text));
            let mut buffer = String::new();
            proptest::prop_assert_eq!(compact_in(&text, &mut buffer), plain_compact(&text));
            proptest::prop_assert!(compacts_to(&text, &plain_compact(&text)));
            proptest::prop_assert_eq!(compacts_to(&text, "X"), plain_compact(&text) == "X");
            proptest::prop_assert_eq!(
                same_compact(&text, "X"),
                plain_compact(&text) == "X"
            );
            let mut joined = String::new();
            for run in &plain {
                push_upper(run, &mut joined);
            }
            let expected = joined.as_bytes().get(..3).map(|b| [b[0], b[1], b[2]]);
            proptest::prop_assert_eq!(upper_prefix(&plain), expected);
        }
    }

    #[test]
    fn party_names_drop_legal_forms() {
        assert_eq!(party_key("Fabrikam GmbH"), "FABRIKAM");
        assert!(same_party("FABRIKAM GMBH & CO KG", "Fabrikam"));
        assert!(same_party("Contoso Europe B.V.", "Contoso Europe"));
        assert!(!same_party("Tailspin", "Alpine Ski House"));
        // Short names must be equal: "AB" is not inside every name with those letters.
        assert!(!same_party("ABC", "ABCDEF Trading"));
    }
}
