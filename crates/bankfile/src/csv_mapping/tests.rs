//! CSV mapping tests on exports written here, in the layouts banks use.

use proptest::prelude::*;

use super::*;

fn german_bank() -> CsvMapping {
    CsvMapping {
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
    }
}

const GERMAN_EXPORT: &str = "Umsätze Girokonto;;;;;;;\n\
Buchungstag;Valuta;Auftraggeber;IBAN;Verwendungszweck;Betrag;Saldo;Referenz\n\
21.11.2026;21.11.2026;Contoso AG;NL91ABNA0417164300;RE 4711;-1.250,00;8.750,00;R3\n\
20.11.2026;20.11.2026;Fabrikam GmbH;;Rechnung 12;2.000,50;10.000,00;R2\n\
20.11.2026;20.11.2026;Fabrikam GmbH;;Rechnung 11;(0,50);7.999,50;R1\n";

#[test]
fn reads_a_newest_first_export_with_running_balances() {
    let mapping = german_bank();
    mapping.validate().unwrap();
    assert!(matches(GERMAN_EXPORT.as_bytes(), &mapping));
    let parsed = parse(GERMAN_EXPORT.as_bytes(), &mapping).unwrap();
    assert_eq!(parsed.format.to_string(), "csv:sparkasse");
    let statement = &parsed.statements[0];
    let amounts: Vec<String> = statement
        .entries
        .iter()
        .map(|e| e.amount.amount_text())
        .collect();
    assert_eq!(amounts, ["-0.50", "2000.50", "-1250.00"]);
    let balances: Vec<(BalanceType, String, String)> = statement
        .balances
        .iter()
        .map(|b| (b.balance_type, b.amount.amount_text(), b.date.to_string()))
        .collect();
    assert_eq!(
        balances,
        [
            (
                BalanceType::OpeningBooked,
                "8000.00".to_string(),
                "2026-11-19".to_string()
            ),
            (
                BalanceType::ClosingBooked,
                "8750.00".to_string(),
                "2026-11-21".to_string()
            ),
        ]
    );
    assert_eq!(
        statement.entries[2].counterparty_iban.as_deref(),
        Some("NL91ABNA0417164300")
    );
    assert_eq!(statement.entries[2].bank_ref.as_deref(), Some("R3"));
}

#[test]
fn other_headers_do_not_match() {
    let mapping = german_bank();
    let other = GERMAN_EXPORT.replace("Saldo", "Kontostand");
    assert!(!matches(other.as_bytes(), &mapping));
    assert!(!matches(b"", &mapping));
}

#[test]
fn bad_values_name_line_and_column() {
    let mapping = german_bank();
    let broken = GERMAN_EXPORT.replace("2.000,50", "2.000.50");
    let error = parse(broken.as_bytes(), &mapping).unwrap_err().to_string();
    assert!(
        error.starts_with("line 4, element column 'Betrag'"),
        "{error}"
    );
    let broken = GERMAN_EXPORT.replace(
        "20.11.2026;20.11.2026;Fabrikam GmbH;;Rechnung 12",
        "2026-11-20;20.11.2026;Fabrikam GmbH;;Rechnung 12",
    );
    let error = parse(broken.as_bytes(), &mapping).unwrap_err().to_string();
    assert!(
        error.contains("column 'Buchungstag'") && error.contains("does not match the date format"),
        "{error}"
    );
}

#[test]
fn debit_and_credit_columns_and_markers() {
    let mapping = CsvMapping {
        name: "us-bank".into(),
        header: "Date,Description,Debit,Credit,Account".into(),
        delimiter: ',',
        skip_rows: 0,
        footer_rows: 0,
        account: None,
        account_column: Some("Account".into()),
        currency: Some("USD".into()),
        currency_column: None,
        date_column: "Date".into(),
        date_format: "%m/%d/%Y".into(),
        value_date_column: None,
        amount_column: None,
        debit_column: Some("Debit".into()),
        credit_column: Some("Credit".into()),
        debit_credit_column: None,
        debit_marker: None,
        negate: false,
        decimal_separator: '.',
        thousands_separator: Some(','),
        bank_ref_column: None,
        counterparty_column: None,
        counterparty_iban_column: None,
        remittance_columns: vec!["Description".into()],
        balance_column: None,
    };
    mapping.validate().unwrap();
    let file = "Date,Description,Debit,Credit,Account\n11/20/2026,Rent,\"1,200.00\",,0001\n11/20/2026,Sale,,99.99,0001\n11/20/2026,Refund,,5.00,0002\n";
    let parsed = parse(file.as_bytes(), &mapping).unwrap();
    assert_eq!(parsed.statements.len(), 2);
    let amounts: Vec<String> = parsed.statements[0]
        .entries
        .iter()
        .map(|e| e.amount.amount_text())
        .collect();
    assert_eq!(amounts, ["-1200.00", "99.99"]);
    assert!(parsed.statements[0].balances.is_empty());
}

#[test]
fn invalid_mappings_are_refused() {
    let mut mapping = german_bank();
    mapping.amount_column = Some("Amount".into());
    assert!(mapping
        .validate()
        .unwrap_err()
        .contains("'Amount' is not a column"));
    let mut mapping = german_bank();
    mapping.debit_column = Some("Betrag".into());
    assert!(mapping.validate().is_err());
    let mut mapping = german_bank();
    mapping.currency = Some("EURO".into());
    assert!(mapping.validate().is_err());
}

