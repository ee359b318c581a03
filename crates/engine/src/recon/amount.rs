//! How an entry's amount fits what a target expects: exactly, within a named tolerance, as an
//! instalment, or not at all.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use cashline_domain::{Currency, DifferenceKind};

use super::facts::{Target, TargetKind};
use super::rule::ToleranceParams;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Exact,
    /// Settles the target whole, with a named difference (entry amount less expected, signed
    /// like the entry) and the score it costs.
    Within {
        difference_minor: i64,
        kind: DifferenceKind,
        penalty: i32,
    },
    /// Pays part of what the target expects: an instalment.
    Part,
    Wrong,
}

/// Major units to minor units of `currency`, rounded down (a tolerance never grows).
pub fn minor_units(value: Decimal, currency: Currency) -> i64 {
    (value * Decimal::from(10_i64.pow(currency.minor_units())))
        .floor()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// `percent` % of `amount_minor`, rounded down.
pub fn share(amount_minor: i64, percent: Decimal) -> i64 {
    (Decimal::from(amount_minor) * percent / Decimal::ONE_HUNDRED)
        .floor()
        .to_i64()
        .unwrap_or(i64::MAX)
}

/// `tolerance` is the enabled tolerance rule's settings; `instalments` whether a part payment
/// may count (the several-items rule is enabled).
pub fn fit(
    entry_minor: i64,
    target: &Target,
    tolerance: Option<&ToleranceParams>,
    instalments: bool,
) -> Fit {
    fit_amount(
        entry_minor,
        target.kind,
        target.currency,
        target.open_minor,
        tolerance,
        instalments,
    )
}

/// `fit` against an amount open on targets of one kind and currency (one target, or several
/// settled together).
pub fn fit_amount(
    entry_minor: i64,
    kind: TargetKind,
    currency: Currency,
    open_minor: i64,
    tolerance: Option<&ToleranceParams>,
    instalments: bool,
) -> Fit {
    if entry_minor.signum() != kind.entry_sign() || open_minor <= 0 {
        return Fit::Wrong;
    }
    let paid = entry_minor.unsigned_abs();
    let expected = open_minor.unsigned_abs();
    if paid == expected {
        return Fit::Exact;
    }
    let difference_minor = entry_minor - kind.entry_sign() * open_minor;
    if let Some(tolerance) = tolerance {
        let gap = i64::try_from(paid.abs_diff(expected)).unwrap_or(i64::MAX);
        let fee_max = minor_units(tolerance.fee_max, currency);
        // A fee is taken from money coming in, and added to money going out.
        let fee_side = match kind {
            TargetKind::Receivable => paid < expected,
            TargetKind::Payable | TargetKind::Payment => paid > expected,
        };
        if fee_side && gap <= fee_max {
            return Fit::Within {
                difference_minor,
                kind: DifferenceKind::Fee,
                penalty: 3,
            };
        }
        if paid < expected && gap <= share(open_minor, tolerance.short_percent) {
            return Fit::Within {
                difference_minor,
                kind: DifferenceKind::ShortPayment,
                penalty: 8,
            };
        }
        if paid > expected && gap <= share(open_minor, tolerance.over_percent) {
            return Fit::Within {
                difference_minor,
                kind: DifferenceKind::OverPayment,
                penalty: 8,
            };
        }
    }
    if instalments && paid < expected {
        return Fit::Part;
    }
    Fit::Wrong
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recon::facts::TargetId;

    fn receivable(open_minor: i64) -> Target {
        Target {
            id: TargetId::Item(1),
            kind: TargetKind::Receivable,
            external_id: "INV-1".into(),
            counterparty_name: None,
            counterparty_iban: None,
            open_minor,
            currency: Currency::from_code("EUR").unwrap(),
            due_date: None,
            reference: None,
            end_to_end_id: None,
        }
    }

    fn tolerance() -> ToleranceParams {
        ToleranceParams {
            fee_max: Decimal::from(25),
            short_percent: Decimal::from(2),
            over_percent: Decimal::from(2),
        }
    }

    #[test]
    fn differences_are_named_by_side_and_size() {
        let t = receivable(100_000);
        assert_eq!(fit(100_000, &t, None, false), Fit::Exact);
        assert!(matches!(
            fit(99_750, &t, Some(&tolerance()), false),
            Fit::Within {
                kind: DifferenceKind::Fee,
                difference_minor: -250,
                ..
            }
        ));
        let big = receivable(1_000_000);
        assert!(matches!(
            fit(990_000, &big, Some(&tolerance()), false),
            Fit::Within {
                kind: DifferenceKind::ShortPayment,
                ..
            }
        ));
        assert!(matches!(
            fit(1_010_000, &big, Some(&tolerance()), false),
            Fit::Within {
                kind: DifferenceKind::OverPayment,
                ..
            }
        ));
        assert!(matches!(
            fit(101_000, &t, Some(&tolerance()), false),
            Fit::Within {
                kind: DifferenceKind::OverPayment,
                ..
            }
        ));
        assert_eq!(fit(50_000, &t, Some(&tolerance()), true), Fit::Part);
        assert_eq!(fit(50_000, &t, Some(&tolerance()), false), Fit::Wrong);
        assert_eq!(fit(150_000, &t, Some(&tolerance()), true), Fit::Wrong);
        assert_eq!(
            fit(-100_000, &t, Some(&tolerance()), true),
            Fit::Wrong,
            "a debit never settles a receivable"
        );
        assert_eq!(
            fit(99_750, &t, None, false),
            Fit::Wrong,
            "without the tolerance rule a fee is a mismatch"
        );
    }

    #[test]
    fn the_fee_limit_follows_the_currency() {
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(minor_units(Decimal::from(25), jpy), 25);
        assert_eq!(
            minor_units(
                "2.509".parse().unwrap(),
                Currency::from_code("EUR").unwrap()
            ),
            250
        );
    }
}
