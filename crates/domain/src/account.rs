//! Account keys: how Cashline names a bank account everywhere (the IBAN where there is one,
//! else the number exactly as the bank writes it).

use std::fmt;

use crate::mask::mask_account;
use crate::{DomainError, Iban};

/// Longest account key we accept; camt `Othr/Id` allows 34 characters, MT940 `:25:` 35.
pub const ACCOUNT_KEY_CHARS_MAX: usize = 64;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountKey(String);

impl AccountKey {
    /// An IBAN-shaped key is validated as one (and normalised); anything else is kept exactly
    /// as written, trimmed, since local account numbers have no common form.
    pub fn parse(text: &str) -> Result<AccountKey, DomainError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(DomainError::EmptyAccountKey);
        }
        if trimmed.chars().count() > ACCOUNT_KEY_CHARS_MAX {
            return Err(DomainError::InvalidIban(format!(
                "account {} is longer than {ACCOUNT_KEY_CHARS_MAX} characters",
                mask_account(trimmed)
            )));
        }
        if let Ok(iban) = Iban::parse(trimmed) {
            return Ok(AccountKey(iban.reveal().to_string()));
        }
        Ok(AccountKey(trimmed.to_string()))
    }

    pub fn from_iban(iban: &Iban) -> AccountKey {
        AccountKey(iban.reveal().to_string())
    }

    /// The whole key, for the ledger and the owner's own screens.
    pub fn reveal(&self) -> &str {
        &self.0
    }

    pub fn masked(&self) -> String {
        mask_account(&self.0)
    }
}

impl fmt::Display for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

impl fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AccountKey({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ibans_are_normalised_other_numbers_kept() {
        let key = AccountKey::parse("de89 3704 0044 0532 0130 00").unwrap();
        assert_eq!(key.reveal(), "DE89370400440532013000");
        let local = AccountKey::parse(" 0708271685 ").unwrap();
        assert_eq!(local.reveal(), "0708271685");
        assert!(AccountKey::parse("  ").is_err());
    }

    #[test]
    fn formatting_never_leaks_the_number() {
        let key = AccountKey::parse("NL91ABNA0417164300").unwrap();
        assert_eq!(format!("{key}"), "…4300");
        assert!(!format!("{key:?}").contains("ABNA0417"));
    }
}
