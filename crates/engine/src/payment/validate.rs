//! What a bank would refuse in a payment, found before anyone approves it: each failure a
//! reason on the payment, never a silent drop.

use chrono::NaiveDate;

use cashline_domain::iban::compact;
use cashline_domain::sepa::{self, first_foreign_char};
use cashline_domain::{Bic, BusinessCalendar, Currency, Iban};
use cashline_erp::payments::PaymentInstruction;

/// One thing wrong with a payment, and the field it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub field: &'static str,
    pub reason: String,
}

/// An account of the company's own (known from a statement, a connection or set up by hand):
/// its IBAN in electronic form and its currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnAccount {
    pub iban: String,
    pub currency: String,
}

/// ISO 20022 `Max140Text`: the longest name or remittance outside SEPA.
const TEXT_CHARS_MAX: usize = 140;

/// Every issue of `payment`, in field order; none means it is valid.
pub fn issues(payment: &PaymentInstruction, own: &[OwnAccount]) -> Vec<Issue> {
    let mut found = Vec::new();
    let mut issue = |field: &'static str, reason: String| found.push(Issue { field, reason });
    let currency = payment.amount.currency();

    let debtor = Iban::parse(&payment.debtor_iban);
    match &debtor {
        Err(e) => issue("debtor_iban", e.to_string()),
        Ok(iban) => {
            let key = compact(iban.reveal());
            let mine: Vec<&OwnAccount> = own.iter().filter(|a| compact(&a.iban) == key).collect();
            if mine.is_empty() {
                issue(
                    "debtor_iban",
                    format!(
                        "{iban} is not one of the company's accounts (import a statement of it, or connect its bank)"
                    ),
                );
            } else if !mine.iter().any(|a| a.currency == currency.code()) {
                issue(
                    "debtor_iban",
                    format!(
                        "{iban} holds {}, not {currency}",
                        mine.iter()
                            .map(|a| a.currency.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
            }
        }
    }
    let creditor = Iban::parse(&payment.creditor_iban);
    if let Err(e) = &creditor {
        issue("creditor_iban", e.to_string());
    }
    if let Some(bic) = &payment.creditor_bic {
        if let Err(e) = Bic::parse(bic) {
            issue("creditor_bic", e.to_string());
        }
    }

    if payment.end_to_end_id.trim().is_empty() {
        issue("end_to_end_id", "is empty; the bank needs one".into());
    }

    let sepa = currency == Currency::EUR
        && sepa::is_sepa_iban(&compact(&payment.debtor_iban))
        && sepa::is_sepa_iban(&compact(&payment.creditor_iban));
    let name_max = if sepa {
        sepa::NAME_CHARS_MAX
    } else {
        TEXT_CHARS_MAX
    };
    let mut text = |field: &'static str, value: &str, max: usize| {
        let chars = value.chars().count();
        if chars > max {
            issue(
                field,
                format!("{chars} characters, more than the {max} the bank takes"),
            );
        }
        if let Some(c) = first_foreign_char(value).filter(|_| sepa) {
            issue(
                field,
                format!(
                    "'{}' is outside the SEPA character set (Latin letters, digits, / - ? : ( ) . , ' + and space)",
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                ),
            );
        } else if let Some(c) = value.chars().find(|c| c.is_control()) {
            issue(
                field,
                format!("holds the control character '{}'", c.escape_default()),
            );
        }
    };
    text("end_to_end_id", &payment.end_to_end_id, sepa::ID_CHARS_MAX);
    text("creditor_name", &payment.creditor_name, name_max);
    if let Some(reference) = &payment.reference {
        text("reference", reference, sepa::REMITTANCE_CHARS_MAX);
    }
    if let Some(reason) = not_a_business_day(payment.requested_date, currency) {
        issue("requested_date", reason);
    }
    found
}

fn not_a_business_day(date: NaiveDate, currency: Currency) -> Option<String> {
    let calendar = BusinessCalendar::for_currency(currency);
    if calendar.is_business_day(date) {
        return None;
    }
    let why = calendar
        .closed_because(date)
        .map(|why| format!(" ({why})"))
        .unwrap_or_default();
    Some(format!(
        "{date} is not a business day for {currency}{why}; the next is {}",
        calendar.on_or_after(date)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cashline_domain::Money;

    fn payment() -> PaymentInstruction {
        PaymentInstruction {
            external_id: "P1".into(),
            end_to_end_id: "E2E-1".into(),
            debtor_iban: "DE89 3704 0044 0532 0130 00".into(),
            creditor_name: "Fabrikam GmbH".into(),
            creditor_iban: "NL91ABNA0417164300".into(),
            creditor_bic: Some("ABNANL2A".into()),
            amount: Money::from_minor(50_000, Currency::EUR),
            requested_date: NaiveDate::from_ymd_opt(2026, 12, 4).unwrap(),
            reference: Some("INV-4711".into()),
            payment_info_id: None,
            instruction_id: None,
        }
    }

    fn own() -> Vec<OwnAccount> {
        vec![OwnAccount {
            iban: "DE89370400440532013000".into(),
            currency: "EUR".into(),
        }]
    }

    fn fields(found: &[Issue]) -> Vec<&'static str> {
        found.iter().map(|i| i.field).collect()
    }

    #[test]
    fn a_good_payment_has_no_issue() {
        assert_eq!(issues(&payment(), &own()), []);
    }

    #[test]
    fn every_failure_is_named_by_its_field() {
        let mut bad = payment();
        bad.creditor_iban = "NL91ABNA0417164301".into();
        bad.creditor_bic = Some("ABN".into());
        bad.creditor_name = "Müller".into();
        bad.end_to_end_id = "E".repeat(36);
        bad.requested_date = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        let found = issues(&bad, &own());
        assert_eq!(
            fields(&found),
            [
                "creditor_iban",
                "creditor_bic",
                "end_to_end_id",
                "creditor_name",
                "requested_date"
            ],
            "{found:?}"
        );
        assert!(
            found[4].reason.contains("the next is 2026-12-28"),
            "{found:?}"
        );
    }

    #[test]
    fn the_debtor_must_be_an_own_account_in_the_currency() {
        let found = issues(&payment(), &[]);
        assert_eq!(fields(&found), ["debtor_iban"]);
        assert!(found[0]
            .reason
            .contains("not one of the company's accounts"));
        let dollars = vec![OwnAccount {
            iban: "DE89370400440532013000".into(),
            currency: "USD".into(),
        }];
        let found = issues(&payment(), &dollars);
        assert!(found[0].reason.contains("holds USD, not EUR"), "{found:?}");
    }

    #[test]
    fn outside_sepa_the_latin_set_does_not_apply_but_control_characters_do() {
        let mut usd = payment();
        usd.amount = Money::from_minor(50_000, Currency::USD);
        usd.creditor_name = "Müller & Söhne".into();
        let own = vec![OwnAccount {
            iban: "DE89370400440532013000".into(),
            currency: "USD".into(),
        }];
        assert_eq!(issues(&usd, &own), []);
        usd.creditor_name = "Bad\u{7}Name".into();
        assert_eq!(fields(&issues(&usd, &own)), ["creditor_name"]);
    }
}
