//! Schemathesis fuzzes `cashline serve --demo` against the OpenAPI document the server itself
//! publishes (`GET /api/openapi.json`), with the token: no 5xx, every status, content type,
//! header and body as the document says, no operation that answers without the token, and no
//! method answered that the document does not list.
//!
//! Schemathesis comes from `scripts/setup` (PyPI, into `target/schemathesis`). Without it the
//! test says so and passes, except under `CI=true`, where a fuzzing run that did not run would
//! hide what it should have found.
//!
//! Two operations take a folder on this machine from the browser (the inbox, the daily
//! backup); `schemathesis_hooks.py` puts every absolute folder the fuzzer sends inside the
//! test's workspace, so the run reads and writes nothing outside it. Uploads go to the
//! workspace's own temporary folder (`TMPDIR`) and exports beside its ledger.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::http::{json_request, start_serving, Server};
use crate::support::{repo_root, Workspace};

/// Test cases per operation and phase, unless `CASHLINE_SCHEMATHESIS_EXAMPLES` says: enough to
/// reach every operation's refusals, within a couple of minutes on two cores.
const EXAMPLES_PER_OPERATION: u32 = 30;
/// The fuzzer's seed, unless `CASHLINE_SCHEMATHESIS_SEED` says (a failure prints its seed).
const SEED: u64 = 13;
/// What every response is checked for.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_headers_conformance,response_schema_conformance,ignored_auth,unsupported_method";

/// Where an operation's parameter draws, half the time, on what the demo holds (a payment, a
/// case, a match, a rule, an account): with made-up values alone the fuzzer meets only
/// `not_found`, and never the answers that carry the data. (operation id, parameter, list.)
const BINDINGS: &[(&str, &str, &str)] = &[
    ("payment_show", "query.id", "payments"),
    ("payments_approve", "body.ids[*]", "payments"),
    ("payments_cancel", "body.id", "payments"),
    ("payments_release", "body.id", "payments"),
    ("payments_send", "body.ids[*]", "payments"),
    ("payment_export_document", "query.id", "exports"),
    ("detail", "query.id", "exceptions"),
    ("assign", "body.ids[*]", "exceptions"),
    ("comment", "body.id", "exceptions"),
    ("resolve", "body.ids[*]", "exceptions"),
    ("confirm", "body.id", "matches"),
    ("reject", "body.id", "matches"),
    ("undo", "body.id", "matches"),
    ("manual", "body.entries[*]", "entries"),
    ("manual", "body.items[*]", "items"),
    ("rule_enable", "body.name", "rules"),
    ("rule_disable", "body.name", "rules"),
    ("rule_move", "body.name", "rules"),
    ("rule_remove", "body.name", "rules"),
    ("account_update", "path.account", "accounts"),
    ("entries", "query.account", "accounts"),
    ("positions", "query.entity", "entities"),
    ("forecast", "query.entity", "entities"),
    ("history", "query.entity", "entities"),
    ("chart", "query.entity", "entities"),
    ("exceptions", "query.entity", "entities"),
];

/// Values of each list the bindings name, read from the serving demo: (list, route, array,
/// key).
const LISTS: &[(&str, &str, &str, &str)] = &[
    ("payments", "/api/payments", "payments", "id"),
    ("exports", "/api/payments/exports", "exports", "message_id"),
    ("exceptions", "/api/exceptions", "exceptions", "id"),
    ("matches", "/api/recon/matches?limit=20", "matches", "id"),
    ("entries", "/api/entries?limit=20", "entries", "bank_ref"),
    ("items", "/api/open-items", "items", "id"),
    ("rules", "/api/recon/rules", "rules", "name"),
    ("accounts", "/api/accounts", "accounts", "account"),
    ("entities", "/api/entities", "entities", "code"),
];
/// At most this many values a list.
const LIST_VALUES_MAX: usize = 20;

