//! The PSD2 contract, checked by Stoplight Prism against the Berlin Group's own OpenAPI file:
//! Prism in proxy mode (`--errors`) stands between the `cashline` CLI and `cashline bank-sim`
//! for a whole consent, sync, payment and removal run, validating every request the client
//! sends and every answer the simulator gives. A violation becomes a 500 to the client (so the
//! run fails) and a line in Prism's log (so the test names it). The adapter against Prism's
//! mock of the same file is `crates/psd2/tests/contract.rs`.
//!
//! Prism comes from `scripts/setup` (npm, into `target/prism`). Without it the test fails and
//! says so; `CASHLINE_CONTRACT_SKIP=1` skips it on purpose.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use serde_json::Value;

use crate::connections::{approve_in_browser, BankSim};
use crate::prism::{Prism, SPEC};
use crate::support::{command_in, corpus, repo_root, Workspace};

/// The simulator's EUR account at its first bank.
const DE_IBAN: &str = "DE89370400440532013000";

/// Each endpoint the client uses, as Prism logs it (method, path with `*` for an id): the run
/// must pass through every one, or the check proves less than it says.
const ENDPOINTS: [(&str, &str); 8] = [
    ("post", "/v1/consents"),
    ("get", "/v1/consents/*/status"),
    ("delete", "/v1/consents/*"),
    ("get", "/v1/accounts"),
    ("get", "/v1/accounts/*/balances"),
    ("get", "/v1/accounts/*/transactions"),
    ("post", "/v1/payments/sepa-credit-transfers"),
    ("get", "/v1/payments/sepa-credit-transfers/*/status"),
];

/// `(method, path)` of each request Prism received, from its `Request received` lines.
fn requests_received(lines: &[String]) -> Vec<(String, String)> {
    lines
        .iter()
        .filter(|l| l.contains("Request received"))
        .filter_map(|l| {
            let rest = l.split("[HTTP SERVER] ").nth(1)?;
            let mut words = rest.split_whitespace();
            let method = words.next()?.to_ascii_lowercase();
            let path = words.next()?.split('?').next()?.to_string();
            Some((method, path))
        })
        .collect()
}

/// Whether `path` is `template`, with `*` standing for one segment.
fn path_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len() && t.iter().zip(&p).all(|(t, p)| *t == "*" || t == p)
}

/// `cashline connections add NAME --psd2 URL`, its consent approved in the "browser" at the
/// link the bank gives (the simulator's own page, outside the contract).
fn add_connection(workspace: &Workspace, name: &str, url: &str) -> Value {
    let mut child = workspace
        .command()
        .args(["connections", "add", name, "--psd2", url, "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("connections add runs");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break;
        }
        said.push_str(&line);
        if let Some(link) = line
            .trim()
            .strip_prefix("Approve the consent at the bank: ")
        {
            approve_in_browser(link);
            break;
        }
    }
    let mut rest = String::new();
    stderr.read_to_string(&mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "connections add failed: {said}{rest}"
    );
    serde_json::from_slice(&output.stdout).expect("one JSON document")
}

