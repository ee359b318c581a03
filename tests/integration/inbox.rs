//! The watched inbox: files dropped in a folder are imported once and filed away.

use std::io::{BufRead, BufReader};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{fixture, Workspace};

/// Upper bound for the watcher to notice a file (it polls every 2 s and waits for one
/// unchanged size), so a broken watcher fails instead of hanging.
const WAIT_MAX: Duration = Duration::from_secs(30);

#[test]
fn dropped_files_are_imported_once_and_filed_away() {
    let workspace = Workspace::new();
    let inbox = workspace.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let mut child = workspace
        .command()
        .args(["import", "--json", "--watch"])
        .arg(&inbox)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    assert!(lines.next().unwrap().unwrap().starts_with("Watching "));

    std::fs::copy(
        fixture("camt053/demo-single.xml"),
        inbox.join("statement.xml"),
    )
    .unwrap();
    std::fs::write(inbox.join("notes.txt"), "not a bank file").unwrap();
    std::fs::write(inbox.join(".partial"), "hidden files are left alone").unwrap();
    let started = Instant::now();
    let mut results = Vec::new();
    while results.len() < 2 && started.elapsed() < WAIT_MAX {
        let line = lines
            .next()
            .expect("the watcher prints one line per file")
            .unwrap();
        results.push(serde_json::from_str::<serde_json::Value>(&line).unwrap());
    }
    let _ = child.kill();
    let _ = child.wait();
    results.sort_by_key(|r| r["file"].as_str().unwrap().to_string());
    assert!(results[0]["file"].as_str().unwrap().ends_with("notes.txt"));
    assert_eq!(results[0]["status"], "failed");
    assert!(results[1]["file"]
        .as_str()
        .unwrap()
        .ends_with("statement.xml"));
    assert_eq!(results[1]["status"], "imported");

    assert!(inbox.join("imported/statement.xml").is_file());
    assert!(inbox.join("failed/notes.txt").is_file());
    let reason = std::fs::read_to_string(inbox.join("failed/notes.error.txt")).unwrap();
    assert!(reason.contains("not a bank statement format"), "{reason}");
    assert!(inbox.join(".partial").is_file());
    assert!(!inbox.join("statement.xml").exists());
    assert_eq!(
        workspace.json(&["positions", "--json"])["accounts"][0]["booked"],
        "12345.67"
    );
}

#[test]
fn the_inbox_setting_must_name_an_existing_folder() {
    let workspace = Workspace::new();
    let missing = workspace.dir.path().join("nowhere");
    let output = workspace.run(&["settings", "--inbox", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("must be an existing folder"));
    let inbox = workspace.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    let settings = workspace.json(&["settings", "--inbox", inbox.to_str().unwrap(), "--json"]);
    assert_eq!(settings["inbox_folder"], inbox.to_str().unwrap());
    let cleared = workspace.json(&["settings", "--no-inbox", "--json"]);
    assert_eq!(cleared["inbox_folder"], serde_json::Value::Null);
}
