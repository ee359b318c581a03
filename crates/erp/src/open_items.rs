//! Open items (receivables and payables) from the generic ERP export of `CLI.md`:
//! `id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference`, plus the
//! optional `entity` and `probability` (of collection, 0 to 1) columns.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use cashline_domain::{Iban, Money};

use crate::csv_rows::Rows;
use crate::ErpError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Receivable,
    Payable,
}

impl ItemKind {
    pub fn as_str(&self) -> &'static str {
        match self {
            ItemKind::Receivable => "receivable",
            ItemKind::Payable => "payable",
        }
    }
}

#[derive(Debug, Clone)]
pub struct OpenItem {
    pub external_id: String,
    pub kind: ItemKind,
    pub counterparty: Option<String>,
    pub counterparty_iban: Option<Iban>,
    /// Always positive: the kind says which way the money goes.
    pub amount: Money,
    pub due_date: Option<NaiveDate>,
    pub reference: Option<String>,
    pub entity: Option<String>,
    pub probability: Option<Decimal>,
}

/// The columns of the layout that every file has.
pub const REQUIRED: &[&str] = &[
    "id",
    "kind",
    "counterparty",
    "counterparty_iban",
    "amount",
    "currency",
    "due_date",
    "reference",
];

pub fn parse(bytes: &[u8]) -> Result<Vec<OpenItem>, ErpError> {
    let rows = Rows::read(bytes, REQUIRED)?;
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows.iter() {
        let external_id = row.required("id")?;
        if !seen.insert(external_id.clone()) {
            return Err(row.invalid("id", format!("'{external_id}' appears twice in the file")));
        }
        let kind = match row.required("kind")?.as_str() {
            "receivable" => ItemKind::Receivable,
            "payable" => ItemKind::Payable,
            other => {
                return Err(row.invalid(
                    "kind",
                    format!("'{other}' is neither receivable nor payable"),
                ))
            }
        };
        let currency = row.currency("currency")?;
        let amount = row.money("amount", currency)?;
        if amount.is_negative() || amount.amount().is_zero() {
            return Err(row.invalid(
                "amount",
                "must be positive; the kind says which way it goes",
            ));
        }
        let counterparty_iban = match row.optional("counterparty_iban") {
            Some(text) => Some(
                Iban::parse(&text).map_err(|e| row.invalid("counterparty_iban", e.to_string()))?,
            ),
            None => None,
        };
        let due_date = match row.optional("due_date") {
            Some(_) => Some(row.date("due_date")?),
            None => None,
        };
        let probability = match row.optional("probability") {
            Some(text) => {
                let value: Decimal = text.parse().map_err(|_| {
                    row.invalid("probability", format!("'{text}' is not a decimal"))
                })?;
                if value < Decimal::ZERO || value > Decimal::ONE {
                    return Err(row.invalid("probability", "must be between 0 and 1"));
                }
                Some(value)
            }
            None => None,
        };
        items.push(OpenItem {
            external_id,
            kind,
            counterparty: row.optional("counterparty"),
            counterparty_iban,
            amount,
            due_date,
            reference: row.optional("reference"),
            entity: row.optional("entity"),
            probability,
        });
    }
    Ok(items)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str =
        "id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\n";

    #[test]
    fn reads_items() {
        let file = format!("{HEADER}INV-1,receivable,Contoso,NL91ABNA0417164300,1200.50,EUR,2026-12-01,RF18539007547034\nBILL-7,payable,Fabrikam,,99,USD,,\n");
        let items = parse(file.as_bytes()).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].amount.amount_text(), "1200.50");
        assert_eq!(items[1].kind, ItemKind::Payable);
        assert_eq!(items[1].due_date, None);
    }

    #[test]
    fn bad_rows_name_line_and_field() {
        let file = format!("{HEADER}INV-1,receivable,Contoso,,1200.50,EUR,2026-12-01,\nINV-2,receivable,Contoso,,12.001,EUR,2026-12-01,\n");
        assert_eq!(
            parse(file.as_bytes())
                .unwrap_err()
                .to_string()
                .split(':')
                .next()
                .unwrap(),
            "line 3, field amount"
        );
        let file = format!("{HEADER}INV-1,refund,Contoso,,1,EUR,2026-12-01,\n");
        assert!(parse(file.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("field kind"));
        let file = format!("{HEADER}INV-1,receivable,Contoso,DE00123,1,EUR,2026-12-01,\n");
        assert!(parse(file.as_bytes())
            .unwrap_err()
            .to_string()
            .contains("field counterparty_iban"));
        assert!(matches!(
            parse(b"id,kind\n1,payable\n"),
            Err(ErpError::MissingColumns(_))
        ));
    }
}
