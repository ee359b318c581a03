//! One ledger, several processes at once: `serve` answering readers and uploads and watching
//! the inbox, two CLI imports and CLI reads beside it, and reconciliation runs (CLI and HTTP)
//! and confirmations of their suggestions among them. Seen on main before the writers began as
//! writers: 9 of 20 CLI imports beside `serve` failed with "database is locked" and 137 of 320
//! reads of /api/positions answered 500.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::http::{json_request, request, start_with, Server};
use crate::support::{command_in, Workspace, NOW};

/// Business days of demo statements: one file per account and day.
const DEMO_DAYS: usize = 8;
/// Files for each CLI import process, for each upload thread, and for the inbox.
const CLI_FILES: usize = 9;
const UPLOAD_THREADS: usize = 3;
const UPLOAD_FILES: usize = 4;
const INBOX_FILES: usize = 6;
/// Reader threads against `serve`, each alternating positions and entries.
const READER_THREADS: usize = 2;
/// Reconciliation runs through the CLI and through `serve` while the imports go on.
const RECON_RUNS: usize = 6;
/// Upper bound for everything to be imported, so a stuck writer fails instead of hanging.
const WAIT_MAX: Duration = Duration::from_secs(120);

/// A demo file written to disk, with what it holds.
#[derive(Clone)]
struct BankFile {
    name: String,
    path: PathBuf,
    bytes: Vec<u8>,
    statements: u64,
    entries: u64,
}

