//! Conformance of CSV exports from the corpus, read through mappings this project wrote for
//! them (`tests/fixtures/csv-mappings/`), as a user would save once per bank.

use crate::corpus::{check_table_prepared, Imported, Rejected};
use crate::support::{fixture, Workspace};

/// Files read with a mapping other than the one their header selects: a credit-card export
/// has the same columns as the bank's account export, but spending is positive.
fn forced_mapping(relative: &str) -> Vec<String> {
    match relative.rsplit('/').next() {
        Some("sample_statement_credit_card_inverse_sign_en.csv") => {
            vec!["--csv-mapping".into(), "odoo-sheet-card".into()]
        }
        _ => Vec::new(),
    }
}

fn save_mappings(workspace: &Workspace) {
    let folder = fixture("csv-mappings");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for file in files {
        let output = workspace.run(&["csv-mapping", "add", file.to_str().unwrap()]);
        assert!(
            output.status.success(),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// Rejections:
/// - `empty_*` exports have a header and no rows: nothing to import, and saying so beats
///   reporting a success that imported nothing.
/// - `original_currency_no_header.csv` has no header row, so no saved mapping can recognise
///   it (and guessing a layout would guess amounts).
/// - `original_currency_empty.csv` leaves the currency empty where its mapping has no default.
const TABLE: &[(&str, crate::corpus::Expect)] = &[
    (
        "csv/OCA-bank-statement-import/adyen/settlement_detail_report_batch_238.csv",
        Imported {
            statements: 1,
            entries: 3,
        },
    ),
    (
        "csv/OCA-bank-statement-import/adyen/settlement_detail_report_batch_380.csv",
        Imported {
            statements: 1,
            entries: 228,
        },
    ),
    (
        "csv/OCA-bank-statement-import/paypal/activity_en.csv",
        Imported {
            statements: 3,
            entries: 76,
        },
    ),
    (
        "csv/OCA-bank-statement-import/paypal/empty_activity.csv",
        Rejected {
            because: "header but no rows",
        },
    ),
    (
        "csv/OCA-bank-statement-import/paypal/statement_en.csv",
        Imported {
            statements: 2,
            entries: 19,
        },
    ),
    (
        "csv/OCA-bank-statement-import/paypal/statement_es.csv",
        Imported {
            statements: 1,
            entries: 4,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/balance.csv",
        Imported {
            statements: 1,
            entries: 2,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/debit_credit.csv",
        Imported {
            statements: 1,
            entries: 2,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/debit_credit_amount.csv",
        Imported {
            statements: 1,
            entries: 4,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/empty_lines_statement.csv",
        Imported {
            statements: 1,
            entries: 3,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/empty_statement_en.csv",
        Rejected {
            because: "header but no rows",
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/meta_data_separated_credit_debit.csv",
        Imported {
            statements: 1,
            entries: 4,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/multi_currency.csv",
        Imported {
            statements: 2,
            entries: 2,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/original_currency.csv",
        Imported {
            statements: 1,
            entries: 1,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/original_currency_empty.csv",
        Imported {
            statements: 1,
            entries: 1,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/original_currency_no_header.csv",
        Rejected {
            because: "not a bank statement format",
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/sample_statement_credit_card_inverse_sign_en.csv",
        Imported {
            statements: 2,
            entries: 2,
        },
    ),
    (
        "csv/OCA-bank-statement-import/sheet_file/sample_statement_en.csv",
        Imported {
            statements: 2,
            entries: 2,
        },
    ),
];

#[test]
fn every_csv_file_in_the_corpus_has_its_stated_outcome() {
    check_table_prepared(&["csv"], &[], TABLE, &save_mappings, &forced_mapping);
}

#[test]
fn a_saved_mapping_recognises_its_bank_and_reads_balances() {
    let workspace = Workspace::new();
    save_mappings(&workspace);
    let listed = workspace.json(&["csv-mapping", "list", "--json"]);
    assert!(listed["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["name"] == "odoo-balance"));
    let export = workspace.write(
        "export.csv",
        b"\"Date\",\"Label\",\"Amount\",\"Balance\",\"Partner Name\",\"Bank Account\"\n\"11/20/2026\",\"Rent\",\"-1,000.00\",\"4,000.00\",\"Landlord\",\"\"\n\"11/20/2026\",\"Sale\",\"250.50\",\"4,250.50\",\"Client\",\"\"\n",
    );
    let report = workspace.json(&["import", export.to_str().unwrap(), "--json"]);
    assert_eq!(report["files"][0]["format"], "csv:odoo-balance");
    let positions = workspace.json(&["positions", "--json"]);
    assert_eq!(positions["accounts"][0]["account"], "ODOO-SHEET-DEMO");
    assert_eq!(positions["accounts"][0]["booked"], "4250.50");
    assert_eq!(
        workspace.json(&["exceptions", "--json"])["exceptions"],
        serde_json::json!([])
    );
}

#[test]
fn an_invalid_mapping_is_refused_with_the_reason() {
    let workspace = Workspace::new();
    let bad = workspace.write(
        "bad.json",
        br#"{"name":"x","header":"Date,Amount","account":"A","currency":"EUR","date_column":"Day","date_format":"%Y-%m-%d","amount_column":"Amount"}"#,
    );
    let output = workspace.run(&["csv-mapping", "add", bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("date_column 'Day' is not a column"),
        "{stderr}"
    );
}
