//! International Bank Account Numbers, validated by their ISO 13616 check digits.

use std::fmt;
use std::str::FromStr;

use crate::mask::mask_account;
use crate::DomainError;

/// Longest IBAN any country issues (Russia, 33); anything longer is not an IBAN.
pub const IBAN_CHARS_MAX: usize = 34;
/// Shortest IBAN any country issues (Norway, 15).
pub const IBAN_CHARS_MIN: usize = 15;

/// A valid IBAN in electronic form (no spaces, upper case). `Debug` and `Display` mask it; the
/// full number is only available through [`Iban::reveal`], so leaks are greppable.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iban(String);

impl Iban {
    pub fn parse(text: &str) -> Result<Iban, DomainError> {
        let compact: String = text
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_uppercase();
        if compact.len() < IBAN_CHARS_MIN || compact.len() > IBAN_CHARS_MAX {
            return Err(DomainError::InvalidIban(format!(
                "{} has {} characters, an IBAN has {IBAN_CHARS_MIN} to {IBAN_CHARS_MAX}",
                mask_account(&compact),
                compact.len()
            )));
        }
        if !compact.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(DomainError::InvalidIban(format!(
                "{} holds characters other than letters and digits",
                mask_account(&compact)
            )));
        }
        let bytes = compact.as_bytes();
        let country_ok = bytes[0].is_ascii_uppercase() && bytes[1].is_ascii_uppercase();
        let check_ok = bytes[2].is_ascii_digit() && bytes[3].is_ascii_digit();
        if !country_ok || !check_ok {
            return Err(DomainError::InvalidIban(format!(
                "{} must start with a country code and two check digits",
                mask_account(&compact)
            )));
        }
        if mod97(compact.as_bytes()) != 1 {
            return Err(DomainError::InvalidIban(format!(
                "{} fails the ISO 13616 check digits",
                mask_account(&compact)
            )));
        }
        Ok(Iban(compact))
    }

    /// Builds an IBAN from a country code and a national account number (BBAN), computing
    /// the check digits, as banks do when they issue one.
    pub fn from_country_and_bban(country: &str, bban: &str) -> Result<Iban, DomainError> {
        let provisional = format!(
            "{}00{}",
            country.to_ascii_uppercase(),
            bban.to_ascii_uppercase()
        );
        if provisional.len() < IBAN_CHARS_MIN
            || provisional.len() > IBAN_CHARS_MAX
            || !provisional.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(DomainError::InvalidIban(format!(
                "{} cannot form an IBAN",
                mask_account(&provisional)
            )));
        }
        let check = 98 - mod97(provisional.as_bytes());
        Iban::parse(&format!(
            "{}{check:02}{}",
            &provisional[..2],
            &provisional[4..]
        ))
    }

    /// The whole number. Call only where the full value must leave the process (the ledger,
    /// the wire to the owner's own screen, a payment file).
    pub fn reveal(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[..2]
    }

    pub fn masked(&self) -> String {
        mask_account(&self.0)
    }
}

/// An account identifier as banks and ERPs write it (`de89 3704 …`) in its electronic form:
/// no spaces, capitals. How two writings of one account are compared.
pub fn compact(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Whether compact capitals and digits form an IBAN: its length, country, check digits and
/// ISO 13616 checksum. What [`Iban::parse`] checks after compacting, without building one, for
/// parsers that meet an IBAN on every entry.
pub fn is_compact_iban(bytes: &[u8]) -> bool {
    (IBAN_CHARS_MIN..=IBAN_CHARS_MAX).contains(&bytes.len())
        && bytes
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..4].iter().all(u8::is_ascii_digit)
        && mod97(bytes) == 1
}

/// ISO 7064 MOD 97-10 over the rearranged IBAN (capitals and digits only). The remainder is
/// taken only when the number nears the top of a u64: the same result as taking it at each
/// digit, with no big integers.
pub(crate) fn mod97(iban: &[u8]) -> u32 {
    let mut number: u64 = 0;
    for &byte in iban[4..].iter().chain(&iban[..4]) {
        // Letters expand to two digits (A = 10 … Z = 35).
        number = if byte.is_ascii_digit() {
            number * 10 + u64::from(byte - b'0')
        } else {
            number * 100 + u64::from(byte - b'A') + 10
        };
        if number >= 1 << 56 {
            number %= 97;
        }
    }
    u32::try_from(number % 97).expect("below 97")
}

impl fmt::Display for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for Iban {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Iban({})", self.masked())
    }
}

impl FromStr for Iban {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Iban::parse(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_valid_ibans_in_any_spacing() {
        for valid in [
            "DE89370400440532013000",
            "DE89 3704 0044 0532 0130 00",
            "gb82west12345698765432",
            "NL91ABNA0417164300",
            "CH9300762011623852957",
            "FR1420041010050500013M02606",
            "BE68539007547034",
        ] {
            assert!(Iban::parse(valid).is_ok(), "{valid}");
        }
    }

    #[test]
    fn the_compact_check_agrees_with_parse() {
        for text in [
            "DE89370400440532013000",
            "FR1420041010050500013M02606",
            "BE68539007547034",
            "RU0204452560040702810412345678901",
            "DE88370400440532013000",
            "de89370400440532013000",
            "DE8937040044053201300",
            "1289370400440532013000",
            "NL91ABNA041716",
            "",
        ] {
            assert_eq!(
                is_compact_iban(text.as_bytes()),
                Iban::parse(text).is_ok() && text.bytes().all(|b| !b.is_ascii_lowercase()),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_wrong_check_digits_and_shapes() {
        for invalid in [
            "DE88370400440532013000",
            "DE8937040044053201300",
            "1289370400440532013000",
            "DE89-3704-0044-0532-0130-00",
            "DE",
            "",
        ] {
            assert!(Iban::parse(invalid).is_err(), "{invalid}");
        }
    }

    #[test]
    fn computes_check_digits_for_a_national_number() {
        let iban = Iban::from_country_and_bban("DE", "370400440532013000").unwrap();
        assert_eq!(iban.reveal(), "DE89370400440532013000");
        let iban = Iban::from_country_and_bban("GB", "WEST12345698765432").unwrap();
        assert_eq!(iban.reveal(), "GB82WEST12345698765432");
    }

    #[test]
    fn formatting_never_leaks_the_digits() {
        let iban = Iban::parse("DE89370400440532013000").unwrap();
        for shown in [format!("{iban}"), format!("{iban:?}"), format!("{iban:#?}")] {
            assert!(!shown.contains("37040044"), "{shown}");
            assert!(shown.contains("3000"));
        }
        let error = Iban::parse("DE88370400440532013000")
            .unwrap_err()
            .to_string();
        assert!(!error.contains("37040044"), "{error}");
        assert_eq!(iban.reveal(), "DE89370400440532013000");
    }
}
