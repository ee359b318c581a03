//! Payment instructions from the ERP's payment run, in the CSV of `CLI.md`:
//! `id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference`.
//!
//! A row that cannot be read (a missing id, an amount that is not an exact amount of its
//! currency, a date that is not a date) refuses the file. What can be read but is wrong for a
//! bank (an IBAN whose check digits fail, a name outside the SEPA character set) is kept as
//! written: the engine's validation puts each such failure on the payment as a reason.

use chrono::NaiveDate;

use cashline_domain::Money;

use crate::csv_rows::Rows;
use crate::ErpError;

#[derive(Debug, Clone)]
pub struct PaymentInstruction {
    pub external_id: String,
    pub end_to_end_id: String,
    /// As written; validated by the engine.
    pub debtor_iban: String,
    pub creditor_name: String,
    pub creditor_iban: String,
    pub creditor_bic: Option<String>,
    pub amount: Money,
    pub requested_date: NaiveDate,
    pub reference: Option<String>,
    /// Where it came from in a pain.001: the batch's and the instruction's ids.
    pub payment_info_id: Option<String>,
    pub instruction_id: Option<String>,
}

/// The columns of the layout, every one required.
pub const COLUMNS: &[&str] = &[
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
    let rows = Rows::read(bytes, COLUMNS)?;
    let mut payments = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows.iter() {
        let external_id = row.required("id")?;
        if !seen.insert(external_id.clone()) {
            return Err(row.invalid("id", format!("'{external_id}' appears twice in the file")));
        }
        let currency = row.currency("currency")?;
        let amount = row.money("amount", currency)?;
        if amount.is_negative() || amount.amount().is_zero() {
            return Err(row.invalid("amount", "must be positive"));
        }
        payments.push(PaymentInstruction {
            external_id,
            end_to_end_id: row.required("end_to_end_id")?,
            debtor_iban: row.required("debtor_iban")?,
            creditor_name: row.required("creditor_name")?,
            creditor_iban: row.required("creditor_iban")?,
            creditor_bic: row.optional("creditor_bic"),
            amount,
            requested_date: row.date("requested_date")?,
            reference: row.optional("reference"),
            payment_info_id: None,
            instruction_id: None,
        });
    }
    Ok(payments)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n";

    #[test]
    fn reads_payments_and_refuses_rows_it_cannot_read() {
        let good = format!("{HEADER}P1,E2E-1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-27,BILL-7\n");
        let payments = parse(good.as_bytes()).unwrap();
        assert_eq!(payments[0].amount.amount_text(), "500.00");
        // A wrong IBAN is read as written: the engine says what is wrong with it.
        let bad = good.replace("NL91ABNA0417164300", "NL91ABNA0417164301");
        assert_eq!(
            parse(bad.as_bytes()).unwrap()[0].creditor_iban,
            "NL91ABNA0417164301"
        );
        let bad = good.replace("500.00", "-5");
        assert!(parse(bad.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("field amount"));
        let bad = good.replace("500.00", "500.001");
        let error = parse(bad.as_bytes()).unwrap_err().to_string();
        assert!(error.starts_with("line 2, field amount"), "{error}");
    }
}
