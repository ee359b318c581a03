//! The AP lead's payment commands through the real executable: runs, timelines with refusals,
//! cancellation, limits and cut-offs, and files that must change nothing.

use crate::support::{fixture, Workspace};

const HEADER: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n";

/// A ledger that knows the company's EUR account DE89…3000 from a statement.
fn with_account() -> Workspace {
    let workspace = Workspace::new();
    let statement = fixture("camt053/demo-single.xml");
    workspace.json(&["import", statement.to_str().unwrap(), "--json"]);
    workspace
}

fn import(workspace: &Workspace, name: &str, rows: &str) -> serde_json::Value {
    let file = workspace.write(name, format!("{HEADER}{rows}").as_bytes());
    workspace.json(&["payments", "import", file.to_str().unwrap(), "--json"])
}

fn payment(workspace: &Workspace, id: &str) -> serde_json::Value {
    workspace.json(&["payments", "show", id, "--json"])
}

#[test]
fn a_payment_shows_every_event_including_a_refused_approval() {
    let workspace = with_account();
    let imported = import(
        &workspace,
        "run.csv",
        "P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,RENT-11\n",
    );
    assert_eq!(
        (&imported["new_payments"], &imported["validated"]),
        (&serde_json::json!(1), &serde_json::json!(1))
    );
    // The preparer tries to approve: refused, and the refusal is on the timeline.
    let output = workspace.run(&["payments", "approve", "P1"]);
    assert_eq!(output.status.code(), Some(1));
    let shown = payment(&workspace, "P1");
    let events = shown["events"].as_array().unwrap();
    let states: Vec<(&str, bool)> = events
        .iter()
        .map(|e| {
            (
                e["status"].as_str().unwrap(),
                e["applied"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [("imported", true), ("validated", true), ("approved", false)]
    );
    assert!(events[2]["refusal"]
        .as_str()
        .unwrap()
        .contains("another person must approve it"));
    // The keys of CLI.md are all there.
    for key in ["status", "at", "source", "reason"] {
        assert!(events[0].get(key).is_some(), "{key} in {}", events[0]);
    }
    let cancelled = workspace.json(&[
        "payments",
        "cancel",
        "P1",
        "--reason",
        "paid by card instead",
        "--json",
    ]);
    assert_eq!(cancelled["status"], "cancelled");
    let runs = workspace.json(&["payments", "runs", "--json"]);
    assert_eq!(runs["runs"][0]["name"], "run.csv");
    assert_eq!(runs["runs"][0]["states"][0]["state"], "cancelled");
}

#[test]
fn limits_and_cutoffs_are_set_and_listed() {
    let workspace = with_account();
    let limits = workspace.json(&["payments", "limit", "EUR", "10000.00", "--json"]);
    assert_eq!(limits["limits"][0]["amount"], "10000.00");
    let output = workspace.run(&["payments", "limit", "EUR", "--", "-5.00"]);
    assert_eq!(output.status.code(), Some(1));
    let cutoffs = workspace.json(&[
        "cutoffs",
        "set",
        "COBADEFFXXX",
        "EUR",
        "14:00",
        "--time-zone",
        "Europe/Berlin",
        "--json",
    ]);
    assert_eq!(cutoffs["cutoffs"][0]["bank_bic"], "COBADEFF");
    for bad in [
        ["cutoffs", "set", "COBADEFF", "EUR", "25:00"],
        ["cutoffs", "set", "NOTABIC!", "EUR", "14:00"],
        ["cutoffs", "set", "COBADEFF", "EURO", "14:00"],
    ] {
        let output = workspace.run(&bad);
        assert_eq!(output.status.code(), Some(1), "{bad:?}");
    }
    let output = workspace.run(&[
        "cutoffs",
        "set",
        "COBADEFF",
        "EUR",
        "14:00",
        "--time-zone",
        "Mars/Olympus",
    ]);
    assert!(String::from_utf8_lossy(&output.stderr).contains("not an IANA time zone"));
    assert_eq!(
        workspace.json(&["cutoffs", "list", "--json"])["cutoffs"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_payment_file_with_an_absurd_amount_changes_nothing() {
    let workspace = with_account();
    import(
        &workspace,
        "good.csv",
        "P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,,500.00,EUR,2026-11-24,\n",
    );
    let before = workspace.json(&["payments", "list", "--json"]);
    let file = workspace.write(
        "absurd.csv",
        format!(
            "{HEADER}P2,E2E-P2,DE89370400440532013000,Contoso,NL91ABNA0417164300,,1.00,EUR,2026-11-24,\n\
             P3,E2E-P3,DE89370400440532013000,Contoso,NL91ABNA0417164300,,99999999999999999999999.99,EUR,2026-11-24,\n"
        )
        .as_bytes(),
    );
    let output = workspace.run(&["payments", "import", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 3, field amount"), "{stderr}");
    assert_eq!(workspace.json(&["payments", "list", "--json"]), before);
}

#[test]
fn a_name_with_control_characters_is_an_issue_on_the_payment_not_a_forged_line() {
    let workspace = with_account();
    let imported = import(
        &workspace,
        "run.csv",
        "P1,E2E-P1,DE89370400440532013000,\"Evil\u{1b}[2J Corp\",NL91ABNA0417164300,,500.00,EUR,2026-11-24,\n",
    );
    assert_eq!(imported["with_issues"], 1);
    let shown = payment(&workspace, "P1");
    assert_eq!(shown["status"], "imported");
    assert_eq!(shown["issues"][0]["field"], "creditor_name");
    // The terminal never receives the escape sequence.
    let text = workspace.run(&["payments", "show", "P1"]);
    assert!(!String::from_utf8_lossy(&text.stdout).contains('\u{1b}'));
}

fn status_report(original: &str, end_to_end: &str, status: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.10\"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-{end_to_end}</MsgId><CreDtTm>2026-11-24T10:00:00Z</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{original}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>B1</OrgnlPmtInfId>
<TxInfAndSts><OrgnlEndToEndId>{end_to_end}</OrgnlEndToEndId><TxSts>{status}</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>
"
    )
}

#[test]
fn a_status_report_is_read_by_import_and_bad_ones_change_nothing() {
    let workspace = with_account();
    import(
        &workspace,
        "run.csv",
        "P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,,500.00,EUR,2026-11-24,\n",
    );
    let before = workspace.json(&["payments", "list", "--json"]);
    for (name, body, expected) in [
        (
            "unknown.xml",
            status_report("MSG-X", "E2E-NOBODY", "RJCT"),
            "does not know",
        ),
        (
            "bad-status.xml",
            status_report("MSG-X", "E2E-P1", "NOPE"),
            "is not an ISO 20022 payment status code",
        ),
        (
            "cut.xml",
            status_report("MSG-X", "E2E-P1", "RJCT")[..300].to_string(),
            "line 4: the XML is malformed",
        ),
    ] {
        let file = workspace.write(name, body.as_bytes());
        let output = workspace.run(&["import", file.to_str().unwrap(), "--json"]);
        assert_eq!(output.status.code(), Some(1), "{name}");
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let error = report["files"][0]["error"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(error.contains(expected), "{name}: {report}");
        assert_eq!(
            workspace.json(&["payments", "list", "--json"]),
            before,
            "{name}"
        );
    }
    // A report about a payment Cashline never sent: read, and its move refused on record.
    let file = workspace.write(
        "status.xml",
        status_report("MSG-X", "E2E-P1", "RJCT").as_bytes(),
    );
    let report = workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(report["files"][0]["format"], "pain.002.001.10");
    assert_eq!(report["files"][0]["payment_statuses"], 1);
    let shown = payment(&workspace, "P1");
    assert_eq!(shown["status"], "validated");
    let last = shown["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (
            &last["status"],
            &last["applied"],
            &last["bank_status"],
            &last["reason_meaning"]
        ),
        (
            &serde_json::json!("rejected"),
            &serde_json::json!(false),
            &serde_json::json!("RJCT"),
            &serde_json::json!("the account is closed")
        )
    );
    let again = workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    assert_eq!(again["files"][0]["status"], "duplicate");
}
