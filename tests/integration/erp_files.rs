//! Any other ERP through its files: open items and payment runs exported in the ERP's own
//! layout, read through a mapping saved once. Re-importing changes nothing; a bad row is
//! named by the export's own line and column, and nothing of its file is written.

use serde_json::Value;

use crate::support::{fixture, Workspace};

const ITEMS_MAPPING: &str = r#"{
    "name": "Buchhaltung OP",
    "records": "open_items",
    "header": "Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck",
    "delimiter": ";",
    "skip_rows": 1,
    "columns": {"id": "Belegnr", "kind": "Konto", "counterparty": "Name",
                "counterparty_iban": "IBAN", "amount": "Betrag", "due_date": "Faellig",
                "reference": "Verwendungszweck"},
    "fixed": {"currency": "EUR"},
    "kinds": {"D": "receivable", "K": "payable"},
    "date_format": "%d.%m.%Y",
    "decimal_separator": ",",
    "thousands_separator": "."
}"#;

const ITEMS: &str = "Offene Posten zum 23.11.2026\n\
Belegnr;Konto;Name;IBAN;Betrag;Faellig;Verwendungszweck\n\
RE-1001;D;Nordwind Handel GmbH;DE12500105170648489890;12.500,00;13.11.2026;RE-1001\n\
RE-1002;D;Atelier Lumiere SARL;FR7630006000011234567890189;7.200,00;28.11.2026;RE-1002\n\
ER-77;K;Stahlwerk Becker AG;;4.100,00;14.12.2026;SB-2026-1243\n";

const PAYMENTS_MAPPING: &str = r#"{
    "name": "Zahllauf",
    "records": "payments",
    "header": "Nr|E2E|Auftraggeber|Empfaenger|Empfaenger-IBAN|BIC|Betrag|Datum|Zweck",
    "delimiter": "|",
    "columns": {"id": "Nr", "end_to_end_id": "E2E", "debtor_iban": "Auftraggeber",
                "creditor_name": "Empfaenger", "creditor_iban": "Empfaenger-IBAN",
                "creditor_bic": "BIC", "amount": "Betrag", "requested_date": "Datum",
                "reference": "Zweck"},
    "fixed": {"currency": "EUR"},
    "date_format": "%d.%m.%Y",
    "decimal_separator": ","
}"#;

const PAYMENTS: &str = "Nr|E2E|Auftraggeber|Empfaenger|Empfaenger-IBAN|BIC|Betrag|Datum|Zweck\n\
ZL-1|E2E-ZL-1|DE89370400440532013000|Stahlwerk Becker AG|DE62370400440532013001|COBADEFFXXX|4100,00|24.11.2026|SB-2026-1243\n\
ZL-2|E2E-ZL-2|DE89370400440532013000|Papeterie Martin|FR7620041010050500001300013|PSSTFRPPXXX|612,40|24.11.2026|PM-88412\n";

