//! ISO 11649 structured creditor references (`RF` + two check digits + up to 21 letters or
//! digits), checked the way an IBAN is (ISO 7064 MOD 97-10), so a mistyped reference is never
//! taken as evidence.

use std::fmt;

/// The longest reference: `RF`, two check digits and 21 characters.
pub const CREDITOR_REFERENCE_LEN_MAX: usize = 25;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditorReference(String);

impl CreditorReference {
    /// A reference as written (spaces allowed, any case), or `None` when it is not one: wrong
    /// shape or wrong check digits.
    pub fn parse(text: &str) -> Option<CreditorReference> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let bytes = compact.as_bytes();
        let shaped = (5..=CREDITOR_REFERENCE_LEN_MAX).contains(&bytes.len())
            && bytes.starts_with(b"RF")
            && bytes[2].is_ascii_digit()
            && bytes[3].is_ascii_digit()
            && bytes[4..].iter().all(u8::is_ascii_alphanumeric);
        (shaped && crate::iban::mod97(bytes) == 1).then_some(CreditorReference(compact))
    }

    /// Every valid reference written in free text (remittance lines), in order, once each.
    /// A reference split by spaces is not looked for: `RF` texts are printed without them.
    pub fn find_all(text: &str) -> Vec<CreditorReference> {
        let mut found: Vec<CreditorReference> = Vec::new();
        // Most remittance texts hold no "RF" at all: said without copying the text.
        if !text
            .as_bytes()
            .windows(2)
            .any(|w| w[0].eq_ignore_ascii_case(&b'R') && w[1].eq_ignore_ascii_case(&b'F'))
        {
            return found;
        }
        let upper = text.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let mut at = 0;
        while let Some(offset) = upper[at..].find("RF") {
            let start = at + offset;
            at = start + 2;
            if start > 0 && bytes[start - 1].is_ascii_alphanumeric() {
                continue;
            }
            let end = bytes[start..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .map_or(bytes.len(), |n| start + n);
            if let Some(reference) = CreditorReference::parse(&upper[start..end]) {
                if !found.contains(&reference) {
                    found.push(reference);
                }
            }
        }
        found
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CreditorReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_the_standards_example_in_any_spacing_and_case() {
        // The example of ISO 11649 and the EPC guidance.
        for text in [
            "RF18539007547034",
            "RF18 5390 0754 7034",
            "rf18539007547034",
        ] {
            assert_eq!(
                CreditorReference::parse(text).map(|r| r.to_string()),
                Some("RF18539007547034".to_string())
            );
        }
        assert!(CreditorReference::parse("RF18000000000539007547034").is_some());
    }

    #[test]
    fn refuses_wrong_check_digits_and_shapes() {
        for text in [
            "RF19539007547034",
            "RF18",
            "XX18539007547034",
            "RF1A539007547034",
            "RF18-5390",
            "RF18539007547034000000000",
        ] {
            assert_eq!(CreditorReference::parse(text), None, "{text}");
        }
    }

    #[test]
    fn finds_references_in_free_text_once_each() {
        let text = "Invoice 4711 ref RF18539007547034, again rf18539007547034; bad RF19539007547034 XRF18539007547034";
        let found = CreditorReference::find_all(text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].as_str(), "RF18539007547034");
    }
}
