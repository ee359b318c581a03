//! ISO 4217 currencies with their minor units (JPY 0, EUR 2, BHD 3).

use std::fmt;
use std::str::FromStr;

use crate::DomainError;

/// An active ISO 4217 currency. `Copy` and three bytes wide, so it travels with every amount.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    pub const EUR: Currency = Currency::known(*b"EUR", 2);
    pub const USD: Currency = Currency::known(*b"USD", 2);
    pub const GBP: Currency = Currency::known(*b"GBP", 2);
    pub const CHF: Currency = Currency::known(*b"CHF", 2);
    pub const JPY: Currency = Currency::known(*b"JPY", 0);

    const fn known(code: [u8; 3], minor_units: u8) -> Currency {
        Currency { code, minor_units }
    }

    /// Looks a code up in the ISO 4217 table; lower case is accepted, as some banks write it.
    pub fn from_code(code: &str) -> Result<Currency, DomainError> {
        let upper = code.trim().to_ascii_uppercase();
        let bytes = upper.as_bytes();
        if bytes.len() != 3 {
            return Err(DomainError::UnknownCurrency(code.to_string()));
        }
        let minor_units =
            minor_units_of(&upper).ok_or_else(|| DomainError::UnknownCurrency(code.to_string()))?;
        Ok(Currency {
            code: [bytes[0], bytes[1], bytes[2]],
            minor_units,
        })
    }

    pub fn code(&self) -> &str {
        // The bytes come from the ASCII table below, so this cannot fail.
        std::str::from_utf8(&self.code).expect("currency codes are ASCII")
    }

    /// Digits after the decimal point in this currency's amounts.
    pub fn minor_units(&self) -> u32 {
        u32::from(self.minor_units)
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl FromStr for Currency {
    type Err = DomainError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

/// Currencies whose minor units differ from two. Every other active code has two.
const MINOR_UNITS_EXCEPTIONS: &[(&str, u8)] = &[
    ("BIF", 0),
    ("CLP", 0),
    ("DJF", 0),
    ("GNF", 0),
    ("ISK", 0),
    ("JPY", 0),
    ("KMF", 0),
    ("KRW", 0),
    ("PYG", 0),
    ("RWF", 0),
    ("UGX", 0),
    ("UYI", 0),
    ("VND", 0),
    ("VUV", 0),
    ("XAF", 0),
    ("XOF", 0),
    ("XPF", 0),
    ("BHD", 3),
    ("IQD", 3),
    ("JOD", 3),
    ("KWD", 3),
    ("LYD", 3),
    ("OMR", 3),
    ("TND", 3),
    ("CLF", 4),
    ("UYW", 4),
];

/// Active ISO 4217 codes with two minor units.
const TWO_MINOR_UNITS: &[&str] = &[
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
    "BGN", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF",
    "CHE", "CHF", "CHW", "CNY", "COP", "COU", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD",
    "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD",
    "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW",
    "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT",
    "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK",
    "NPR", "NZD", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR",
    "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN", "SVC", "SYP",
    "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "USN", "UYU",
    "UZS", "VED", "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
];

fn minor_units_of(code: &str) -> Option<u8> {
    if let Some((_, units)) = MINOR_UNITS_EXCEPTIONS.iter().find(|(c, _)| *c == code) {
        return Some(*units);
    }
    TWO_MINOR_UNITS.contains(&code).then_some(2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minor_units_follow_iso_4217() {
        assert_eq!(Currency::from_code("EUR").unwrap().minor_units(), 2);
        assert_eq!(Currency::from_code("jpy").unwrap().minor_units(), 0);
        assert_eq!(Currency::from_code("BHD").unwrap().minor_units(), 3);
        assert_eq!(Currency::from_code("CLF").unwrap().minor_units(), 4);
    }

    #[test]
    fn unknown_codes_are_refused() {
        assert!(Currency::from_code("EURO").is_err());
        assert!(Currency::from_code("XXX").is_err());
        assert!(Currency::from_code("").is_err());
    }

    #[test]
    fn constants_match_the_table() {
        for c in [
            Currency::EUR,
            Currency::USD,
            Currency::GBP,
            Currency::CHF,
            Currency::JPY,
        ] {
            assert_eq!(Currency::from_code(c.code()).unwrap(), c);
        }
    }
}
