//! Reconciliation through the CLI: the labelled set judged by `recon evaluate`, the run
//! document of CLI.md, a second run that adds nothing, decisions and their effects on the
//! forecast and the audit chain, manual matches, rules, and the exception queue.

use chrono::NaiveDate;

use cashline_demo::recon_set::{labelled_set, LabelledSet};

use crate::support::{fixture, Workspace, NOW};

pub(crate) fn today() -> NaiveDate {
    NOW[..10].parse().expect("a date")
}

/// Imports a labelled set: its statements, its open items, and its payments approved by a
/// second person.
pub(crate) fn load(workspace: &Workspace, set: &LabelledSet) {
    let mut paths = Vec::new();
    for file in &set.statements {
        paths.push(workspace.write(&file.name, &file.bytes));
    }
    let mut args: Vec<&str> = vec!["import", "--json"];
    args.extend(paths.iter().map(|p| p.to_str().unwrap()));
    let report = workspace.json(&args);
    for file in report["files"].as_array().unwrap() {
        assert_eq!(file["status"], "imported", "{file}");
    }
    let items = workspace.write("items.csv", set.open_items_csv.as_bytes());
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
    let payments = workspace.write("payments.csv", set.payments_csv.as_bytes());
    let imported = workspace.json(&["payments", "import", payments.to_str().unwrap(), "--json"]);
    let ids: Vec<String> = workspace.json(&["payments", "list", "--json"])["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.is_empty(), "{imported}");
    let mut approve = workspace.command_as("approver");
    approve.args(["payments", "approve"]).args(&ids);
    assert!(approve.output().unwrap().status.success());
}

fn evaluate(workspace: &Workspace, set: &LabelledSet) -> serde_json::Value {
    let truth = workspace.write("truth.json", set.truth_json.as_bytes());
    workspace.json(&[
        "recon",
        "evaluate",
        "--truth",
        truth.to_str().unwrap(),
        "--json",
    ])
}

#[test]
fn the_labelled_set_is_matched_with_precision_one_and_recall_above_95_percent() {
    let workspace = Workspace::new();
    let set = labelled_set(today(), 2026, 6, 15);
    load(&workspace, &set);
    let run = workspace.json(&["recon", "run", "--json"]);
    assert!(run["auto"].as_u64().unwrap() > 50, "{run}");
    let report = evaluate(&workspace, &set);
    let false_auto: Vec<&serde_json::Value> = report["false_matches"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["state"] == "auto")
        .collect();
    assert!(
        false_auto.is_empty(),
        "wrong automatic matches: {false_auto:#?}"
    );
    assert_eq!(report["auto"]["precision"], "1.0000", "{report:#}");
    let recall: f64 = report["recall"].as_str().unwrap().parse().unwrap();
    assert!(recall >= 0.95, "recall {recall}: {report:#}");
    eprintln!(
        "labelled set: {} automatic matches, precision {}, recall {} ({} of {} labelled entries)",
        report["auto"]["matches"],
        report["auto"]["precision"],
        report["recall"],
        report["found"],
        report["labelled"]
    );

    // No entry the matcher called ambiguous was matched without a person.
    let matches = workspace.json(&["recon", "matches", "--limit", "5000", "--json"]);
    let mut ambiguous = 0;
    for m in matches["matches"].as_array().unwrap() {
        let notes = m["explanation"]["notes"].as_array().unwrap();
        if notes
            .iter()
            .any(|n| n.as_str().unwrap().starts_with("ambiguous"))
        {
            ambiguous += 1;
            assert_eq!(m["state"], "suggested", "{m:#}");
        }
    }
    assert!(
        ambiguous >= 6,
        "the set's ambiguous entries were all seen: {ambiguous}"
    );
}

#[test]
fn a_run_prints_the_document_of_cli_md_and_a_second_run_adds_nothing() {
    let workspace = Workspace::new();
    let set = labelled_set(today(), 11, 1, 10);
    load(&workspace, &set);
    let dry = workspace.json(&["recon", "run", "--dry-run", "--json"]);
    assert_eq!(dry["dry_run"], true);
    let first = workspace.json(&["recon", "run", "--json"]);
    for key in [
        "auto",
        "suggested",
        "unmatched_entries",
        "unmatched_items",
        "automation_rate",
        "matches",
    ] {
        assert!(first.get(key).is_some(), "the run document lacks {key}");
    }
    assert_eq!(
        first["auto"], dry["auto"],
        "a dry run decides as the run does"
    );
    let rate = first["automation_rate"].as_str().unwrap();
    assert!(rate.len() == 4 && rate.starts_with("0."), "{rate}");
    let m = &first["matches"][0];
    for key in [
        "entries",
        "items",
        "payments",
        "rule",
        "confidence",
        "state",
        "difference",
    ] {
        assert!(m.get(key).is_some(), "a match lacks {key}");
    }
    assert!(first["matches"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["payments"].as_array().is_some_and(|p| !p.is_empty())));
    let count = workspace.json(&["recon", "matches", "--limit", "5000", "--json"])["matches"]
        .as_array()
        .unwrap()
        .len();
    let second = workspace.json(&["recon", "run", "--json"]);
    assert_eq!(second["auto"], 0, "{second}");
    assert_eq!(second["suggested"], 0, "{second}");
    assert!(second["matches"].as_array().unwrap().is_empty());
    let again = workspace.json(&["recon", "matches", "--limit", "5000", "--json"])["matches"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, again, "a second run wrote no match");
}

/// The statement of demo-single.xml and its items: a receivable the first entry pays (invoice
/// 2026-0418), two equal bills that make the third entry ambiguous, a bill paid short, and an
/// old receivable no entry pays.
fn small(workspace: &Workspace) {
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let items = workspace.write(
        "items.csv",
        b"id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\n\
INV-418,receivable,Nordlicht Handel,DE12500105170648489890,3000.00,EUR,2026-11-24,2026-0418\n\
BILL-EL,payable,Stadtwerke Demo,DE20701500000012345678,54.33,EUR,2026-11-20,EL-11\n\
BILL-EL2,payable,Stadtwerke Demo,DE20701500000012345678,54.33,EUR,2026-11-21,EL-12\n\
BILL-7781,payable,Schmidt Office Supplies,DE30100500000190028431,610.00,EUR,2026-11-19,7781\n\
OLD-1,receivable,Fourth Coffee,,99.00,EUR,2026-11-02,FC-2026-77\n",
    );
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
}

fn forecast_receipts(workspace: &Workspace) -> String {
    let forecast = workspace.json(&["forecast", "--days", "5", "--json"]);
    forecast["days"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["receipts"].as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn audit_ok(workspace: &Workspace) {
    let audit = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(audit["ok"], true, "{audit}");
}

fn match_of<'a>(matches: &'a serde_json::Value, item: &str) -> &'a serde_json::Value {
    matches["matches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["items"].as_array().unwrap().iter().any(|i| i == item))
        .unwrap_or_else(|| panic!("no match for {item}: {matches:#}"))
}

#[test]
fn a_matched_receivable_leaves_the_forecast_and_undoing_brings_it_back() {
    let workspace = Workspace::new();
    small(&workspace);
    let before = forecast_receipts(&workspace);
    assert!(before.contains("3000.00"), "{before}");
    let run = workspace.json(&["recon", "run", "--json"]);
    let matched = match_of(&run, "INV-418");
    assert_eq!(matched["state"], "auto");
    let after = forecast_receipts(&workspace);
    assert!(
        !after.contains("3000.00"),
        "a matched receivable is not expected any more: {after}"
    );
    let items = workspace.json(&["open-items", "list", "--json"]);
    assert_eq!(
        items["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "INV-418")
            .unwrap()["state"],
        "matched"
    );

    let id = matched["id"].as_str().unwrap();
    workspace.json(&["recon", "undo", id, "--json"]);
    assert_eq!(forecast_receipts(&workspace), before);
    audit_ok(&workspace);
}

#[test]
fn confirm_reject_and_undo_are_audited_and_a_rejected_pair_is_not_proposed_again() {
    let workspace = Workspace::new();
    small(&workspace);
    let run = workspace.json(&["recon", "run", "--json"]);
    let first = match_of(&run, "BILL-EL")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let second = match_of(&run, "BILL-EL2")["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        match_of(&run, "BILL-EL")["state"],
        "suggested",
        "two equal bills are never matched automatically"
    );

    workspace.json(&["recon", "reject", &second, "--json"]);
    let confirmed = workspace.json(&["recon", "confirm", &first, "--json"]);
    assert_eq!(confirmed["state"], "confirmed");
    audit_ok(&workspace);
    workspace.json(&["recon", "undo", &first, "--json"]);
    audit_ok(&workspace);

    // After the undo the entry is open again; the rejected pair stays out.
    let again = workspace.json(&["recon", "run", "--json"]);
    assert!(
        again["matches"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|i| i != "BILL-EL2")),
        "{again:#}"
    );
    let learnt = workspace.json(&["recon", "aliases", "list", "--json"]);
    assert_eq!(learnt["negatives"].as_array().unwrap().len(), 1);

    let audit = workspace.json(&["audit", "verify", "--json"]);
    assert!(audit["records"].as_u64().unwrap() >= 6);
    // Deciding twice is refused with a sentence.
    let output = workspace.run(&["recon", "confirm", &second]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("is rejected"));
}

#[test]
fn a_manual_match_with_a_difference_must_name_it() {
    let workspace = Workspace::new();
    small(&workspace);
    // The bill is 610.00, the entry -600.00: a difference of 10.00.
    let output = workspace.run(&[
        "recon",
        "match",
        "--entry",
        "DEMO-20261120-000002",
        "--item",
        "BILL-7781",
    ]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("differ by 10.00 EUR"), "{stderr}");
    let matched = workspace.json(&[
        "recon",
        "match",
        "--entry",
        "DEMO-20261120-000002",
        "--item",
        "BILL-7781",
        "--difference-kind",
        "short_payment",
        "--json",
    ]);
    assert_eq!(matched["state"], "confirmed");
    let matches = workspace.json(&["recon", "matches", "--state", "confirmed", "--json"]);
    let m = &matches["matches"][0];
    assert_eq!(
        (
            m["rule"].as_str(),
            m["difference"].as_str(),
            m["difference_kind"].as_str()
        ),
        (Some("manual"), Some("10.00"), Some("short_payment"))
    );
    // The entry is matched now: a second manual match is refused.
    let output = workspace.run(&[
        "recon",
        "match",
        "--entry",
        "DEMO-20261120-000002",
        "--item",
        "BILL-EL",
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("matched already"));
    audit_ok(&workspace);
}

#[test]
fn rules_can_be_listed_disabled_moved_and_added_and_a_bad_rule_is_refused_by_name() {
    let workspace = Workspace::new();
    let rules = workspace.json(&["recon", "rules", "list", "--json"]);
    assert_eq!(rules["rules"].as_array().unwrap().len(), 7);
    assert_eq!(rules["rules"][0]["name"], "end_to_end_id");
    assert!(workspace
        .run(&["recon", "rules", "disable", "invoice_number"])
        .status
        .success());
    assert!(workspace
        .run(&["recon", "rules", "move", "batch", "--to", "1"])
        .status
        .success());
    let good = workspace.write("rule.json", br#"{"name":"utility bills","criteria":[{"field":"entry.counterparty_name","operator":"contains","value":"stadtwerke"},{"field":"item.kind","operator":"equals","value":"payable"},{"field":"date","operator":"within_days","value":"3"}],"confidence":"0.80"}"#);
    assert!(workspace
        .run(&["recon", "rules", "add", good.to_str().unwrap()])
        .status
        .success());
    let rules = workspace.json(&["recon", "rules", "list", "--json"]);
    let names: Vec<&str> = rules["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "batch");
    assert_eq!(names.last(), Some(&"utility bills"));
    assert_eq!(
        rules["rules"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == "invoice_number")
            .unwrap()["enabled"],
        false
    );

    for (body, says) in [
        (&br#"{"name":"x","criteria":[{"field":"item.reference","operator":"regex","value":"(("}]}"#[..], "not a regular expression"),
        (&br#"{"name":"x","criteria":[{"field":"entry.remittance","operator":"contains","value":"a"}]}"#[..], "criterion on the item"),
        (&b"{not json"[..], "not valid JSON: line 1"),
        (&br#"{"name":"utility bills","criteria":[{"field":"item.kind","operator":"equals","value":"payable"}]}"#[..], "already"),
    ] {
        let file = workspace.write("bad.json", body);
        let output = workspace.run(&["recon", "rules", "add", file.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{stderr}");
    }
    assert!(workspace
        .run(&["recon", "rules", "remove", "utility bills"])
        .status
        .success());
    let output = workspace.run(&["recon", "rules", "remove", "end_to_end_id"]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("built-in"));
    audit_ok(&workspace);
}

#[test]
fn exceptions_are_assigned_commented_and_resolved_with_their_history() {
    let workspace = Workspace::new();
    small(&workspace);
    // A week later the ambiguous entry has no match and the bills are overdue.
    let mut later = workspace.command();
    later
        .env("CASHLINE_NOW", "2026-11-30T09:00:00Z")
        .args(["recon", "run", "--json"]);
    assert!(later.output().unwrap().status.success());
    let list = workspace.json(&["exceptions", "--kind", "unmatched_item", "--json"]);
    let cases = list["exceptions"].as_array().unwrap();
    assert!(!cases.is_empty(), "{list:#}");
    let id = cases[0]["id"].as_str().unwrap().to_string();
    assert!(workspace
        .run(&["exceptions", "assign", &id, "--to", "controller"])
        .status
        .success());
    assert!(workspace
        .run(&[
            "exceptions",
            "comment",
            &id,
            "--text",
            "Asked the supplier\u{1b}[2J for a statement"
        ])
        .status
        .success());
    let output = workspace.run(&["exceptions", "resolve", &id]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("a resolution is needed"));
    assert!(workspace
        .run(&[
            "exceptions",
            "resolve",
            &id,
            "--resolution",
            "paid by card, booked in the ERP"
        ])
        .status
        .success());
    let detail = workspace.json(&["exceptions", "show", &id, "--json"]);
    assert_eq!(detail["exception"]["owner"], "controller");
    assert_eq!(detail["exception"]["state"], "resolved");
    assert_eq!(
        detail["exception"]["resolution"],
        "paid by card, booked in the ERP"
    );
    assert_eq!(
        detail["notes"][0]["text"], "Asked the supplier[2J for a statement",
        "control characters never reach a screen"
    );
    let actions: Vec<&str> = detail["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["opened", "assigned", "commented", "resolved"]);
    let mine = workspace.json(&["exceptions", "--owner", "controller", "--json"]);
    assert_eq!(mine["exceptions"].as_array().unwrap().len(), 1);
    let bad = workspace.run(&["exceptions", "--age", "forever"]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not an aging bucket"));
    audit_ok(&workspace);
}

/// A camt.053 of one account whose entries are `(bank_ref, amount in cents, end-to-end id)`.
fn statement(entries: &[(&str, i64, &str)]) -> Vec<u8> {
    use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement};
    use cashline_domain::{AccountKey, BalanceType, Currency, EntryStatus, Money, StatementKind};
    let eur = Currency::EUR;
    let day = today() - chrono::Duration::days(3);
    let total: i64 = entries.iter().map(|e| e.1).sum();
    let statement = ParsedStatement {
        kind: StatementKind::EndOfDay,
        message_id: "TWO-CLAIMS".into(),
        statement_ref: "TWO-CLAIMS-1".into(),
        sequence_number: Some("1".into()),
        page_number: Some(1),
        created_at: None,
        period_from: None,
        period_to: None,
        account: ParsedAccount {
            key: AccountKey::parse("NL91ABNA0417164300").unwrap(),
            iban: None,
            currency: eur,
            bic: None,
            bank_name: None,
            owner_name: None,
        },
        balances: vec![
            ParsedBalance {
                balance_type: BalanceType::OpeningBooked,
                amount: Money::from_minor(0, eur),
                date: day - chrono::Duration::days(1),
                as_of: None,
            },
            ParsedBalance {
                balance_type: BalanceType::ClosingBooked,
                amount: Money::from_minor(total, eur),
                date: day,
                as_of: None,
            },
        ],
        entries: entries
            .iter()
            .map(|(bank_ref, cents, e2e)| ParsedEntry {
                amount: Money::from_minor(*cents, eur),
                status: EntryStatus::Booked,
                reversal: false,
                booking_date: Some(day),
                value_date: Some(day),
                bank_ref: Some((*bank_ref).into()),
                entry_ref: None,
                end_to_end_id: Some((*e2e).into()),
                counterparty_name: None,
                counterparty_iban: None,
                remittance: None,
                creditor_reference: None,
                bank_transaction_code: None,
                source_element: String::new(),
                details: Vec::new(),
            })
            .collect(),
        line: 0,
    };
    cashline_bankfile::camt::write::camt053_document(
        8,
        "TWO-CLAIMS",
        chrono::Utc::now(),
        std::slice::from_ref(&statement),
    )
    .into_bytes()
}

#[test]
fn two_entries_suggested_for_one_item_cannot_both_be_confirmed() {
    let workspace = Workspace::new();
    // Two entries name the same invoice and pay it in full: neither is safe alone.
    let file = workspace.write(
        "two.xml",
        &statement(&[("CLAIM-1", 10_000, "INV-9"), ("CLAIM-2", 10_000, "INV-9")]),
    );
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let items = workspace.write("items.csv", b"id,kind,counterparty,counterparty_iban,amount,currency,due_date,reference\nI-9,receivable,Tailspin,,100.00,EUR,2026-11-18,INV-9\n");
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
    let run = workspace.json(&["recon", "run", "--json"]);
    let ids: Vec<String> = run["matches"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["state"], "suggested", "{m}");
            m["id"].as_str().unwrap().to_string()
        })
        .collect();
    assert_eq!(ids.len(), 2);
    workspace.json(&["recon", "confirm", &ids[0], "--json"]);
    let output = workspace.run(&["recon", "confirm", &ids[1]]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("settled by another match already"));
    let items = workspace.json(&["open-items", "list", "--json"]);
    assert_eq!(items["items"][0]["state"], "matched");
    audit_ok(&workspace);
}

#[test]
fn the_matching_thresholds_are_set_checked_audited_and_refused_to_a_preparer() {
    let workspace = Workspace::new();
    let set = workspace.json(&[
        "recon",
        "rules",
        "thresholds",
        "--auto",
        "0.9",
        "--suggest",
        "0.55",
        "--json",
    ]);
    assert_eq!(
        (
            set["auto_threshold"].as_str(),
            set["suggest_threshold"].as_str()
        ),
        (Some("0.90"), Some("0.55"))
    );
    let shown = workspace.json(&["recon", "rules", "thresholds", "--json"]);
    assert_eq!(shown["auto_threshold"], "0.90", "{shown}");

    for (args, words) in [
        (
            &["--suggest", "0.95"][..],
            "may not be above the automatic one",
        ),
        (&["--auto", "1.5"][..], "from 0.01 to 0.99"),
        (&["--auto", "0.905"][..], "in hundredths"),
        (&["--auto", "lots"][..], "decimal"),
    ] {
        let mut all = vec!["recon", "rules", "thresholds"];
        all.extend(args);
        let output = workspace.run(&all);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(words),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let refused = workspace
        .command_as("preparer")
        .args(["recon", "rules", "thresholds", "--auto", "0.5"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&refused.stderr).contains("may not change matching rules"));
    assert_eq!(
        workspace.json(&["recon", "rules", "list", "--json"])["auto_threshold"],
        "0.90"
    );
    let log = workspace.json(&["audit", "list", "--action", "recon.thresholds", "--json"]);
    assert_eq!(log["records"].as_array().unwrap().len(), 1, "{log}");
    assert_eq!(log["records"][0]["detail"]["suggest"]["to"], "0.55");
}