/// Schemathesis's configuration: the demo's values as dictionaries, and the bindings.
fn configuration(server: &Server) -> String {
    let mut toml = String::new();
    for (list, route, array, key) in LISTS {
        let (status, body) = json_request(server, "GET", route, "");
        assert_eq!(status, 200, "GET {route}: {body}");
        let answer: serde_json::Value = serde_json::from_str(&body).unwrap();
        let values: Vec<String> = answer[array]
            .as_array()
            .unwrap_or_else(|| panic!("GET {route}: no {array}: {answer}"))
            .iter()
            .filter_map(|item| item[key].as_str().map(str::to_string))
            .take(LIST_VALUES_MAX)
            .collect();
        assert!(!values.is_empty(), "the demo has no {list}: {answer}");
        // A JSON string is a TOML basic string too.
        let values: Vec<String> = values
            .iter()
            .map(|v| serde_json::to_string(v).unwrap())
            .collect();
        toml.push_str(&format!(
            "[dictionaries.{list}]\nvalues = [{}]\n\n",
            values.join(", ")
        ));
    }
    for (operation, parameter, list) in BINDINGS {
        toml.push_str(&format!(
            "[[operations]]\ninclude-operation-id = \"{operation}\"\n\
             parameters = {{ \"{parameter}\" = {{ dictionary = \"{list}\", probability = 0.5 }} }}\n\n"
        ));
    }
    toml
}

fn executable() -> Option<PathBuf> {
    let path = std::env::var_os("CASHLINE_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/schemathesis/bin/schemathesis"));
    if path.is_file() {
        return Some(path);
    }
    let message = format!(
        "Schemathesis is not installed at {}: run scripts/setup (it installs it there from PyPI)",
        path.display()
    );
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{message}; under CI=true the fuzzing run must run"
    );
    eprintln!("NOTE: {message}; the API is not fuzzed here");
    None
}

fn setting<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn schemathesis_finds_no_server_error_and_nothing_undocumented_in_the_api() {
    let Some(schemathesis) = executable() else {
        return;
    };
    let workspace = Workspace::new();
    let root = workspace.dir.path();
    let temporary = root.join("tmp");
    let confined = root.join("fuzzed-folder");
    for folder in [&temporary, &confined] {
        std::fs::create_dir_all(folder).unwrap();
    }
    let server = start_serving(
        &workspace,
        &["--demo"],
        &[("TMPDIR", temporary.to_str().unwrap())],
        Stdio::null(),
    );
    let configuration_file = root.join("schemathesis.toml");
    std::fs::write(&configuration_file, configuration(&server)).unwrap();
    let examples: u32 = setting("CASHLINE_SCHEMATHESIS_EXAMPLES", EXAMPLES_PER_OPERATION);
    let seed: u64 = setting("CASHLINE_SCHEMATHESIS_SEED", SEED);
    let started = Instant::now();
    let output = Command::new(&schemathesis)
        // Its caches and reports stay in the workspace, not in the repository.
        .current_dir(root)
        .env(
            "SCHEMATHESIS_HOOKS",
            repo_root().join("tests/integration/schemathesis_hooks.py"),
        )
        .env("CASHLINE_FUZZ_FOLDER", &confined)
        .arg("--config-file")
        .arg(&configuration_file)
        .arg("run")
        .arg(format!(
            "http://127.0.0.1:{}/api/openapi.json",
            server.port()
        ))
        .arg("--header")
        .arg(format!("Authorization: Bearer {}", server.token))
        .args(["--checks", CHECKS])
        .args(["--max-examples", &examples.to_string()])
        .args(["--seed", &seed.to_string()])
        .args(["--generation-database", "none"])
        .args(["--request-timeout", "30"])
        .args(["--no-color", "--output-truncate", "false"])
        .stdin(Stdio::null())
        .output()
        .expect("Schemathesis runs");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let cases = report
        .lines()
        .skip_while(|line| !line.starts_with("Test cases:"))
        .nth(1)
        .unwrap_or("no summary")
        .trim();
    eprintln!(
        "schemathesis: {examples} examples per operation, seed {seed}: {cases} in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    assert!(
        output.status.success(),
        "Schemathesis found the API answering otherwise than its document says \
         (CASHLINE_SCHEMATHESIS_SEED={seed} reproduces it):\n{report}"
    );
    // A run that tested nothing passes too: the summary must show the operations tested.
    assert!(
        report.contains("Tested: ") && !report.contains("Tested: 0"),
        "{report}"
    );
}
