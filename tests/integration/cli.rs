//! The CLI contract of CLI.md: import, positions, entries, duplicates and bad input.

use crate::support::{fixture, Workspace};

const IBAN: &str = "DE89370400440532013000";

#[test]
fn import_then_positions_gives_the_closing_booked_balance() {
    let workspace = Workspace::new();
    let file = fixture("camt053/demo-single.xml");
    let import = workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let result = &import["files"][0];
    assert_eq!(result["status"], "imported");
    assert_eq!(result["format"], "camt.053.001.08");
    assert_eq!(result["statements"], 1);
    assert_eq!(result["entries"], 3);
    assert_eq!(result["new_entries"], 3);
    assert_eq!(result["error"], serde_json::Value::Null);

    let positions = workspace.json(&["positions", "--json"]);
    let account = &positions["accounts"][0];
    assert_eq!(account["account"], IBAN);
    assert_eq!(account["currency"], "EUR");
    assert_eq!(account["booked"], "12345.67");
    assert_eq!(account["booked_date"], "2026-11-20");
    assert_eq!(account["source"], "camt.053");
    assert_eq!(account["stale"], false);
    assert!(account["as_of"].as_str().unwrap().ends_with('Z'));
    assert!(account.get("available").is_some());
    assert_eq!(positions["totals"][0]["currency"], "EUR");
    assert_eq!(positions["totals"][0]["booked"], "12345.67");
    assert!(positions.get("consolidated").is_some());

    let entries = workspace.json(&["entries", "--account", IBAN, "--json"]);
    let amounts: Vec<&str> = entries["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_str().unwrap())
        .collect();
    assert_eq!(amounts.len(), 3);
    let mut sorted = amounts.clone();
    sorted.sort();
    assert_eq!(sorted, vec!["-54.33", "-600.00", "3000.00"]);
    for entry in entries["entries"].as_array().unwrap() {
        for key in [
            "account",
            "bank_ref",
            "booking_date",
            "value_date",
            "amount",
            "currency",
            "status",
            "end_to_end_id",
            "counterparty",
            "counterparty_iban",
            "remittance",
            "creditor_reference",
            "entry_ref",
            "details",
        ] {
            assert!(entry.get(key).is_some(), "entries JSON lacks {key}");
        }
        // One transfer each, so one transaction each; the fixture states no amount for it.
        let details = entry["details"].as_array().unwrap();
        assert_eq!(details.len(), 1, "{entry}");
        assert_eq!(details[0]["position"], 1);
        assert_eq!(details[0]["amount"], serde_json::Value::Null);
        assert_eq!(details[0]["end_to_end_id"], entry["end_to_end_id"]);
    }
}

#[test]
fn the_same_file_again_is_a_duplicate_and_changes_nothing() {
    let workspace = Workspace::new();
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let entries_before = workspace.json(&["entries", "--json"]);
    let audit_before = workspace.json(&["audit", "verify", "--json"]);

    let again = workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(again["files"][0]["status"], "duplicate");
    assert_eq!(again["files"][0]["new_entries"], 0);
    assert_eq!(workspace.json(&["entries", "--json"]), entries_before);
    assert_eq!(workspace.json(&["audit", "verify", "--json"]), audit_before);
}

fn ledger_snapshot(
    workspace: &Workspace,
) -> (
    serde_json::Value,
    serde_json::Value,
    serde_json::Value,
    serde_json::Value,
) {
    (
        workspace.json(&["positions", "--json"]),
        workspace.json(&["entries", "--json"]),
        workspace.json(&["exceptions", "--json"]),
        workspace.json(&["audit", "verify", "--json"]),
    )
}

#[test]
fn a_truncated_file_exits_1_naming_file_and_element_and_changes_nothing() {
    let workspace = Workspace::new();
    let good = fixture("camt053/demo-single.xml");
    workspace.json(&["import", good.to_str().unwrap(), "--json"]);
    let before = ledger_snapshot(&workspace);

    let text = std::fs::read_to_string(&good)
        .unwrap()
        .replace("DEMO-STMT-20261120", "DEMO-STMT-OTHER");
    let cut = text.find("<Ntry>").unwrap() + 200;
    let truncated = workspace.write("truncated.xml", &text.as_bytes()[..cut]);
    let output = workspace.run(&["import", truncated.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("truncated.xml"), "{stderr}");
    assert!(
        stderr.contains("Stmt/Ntry"),
        "the element is named: {stderr}"
    );
    assert!(stderr.contains("truncated"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");
    assert_eq!(ledger_snapshot(&workspace), before);
}

#[test]
fn a_malformed_amount_exits_1_and_changes_nothing() {
    let workspace = Workspace::new();
    let text = std::fs::read_to_string(fixture("camt053/demo-single.xml")).unwrap();
    let malformed = workspace.write(
        "malformed.xml",
        text.replacen(">600.00<", ">6OO.00<", 1).as_bytes(),
    );
    let output = workspace.run(&["import", malformed.to_str().unwrap(), "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("malformed.xml: line "), "{stderr}");
    assert!(stderr.contains("Ntry[2]/Amt"), "{stderr}");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["status"], "failed");
    let positions = workspace.json(&["positions", "--json"]);
    assert_eq!(positions["accounts"], serde_json::json!([]));
    assert_eq!(
        workspace.json(&["entries", "--json"])["entries"],
        serde_json::json!([])
    );
}

#[test]
fn one_bad_file_does_not_stop_the_others() {
    let workspace = Workspace::new();
    let garbage = workspace.write("notes.txt", b"not a bank file");
    let good = fixture("camt053/demo-single.xml");
    let output = workspace.run(&[
        "import",
        garbage.to_str().unwrap(),
        good.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["files"][0]["status"], "failed");
    assert_eq!(report["files"][1]["status"], "imported");
    assert_eq!(
        workspace.json(&["positions", "--json"])["accounts"][0]["booked"],
        "12345.67"
    );
}

#[test]
fn usage_errors_exit_2() {
    let workspace = Workspace::new();
    assert_eq!(
        workspace
            .run(&["positions", "--as-of", "yesterday"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(workspace.run(&["no-such-command"]).status.code(), Some(2));
    assert_eq!(workspace.run(&["import"]).status.code(), Some(2));
}

#[test]
fn positions_as_of_a_past_date_use_the_balances_known_then() {
    let workspace = Workspace::new();
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let before = workspace.json(&["positions", "--as-of", "2026-11-19", "--json"]);
    assert_eq!(before["accounts"], serde_json::json!([]));
    let on_the_day = workspace.json(&["positions", "--as-of", "2026-11-20", "--json"]);
    assert_eq!(on_the_day["accounts"][0]["booked"], "12345.67");
}

#[test]
fn demo_files_import_for_several_banks_and_currencies() {
    let workspace = Workspace::new();
    // `serve --demo` would keep running; the demo loader is shared, so drive it through
    // the files it writes instead.
    let home = workspace.dir.path().join("home");
    let files = cashline_demo_files(&home);
    let mut args = vec!["import".to_string(), "--json".to_string()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let report = workspace.json(&args);
    assert!(report["files"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["status"] == "imported"));
    let positions = workspace.json(&["positions", "--json"]);
    let currencies: Vec<&str> = positions["totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["currency"].as_str().unwrap())
        .collect();
    assert_eq!(currencies, vec!["CHF", "EUR", "GBP", "USD"]);
    assert_eq!(positions["accounts"].as_array().unwrap().len(), 5);
    assert!(positions["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .all(|a| a["stale"] == false));
    assert_eq!(
        workspace.json(&["exceptions", "--json"])["exceptions"],
        serde_json::json!([])
    );
}

fn cashline_demo_files(home: &std::path::Path) -> Vec<std::path::PathBuf> {
    let today: chrono::NaiveDate = crate::support::NOW[..10].parse().unwrap();
    cashline_demo::write_files(
        &home.join("demo-files"),
        today,
        cashline_demo::DEMO_BUSINESS_DAYS,
    )
    .unwrap()
}