fn sync_at(workspace: &Workspace, now: &str) -> Value {
    let output = command_in(workspace.dir.path(), "tester")
        .env("CASHLINE_NOW", now)
        .args(["sync", "--json"])
        .output()
        .unwrap();
    serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
        panic!(
            "sync printed no report: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

#[test]
fn a_consent_sync_payment_and_removal_through_prism_break_no_rule_of_the_berlin_group_contract() {
    let Some(corpus) = corpus() else { return };
    let Some(prism) = Prism::executable(repo_root()) else {
        return;
    };
    let spec = corpus.join(SPEC);
    assert!(spec.is_file(), "{} is not in the corpus", spec.display());
    let workspace = Workspace::new();
    // Without --auto-consent: the consent waits for the browser, so the client asks for its
    // status through Prism too.
    let sim = BankSim::start(&workspace, &[]);
    let prism = Prism::start(
        &prism,
        &["proxy", "--errors", spec.to_str().unwrap(), &sim.url],
    );

    // The spec's server is `https://api.testbank.com/psd2`; Prism serves its paths from its
    // root, so Prism's root is the bank's base URL, as the simulator's root is.
    let added = add_connection(&workspace, "Simbank", &prism.url);
    assert_eq!(added["state"], "healthy", "{added}");
    assert_eq!(added["consent_status"], "valid", "{added}");

    let report = sync_at(&workspace, crate::support::NOW);
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    assert_eq!(report["runs"][0]["accounts"], 4, "{report}");
    // What went through Prism is what the simulator holds.
    let positions = workspace.json(&["positions", "--json"]);
    for bank in sim.state()["accounts"].as_array().unwrap() {
        let ours = positions["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account"] == bank["iban"])
            .unwrap_or_else(|| panic!("{} is not in the positions: {positions}", bank["iban"]));
        assert_eq!(ours["booked"], bank["interim_booked"], "{positions}");
    }

    // Two payments: the bank settles one and rejects the other (the creditor's account closed).
    let file = workspace.write(
        "run.csv",
        format!(
            "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n\
             C1,E2E-C1,{DE_IBAN},Fabrikam,NL91ABNA0417164300,ABNANL2A,1200.00,EUR,2026-11-23,INV-C1\n\
             C2,E2E-C2,{DE_IBAN},Closed Shop,NL91ABNA0417164300,ABNANL2A,80.00,EUR,2026-11-23,INV-C2\n"
        )
        .as_bytes(),
    );
    workspace.json(&["payments", "import", file.to_str().unwrap(), "--json"]);
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve", "C1", "C2"])
        .output()
        .unwrap();
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
    let sent = workspace.json(&["payments", "send", "C1", "C2", "--via", "Simbank", "--json"]);
    for row in sent["payments"].as_array().unwrap() {
        assert_eq!(row["outcome"], "answered", "{sent}");
        assert_eq!(row["status"], "RCVD", "{sent}");
    }

    // An hour and a half later a sync reads the bank again and polls the payments' status.
    sim.advance(90);
    let report = sync_at(&workspace, "2026-11-23T10:30:00Z");
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    let settled = workspace.json(&["payments", "show", "C1", "--json"]);
    assert_eq!(settled["status"], "settled", "{settled}");
    let rejected = workspace.json(&["payments", "show", "C2", "--json"]);
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    assert_eq!(rejected["reason"], "AC04", "{rejected}");

    // Removing the connection withdraws the consent at the bank, through Prism.
    let removed = workspace.run(&["connections", "remove", "Simbank"]);
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    assert_eq!(
        sim.state()["consents"][0]["status"],
        "terminatedByTpp",
        "the consent's deletion reached the bank"
    );

    let lines = prism.lines();
    let violations: Vec<&String> = lines
        .iter()
        .filter(|l| {
            l.contains("Violation")
                || l.contains("VIOLATIONS")
                || l.contains("did not pass the validation rules")
        })
        .collect();
    assert!(
        violations.is_empty(),
        "Prism found contract violations:\n{}",
        violations
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let received = requests_received(&lines);
    let forwarded = lines
        .iter()
        .filter(|l| l.contains("Received forward response"))
        .count();
    assert_eq!(
        forwarded,
        received.len(),
        "every request Prism received went on to the bank and its answer came back:\n{}",
        lines.join("\n")
    );
    let missed: Vec<String> = ENDPOINTS
        .iter()
        .filter(|(method, template)| {
            !received
                .iter()
                .any(|(m, p)| m == method && path_matches(template, p))
        })
        .map(|(method, template)| format!("{method} {template}"))
        .collect();
    assert!(
        missed.is_empty(),
        "the run did not pass these endpoints through Prism: {missed:?}"
    );
    let distinct: BTreeSet<&(String, String)> = received.iter().collect();
    eprintln!(
        "contract: Prism proxy listened after {:.1} s and validated {} exchanges ({} distinct requests)",
        prism.started_in.as_secs_f64(),
        received.len(),
        distinct.len()
    );
}
