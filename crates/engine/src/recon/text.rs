//! Text as the matcher compares it: references without their separators, remittance text as
//! runs of letters and digits, counterparty names without legal forms.

/// Upper-case letters and digits only: `inv-2026/0042` and `INV 2026 0042` are one reference.
pub fn compact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    compact_into(text, &mut out);
    out
}

/// `compact` into a reused buffer (the matcher calls it for every span of every entry).
pub fn compact_into(text: &str, out: &mut String) {
    out.clear();
    if text.is_ascii() {
        // Nearly every reference and IBAN: no character needs Unicode's rules.
        out.extend(
            text.bytes()
                .filter(u8::is_ascii_alphanumeric)
                .map(|b| char::from(b.to_ascii_uppercase())),
        );
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
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_uppercase())));
    } else {
        for c in word.chars() {
            out.extend(c.to_uppercase());
        }
    }
}

/// The runs of letters and digits of a text, in order: a number split by a space, a dash, a
/// slash or a line break is several runs the matcher joins back.
pub fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
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