#[test]
fn a_huge_skip_rows_is_refused_naming_the_field_and_its_bound() {
    let mut mapping = german_bank();
    mapping.skip_rows = 1_000_000_000_000_000_000;
    let error = mapping.validate().unwrap_err();
    assert_eq!(
        error,
        "skip_rows is 1000000000000000000; at most 1000 rows can come before the header"
    );
    mapping.skip_rows = SKIP_ROWS_MAX;
    mapping.validate().unwrap();
    mapping.footer_rows = usize::MAX;
    assert!(mapping
        .validate()
        .unwrap_err()
        .starts_with("footer_rows is "));
}

#[test]
fn a_stored_huge_skip_rows_stops_at_the_end_of_the_file() {
    // A mapping saved before the bound existed reaches the parser unvalidated from the ledger;
    // the parser refuses it at once instead of counting to 10^18 (it hung imports before).
    let mut mapping = german_bank();
    mapping.skip_rows = 1_000_000_000_000_000_000;
    let started = std::time::Instant::now();
    let error = parse(GERMAN_EXPORT.as_bytes(), &mapping).unwrap_err();
    assert!(error.to_string().contains("skip_rows is"), "{error}");
    assert!(!matches(GERMAN_EXPORT.as_bytes(), &mapping));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Within the bound, skipping past the end of a short file ends the skipping there.
    mapping.skip_rows = SKIP_ROWS_MAX;
    let error = parse(GERMAN_EXPORT.as_bytes(), &mapping).unwrap_err();
    assert!(error.to_string().contains("no header row"), "{error}");
}

#[test]
fn every_field_of_a_mapping_is_bounded() {
    fn long(n: usize) -> String {
        "x".repeat(n)
    }
    /// A change that breaks one bound, and how the refusal starts.
    type Case = (fn(&mut CsvMapping), &'static str);
    let cases: Vec<Case> = vec![
        (
            |m: &mut CsvMapping| m.name = long(65),
            "name has 65 characters",
        ),
        (
            |m: &mut CsvMapping| m.name = "bank\n2".into(),
            "name may hold only",
        ),
        (
            |m: &mut CsvMapping| m.name = " bank".into(),
            "name may hold only",
        ),
        (
            |m: &mut CsvMapping| m.name = "bank\u{1b}[2J".into(),
            "name may hold only",
        ),
        (
            |m: &mut CsvMapping| m.header = long(HEADER_CHARS_MAX + 1),
            "header has 16385 characters; at most 16384",
        ),
        (
            |m: &mut CsvMapping| m.header.push('\n'),
            "header is one row",
        ),
        (
            |m: &mut CsvMapping| m.header = vec!["c"; COLUMNS_MAX + 1].join(";"),
            "header has 513 columns; a mapping reads at most 512",
        ),
        (
            |m: &mut CsvMapping| m.delimiter = '€',
            "delimiter '€' is not usable",
        ),
        (
            |m: &mut CsvMapping| m.delimiter = '"',
            "delimiter '\"' is not usable",
        ),
        (
            |m: &mut CsvMapping| m.delimiter = 'a',
            "delimiter 'a' is not usable",
        ),
        (
            |m: &mut CsvMapping| m.date_column = long(COLUMN_NAME_CHARS_MAX + 1),
            "date_column has 257 characters; at most 256",
        ),
        (
            |m: &mut CsvMapping| m.balance_column = Some(long(300)),
            "balance_column has 300 characters",
        ),
        (
            |m: &mut CsvMapping| m.remittance_columns = vec!["Verwendungszweck".into(); 33],
            "remittance_columns names 33 columns; at most 32",
        ),
        (
            |m: &mut CsvMapping| m.account = Some(long(FIXED_VALUE_CHARS_MAX + 1)),
            "account has 65 characters",
        ),
        (
            |m: &mut CsvMapping| m.debit_marker = Some("D\u{7}".into()),
            "debit_marker cannot hold a control character",
        ),
        (
            |m: &mut CsvMapping| m.date_format = "%d".repeat(40),
            "date_format has 80 characters; at most 64",
        ),
        (
            |m: &mut CsvMapping| m.decimal_separator = '7',
            "decimal_separator '7' is not one banks write",
        ),
        (
            |m: &mut CsvMapping| m.thousands_separator = Some('-'),
            "thousands_separator '-' is not one banks write",
        ),
    ];
    for (change, expected) in cases {
        let mut mapping = german_bank();
        change(&mut mapping);
        let error = mapping.validate().unwrap_err();
        assert!(error.starts_with(expected), "{expected}: {error}");
    }
    let mut mapping = german_bank();
    mapping.thousands_separator = Some('\'');
    mapping.validate().unwrap();
}

#[test]
fn a_first_row_on_the_first_representable_day_is_an_error_not_a_panic() {
    // The opening balance is dated the day before the first row; chrono's first day has none.
    let mut mapping = german_bank();
    mapping.date_format = "%Y-%m-%d".into();
    mapping.skip_rows = 0;
    let first = NaiveDate::MIN.format("%Y-%m-%d").to_string();
    let export = format!("{}\n{first};{first};X;;t;1,00;2,00;R1\n", mapping.header);
    let error = parse(export.as_bytes(), &mapping).unwrap_err().to_string();
    assert!(error.contains("no day before it"), "{error}");
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let mapping = german_bank();
        let _ = matches(&bytes, &mapping);
        let _ = parse(&bytes, &mapping);
    }

    #[test]
    fn amounts_round_trip(minor in -1_000_000_000i64..1_000_000_000) {
        let mapping = german_bank();
        let money = Money::from_minor(minor, Currency::EUR);
        let written = money.amount_text().replace('.', ",");
        prop_assert_eq!(parse_amount(&written, &mapping, Currency::EUR).unwrap(), money);
    }
}
