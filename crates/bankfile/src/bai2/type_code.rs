//! BAI2 type codes: what a three-digit code says about an amount (balance, credit, debit).
//!
//! The ranges are those of the BAI2 specification's appendix A (as BTRS keeps them): 001–099
//! and 900–919 are account status (balances), 100–399 and 920–959 credits, 400–699 and
//! 960–999 debits, 700–799 loan detail, 890 non-monetary information.

use cashline_domain::BalanceType;

/// What a type code says about the amount it labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypeClass {
    /// An account status: a balance or a float figure, on 03 records only.
    Status,
    /// Money in: summaries on 03, transactions on 16.
    Credit,
    /// Money out.
    Debit,
    /// Loan detail (700–799): describes the loan, not a movement on this account.
    Loan,
    /// Information without money (890).
    NonMonetary,
}

/// A parsed three-digit type code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypeCode(u16);

impl TypeCode {
    /// Reads a type code: exactly three digits.
    pub fn parse(text: &str) -> Option<TypeCode> {
        let text = text.trim();
        if text.len() != 3 || !text.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let value = text
            .bytes()
            .fold(0u16, |value, digit| value * 10 + u16::from(digit - b'0'));
        Some(TypeCode(value))
    }

    pub fn new(code: u16) -> Option<TypeCode> {
        (1..=999).contains(&code).then_some(TypeCode(code))
    }

    pub fn value(self) -> u16 {
        self.0
    }

    /// The class of the code, or `None` for codes the specification leaves unassigned.
    pub fn class(self) -> Option<TypeClass> {
        match self.0 {
            1..=99 | 900..=919 => Some(TypeClass::Status),
            100..=399 | 920..=959 => Some(TypeClass::Credit),
            400..=699 | 960..=999 => Some(TypeClass::Debit),
            700..=799 => Some(TypeClass::Loan),
            890 => Some(TypeClass::NonMonetary),
            // Bank-specific summaries some UK banks send (SEPA and BACS totals).
            827 | 829 => Some(TypeClass::Credit),
            828 => Some(TypeClass::Debit),
            _ => None,
        }
    }

    /// The canonical balance a status code reports, if it reports one Cashline keeps.
    /// Averages, floats, targets and adjusted balances are figures about the balance, not
    /// balances, so they map to nothing.
    pub fn balance_type(self) -> Option<BalanceType> {
        match self.0 {
            10 => Some(BalanceType::OpeningBooked),
            15 => Some(BalanceType::ClosingBooked),
            // Current ledger: the booked balance as of the report's time.
            30 => Some(BalanceType::InterimBooked),
            40 => Some(BalanceType::OpeningAvailable),
            45 => Some(BalanceType::ClosingAvailable),
            // Current available (and its variant with controlled-disbursement presentments
            // suppressed): available funds as of the report's time.
            59 | 60 => Some(BalanceType::InterimAvailable),
            _ => None,
        }
    }
}

impl std::fmt::Display for TypeCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:03}", self.0)
    }
}

/// The status code a writer uses for a canonical balance type, where BAI2 has one.
pub fn status_code_of(balance_type: BalanceType) -> Option<TypeCode> {
    let code = match balance_type {
        BalanceType::OpeningBooked => 10,
        BalanceType::ClosingBooked => 15,
        BalanceType::InterimBooked => 30,
        BalanceType::OpeningAvailable => 40,
        BalanceType::ClosingAvailable => 45,
        BalanceType::InterimAvailable => 60,
        BalanceType::ForwardAvailable | BalanceType::Information => return None,
    };
    Some(TypeCode(code))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_specification() {
        let class = |code: &str| TypeCode::parse(code).and_then(TypeCode::class);
        assert_eq!(class("010"), Some(TypeClass::Status));
        assert_eq!(class("100"), Some(TypeClass::Credit));
        assert_eq!(class("399"), Some(TypeClass::Credit));
        assert_eq!(class("400"), Some(TypeClass::Debit));
        assert_eq!(class("699"), Some(TypeClass::Debit));
        assert_eq!(class("721"), Some(TypeClass::Loan));
        assert_eq!(class("890"), Some(TypeClass::NonMonetary));
        assert_eq!(class("905"), Some(TypeClass::Status));
        assert_eq!(class("930"), Some(TypeClass::Credit));
        assert_eq!(class("975"), Some(TypeClass::Debit));
        assert_eq!(class("850"), None);
        assert_eq!(TypeCode::parse("10"), None);
        assert_eq!(TypeCode::parse("1a0"), None);
        assert_eq!(TypeCode::parse("000").and_then(TypeCode::class), None);
    }

    #[test]
    fn only_real_balances_map_to_balance_types() {
        let balance = |code: &str| TypeCode::parse(code).and_then(TypeCode::balance_type);
        assert_eq!(balance("010"), Some(BalanceType::OpeningBooked));
        assert_eq!(balance("015"), Some(BalanceType::ClosingBooked));
        assert_eq!(balance("040"), Some(BalanceType::OpeningAvailable));
        assert_eq!(balance("045"), Some(BalanceType::ClosingAvailable));
        assert_eq!(balance("060"), Some(BalanceType::InterimAvailable));
        // Floats, averages and summaries are not balances.
        for code in ["072", "074", "020", "100", "400"] {
            assert_eq!(balance(code), None, "{code}");
        }
        for balance_type in BalanceType::ALL {
            if let Some(code) = status_code_of(*balance_type) {
                assert_eq!(code.balance_type(), Some(*balance_type));
            }
        }
    }
}
