//! No secret outside the keystore: a connection whose bank asks for mutual TLS is added with a
//! client certificate and key and synced with every log on at `trace`, then every file the
//! workspace holds (the ledger with its WAL, the log file) and everything the commands printed
//! is searched for the key. The keystore file is where it must be, and is searched too, so the
//! search is known to find it.
//!
//! Secrets here are the client key and anything sent as an `Authorization` header (an OAuth
//! token). The consent id is not one: a bank honours it only over our certificate, and the
//! audit log records it on purpose.

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

use cashline_psd2::sim::{self, SimOptions};

use crate::support::Workspace;
use crate::tls::{Pki, TlsListener};

/// The keystore file of every workspace (`support::command_in`).
const KEYSTORE_FILE: &str = "keystore.json";

/// The bank's CA, and a bank served over TLS that requires a client certificate it signed.
struct MutualTlsBank {
    pki: Pki,
    base_url: String,
    /// Serves the bank until the test ends.
    _runtime: tokio::runtime::Runtime,
}

impl MutualTlsBank {
    fn start() -> MutualTlsBank {
        let pki = Pki::new("Test bank CA");
        let config = pki.server_config();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let base_url = runtime.block_on(async {
            // A refused handshake is only dropped: this test checks what a sync that works
            // leaves behind, not why a handshake failed.
            let listener = TlsListener::bind(config, None).await;
            let base_url = listener.base_url();
            let options = SimOptions {
                start: crate::support::NOW.parse().unwrap(),
                auto_consent: true,
                ..SimOptions::default()
            };
            sim::serve_on(listener, &base_url, options).unwrap();
            base_url
        });
        MutualTlsBank {
            pki,
            base_url,
            _runtime: runtime,
        }
    }
}

/// What a leak of the key would look like: a line of its PEM body, as text or as the numbers
/// `{:?}` prints bytes as, and the PEM armour.
fn key_traces(key_pem: &str) -> Vec<(String, Vec<u8>)> {
    let body_line = key_pem
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .find(|l| l.len() >= 32)
        .expect("a PEM body");
    let debug_bytes = format!("{:?}", &body_line.as_bytes()[..16]);
    vec![
        ("a line of the key".into(), body_line.as_bytes().to_vec()),
        (
            "the key's bytes as {:?} prints them".into(),
            debug_bytes
                .trim_start_matches('[')
                .trim_end_matches(']')
                .as_bytes()
                .to_vec(),
        ),
        (
            "the PEM armour of a key".into(),
            b"PRIVATE KEY-----".to_vec(),
        ),
        ("an Authorization header".into(), b"authorization".to_vec()),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    let haystack = haystack.to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// Every file under `dir`, depth first.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

fn succeeded(what: &str, output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{what} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn a_sync_over_mutual_tls_leaves_the_client_key_in_the_keystore_and_nowhere_else() {
    let workspace = Workspace::new();
    let bank = MutualTlsBank::start();
    let (certificate_pem, key_pem) = bank.pki.client_certificate();
    let certificate_file = workspace.write("tpp.pem", certificate_pem.as_bytes());
    let key_file = workspace.write("tpp-key.pem", key_pem.as_bytes());
    let ca_file = workspace.write("bank-ca.pem", bank.pki.ca_pem().as_bytes());

    let trace = |args: &[&str]| {
        workspace
            .command()
            .env("CASHLINE_LOG", "trace")
            .args(args)
            .output()
            .unwrap()
    };
    let added = trace(&[
        "connections",
        "add",
        "Mutual TLS bank",
        "--psd2",
        &bank.base_url,
        "--client-cert",
        certificate_file.to_str().unwrap(),
        "--client-key",
        key_file.to_str().unwrap(),
        "--bank-ca",
        ca_file.to_str().unwrap(),
        "--json",
    ]);
    let connection = succeeded("connections add", &added);
    assert_eq!(connection["state"], "healthy", "{connection}");
    // From here on only the keystore has the key: a sync that works has read it from there.
    std::fs::remove_file(&key_file).unwrap();

    let synced = trace(&["sync", "--json"]);
    let report = succeeded("sync", &synced);
    assert_eq!(report["runs"][0]["outcome"], "ok", "{report}");
    assert_eq!(report["runs"][0]["accounts"], 4, "{report}");
    let stderr = [added.stderr, synced.stderr].concat();
    assert!(
        contains(&stderr, b"TRACE") && contains(&stderr, b"sync ended well"),
        "the commands logged at trace to stderr"
    );

    let traces = key_traces(&key_pem);
    let keystore = std::fs::read(workspace.dir.path().join(KEYSTORE_FILE)).unwrap();
    // The search finds the key where it is, line and armour.
    for (what, needle) in [&traces[0], &traces[2]] {
        assert!(contains(&keystore, needle), "the keystore holds {what}");
    }

    let files: Vec<PathBuf> = files_under(workspace.dir.path())
        .into_iter()
        .filter(|p| !p.ends_with(KEYSTORE_FILE))
        .collect();
    let names: Vec<String> = files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n == "ledger.sqlite") && names.iter().any(|n| n == "cashline.log"),
        "the ledger and the log file are searched: {names:?}"
    );
    let log = files.iter().find(|p| p.ends_with("cashline.log")).unwrap();
    assert!(
        contains(&std::fs::read(log).unwrap(), b"sync ended well"),
        "the log file recorded the sync"
    );
    for (what, needle) in &traces {
        assert!(!contains(&stderr, needle), "{what} is in the commands' log");
        for file in &files {
            let bytes = std::fs::read(file).unwrap();
            assert!(!contains(&bytes, needle), "{what} is in {}", file.display());
        }
    }
}

/// The text around the first place `needle` is found, with the needle itself hidden, for a
/// failure to say where a secret leaked without printing it.
fn context(haystack: &[u8], needle: &str) -> String {
    let text = String::from_utf8_lossy(haystack).to_ascii_lowercase();
    let needle = needle.to_ascii_lowercase();
    let Some(at) = text.find(&needle) else {
        return String::new();
    };
    let start = text.floor_char_boundary(at.saturating_sub(200));
    let end = text.ceil_char_boundary((at + needle.len() + 100).min(text.len()));
    text[start..end].replace(&needle, "<secret>")
}

/// A child process killed when dropped, so a failed assertion leaves no demo running.
struct Killed(std::process::Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The secret strings of a keystore: every value but the audit anchor's (a count and a hash
/// that the ledger's own log holds too), with JSON values (an OAuth token pair) taken apart.
fn keystore_secrets(keystore: &Path) -> Vec<String> {
    fn leaves(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(text) => match serde_json::from_str::<Value>(text) {
                Ok(inner @ (Value::Object(_) | Value::Array(_))) => leaves(&inner, out),
                _ => out.push(text.clone()),
            },
            Value::Object(map) => map.values().for_each(|v| leaves(v, out)),
            Value::Array(items) => items.iter().for_each(|v| leaves(v, out)),
            _ => {}
        }
    }
    let store: serde_json::Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(keystore).unwrap()).unwrap();
    let mut secrets = Vec::new();
    for (name, value) in store {
        if !name.starts_with("audit-anchor:") {
            leaves(&value, &mut secrets);
        }
    }
    // Short values (a token's type, a timestamp) are not secrets, and would match anything.
    secrets.retain(|s| s.len() >= 10 && !s.chars().all(|c| c.is_ascii_digit()));
    secrets
}

