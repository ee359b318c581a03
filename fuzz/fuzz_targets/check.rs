//! Invariants every successfully parsed statement keeps, shared by the camt and swift targets.

use cashline_bankfile::ParsedFile;

/// Panics (so libFuzzer reports the input) when a parsed statement breaks an invariant:
/// amounts fit the currency's minor units (trailing zeros aside, as `Money` counts them) and an `i64` of them, and every balance and entry is
/// in the account's currency.
pub fn statements_hold(file: &ParsedFile) {
    for statement in &file.statements {
        let currency = statement.account.currency;
        for balance in &statement.balances {
            assert_eq!(
                balance.amount.currency(),
                currency,
                "a balance is not in its account's currency"
            );
            assert!(balance.amount.amount().normalize().scale() <= currency.minor_units());
            assert!(
                balance.amount.amount_minor().is_ok(),
                "a balance overflows i64 minor units"
            );
        }
        for entry in &statement.entries {
            assert_eq!(
                entry.amount.currency(),
                currency,
                "an entry is not in its account's currency"
            );
            assert!(entry.amount.amount().normalize().scale() <= currency.minor_units());
            assert!(
                entry.amount.amount_minor().is_ok(),
                "an entry overflows i64 minor units"
            );
        }
    }
}
