//! Business Identifier Codes (ISO 9362).

use std::fmt;

use crate::DomainError;

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Bic(String);

impl Bic {
    /// Accepts 8 or 11 characters: 4 bank letters (or digits, as ISO 9362:2014 allows),
    /// 2 country letters, 2 location characters and an optional 3-character branch.
    pub fn parse(text: &str) -> Result<Bic, DomainError> {
        let value = text.trim().to_ascii_uppercase();
        let bytes = value.as_bytes();
        let length_ok = bytes.len() == 8 || bytes.len() == 11;
        let valid = length_ok
            && bytes.iter().all(|b| b.is_ascii_alphanumeric())
            && bytes[4..6].iter().all(|b| b.is_ascii_uppercase());
        if !valid {
            return Err(DomainError::InvalidBic(text.to_string()));
        }
        Ok(Bic(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn country(&self) -> &str {
        &self.0[4..6]
    }
}

impl fmt::Display for Bic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_8_and_11_characters() {
        assert_eq!(Bic::parse("COBADEFF").unwrap().country(), "DE");
        assert!(Bic::parse("cobadeffxxx").is_ok());
        assert!(Bic::parse("DEUTDEDB101").is_ok());
    }

    #[test]
    fn refuses_malformed_codes() {
        for bad in ["COBADEF", "COBA1EFFXXX", "COBADEFF-XX", "", "COBADEFFXXXX"] {
            assert!(Bic::parse(bad).is_err(), "{bad}");
        }
    }
}