#[test]
fn a_full_demo_session_leaves_no_secret_and_no_full_account_number_in_logs_temp_files_or_output() {
    let Some(database) = crate::tryton::database() else {
        return;
    };
    let workspace = Workspace::new();
    let dir = workspace.dir.path();
    let tmp = dir.join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    let at_work = |args: &[&str]| {
        workspace
            .command()
            .env("CASHLINE_LOG", "trace")
            .env("TMPDIR", &tmp)
            .args(args)
            .output()
            .unwrap()
    };

    // A bank that approves through OAuth2, whose tokens are secrets of the keystore.
    let sim = crate::connections::BankSim::start(&workspace, &["--oauth"]);
    let added = crate::connections::add_connection(
        &workspace,
        "Oauthbank",
        &sim,
        &["--client-id", "cashline-test"],
    );
    assert_eq!(added["state"], "healthy", "{added}");

    // The demo with its banks and a real Tryton, at trace, its output kept as a crash leaves it.
    let ui = workspace.stand_in_ui();
    let demo_stderr = std::fs::File::create(dir.join("demo.stderr")).unwrap();
    let mut demo = Killed(
        workspace
            .command()
            .env("CASHLINE_LOG", "trace")
            .env("TMPDIR", &tmp)
            .args(["demo", "--web", "--port", "0", "--ui"])
            .arg(&ui)
            .args([
                "--tryton",
                &database.url,
                "--tryton-database",
                &database.name,
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(demo_stderr)
            .spawn()
            .unwrap(),
    );
    // The demo's console is read to its end beside the test: a pipe left unread would stop
    // the demo at its next line.
    let console = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let (serving_tx, serving_rx) = std::sync::mpsc::channel();
    let reader = {
        use std::io::BufRead;
        let console = console.clone();
        let stdout = demo.0.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let serving = line.contains("http://127.0.0.1:");
                {
                    let mut console = console.lock().unwrap();
                    console.extend_from_slice(line.as_bytes());
                    console.push(b'\n');
                }
                if serving {
                    let _ = serving_tx.send(());
                }
            }
        })
    };
    serving_rx
        .recv_timeout(std::time::Duration::from_secs(300))
        .expect("the demo serves");
    let demo_stdout = console.lock().unwrap().clone();
    assert!(
        String::from_utf8_lossy(&demo_stdout).contains("Demo ERP: "),
        "the demo connected its ERP: {}",
        String::from_utf8_lossy(&demo_stdout)
    );

    // A day's work at trace level, every command's output kept.
    let mut outputs: Vec<Output> = Vec::new();
    // The demo's failing bank fails its part of the sync on purpose; the others sync.
    let synced = at_work(&["sync", "--json"]);
    let report: Value = serde_json::from_slice(&synced.stdout).unwrap();
    let ok = report["runs"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "ok")
        .count();
    assert!(
        ok >= 3,
        "the healthy banks and the OAuth2 bank sync: {report}"
    );
    outputs.push(synced);
    for args in [
        &["erp", "sync", "--json"][..],
        &["recon", "run", "--json"],
        &["positions", "--json"],
        &["payments", "list", "--json"],
    ] {
        let output = at_work(args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        outputs.push(output);
    }
    let audit_csv = tmp.join("audit.csv");
    let exported = at_work(&["audit", "export", "--out", audit_csv.to_str().unwrap()]);
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    let passphrase = "correct horse battery staple 7";
    let backup = {
        use std::io::Write;
        let mut child = workspace
            .command()
            .env("CASHLINE_LOG", "trace")
            .env("TMPDIR", &tmp)
            .args(["db", "backup"])
            .arg(tmp.join("copy.backup"))
            .arg("--passphrase-stdin")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{passphrase}").unwrap();
        child.wait_with_output().unwrap()
    };
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    // The session ends as a crash would end it.
    drop(demo);
    reader.join().unwrap();
    let demo_stdout = console.lock().unwrap().clone();
    drop(sim);

    let mut secrets = keystore_secrets(&dir.join(KEYSTORE_FILE));
    assert!(
        secrets.iter().any(|s| s.starts_with("at-"))
            && secrets
                .iter()
                .any(|s| s.len() >= 64 && s.chars().all(|c| c.is_ascii_hexdigit())),
        "the search holds the OAuth tokens and the ledger's key: {} secrets",
        secrets.len()
    );
    secrets.push(passphrase.to_string());
    let accounts = workspace.json(&["accounts", "list", "--json"]);
    let numbers: Vec<String> = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["account"].as_str().unwrap().to_string())
        .filter(|a| a.len() >= 8)
        .collect();
    assert!(numbers.len() >= 8, "the demo's accounts: {numbers:?}");

    // Everything a session leaves outside the keystore: the ledger and its backup (encrypted,
    // so searched raw), the log file, temp files, the demo's and every command's stderr and
    // the demo's console; the bank files the demo wrote for its import are the banks'.
    let demo_files = dir.join("home/demo/files");
    let mut searched: Vec<(String, Vec<u8>)> = files_under(dir)
        .into_iter()
        .filter(|p| {
            !p.ends_with(KEYSTORE_FILE)
                && !p.starts_with(&demo_files)
                && !p.starts_with(dir.join("ui"))
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    searched.push(("the demo's console".into(), demo_stdout));
    for (n, output) in outputs.iter().chain([&exported, &backup]).enumerate() {
        searched.push((format!("the stderr of command {n}"), output.stderr.clone()));
    }
    let names: Vec<&str> = searched.iter().map(|(n, _)| n.as_str()).collect();
    for wanted in ["cashline.log", "audit.csv", "copy.backup", "demo.stderr"] {
        assert!(
            names.iter().any(|n| n.ends_with(wanted)),
            "{wanted} is searched: {names:?}"
        );
    }
    let log = searched
        .iter()
        .find(|(n, _)| n.ends_with("demo.stderr"))
        .unwrap();
    assert!(contains(&log.1, b"TRACE"), "the demo logged at trace");

    for (name, bytes) in &searched {
        for secret in &secrets {
            assert!(
                !contains(bytes, secret.as_bytes()),
                "a secret ({}…) is in {name}: {}",
                &secret[..4],
                context(bytes, secret)
            );
        }
    }
    // Account numbers in full only where a ledger column keeps them: not in logs, temp files,
    // exports for people or anything printed to stderr.
    for (name, bytes) in searched
        .iter()
        .filter(|(n, _)| !n.ends_with("ledger.sqlite") && !n.contains("ledger.sqlite-"))
    {
        for number in &numbers {
            assert!(
                !contains(bytes, number.as_bytes()),
                "account …{} in full in {name}",
                &number[number.len() - 4..]
            );
        }
    }
}
