//! The Single Euro Payments Area's rules a credit transfer must meet: which countries are in
//! it, and the Latin character set and field lengths of the EPC's implementation guidelines.

/// Longest creditor or debtor name a SEPA credit transfer carries.
pub const NAME_CHARS_MAX: usize = 70;
/// Longest end-to-end id (and any other ISO 20022 `Max35Text` id).
pub const ID_CHARS_MAX: usize = 35;
/// Longest unstructured remittance information.
pub const REMITTANCE_CHARS_MAX: usize = 140;

/// Countries (ISO 3166 codes as IBANs begin) whose accounts SEPA reaches: the EU and EEA
/// states, and the non-EEA members of the scheme.
const COUNTRIES: &[&str] = &[
    "AD", "AT", "BE", "BG", "CH", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GB", "GI", "GR",
    "HR", "HU", "IE", "IS", "IT", "LI", "LT", "LU", "LV", "MC", "MT", "NL", "NO", "PL", "PT", "RO",
    "SE", "SI", "SK", "SM", "VA", "AL", "MD", "ME", "MK",
    // Territories with IBANs of their own that SEPA reaches through their mother country.
    "GF", "GP", "MQ", "YT", "RE", "PM", "BL", "MF", "AX", "GG", "JE", "IM",
];

/// Whether an IBAN's country is in SEPA.
pub fn is_sepa_iban(iban: &str) -> bool {
    iban.get(..2)
        .is_some_and(|country| COUNTRIES.contains(&country.to_ascii_uppercase().as_str()))
}

/// The first character outside the SEPA character set (the Latin letters, digits and
/// `/ - ? : ( ) . , ' +` and space every bank in the scheme must accept), if any.
pub fn first_foreign_char(text: &str) -> Option<char> {
    text.chars().find(|c| {
        !(c.is_ascii_alphanumeric()
            || matches!(
                c,
                '/' | '-' | '?' | ':' | '(' | ')' | '.' | ',' | '\'' | '+' | ' '
            ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sepa_reaches_the_eea_and_its_other_members() {
        assert!(is_sepa_iban("DE89370400440532013000"));
        assert!(is_sepa_iban("ch9300762011623852957"));
        assert!(!is_sepa_iban("US12345678901234567890"));
        assert!(!is_sepa_iban("D"));
    }

    #[test]
    fn the_latin_set_refuses_what_some_banks_would_garble() {
        assert_eq!(first_foreign_char("Fabrikam GmbH, Inv. 4711/26"), None);
        assert_eq!(first_foreign_char("Müller & Söhne"), Some('ü'));
        assert_eq!(first_foreign_char("A&B"), Some('&'));
        assert_eq!(first_foreign_char("line\nbreak"), Some('\n'));
    }
}
