//! Each fault the bank simulator injects, met by the real `cashline sync`: what the run says in
//! words, what `connections list` shows, the `sync_failed` case opened and resolved, and that
//! no entry is lost or doubled whatever failed. The sync's decisions against a scripted bank
//! are in `crates/engine/tests/bank_sync.rs`; here the whole path runs, HTTP included.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::connections::{add_connection, BankSim};
use crate::support::{command_in, Workspace, NOW};

const CONNECTION: &str = "Simbank";
/// Calls the sync makes for one request before it gives up: `RetryPolicy::default().attempts`.
const ATTEMPTS: u64 = 4;
/// Later that day, when the simulator has more activity to show.
const LATER: &str = "2026-11-23T13:00:00Z";
const LATER_MINUTES: i64 = 4 * 60;

/// A workspace with a connection to a simulator that approves consents at once, synced once
/// without a fault.
struct Connected {
    workspace: Workspace,
    sim: BankSim,
}

impl Connected {
    fn new() -> Connected {
        let workspace = Workspace::new();
        let sim = BankSim::start(&workspace, &["--auto-consent"]);
        let added = add_connection(&workspace, CONNECTION, &sim, &[]);
        assert_eq!(added["state"], "healthy", "{added}");
        let connected = Connected { workspace, sim };
        let run = connected.sync_ok(NOW);
        assert_eq!(run["accounts"], 4, "{run}");
        assert!(run["new_entries"].as_u64().unwrap() > 0, "{run}");
        connected.every_entry_once();
        connected
    }

    /// Replaces the simulator's faults (an empty spec clears them).
    fn faults(&self, spec: &str) {
        let (status, body) = post(&format!("{}/sim/faults", self.sim.url), spec);
        assert_eq!(status, 204, "faults '{spec}': {body}");
    }

