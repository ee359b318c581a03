//! Invariants every successfully parsed statement keeps, shared by the camt and swift targets.

use cashline_bankfile::{ParsedFile, DETAILS_PER_ENTRY_MAX};

/// Panics (so libFuzzer reports the input) when a parsed statement breaks an invariant:
/// amounts fit the currency's minor units (trailing zeros aside, as `Money` counts them) and an `i64` of them, and every balance and entry is
/// in the account's currency; an entry holds at most `DETAILS_PER_ENTRY_MAX` transaction
/// details, whose amounts (in their own currency) fit its minor units and an `i64` too.
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
            assert!(
                entry.details.len() <= DETAILS_PER_ENTRY_MAX,
                "an entry holds more details than allowed"
            );
            for amount in entry.details.iter().filter_map(|d| d.amount.as_ref()) {
                assert!(amount.amount().normalize().scale() <= amount.currency().minor_units());
                assert!(
                    amount.amount_minor().is_ok(),
                    "a detail overflows i64 minor units"
                );
            }
        }
    }
}
