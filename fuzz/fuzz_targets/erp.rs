//! What an ERP exports, on arbitrary bytes: the open items and payment run CSV of `CLI.md`,
//! and another ERP's layout read through a saved mapping (translated into that one). Never a
//! panic; an error or a list.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

use cashline_erp::mapping::ErpCsvMapping;

/// A German bookkeeping export of open items: `;`-separated, a title row, decimal comma,
/// thousands dot, its own names for receivable and payable, one currency for the file.
fn mapping() -> &'static ErpCsvMapping {
    static MAPPING: OnceLock<ErpCsvMapping> = OnceLock::new();
    MAPPING.get_or_init(|| ErpCsvMapping {
        name: "op".into(),
        records: cashline_erp::mapping::Records::OpenItems,
        header: "Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck".into(),
        delimiter: ';',
        skip_rows: 1,
        columns: [
            ("id", "Belegnr"),
            ("kind", "Konto"),
            ("counterparty", "Name"),
            ("counterparty_iban", "IBAN"),
            ("amount", "Betrag"),
            ("due_date", "Faellig"),
            ("reference", "Verwendungszweck"),
        ]
        .into_iter()
        .map(|(f, c)| (f.to_string(), c.to_string()))
        .collect(),
        fixed: [("currency".to_string(), "EUR".to_string())].into(),
        kinds: [
            ("D".to_string(), "receivable".to_string()),
            ("K".to_string(), "payable".to_string()),
        ]
        .into(),
        date_format: "%d.%m.%Y".into(),
        decimal_separator: ',',
        thousands_separator: Some('.'),
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = cashline_erp::open_items::parse(data);
    let _ = cashline_erp::payments::parse(data);
    let mapping = mapping();
    if mapping.matches(data) {
        let _ = mapping.open_items(data);
    }
    let _ = mapping.open_items(data);
});