fn save(workspace: &Workspace, name: &str, mapping: &str) {
    let file = workspace.write(name, mapping.as_bytes());
    let saved = workspace.run(&["csv-mapping", "add", file.to_str().unwrap()]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
}

fn list(workspace: &Workspace, what: &str) -> Value {
    workspace.json(&[what, "list", "--json"])
}

#[test]
fn open_items_in_another_erps_layout_come_in_through_its_mapping_and_again_change_nothing() {
    let workspace = Workspace::new();
    save(&workspace, "op.json", ITEMS_MAPPING);
    let mappings = workspace.json(&["csv-mapping", "list", "--json"]);
    assert_eq!(
        mappings["mappings"][0]["records"], "open_items",
        "{mappings}"
    );

    let file = workspace.write("OP-Liste.csv", ITEMS.as_bytes());
    let first = workspace.json(&["open-items", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!(
        first["mapping"], "Buchhaltung OP",
        "found by its header: {first}"
    );
    assert_eq!(first["new_items"], 3);
    let items = list(&workspace, "open-items");
    let nordwind = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "RE-1001")
        .unwrap();
    assert_eq!(nordwind["amount"], "12500.00");
    assert_eq!(nordwind["kind"], "receivable");
    assert_eq!(nordwind["due_date"], "2026-11-13");
    assert_eq!(nordwind["source"], "csv");

    let again = workspace.json(&["open-items", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!(again["new_items"], 0);
    assert_eq!(
        list(&workspace, "open-items"),
        items,
        "a re-import changes nothing"
    );

    // A bad row: named by the export's own line and column, and nothing of the file written.
    let bad = ITEMS
        .replace("RE-1002;D", "RE-1003;D")
        .replace("7.200,00", "siebentausend");
    let bad = workspace.write("OP-Liste-2.csv", bad.as_bytes());
    let refused = workspace.run(&["open-items", "import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(
        words.contains("line 4, field Betrag (amount): 'siebentausend' is not an amount"),
        "{words}"
    );
    assert_eq!(
        list(&workspace, "open-items"),
        items,
        "nothing of a bad file"
    );

    // Named explicitly, a mapping of payments does not read open items.
    save(&workspace, "zl.json", PAYMENTS_MAPPING);
    let wrong = workspace.run(&[
        "open-items",
        "import",
        file.to_str().unwrap(),
        "--mapping",
        "Zahllauf",
    ]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("reads payments, not open_items"));
}

#[test]
fn a_payment_run_in_another_erps_layout_comes_in_once_and_a_bad_row_writes_nothing() {
    let workspace = Workspace::new();
    // The company's account, so the run's debtor is one of ours.
    let imported = workspace.run(&[
        "import",
        fixture("camt053/demo-single.xml").to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    save(&workspace, "zl.json", PAYMENTS_MAPPING);
    let file = workspace.write("zahllauf.csv", PAYMENTS.as_bytes());
    let first = workspace.json(&["payments", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!(first["mapping"], "Zahllauf");
    assert_eq!(first["new_payments"], 2);
    assert_eq!(first["validated"], 2, "{first}");
    let payments = list(&workspace, "payments");
    let again = workspace.json(&["payments", "import", file.to_str().unwrap(), "--json"]);
    assert_eq!(again["new_payments"], 0);
    let mut after = list(&workspace, "payments");
    let mut before = payments.clone();
    // The run list grows by the second run; the payments themselves do not change.
    for value in [&mut after, &mut before] {
        for payment in value["payments"].as_array_mut().unwrap() {
            payment.as_object_mut().unwrap().remove("run");
        }
    }
    assert_eq!(after["payments"], before["payments"]);

    let bad = PAYMENTS
        .replace("ZL-2|E2E-ZL-2", "ZL-3|E2E-ZL-3")
        .replace("24.11.2026|PM", "2026-11-24|PM");
    let bad = workspace.write("zahllauf-2.csv", bad.as_bytes());
    let refused = workspace.run(&["payments", "import", bad.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    let words = String::from_utf8_lossy(&refused.stderr);
    assert!(
        words.contains("line 3, field Datum (requested_date): '2026-11-24' is not a date"),
        "{words}"
    );
    assert_eq!(
        list(&workspace, "payments")["payments"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing of a bad file"
    );
}

#[test]
fn a_mapping_that_names_no_column_of_its_header_is_refused_and_not_saved() {
    let workspace = Workspace::new();
    let broken = ITEMS_MAPPING.replace("\"amount\": \"Betrag\"", "\"amount\": \"Summe\"");
    let file = workspace.write("broken.json", broken.as_bytes());
    let refused = workspace.run(&["csv-mapping", "add", file.to_str().unwrap()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("amount 'Summe'"));
    assert_eq!(
        workspace.json(&["csv-mapping", "list", "--json"])["mappings"],
        serde_json::json!([])
    );
}
