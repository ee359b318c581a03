//! A bank's CSV export read through one fixed saved mapping, on arbitrary bytes: never a panic.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use cashline_bankfile::csv_mapping::{self, CsvMapping};

/// A German savings bank's export: `;`-separated, decimal comma, thousands dot, a title row
/// before the header, a balance column.
fn mapping() -> &'static CsvMapping {
    static MAPPING: OnceLock<CsvMapping> = OnceLock::new();
    MAPPING.get_or_init(|| CsvMapping {
        name: "sparkasse".into(),
        header: "Buchungstag;Valuta;Auftraggeber;IBAN;Verwendungszweck;Betrag;Saldo;Referenz"
            .into(),
        delimiter: ';',
        skip_rows: 1,
        footer_rows: 0,
        account: Some("DE89370400440532013000".into()),
        account_column: None,
        currency: Some("EUR".into()),
        currency_column: None,
        date_column: "Buchungstag".into(),
        date_format: "%d.%m.%Y".into(),
        value_date_column: Some("Valuta".into()),
        amount_column: Some("Betrag".into()),
        debit_column: None,
        credit_column: None,
        debit_credit_column: None,
        debit_marker: None,
        negate: false,
        decimal_separator: ',',
        thousands_separator: Some('.'),
        bank_ref_column: Some("Referenz".into()),
        counterparty_column: Some("Auftraggeber".into()),
        counterparty_iban_column: Some("IBAN".into()),
        remittance_columns: vec!["Verwendungszweck".into()],
        balance_column: Some("Saldo".into()),
    })
}

fuzz_target!(|data: &[u8]| {
    let mapping = mapping();
    let _ = csv_mapping::matches(data, mapping);
    let _ = csv_mapping::parse(data, mapping);
});
