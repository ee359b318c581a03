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