    /// `cashline sync --json` at `now`: the run, and whether the command exited 0.
    fn sync(&self, now: &str) -> (bool, Value) {
        let output = command_in(self.workspace.dir.path(), "tester")
            .env("CASHLINE_NOW", now)
            .args(["sync", "--json"])
            .output()
            .unwrap();
        let report: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|_| {
            panic!(
                "sync printed no report: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        });
        let runs = report["runs"].as_array().unwrap();
        assert_eq!(runs.len(), 1, "{report}");
        let run = runs[0].clone();
        // The exit status and the outcome must agree: scripts go by the one, people the other.
        assert_eq!(
            output.status.success(),
            run["outcome"] == "ok",
            "exit {:?}: {report}",
            output.status.code()
        );
        (output.status.success(), run)
    }

    fn sync_ok(&self, now: &str) -> Value {
        let (ok, run) = self.sync(now);
        assert!(ok, "{run}");
        assert_eq!(run["error"], Value::Null, "{run}");
        run
    }

    fn sync_failed_run(&self, now: &str) -> Value {
        let (ok, run) = self.sync(now);
        assert!(!ok, "the sync should fail: {run}");
        assert_eq!(run["outcome"], "failed", "{run}");
        run
    }

    /// The connection as `connections list --json` shows it.
    fn connection(&self) -> Value {
        let listed = self.workspace.json(&["connections", "list", "--json"]);
        let connections = listed["connections"].as_array().unwrap();
        assert_eq!(connections.len(), 1, "{listed}");
        connections[0].clone()
    }

    /// The connection's `sync_failed` cases, whatever their state.
    fn sync_failed_cases(&self) -> Vec<Value> {
        self.workspace
            .json(&["exceptions", "--kind", "sync_failed", "--json"])["exceptions"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// One `sync_failed` case, open, about the connection, saying `words`.
    fn one_open_case_saying(&self, words: &str) {
        let cases = self.sync_failed_cases();
        assert_eq!(cases.len(), 1, "{cases:?}");
        assert_eq!(cases[0]["state"], "open", "{cases:?}");
        assert_eq!(cases[0]["subject"], format!("connection {CONNECTION}"));
        let detail = cases[0]["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(words), "{detail:?} should say {words:?}");
    }

    /// That one case, resolved by the good run.
    fn the_case_resolved(&self) {
        let cases = self.sync_failed_cases();
        assert_eq!(cases.len(), 1, "one case, never a second: {cases:?}");
        assert_eq!(cases[0]["state"], "resolved", "{cases:?}");
        assert_eq!(cases[0]["resolution"], "the next sync ended well");
    }

    fn accounts_in_ledger(&self) -> usize {
        self.workspace.json(&["accounts", "list", "--json"])["accounts"]
            .as_array()
            .unwrap()
            .len()
    }

    fn entries_of(&self, iban: &str) -> Vec<Value> {
        self.workspace
            .json(&["entries", "--account", iban, "--json"])["entries"]
            .as_array()
            .unwrap()
            .clone()
    }

    /// Whether the ledger holds each transaction the bank shows, once: counts per account and
    /// status equal to the simulator's, and no bank reference twice. Returns the IBANs that
    /// differ, so a test can expect an account to lag behind.
    fn accounts_behind(&self) -> Vec<String> {
        let mut behind = Vec::new();
        let bank = self.sim.state();
        let accounts = bank["accounts"].as_array().unwrap();
        assert_eq!(
            self.accounts_in_ledger(),
            accounts.len(),
            "one ledger account per bank account"
        );
        for account in accounts {
            let iban = account["iban"].as_str().unwrap();
            let entries = self.entries_of(iban);
            let refs: HashSet<&str> = entries
                .iter()
                .map(|e| e["bank_ref"].as_str().unwrap())
                .collect();
            assert_eq!(refs.len(), entries.len(), "{iban}: an entry twice");
            let count = |status: &str| entries.iter().filter(|e| e["status"] == status).count();
            let (booked, pending) = (count("booked") as u64, count("pending") as u64);
            let bank_booked = account["booked"].as_u64().unwrap();
            let bank_pending = account["pending"].as_u64().unwrap();
            // The bank never shows less than the ledger holds: nothing here is invented.
            assert!(
                booked + pending <= bank_booked + bank_pending,
                "{iban}: the ledger holds {booked}+{pending}, the bank shows {bank_booked}+{bank_pending}"
            );
            if (booked, pending) != (bank_booked, bank_pending) {
                behind.push(iban.to_string());
            }
        }
        behind
    }

    fn every_entry_once(&self) {
        assert_eq!(self.accounts_behind(), Vec::<String>::new());
    }

    /// The fault cleared, a sync ends well and the connection is healthy again.
    fn recovers(&self, now: &str) {
        self.faults("");
        let run = self.sync_ok(now);
        let connection = self.connection();
        assert_eq!(connection["state"], "healthy", "{connection}");
        assert_eq!(connection["last_error"], Value::Null, "{connection}");
        assert_eq!(connection["runs"][0]["retries"], 0, "{connection}");
        assert_eq!(run["accounts"], 4, "{run}");
        self.every_entry_once();
    }
}

/// One plain-HTTP POST with a text body: status and body.
fn post(url: &str, body: &str) -> (u16, String) {
    let rest = url.strip_prefix("http://").expect("an http URL");
    let (authority, path) = rest.split_once('/').expect("a path");
    let mut stream = TcpStream::connect(authority).expect("connect");
    write!(
        stream,
        "POST /{path} HTTP/1.1\r\nHost: {authority}\r\nContent-Type: text/plain\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// A run that ended well after retries: the list says degraded, and how many.
fn assert_degraded_after(connection: &Value, retries: u64) {
    assert_eq!(connection["state"], "degraded", "{connection}");
    assert_eq!(connection["runs"][0]["outcome"], "ok", "{connection}");
    assert_eq!(connection["runs"][0]["retries"], retries, "{connection}");
    assert_eq!(connection["last_error"], Value::Null, "{connection}");
    let words = if retries == 1 {
        "needed 1 retry before the bank answered".to_string()
    } else {
        format!("needed {retries} retries before the bank answered")
    };
    let text = connection["state_text"].as_str().unwrap();
    assert!(text.contains(&words), "{text:?} should say {words:?}");
}

/// A run that failed: the list says failing, with the run's error as its last error.
fn assert_failing_with(connection: &Value, words: &str) {
    assert_eq!(connection["state"], "failing", "{connection}");
    assert_eq!(connection["runs"][0]["outcome"], "failed", "{connection}");
    let last = connection["last_error"].as_str().unwrap_or_default();
    assert!(last.contains(words), "{last:?} should say {words:?}");
    let text = connection["state_text"].as_str().unwrap();
    assert!(
        text.starts_with("The last sync failed at ") && text.contains(words),
        "{text:?}"
    );
}

#[test]
fn a_bank_that_times_out_once_is_retried_and_the_run_ends_ok_but_degraded() {
    // Slow by nature: the client waits its full 30 s before it calls an answer late.
    let bank = Connected::new();
    bank.faults("timeout:accounts*1");
    let run = bank.sync_ok(NOW);
    assert_eq!(run["accounts"], 4, "{run}");
    assert_eq!(run["new_entries"], 0, "the same answers add nothing: {run}");
    assert_degraded_after(&bank.connection(), 1);
    assert!(
        bank.sync_failed_cases().is_empty(),
        "a run that ended well opens no case"
    );
    bank.every_entry_once();
    bank.recovers(NOW);
}

#[test]
fn server_errors_are_retried_within_the_budget_and_fail_the_run_after_four_attempts() {
    let bank = Connected::new();

    // One 500: retried after the first back-off, and the run ends ok.
    bank.faults("500*1");
    let run = bank.sync_ok(NOW);
    assert_eq!(run["accounts"], 4, "{run}");
    assert_degraded_after(&bank.connection(), 1);
    assert!(bank.sync_failed_cases().is_empty());

    // A 500 on every call: the account list is asked for four times, then the run fails.
    bank.faults("500");
    let run = bank.sync_failed_run(NOW);
    assert_eq!(run["error"], "the bank answered with an error (HTTP 500)");
    assert_eq!(run["accounts"], 0, "{run}");
    let connection = bank.connection();
    assert_failing_with(&connection, "the bank answered with an error (HTTP 500)");
    assert_eq!(
        connection["runs"][0]["retries"],
        ATTEMPTS - 1,
        "{connection}"
    );
    bank.one_open_case_saying("the bank answered with an error (HTTP 500)");
    bank.every_entry_once();

    bank.recovers(NOW);
    bank.the_case_resolved();
}

#[test]
fn a_rate_limit_is_waited_out_as_the_bank_asks_and_a_fourth_refusal_fails_the_run() {
    let bank = Connected::new();

    // Three 429s with `Retry-After: 1`: the fourth attempt is answered, and the waits are the
    // bank's second each, not the back-off's 2 + 4 + 8 s.
    bank.faults("rate-limit*3");
    let started = Instant::now();
    let run = bank.sync_ok(NOW);
    let took = started.elapsed();
    assert!(
        took >= Duration::from_secs(3) && took < Duration::from_secs(12),
        "three waits of the bank's one second, not the back-off: {took:?}"
    );
    assert_eq!(run["accounts"], 4, "{run}");
    assert_degraded_after(&bank.connection(), 3);

    // Four: every attempt is refused and the run fails, saying what the bank asked.
    bank.faults("rate-limit*4");
    let run = bank.sync_failed_run(NOW);
    assert_eq!(
        run["error"],
        "the bank asks to wait before the next call (1 s)"
    );
    let connection = bank.connection();
    assert_failing_with(&connection, "the bank asks to wait before the next call");
    assert_eq!(
        connection["runs"][0]["retries"],
        ATTEMPTS - 1,
        "{connection}"
    );
    bank.one_open_case_saying("the bank asks to wait");

    // Not cleared: had the run made fewer than four calls, a refusal would be left for this
    // one, which would then need a retry.
    let run = bank.sync_ok(NOW);
    assert_eq!(run["accounts"], 4, "{run}");
    assert_eq!(bank.connection()["runs"][0]["retries"], 0);
    bank.the_case_resolved();
    bank.recovers(NOW);
}

#[test]
fn a_malformed_page_fails_its_account_without_a_retry_and_the_next_sync_loses_nothing() {
    let bank = Connected::new();
    // Later that day the bank has more to show; one account's page comes back broken.
    bank.sim.advance(LATER_MINUTES);
    let behind = bank.accounts_behind();
    assert!(!behind.is_empty(), "the simulator shows new activity");
    bank.faults("malformed:transactions*1");
    let run = bank.sync_failed_run(LATER);
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains("EUR: the bank's answer does not follow its contract: the transactions:"),
        "{error:?}"
    );
    assert_eq!(
        error.matches(';').count(),
        0,
        "one account failed: {error:?}"
    );
    assert!(
        !error.contains("DE89370400440532013000"),
        "the account is masked: {error:?}"
    );
    assert_eq!(run["accounts"], 4, "the others were read: {run}");
    let connection = bank.connection();
    assert_failing_with(&connection, "does not follow its contract");
    assert_eq!(
        connection["runs"][0]["retries"], 0,
        "a broken answer is not asked again"
    );
    bank.one_open_case_saying("does not follow its contract");
    // The account whose page was broken wrote nothing of it (its pending entries have booked
    // at the bank, not yet here); the others are up to date.
    let (masked, currency) = error
        .split_once(": ")
        .and_then(|(account, _)| account.split_once(' '))
        .expect("the error names the account");
    let tail = masked.trim_start_matches('…');
    let failed: Vec<String> = bank.sim.state()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["iban"].as_str().unwrap().ends_with(tail) && a["currency"] == currency)
        .map(|a| a["iban"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 1, "{error:?} names one account");
    assert_eq!(bank.accounts_behind(), failed);

    bank.recovers(LATER);
    bank.the_case_resolved();
}

/// A consent the bank ended: the run fails in words, the list says expired with the bank's
/// status, a sync without renewal is refused, and a renewal brings the connection back.
fn a_consent_the_bank_ended(spec: &str, says: &str, bank_status: &str) {
    let bank = Connected::new();
    bank.faults(spec);
    let run = bank.sync_failed_run(NOW);
    assert_eq!(run["error"], says, "{spec}");
    let connection = bank.connection();
    assert_eq!(connection["state"], "expired", "{spec}: {connection}");
    assert_eq!(connection["consent_status"], bank_status, "{spec}");
    let text = connection["state_text"].as_str().unwrap();
    assert!(
        text.contains(&format!("The consent ended ({bank_status}")) && text.contains("renew it"),
        "{spec}: {text:?}"
    );
    assert_eq!(connection["last_error"], says, "{spec}");
    assert_eq!(connection["runs"][0]["retries"], 0, "{spec}: not retried");
    bank.one_open_case_saying(says);
    bank.every_entry_once();

    // The fault is gone but the consent stays ended: the sync does not call the bank at all.
    bank.faults("");
    let run = bank.sync_failed_run(NOW);
    let error = run["error"].as_str().unwrap();
    assert!(
        error.contains(&format!(
            "the consent of '{CONNECTION}' ended ({bank_status}"
        )) && error.contains(&format!("cashline connections renew {CONNECTION}")),
        "{spec}: {error:?}"
    );

    let renewed = bank
        .workspace
        .json(&["connections", "renew", CONNECTION, "--json"]);
    assert_eq!(renewed["consent_status"], "valid", "{spec}: {renewed}");
    // Renewed but not yet synced: the failed run is still the last word.
    assert_eq!(renewed["state"], "failing", "{spec}: {renewed}");
    bank.recovers(NOW);
    bank.the_case_resolved();
}

#[test]
fn an_expired_consent_fails_the_run_shows_expired_and_a_renewal_brings_it_back() {
    a_consent_the_bank_ended(
        "consent-expired:accounts*1",
        "the consent has expired; renew it",
        "expired",
    );
}

#[test]
fn a_revoked_consent_fails_the_run_shows_expired_and_a_renewal_brings_it_back() {
    a_consent_the_bank_ended(
        "consent-revoked:accounts*1",
        "the consent is no longer valid (revoked or unknown); renew it",
        "revokedByPsu",
    );
}

#[test]
fn new_resource_ids_after_a_reconnect_map_to_the_same_accounts_by_iban_and_currency() {
    let bank = Connected::new();
    let ids_before: HashSet<String> = resource_ids(&bank.sim);

    // Between runs: the next account list names every account under a new id.
    bank.faults("changed-ids:accounts*1");
    let run = bank.sync_ok(NOW);
    let ids_after = resource_ids(&bank.sim);
    assert!(ids_before.is_disjoint(&ids_after), "the ids changed");
    assert_eq!(run["accounts"], 4, "{run}");
    assert_eq!(
        run["new_entries"], 0,
        "the same entries, not new ones: {run}"
    );
    let connection = bank.connection();
    assert_eq!(connection["state"], "healthy", "{connection}");
    assert_eq!(connection["accounts"].as_array().unwrap().len(), 4);
    bank.every_entry_once();

    // During a run: the ids change after the list, so every account the run asks about is
    // unknown to the bank by then. The run fails in words and writes nothing.
    bank.faults("changed-ids:balances*1");
    let run = bank.sync_failed_run(NOW);
    let error = run["error"].as_str().unwrap();
    assert_eq!(
        error
            .matches("the bank does not know this account any more")
            .count(),
        4,
        "{error:?}"
    );
    bank.one_open_case_saying("the bank does not know this account any more");
    bank.every_entry_once();

    // The next run lists the new ids and reads each account under it, later activity too.
    bank.sim.advance(LATER_MINUTES);
    bank.recovers(LATER);
    assert_eq!(bank.connection()["accounts"].as_array().unwrap().len(), 4);
    bank.the_case_resolved();
}

fn resource_ids(sim: &BankSim) -> HashSet<String> {
    sim.state()["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["resource_id"].as_str().unwrap().to_string())
        .collect()
}