fn bank_files(dir: &Path) -> Vec<BankFile> {
    std::fs::create_dir_all(dir).unwrap();
    let today: chrono::NaiveDate = NOW[..10].parse().unwrap();
    cashline_demo::generate(today, DEMO_DAYS)
        .into_iter()
        .map(|file| {
            let parsed = cashline_bankfile::parse(&file.bytes).unwrap();
            let path = dir.join(&file.name);
            std::fs::write(&path, &file.bytes).unwrap();
            BankFile {
                statements: parsed.statements.len() as u64,
                entries: parsed
                    .statements
                    .iter()
                    .map(|s| s.entries.len() as u64)
                    .sum(),
                name: file.name,
                path,
                bytes: file.bytes,
            }
        })
        .collect()
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

/// Every file's result, by name: the statuses of each time it was imported.
type Outcomes = BTreeMap<String, Vec<String>>;

fn record(outcomes: &mut Outcomes, report: &serde_json::Value, problems: &mut Vec<String>) {
    for file in report["files"].as_array().expect("files") {
        let path = file["file"].as_str().unwrap();
        let name = path.rsplit(['/', '\\']).next().unwrap().to_string();
        let status = file["status"].as_str().unwrap().to_string();
        if status == "failed" {
            problems.push(format!("{name} failed: {}", file["error"]));
        }
        outcomes.entry(name).or_default().push(status);
    }
}

/// Reads `/api/positions` and `/api/entries` until told to stop; returns the failures seen
/// and how many requests were made.
fn reader(server: &Server, stop: &AtomicBool) -> (Vec<String>, usize) {
    let mut failures = Vec::new();
    let mut requests = 0;
    while !stop.load(Ordering::Relaxed) {
        for path in ["/api/positions", "/api/entries"] {
            let (status, body) = request(server, "GET", path, Some(&server.token), b"");
            requests += 1;
            if status != 200 {
                failures.push(format!("GET {path}: {status} {body}"));
            }
        }
    }
    (failures, requests)
}

#[test]
fn serve_cli_imports_uploads_and_the_inbox_share_one_ledger_without_a_lost_file() {
    let workspace = Workspace::new();
    let inbox = workspace.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let files = bank_files(&workspace.dir.path().join("files"));
    let needed = 2 * CLI_FILES + UPLOAD_THREADS * UPLOAD_FILES + INBOX_FILES;
    assert!(files.len() >= needed, "{} demo files", files.len());
    let (cli_a, rest) = files.split_at(CLI_FILES);
    let (cli_b, rest) = rest.split_at(CLI_FILES);
    let (uploads, rest) = rest.split_at(UPLOAD_THREADS * UPLOAD_FILES);
    let inboxed = &rest[..INBOX_FILES];
    // Two files reach the ledger twice, through two channels at once: each counts once.
    let both_cli = cli_a[0].clone();
    let cli_and_upload = cli_b[0].clone();

    // The ledger exists, the inbox is set and the ERP's items are in before the crowd arrives.
    workspace.json(&["settings", "--inbox", inbox.to_str().unwrap(), "--json"]);
    let today: chrono::NaiveDate = NOW[..10].parse().unwrap();
    let items = workspace.write(
        "items.csv",
        cashline_demo::reference::settled_items_csv(today, DEMO_DAYS).as_bytes(),
    );
    workspace.json(&["open-items", "import", items.to_str().unwrap(), "--json"]);
    let serve_stderr = workspace.dir.path().join("serve.stderr");
    let server = Arc::new(start_with(
        &workspace,
        &[
            ("CASHLINE_INBOX_POLL_MS", "100"),
            ("CASHLINE_INBOX_SETTLE_MS", "300"),
        ],
        Stdio::from(std::fs::File::create(&serve_stderr).unwrap()),
    ));
    let stop = Arc::new(AtomicBool::new(false));

    let readers: Vec<_> = (0..READER_THREADS)
        .map(|_| {
            let (server, stop) = (server.clone(), stop.clone());
            std::thread::spawn(move || reader(&server, &stop))
        })
        .collect();
    let cli_reads = {
        let (stop, dir) = (stop.clone(), workspace.dir.path().to_path_buf());
        std::thread::spawn(move || {
            let mut outputs = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let mut command = command_in(&dir, "reader");
                outputs.push(command.args(["positions", "--json"]).output().unwrap());
            }
            outputs
        })
    };
    let imports: Vec<_> = [
        cli_a.to_vec(),
        [cli_b, std::slice::from_ref(&both_cli)].concat(),
    ]
    .into_iter()
    .map(|batch| {
        workspace
            .command()
            .args(["import", "--json"])
            .args(batch.iter().map(|f| &f.path))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    })
    .collect();
    let upload_threads: Vec<_> = uploads
        .chunks(UPLOAD_FILES)
        .enumerate()
        .map(|(thread, batch)| {
            let mut batch = batch.to_vec();
            if thread == 0 {
                batch.push(cli_and_upload.clone());
            }
            let server = server.clone();
            std::thread::spawn(move || {
                batch
                    .iter()
                    .map(|file| {
                        let path = format!("/api/import?file={}", file.name);
                        request(&server, "POST", &path, Some(&server.token), &file.bytes)
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    // Reconciliation beside the imports: runs through the CLI and through `serve`, and a
    // controller confirming the first suggestion each time round.
    let recon = {
        let (server, dir) = (server.clone(), workspace.dir.path().to_path_buf());
        std::thread::spawn(move || {
            let mut problems = Vec::new();
            let mut confirmed = 0;
            for round in 0..RECON_RUNS {
                if round % 2 == 0 {
                    let output = command_in(&dir, "controller")
                        .args(["recon", "run", "--json"])
                        .output()
                        .unwrap();
                    if !output.status.success() {
                        problems.push(format!(
                            "a CLI recon run failed: {}",
                            String::from_utf8_lossy(&output.stderr)
                        ));
                    }
                } else {
                    let (status, body) = json_request(&server, "POST", "/api/recon/run", "{}");
                    if status != 200 {
                        problems.push(format!("POST /api/recon/run: {status} {body}"));
                    }
                }
                let output = command_in(&dir, "controller")
                    .args(["recon", "matches", "--state", "suggested", "--json"])
                    .output()
                    .unwrap();
                let suggested = json(&output);
                if let Some(id) = suggested["matches"]
                    .as_array()
                    .and_then(|m| m.first())
                    .and_then(|m| m["id"].as_str())
                {
                    let output = command_in(&dir, "controller")
                        .args(["recon", "confirm", id, "--json"])
                        .output()
                        .unwrap();
                    if output.status.success() {
                        confirmed += 1;
                    } else {
                        problems.push(format!(
                            "confirming {id} failed: {}",
                            String::from_utf8_lossy(&output.stderr)
                        ));
                    }
                }
            }
            (problems, confirmed)
        })
    };
    for file in inboxed {
        // Written under a temporary name and renamed, as a careful sync client does; the
        // watcher must take only the whole file either way.
        let part = inbox.join(format!("{}.part", file.name));
        std::fs::write(&part, &file.bytes).unwrap();
        std::fs::rename(&part, inbox.join(&file.name)).unwrap();
    }

    let mut outcomes = Outcomes::new();
    let mut problems = Vec::new();
    let mut stderr_text = String::new();
    for child in imports {
        let output = child.wait_with_output().unwrap();
        stderr_text.push_str(&String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            problems.push(format!(
                "a CLI import exited {:?}: {}",
                output.status.code(),
                String::from_utf8_lossy(&output.stderr)
            ));
        }
        record(&mut outcomes, &json(&output), &mut problems);
    }
    for thread in upload_threads {
        for (status, body) in thread.join().unwrap() {
            if status != 200 {
                problems.push(format!("an upload answered {status}: {body}"));
                continue;
            }
            let report: serde_json::Value = serde_json::from_str(&body).unwrap();
            record(&mut outcomes, &report, &mut problems);
        }
    }
    // The inbox is done when every file has been filed away.
    let deadline = Instant::now() + WAIT_MAX;
    while inboxed
        .iter()
        .any(|f| !inbox.join("imported").join(&f.name).is_file())
    {
        assert!(
            Instant::now() < deadline,
            "the inbox did not take its files: {:?}",
            std::fs::read_dir(&inbox)
                .unwrap()
                .map(|e| e.unwrap().file_name())
                .collect::<Vec<_>>()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let (recon_problems, confirmed) = recon.join().unwrap();
    problems.extend(recon_problems);
    stop.store(true, Ordering::Relaxed);
    let mut reads = 0;
    for thread in readers {
        let (failures, requests) = thread.join().unwrap();
        problems.extend(failures);
        reads += requests;
    }
    let cli_reads = cli_reads.join().unwrap();
    for output in &cli_reads {
        stderr_text.push_str(&String::from_utf8_lossy(&output.stderr));
        if !output.status.success() {
            problems.push(format!(
                "a CLI read failed: {}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    drop(server);

    eprintln!(
        "{reads} reads of serve, {} CLI reads, {RECON_RUNS} recon runs and {confirmed} confirmations, {} imports beside them",
        cli_reads.len(),
        outcomes.values().map(Vec::len).sum::<usize>() + inboxed.len()
    );
    assert!(
        problems.is_empty(),
        "{} problems: {problems:#?}",
        problems.len()
    );
    assert!(reads >= READER_THREADS * 2, "{reads} reads");
    assert!(!cli_reads.is_empty());

    // Every file through a CLI or an upload once; the two sent twice counted once.
    for file in cli_a.iter().chain(cli_b).chain(uploads) {
        let mut statuses = outcomes.get(&file.name).cloned().unwrap_or_default();
        statuses.sort();
        let expected: &[&str] = if file.name == both_cli.name || file.name == cli_and_upload.name {
            &["duplicate", "imported"]
        } else {
            &["imported"]
        };
        assert_eq!(statuses, expected, "{}", file.name);
    }
    assert!(std::fs::read_dir(inbox.join("failed"))
        .unwrap()
        .next()
        .is_none());
    let left: Vec<_> = std::fs::read_dir(&inbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name != "imported" && name != "failed")
        .collect();
    assert!(left.is_empty(), "left in the inbox: {left:?}");

    // Nothing lost, nothing doubled: every file is known to the ledger (all duplicates now),
    // and the ledger holds exactly their statements and entries.
    let all: Vec<&BankFile> = cli_a
        .iter()
        .chain(cli_b)
        .chain(uploads)
        .chain(inboxed)
        .collect();
    let again = workspace
        .command()
        .args(["import", "--json"])
        .args(all.iter().map(|f| &f.path))
        .output()
        .unwrap();
    let again = json(&again);
    let statements: u64 = again["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["status"], "duplicate", "{f}");
            f["statements"].as_u64().unwrap()
        })
        .sum();
    assert_eq!(statements, all.iter().map(|f| f.statements).sum::<u64>());
    let entries = workspace.json(&["entries", "--json"]);
    assert_eq!(
        entries["entries"].as_array().unwrap().len() as u64,
        all.iter().map(|f| f.entries).sum::<u64>()
    );
    assert_eq!(workspace.json(&["audit", "verify", "--json"])["ok"], true);

    // No entry explained twice, no item settled beyond its amount, and a last run over what
    // the crowd left finds its work and then adds nothing.
    workspace.json(&["recon", "run", "--json"]);
    let matches = workspace.json(&["recon", "matches", "--limit", "5000", "--json"]);
    let mut explained = std::collections::BTreeSet::new();
    let mut settled: BTreeMap<String, u32> = BTreeMap::new();
    for m in matches["matches"].as_array().unwrap() {
        if m["state"] != "auto" && m["state"] != "confirmed" {
            continue;
        }
        for entry in m["entries"].as_array().unwrap() {
            assert!(
                explained.insert(entry.as_str().unwrap().to_string()),
                "{entry} is in two live matches"
            );
        }
        for item in m["items"].as_array().unwrap() {
            *settled
                .entry(item.as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    assert!(explained.len() > 50, "{} entries matched", explained.len());
    assert!(
        settled.values().all(|n| *n == 1),
        "an item settled twice: {settled:?}"
    );
    let last = workspace.json(&["recon", "run", "--json"]);
    assert_eq!(
        (last["auto"].as_u64(), last["suggested"].as_u64()),
        (Some(0), Some(0)),
        "{last}"
    );

    let log = std::fs::read_to_string(workspace.dir.path().join("home/logs/cashline.log"))
        .unwrap_or_default();
    let serve_stderr = std::fs::read_to_string(&serve_stderr).unwrap();
    for (place, text) in [
        ("log", &log),
        ("stderr", &stderr_text),
        ("serve", &serve_stderr),
    ] {
        for phrase in ["database is locked", "ledger is busy", "panicked"] {
            assert!(!text.contains(phrase), "{place} says {phrase:?}:\n{text}");
        }
    }
}
