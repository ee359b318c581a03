//! Bank connections end to end: `cashline bank-sim` started by the test, a connection added
//! through the consent flow (this test's HTTP client stands in for the browser and follows the
//! bank's redirect back to Cashline's loopback port), syncs, and what they leave in the ledger.

use std::collections::{HashMap, HashSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use serde_json::Value;

use crate::support::{command_in, Workspace, NOW};

/// The simulator's EUR account at its first bank.
const DE_IBAN: &str = "DE89370400440532013000";

/// `cashline bank-sim`, stopped when dropped.
pub struct BankSim {
    child: Child,
    pub url: String,
}

impl Drop for BankSim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl BankSim {
    pub fn start(workspace: &Workspace, args: &[&str]) -> BankSim {
        let mut child = command_in(workspace.dir.path(), "tester")
            .arg("bank-sim")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("cashline bank-sim starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .expect("bank-sim prints its URL");
        let url = line.trim().to_string();
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        BankSim { child, url }
    }

    pub fn state(&self) -> Value {
        let (status, _, body) = http("GET", &format!("{}/sim/state", self.url));
        assert_eq!(status, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    pub fn advance(&self, minutes: i64) {
        let (status, _, body) = http(
            "POST",
            &format!("{}/sim/advance?minutes={minutes}", self.url),
        );
        assert_eq!(status, 200, "{body}");
    }

    /// The simulator's account by IBAN, from its state.
    pub fn account(&self, iban: &str) -> Value {
        self.state()["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["iban"] == iban)
            .cloned()
            .unwrap_or_else(|| panic!("the simulator has no account {iban}"))
    }
}

/// One plain-HTTP request: status, headers (lower-case names) and body.
pub fn http(method: &str, url: &str) -> (u16, HashMap<String, String>, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, path) = rest
        .split_once('/')
        .map_or((rest, "/".to_string()), |(a, p)| (a, format!("/{p}")));
    let mut stream = TcpStream::connect(authority).expect("connect");
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {authority}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let mut lines = head.lines();
    let status = lines.next().unwrap()[9..12].parse().unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (status, headers, body.to_string())
}

/// The PSU's browser: opens the bank's link and follows its redirect back to Cashline.
pub fn approve_in_browser(link: &str) {
    let (status, headers, body) = http("GET", link);
    assert_eq!(status, 302, "the bank's SCA page redirects back: {body}");
    let back = &headers["location"];
    assert!(back.starts_with("http://127.0.0.1:"), "{back}");
    let (status, _, page) = http("GET", back);
    assert_eq!(status, 200);
    assert!(page.contains("sent you back to Cashline"), "{page}");
}

/// `cashline connections add NAME --psd2 URL`, approved in the "browser" when it prints the link.
pub fn add_connection(workspace: &Workspace, name: &str, sim: &BankSim, extra: &[&str]) -> Value {
    let mut child = workspace
        .command()
        .args(["connections", "add", name, "--psd2", &sim.url, "--json"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("connections add runs");
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut said = String::new();
    let link = loop {
        let mut line = String::new();
        if stderr.read_line(&mut line).unwrap() == 0 {
            break None;
        }
        said.push_str(&line);
        if let Some(link) = line
            .trim()
            .strip_prefix("Approve the consent at the bank: ")
        {
            break Some(link.to_string());
        }
    };
    if let Some(link) = link {
        approve_in_browser(&link);
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

fn sync(workspace: &Workspace) -> Value {
    workspace.json(&["sync", "--json"])
}

fn entries_of(workspace: &Workspace, iban: &str) -> Vec<Value> {
    workspace.json(&["entries", "--account", iban, "--json"])["entries"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn a_connection_approved_in_the_browser_syncs_the_banks_balances_and_entries() {
    let workspace = Workspace::new();
    let sim = BankSim::start(&workspace, &[]);

    let added = add_connection(&workspace, "Simbank", &sim, &[]);
    assert_eq!(added["state"], "healthy", "{added}");
    assert_eq!(added["consent_status"], "valid");
    assert_eq!(
        added["consent_valid_until"], "2027-02-21",
        "90 days from {NOW}"
    );
    assert_eq!(sim.state()["consents"][0]["status"], "valid");

    let report = sync(&workspace);
    let run = &report["runs"][0];
    assert_eq!(run["outcome"], "ok", "{report}");
    assert_eq!(run["accounts"], 4);
    assert!(run["correlation_id"].as_str().unwrap().contains("-sync-"));

    // Positions are the simulator's own booked balances, account by account.
    let positions = workspace.json(&["positions", "--json"]);
    let accounts = positions["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 4, "{positions}");
    for bank in sim.state()["accounts"].as_array().unwrap() {
        let iban = bank["iban"].as_str().unwrap();
        let ours = accounts
            .iter()
            .find(|a| a["account"] == iban)
            .unwrap_or_else(|| panic!("{iban} is not in the positions: {positions}"));
        assert_eq!(ours["booked"], bank["interim_booked"], "{iban}");
        assert_eq!(ours["currency"], bank["currency"], "{iban}");
        assert_eq!(ours["source"], "psd2", "{iban}");
        // Every transaction the bank shows is an entry, each once.
        let entries = entries_of(&workspace, iban);
        let booked = entries.iter().filter(|e| e["status"] == "booked").count();
        let pending = entries.iter().filter(|e| e["status"] == "pending").count();
        assert_eq!(booked as u64, bank["booked"].as_u64().unwrap(), "{iban}");
        assert_eq!(pending as u64, bank["pending"].as_u64().unwrap(), "{iban}");
    }

    // The list shows the accounts masked, the budget and the next scheduled read.
    let listed = workspace.json(&["connections", "list", "--json"]);
    let connection = &listed["connections"][0];
    assert_eq!(connection["state"], "healthy", "{listed}");
    assert_eq!(connection["accounts"].as_array().unwrap().len(), 4);
    assert!(
        !listed.to_string().contains(DE_IBAN),
        "account numbers are masked"
    );
    assert_eq!(connection["reads_per_day"], 4);
    assert_eq!(
        connection["reads_left_today"], 4,
        "a person's sync does not count"
    );
    assert_eq!(connection["next_sync_at"], "2026-11-23T10:00:00Z");
}

#[test]
fn a_pending_entry_that_books_later_is_one_entry_and_the_next_days_camt053_adds_none_twice() {
    let workspace = Workspace::new();
    let sim = BankSim::start(&workspace, &["--auto-consent"]);
    let added = add_connection(&workspace, "Simbank", &sim, &[]);
    assert_eq!(
        added["state"], "healthy",
        "auto-consent needs no browser: {added}"
    );
    sync(&workspace);
    let before = entries_of(&workspace, DE_IBAN);
    let pending: Vec<&Value> = before.iter().filter(|e| e["status"] == "pending").collect();
    assert!(!pending.is_empty(), "the simulator keeps pending entries");

    // Later that day the pending entries book, one of them under another transaction id.
    sim.advance(8 * 60);
    let later = command_in(workspace.dir.path(), "tester")
        .env("CASHLINE_NOW", "2026-11-23T17:00:00Z")
        .args(["sync", "--json"])
        .output()
        .unwrap();
    assert!(
        later.status.success(),
        "{}",
        String::from_utf8_lossy(&later.stderr)
    );
    let after = entries_of(&workspace, DE_IBAN);
    assert_eq!(after.len(), before.len(), "booking adds no entry");
    for entry in &pending {
        let now: Vec<&Value> = after
            .iter()
            .filter(|e| e["bank_ref"] == entry["bank_ref"])
            .collect();
        assert_eq!(now.len(), 1, "{entry}");
        assert_eq!(now[0]["status"], "booked", "{entry}");
    }

    // The next morning the bank's camt.053 for the day brings the same entries, booked.
    sim.advance(16 * 60);
    let (status, _, xml) = http(
        "GET",
        &format!("{}/sim/statement?iban={DE_IBAN}&date=2026-11-23", sim.url),
    );
    assert_eq!(status, 200, "{xml}");
    let file = workspace.write("camt053-2026-11-23.xml", xml.as_bytes());
    let imported = command_in(workspace.dir.path(), "tester")
        .env("CASHLINE_NOW", "2026-11-24T07:00:00Z")
        .args(["import", "--json"])
        .arg(&file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&imported.stdout).unwrap();
    assert!(imported.status.success(), "{report}");
    let day_entries = xml.matches("<Ntry>").count();
    assert!(day_entries > 0, "the day had bookings");
    assert_eq!(
        report["files"][0]["entries"], day_entries as u64,
        "{report}"
    );
    assert_eq!(report["files"][0]["new_entries"], 0, "{report}");
    let final_entries = entries_of(&workspace, DE_IBAN);
    assert_eq!(final_entries.len(), before.len());
    let refs: HashSet<&str> = final_entries
        .iter()
        .map(|e| e["bank_ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), final_entries.len(), "no entry twice");
}

#[test]
fn a_connection_name_or_url_that_cannot_be_one_is_refused_and_nothing_is_stored() {
    let workspace = Workspace::new();
    for (name, url, says) in [
        ("bank\u{1b}[2J", "http://127.0.0.1:9", "control characters"),
        ("Bank", "http://bank.example/psd2", "must use https"),
        (
            "Bank",
            "https://user:pw@bank.example",
            "user name or password",
        ),
        ("Bank", "not a url", "is not a URL"),
    ] {
        let output = workspace.run(&["connections", "add", name, "--psd2", url]);
        assert_eq!(output.status.code(), Some(1), "{name} {url}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{stderr}");
        assert!(
            !stderr.contains('\u{1b}'),
            "no control character reaches the terminal"
        );
    }
    // A bank that does not answer: the connection is not added.
    let output = workspace.run(&["connections", "add", "Gone", "--psd2", "http://127.0.0.1:9"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("the bank refused the consent"));
    let listed = workspace.json(&["connections", "list", "--json"]);
    assert_eq!(listed["connections"], serde_json::json!([]));
}

#[test]
fn a_sync_without_an_approved_consent_fails_in_words_and_exits_1() {
    let workspace = Workspace::new();
    let sim = BankSim::start(&workspace, &[]);
    let output = workspace.run(&[
        "connections",
        "add",
        "Simbank",
        "--psd2",
        &sim.url,
        "--no-wait",
    ]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = workspace.run(&["sync", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["runs"][0]["outcome"], "failed");
    assert!(report["runs"][0]["error"]
        .as_str()
        .unwrap()
        .contains("waits for its approval"));
    let listed = workspace.json(&["connections", "list", "--json"]);
    assert_eq!(listed["connections"][0]["state"], "awaiting_consent");
    assert!(listed["connections"][0]["sca_redirect"]
        .as_str()
        .unwrap()
        .contains("/sim/sca/"));
}

const PAYMENT_HEADER: &str = "id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n";

/// A simulator, a connection to it in force, and approved payments from its EUR account.
fn bank_with_approved_payments(rows: &[(&str, &str, &str)]) -> (Workspace, BankSim) {
    let workspace = Workspace::new();
    let sim = BankSim::start(&workspace, &["--auto-consent"]);
    with_approved_payments(&workspace, &sim, rows);
    (workspace, sim)
}

/// A connection in force, and approved payments from the simulator's EUR account.
fn with_approved_payments(workspace: &Workspace, sim: &BankSim, rows: &[(&str, &str, &str)]) {
    add_connection(workspace, "Simbank", sim, &[]);
    sync(workspace);
    let mut csv = PAYMENT_HEADER.to_string();
    for (id, creditor, amount) in rows {
        csv.push_str(&format!(
            "{id},E2E-{id},{DE_IBAN},{creditor},NL91ABNA0417164300,ABNANL2A,{amount},EUR,2026-11-23,INV-{id}\n"
        ));
    }
    let file = workspace.write("run.csv", csv.as_bytes());
    workspace.json(&["payments", "import", file.to_str().unwrap(), "--json"]);
    let ids: Vec<&str> = rows.iter().map(|(id, _, _)| *id).collect();
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve"])
        .args(&ids)
        .output()
        .unwrap();
    assert!(
        approved.status.success(),
        "{}",
        String::from_utf8_lossy(&approved.stderr)
    );
}

/// `payments export` finds nothing to put in a file.
fn nothing_to_export(workspace: &Workspace) {
    let out = workspace.dir.path().join("run.xml");
    let export = workspace.json(&[
        "payments",
        "export",
        "--out",
        out.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(export["payments"], 0, "{export}");
    assert!(!out.exists());
}

fn payment_status(workspace: &Workspace, id: &str) -> Value {
    workspace.json(&["payments", "show", id, "--json"])
}

/// The simulator's payments with this end-to-end id.
fn at_the_bank(sim: &BankSim, end_to_end_id: &str) -> Vec<Value> {
    sim.state()["payments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["end_to_end_id"] == end_to_end_id)
        .cloned()
        .collect()
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
fn payments_sent_through_the_api_follow_the_banks_status_to_settled_or_rejected_and_go_once() {
    let (workspace, sim) = bank_with_approved_payments(&[
        ("A1", "Fabrikam", "1200.00"),
        ("A2", "Closed Shop", "80.00"),
    ]);
    let before = sim.account(DE_IBAN);

    let sent = workspace.json(&["payments", "send", "A1", "A2", "--via", "Simbank", "--json"]);
    assert_eq!(sent["connection"], "Simbank");
    for row in sent["payments"].as_array().unwrap() {
        assert_eq!(row["outcome"], "answered", "{sent}");
        assert_eq!(row["status"], "RCVD", "{sent}");
        assert_eq!(row["state"], "acknowledged", "{sent}");
        assert!(row["bank_payment_id"].is_string(), "{sent}");
    }

    // Sending again, by a double click or a second window: refused in words, nothing new.
    let again = workspace.run(&["payments", "send", "A1", "--via", "Simbank", "--json"]);
    assert_eq!(again.status.code(), Some(1));
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(again["payments"][0]["outcome"], "not_sent");
    assert!(again["payments"][0]["error"]
        .as_str()
        .unwrap()
        .contains("it is with the bank already"));
    // Nor can it go out in a file any more.
    nothing_to_export(&workspace);
    assert_eq!(at_the_bank(&sim, "E2E-A1").len(), 1);
    assert_eq!(at_the_bank(&sim, "E2E-A2").len(), 1);

    // An hour and a half later the bank has settled one and rejected the other; a sync asks.
    sim.advance(90);
    sync_at(&workspace, "2026-11-23T10:30:00Z");
    let settled = payment_status(&workspace, "A1");
    assert_eq!(settled["status"], "settled", "{settled}");
    let rejected = payment_status(&workspace, "A2");
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    assert_eq!(rejected["reason"], "AC04", "{rejected}");
    let sources: HashSet<&str> = settled["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert!(sources.contains("psd2"), "{settled}");

    // The bank debited the settled one from its account, and the ledger shows it once.
    let after = sim.account(DE_IBAN);
    assert_eq!(
        after["booked"].as_u64().unwrap(),
        before["booked"].as_u64().unwrap() + 1,
        "{after}"
    );
    let debits: Vec<Value> = entries_of(&workspace, DE_IBAN)
        .into_iter()
        .filter(|e| e.to_string().contains("E2E-A1"))
        .collect();
    assert_eq!(debits.len(), 1, "{debits:?}");
    assert_eq!(debits[0]["status"], "booked");
}

#[test]
fn a_send_killed_before_or_after_the_banks_answer_is_resolved_by_the_next_sync_never_sent_twice() {
    let (workspace, sim) =
        bank_with_approved_payments(&[("K1", "Fabrikam", "10.00"), ("K2", "Contoso", "20.00")]);
    for (id, point, bank_has_it) in [
        ("K1", "initiation-recorded", false),
        ("K2", "initiation-answered", true),
    ] {
        let killed = workspace
            .command()
            .env("CASHLINE_CRASH_AT", point)
            .args(["payments", "send", id, "--via", "Simbank"])
            .output()
            .unwrap();
        assert!(!killed.status.success(), "{point}: the process was stopped");
        assert_eq!(
            at_the_bank(&sim, &format!("E2E-{id}")).len(),
            usize::from(bank_has_it),
            "{point}"
        );
        // The payment is still approved, but waits for its answer: it goes in no file.
        let shown = payment_status(&workspace, id);
        assert_eq!(shown["status"], "approved", "{point}: {shown}");
    }
    nothing_to_export(&workspace);

    // The next sync asks again under the same request id: each payment is at the bank once.
    let report = sync_at(&workspace, "2026-11-23T09:05:00Z");
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    for id in ["K1", "K2"] {
        let held = at_the_bank(&sim, &format!("E2E-{id}"));
        assert_eq!(held.len(), 1, "{id}: {held:?}");
        let shown = payment_status(&workspace, id);
        assert_ne!(shown["status"], "approved", "{id}: {shown}");
    }
    // A person sending them again now is told they are with the bank.
    let again = workspace.run(&["payments", "send", "K1", "K2", "--via", "Simbank", "--json"]);
    assert_eq!(again.status.code(), Some(1));
    let again: Value = serde_json::from_slice(&again.stdout).unwrap();
    for row in again["payments"].as_array().unwrap() {
        assert_eq!(row["outcome"], "not_sent", "{again}");
    }
    assert_eq!(sim.state()["payments"].as_array().unwrap().len(), 2);
}

#[test]
fn sends_killed_by_sigkill_at_random_moments_and_clicked_twice_reach_the_bank_once_each() {
    let payments = crate::support::crash_kills();
    let mut delays = crate::support::KillDelays::from_env(20_261_207);
    let ids: Vec<String> = (1..=payments).map(|n| format!("R{n}")).collect();
    let rows: Vec<(&str, &str, &str)> = ids
        .iter()
        .map(|id| (id.as_str(), "Fabrikam", "15.00"))
        .collect();
    let (workspace, sim) = bank_with_approved_payments(&rows);

    for id in &ids {
        // Two clicks at once, one of them killed after a random moment.
        let mut first = workspace
            .command()
            .args(["payments", "send", id, "--via", "Simbank"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut second = workspace
            .command()
            .args(["payments", "send", id, "--via", "Simbank"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(std::time::Duration::from_millis(delays.below(120)));
        let _ = first.kill();
        let _ = first.wait();
        let _ = second.wait();
    }
    // Whatever a kill left without an answer, the next sync asks about; what it left unsent
    // is sent once more by a person.
    sync_at(&workspace, "2026-11-23T09:05:00Z");
    let still: Vec<String> = ids
        .iter()
        .filter(|id| payment_status(&workspace, id)["status"] == "approved")
        .cloned()
        .collect();
    if !still.is_empty() {
        let mut args = vec!["payments", "send"];
        args.extend(still.iter().map(String::as_str));
        args.extend(["--via", "Simbank"]);
        workspace.run(&args);
    }
    for id in &ids {
        let held = at_the_bank(&sim, &format!("E2E-{id}"));
        assert_eq!(held.len(), 1, "{id} at the bank: {held:?}");
        let shown = payment_status(&workspace, id);
        assert_eq!(shown["status"], "acknowledged", "{id}: {shown}");
    }
    assert_eq!(sim.state()["payments"].as_array().unwrap().len(), payments);
}

#[test]
fn a_bank_that_approves_through_oauth2_is_read_with_its_access_token_refreshed_when_it_ends() {
    let workspace = Workspace::new();
    let sim = BankSim::start(&workspace, &["--oauth"]);

    // Without the client id the bank registered this app under, nothing is stored.
    let refused = workspace.run(&["connections", "add", "Oauthbank", "--psd2", &sim.url]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--client-id"));
    assert_eq!(
        workspace.json(&["connections", "list", "--json"])["connections"],
        serde_json::json!([])
    );
    assert_eq!(
        sim.state()["consents"][0]["status"],
        "terminatedByTpp",
        "the consent it asked for is withdrawn"
    );

    // The link is the bank's authorisation endpoint with a PKCE challenge; the browser comes
    // back with a code, which is traded for tokens.
    let added = add_connection(
        &workspace,
        "Oauthbank",
        &sim,
        &["--client-id", "cashline-test"],
    );
    assert_eq!(added["state"], "healthy", "{added}");
    let report = sync(&workspace);
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    let positions = workspace.json(&["positions", "--json"]);
    assert_eq!(
        positions["accounts"].as_array().unwrap().len(),
        4,
        "{positions}"
    );

    // The tokens are in the keystore, not the ledger.
    let keys = std::fs::read_to_string(workspace.dir.path().join("keystore.json")).unwrap();
    assert!(keys.contains("at-"), "the access token is kept");
    let ledger = std::fs::read(workspace.dir.path().join("ledger.sqlite")).unwrap();
    let access = keys
        .split("at-")
        .nth(1)
        .map(|rest| format!("at-{}", &rest[..8]))
        .unwrap();
    assert!(
        !ledger.windows(access.len()).any(|w| w == access.as_bytes()),
        "no token in the ledger"
    );

    // Reading without the token is refused by the bank.
    let consent = sim.state()["consents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["status"] == "valid")
        .map(|c| c["consent_id"].as_str().unwrap().to_string())
        .expect("a consent in force");
    let mut stream = TcpStream::connect(sim.url.trim_start_matches("http://")).unwrap();
    write!(
        stream,
        "GET /v1/accounts HTTP/1.1\r\nHost: x\r\nX-Request-ID: 9b1c4b36-6d57-4c43-9a5e-64c51a1d0f00\r\nConsent-ID: {consent}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 401"), "{answer}");
    assert!(answer.contains("TOKEN_INVALID"), "{answer}");

    // Two hours on, the access token has ended: it is refreshed before the sync reads.
    // Logged at trace level, no token or authorisation header shows.
    sim.advance(120);
    let output = command_in(workspace.dir.path(), "tester")
        .env("CASHLINE_NOW", "2026-11-23T11:00:00Z")
        .env("CASHLINE_LOG", "trace")
        .args(["sync", "--json"])
        .output()
        .unwrap();
    let later: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(later["runs"][0]["outcome"], "ok", "{later}");
    let renewed = std::fs::read_to_string(workspace.dir.path().join("keystore.json")).unwrap();
    // The tokens' own entry, not the file: the audit anchor beside them moves on every command.
    let tokens = |file: &str| {
        let all: Value = serde_json::from_str(file).unwrap();
        all["connection:Oauthbank:oauth"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_ne!(tokens(&renewed), tokens(&keys), "new tokens are kept");
    let log = String::from_utf8_lossy(&output.stderr);
    assert!(
        log.contains("TRACE") || log.contains("trace"),
        "logging was on"
    );
    for secret in ["at-0", "rt-0", "Bearer", "code_verifier"] {
        assert!(!log.contains(secret), "{secret} in the log");
    }
}
