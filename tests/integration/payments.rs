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

const RUN: &str = "P1,E2E-P1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,ABNANL2A,500.00,EUR,2026-11-24,INV-1
P2,E2E-P2,DE89370400440532013000,Contoso,NL91ABNA0417164300,,250.00,EUR,2026-11-24,INV-2
P3,E2E-P3,DE89370400440532013000,Litware,NL91ABNA0417164300,,75.00,EUR,2026-11-25,INV-3
";

fn approve(workspace: &Workspace, ids: &[&str]) {
    let output = workspace
        .command_as("approver")
        .args(["payments", "approve"])
        .args(ids)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

fn schema_valid(file: &std::path::Path) {
    let Some(corpus) = crate::support::corpus() else {
        return;
    };
    let schema = corpus.join("xsd/pain/pain.001.001.09.xsd");
    let output = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&schema)
        .arg(file)
        .output()
        .expect("xmllint is installed by scripts/setup (libxml2-utils)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn exported_once_then_accepted_in_part_by_the_bank() {
    let workspace = with_account();
    import(&workspace, "run.csv", RUN);
    approve(&workspace, &["P1", "P2", "P3"]);
    let out = workspace.dir.path().join("to-bank.xml");
    let done = workspace.json(&[
        "payments",
        "export",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(done["payments"], 3);
    schema_valid(&out);
    let document = std::fs::read_to_string(&out).unwrap();
    // Two requested dates: two payment-information blocks.
    assert_eq!(document.matches("<PmtInf>").count(), 2);
    let message = done["message_id"].as_str().unwrap().to_string();
    assert_eq!(payment(&workspace, "P1")["status"], "sent");
    // Nothing is left to send: a second export writes no file.
    let again_out = workspace.dir.path().join("again.xml");
    let again = workspace.json(&[
        "payments",
        "export",
        "--out",
        again_out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(again["payments"], 0);
    assert!(!again_out.exists());
    // A lost upload: the same bytes again.
    let copy = workspace.dir.path().join("copy.xml");
    workspace.run(&[
        "payments",
        "reexport",
        &message,
        "--out",
        copy.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read(&copy).unwrap(), document.as_bytes());

    // The bank takes P1, rejects P2 (closed account), by instruction id within the message.
    let b1 = format!("{message}-B1");
    let report = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>
<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:pain.002.001.03\"><CstmrPmtStsRpt>
<GrpHdr><MsgId>STS-1</MsgId><CreDtTm>2026-11-23T12:00:00Z</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>{message}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>{b1}</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
<TxInfAndSts><OrgnlInstrId>{b1}-1</OrgnlInstrId><TxSts>ACSP</TxSts></TxInfAndSts>
<TxInfAndSts><OrgnlInstrId>{b1}-2</OrgnlInstrId><TxSts>RJCT</TxSts><StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>
"
    );
    let file = workspace.write("status.xml", report.as_bytes());
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
    let states: Vec<String> = ["P1", "P2", "P3"]
        .iter()
        .map(|id| {
            payment(&workspace, id)["status"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(states, ["accepted", "rejected", "sent"]);
    let p2 = payment(&workspace, "P2");
    assert_eq!(p2["reason"], "AC04");
    let sources: Vec<&str> = p2["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["csv", "csv", "user", "export", "pain.002"]);
}

/// Each payment's end-to-end id appears in exactly one of the files written.
fn in_exactly_one_file(workspace: &Workspace, ids: &[String]) {
    let files: Vec<String> = std::fs::read_dir(workspace.dir.path())
        .unwrap()
        .filter_map(|e| {
            let path = e.unwrap().path();
            let name = path.file_name()?.to_string_lossy().into_owned();
            (name.starts_with("out-") && name.ends_with(".xml"))
                .then(|| std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    for id in ids {
        let tag = format!("<EndToEndId>{id}</EndToEndId>");
        let count = files.iter().filter(|f| f.contains(&tag)).count();
        assert_eq!(count, 1, "{id} is in {count} files");
    }
}

#[test]
fn an_export_killed_between_its_commit_and_its_file_is_finished_by_the_next_one() {
    let workspace = with_account();
    let mut ids = Vec::new();
    for run in 0..6 {
        let id = format!("K{run}");
        import(
            &workspace,
            &format!("run-{run}.csv"),
            &format!("{id},E2E-{id},DE89370400440532013000,Fabrikam,NL91ABNA0417164300,,{}.00,EUR,2026-11-24,INV-{id}\n", 100 + run),
        );
        approve(&workspace, &[&id]);
        ids.push(format!("E2E-{id}"));
        let point = if run % 2 == 0 {
            "export-committed"
        } else {
            "export-before-rename"
        };
        let out = workspace.dir.path().join(format!("out-{run}.xml"));
        let killed = workspace
            .command()
            .env("CASHLINE_CRASH_AT", point)
            .args(["payments", "export", "--out", out.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(
            !killed.status.success(),
            "the process was to die at {point}"
        );
        assert!(!out.exists(), "{point}: no file under its final name yet");
        // The payment is sent: the export is recorded, only its file is missing.
        assert_eq!(payment(&workspace, &id)["status"], "sent");
        let next = workspace.dir.path().join(format!("out-next-{run}.xml"));
        let done = workspace.json(&[
            "payments",
            "export",
            "--out",
            next.to_str().unwrap(),
            "--json",
        ]);
        assert_eq!(done["payments"], 0, "nothing new to send");
        assert_eq!(done["finished"][0], out.to_str().unwrap());
        assert!(!next.exists());
        schema_valid(&out);
    }
    in_exactly_one_file(&workspace, &ids);
}
