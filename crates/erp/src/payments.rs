//! Payment instructions from the ERP's payment run, in the CSV of `CLI.md`:
//! `id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference`.

use chrono::NaiveDate;

use cashline_domain::{Bic, Iban, Money};

use crate::csv_rows::Rows;
use crate::ErpError;

/// Longest end-to-end id ISO 20022 allows.
pub const END_TO_END_ID_CHARS_MAX: usize = 35;
/// Longest creditor name a SEPA credit transfer carries.
pub const CREDITOR_NAME_CHARS_MAX: usize = 70;

#[derive(Debug, Clone)]
pub struct PaymentInstruction {
    pub external_id: String,
    pub end_to_end_id: String,
    pub debtor_iban: Iban,
    pub creditor_name: String,
    pub creditor_iban: Iban,
    pub creditor_bic: Option<Bic>,
    pub amount: Money,
    pub requested_date: NaiveDate,
    pub reference: Option<String>,
}

const REQUIRED: &[&str] = &[
    "id",
    "end_to_end_id",
    "debtor_iban",
    "creditor_name",
    "creditor_iban",
    "creditor_bic",
    "amount",
    "currency",
    "requested_date",
    "reference",
];

pub fn parse(bytes: &[u8]) -> Result<Vec<PaymentInstruction>, ErpError> {
    let rows = Rows::read(bytes, REQUIRED)?;
    let mut payments = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows.iter() {
        let external_id = row.required("id")?;
        if !seen.insert(external_id.clone()) {
            return Err(row.invalid("id", format!("'{external_id}' appears twice in the file")));
        }
        let end_to_end_id = row.required("end_to_end_id")?;
        if end_to_end_id.chars().count() > END_TO_END_ID_CHARS_MAX {
            return Err(row.invalid(
                "end_to_end_id",
                format!("longer than {END_TO_END_ID_CHARS_MAX} characters"),
            ));
        }
        let iban = |field: &str| -> Result<Iban, ErpError> {
            Iban::parse(&row.required(field)?).map_err(|e| row.invalid(field, e.to_string()))
        };
        let creditor_name = row.required("creditor_name")?;
        if creditor_name.chars().count() > CREDITOR_NAME_CHARS_MAX {
            return Err(row.invalid(
                "creditor_name",
                format!("longer than {CREDITOR_NAME_CHARS_MAX} characters"),
            ));
        }
        let creditor_bic = match row.optional("creditor_bic") {
            Some(text) => {
                Some(Bic::parse(&text).map_err(|e| row.invalid("creditor_bic", e.to_string()))?)
            }
            None => None,
        };
        let currency = row.currency("currency")?;
        let amount = row.money("amount", currency)?;
        if amount.is_negative() || amount.amount().is_zero() {
            return Err(row.invalid("amount", "must be positive"));
        }
        payments.push(PaymentInstruction {
            external_id,
            end_to_end_id,
            debtor_iban: iban("debtor_iban")?,
            creditor_name,
            creditor_iban: iban("creditor_iban")?,
            creditor_bic,
            amount,
            requested_date: row.date("requested_date")?,
            reference: row.optional("reference"),
        });
    }
    Ok(payments)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n";

    #[test]
    fn reads_payments_and_refuses_bad_ibans() {
        let good = format!("{HEADER}P1,E2E-1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-27,BILL-7\n");
        let payments = parse(good.as_bytes()).unwrap();
        assert_eq!(payments[0].amount.amount_text(), "500.00");
        let bad = good.replace("NL91ABNA0417164300", "NL91ABNA0417164301");
        let error = parse(bad.as_bytes()).unwrap_err().to_string();
        assert!(error.starts_with("line 2, field creditor_iban"), "{error}");
        let bad = good.replace("500.00", "-5");
        assert!(parse(bad.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("field amount"));
    }
}
