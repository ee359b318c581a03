//! The demo (`serve --demo`): what it loads through the same commands a user runs, the
//! payments in every state of their life among it, and a second start on the same ledger that
//! adds nothing.

use std::io::{BufRead, BufReader, Read};
use std::process::Stdio;

use crate::support::Workspace;

/// Starts `serve --demo` on the workspace's ledger (on the day of `now`, else the tests' day)
/// and stops it once it serves (the demo is loaded by then); the lines it printed.
fn serve_demo(workspace: &Workspace, now: Option<&str>) -> Vec<String> {
    let ui = workspace.stand_in_ui();
    let mut command = workspace.command();
    if let Some(now) = now {
        command.env("CASHLINE_NOW", now);
    }
    let mut child = command
        .args(["serve", "--demo", "--port", "0", "--ui"])
        .arg(&ui)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = Vec::new();
    let mut serving = false;
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        serving = line.contains("http://127.0.0.1:");
        lines.push(line);
        if serving {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(serving, "the demo did not start: {lines:?} {stderr}");
    lines
}

/// Each event of a payment as `state source [bank status] [reason]`.
fn timeline(payment: &serde_json::Value) -> Vec<String> {
    payment["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["applied"] == true)
        .map(|e| {
            let mut line = format!(
                "{} {}",
                e["status"].as_str().unwrap(),
                e["source"].as_str().unwrap()
            );
            for key in ["bank_status", "reason"] {
                if let Some(value) = e[key].as_str() {
                    line.push(' ');
                    line.push_str(value);
                }
            }
            line
        })
        .collect()
}

#[test]
fn the_demo_shows_payments_in_every_state_and_starts_again_without_adding_anything() {
    let workspace = Workspace::new();
    let printed = serve_demo(&workspace, None).join("\n");
    assert!(printed.contains("sent to the bank in"), "{printed}");

    let list = workspace.json(&["payments", "list", "--json"]);
    let payments = list["payments"].as_array().unwrap();
    // The morning's run of the German entity: every state of a payment's life in one funnel.
    let runs = workspace.json(&["payments", "runs", "--json"]);
    let morning = runs["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == 1)
        .unwrap_or_else(|| panic!("{runs}"));
    let states: Vec<&str> = morning["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    for state in [
        "validated",
        "sent",
        "accepted",
        "settled",
        "rejected",
        "cancelled",
    ] {
        assert!(states.contains(&state), "{state} missing from {morning}");
    }
    let in_state = |state: &str| -> Vec<&serde_json::Value> {
        payments.iter().filter(|p| p["status"] == state).collect()
    };
    for state in ["imported", "approved"] {
        assert!(!in_state(state).is_empty(), "no {state} payment: {list}");
    }

    // The rejected payment, with the bank's reason in its code and in words, from the status
    // report the demo imported.
    let rejected = in_state("rejected");
    assert_eq!(rejected.len(), 1, "{list}");
    assert_eq!(rejected[0]["reason"], "AC04");
    let id = rejected[0]["id"].as_str().unwrap();
    let shown = workspace.json(&["payments", "show", id, "--json"]);
    let tail: Vec<String> = timeline(&shown).into_iter().rev().take(2).collect();
    assert_eq!(
        tail,
        ["rejected pain.002 RJCT AC04", "sent export"],
        "{shown}"
    );
    let last = shown["events"].as_array().unwrap().last().unwrap();
    assert_eq!(last["reason_meaning"], "the account is closed", "{last}");
    assert!(
        last["reason_text"]
            .as_str()
            .unwrap()
            .contains("account closed"),
        "{last}"
    );
    assert!(
        last["source_file"]
            .as_str()
            .unwrap()
            .ends_with("payment-status.xml"),
        "{last}"
    );
    // Accepted by the status report; some of those booked by the debit notification; one
    // payment of the file the bank has not answered yet.
    for p in in_state("settled") {
        let tail: Vec<String> = timeline(p).into_iter().rev().take(3).collect();
        assert_eq!(
            tail,
            ["settled camt.054", "accepted pain.002 ACSP", "sent export"],
            "{p}"
        );
    }
    for p in in_state("accepted") {
        assert_eq!(timeline(p).last().unwrap(), "accepted pain.002 ACCP", "{p}");
    }
    assert_eq!(timeline(in_state("sent")[0]).last().unwrap(), "sent export");
    let cancelled = in_state("cancelled");
    assert!(
        timeline(cancelled[0])
            .last()
            .unwrap()
            .starts_with("cancelled user"),
        "{}",
        cancelled[0]
    );

    // The demo started again on the same ledger: nothing new, nothing moved.
    let again = serve_demo(&workspace, None).join("\n");
    assert!(again.contains("8 payments (0 new)"), "{again}");
    assert_eq!(workspace.json(&["payments", "list", "--json"]), list);
}

/// The demo's payments depend on its day (amounts, requested dates, whether today is a business
/// day): on a Friday, a Saturday and Christmas Eve too, it loads and shows every state.
#[test]
fn the_demo_loads_its_payment_lifecycle_on_any_day() {
    for now in [
        "2026-11-27T16:30:00Z",
        "2026-11-28T09:00:00Z",
        "2026-12-24T07:00:00Z",
    ] {
        let workspace = Workspace::new();
        let printed = serve_demo(&workspace, Some(now)).join("\n");
        let list = workspace.json(&["payments", "list", "--json"]);
        for state in [
            "imported",
            "validated",
            "approved",
            "sent",
            "accepted",
            "settled",
            "rejected",
            "cancelled",
        ] {
            assert!(
                list["payments"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["status"] == state),
                "{now}: no {state} payment: {printed}"
            );
        }
    }
}

/// `cashline demo --web` on the workspace's ledger, left running: the demo's simulated banks
/// live in its process. Returns it once it serves.
fn start_demo(workspace: &Workspace) -> std::process::Child {
    let ui = workspace.stand_in_ui();
    let mut child = workspace
        .command()
        .args(["demo", "--web", "--port", "0", "--ui"])
        .arg(&ui)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut printed = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        let serving = line.contains("http://127.0.0.1:");
        printed.push(line);
        if serving {
            return child;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the demo did not start: {printed:?}");
}

#[test]
fn the_demo_connects_to_simulated_banks_healthy_expiring_and_failing_with_intraday_positions() {
    let workspace = Workspace::new();
    let mut demo = start_demo(&workspace);
    let listed = workspace.json(&["connections", "list", "--json"]);
    let positions = workspace.json(&["positions", "--json"]);
    let _ = demo.kill();
    let _ = demo.wait();

    let states: Vec<(&str, &str)> = listed["connections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["state"].as_str().unwrap()))
        .collect();
    assert_eq!(
        states,
        [
            ("Simbank Frankfurt", "healthy"),
            ("Simbank Paris", "consent_expiring"),
            ("Simbank Wien", "failing")
        ],
        "{listed}"
    );
    let failing = &listed["connections"][2];
    assert!(
        failing["last_error"]
            .as_str()
            .unwrap()
            .contains("does not follow its contract"),
        "{failing}"
    );
    assert_eq!(listed["connections"][1]["consent_days_left"], 9);
    // Seven accounts read from the banks' APIs, each with its intraday balance.
    let from_api = positions["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["source"] == "psd2")
        .count();
    assert_eq!(from_api, 7, "{positions}");
}
