//! The watched inbox: bank files dropped in a folder are imported once, whole, and filed away
//! without overwriting anything; other files are left where they are; the watcher outlives a
//! folder that goes missing for a while.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use crate::support::{fixture, Workspace};

/// Upper bound for the watcher to report a file, so a broken watcher fails instead of hanging.
const WAIT_MAX: Duration = Duration::from_secs(30);
/// The watcher's poll and settling period in these tests (the defaults are 2 s and 10 s).
const POLL_MS: u64 = 100;
const SETTLE_MS: u64 = 1_500;
/// The writer's pause between the two halves of a file: many polls, well inside the settling
/// period. The old watcher took a file whose size held for one poll.
const HALVES_PAUSE: Duration = Duration::from_millis(600);

/// `cashline import --watch --json` on a folder, its result lines arriving on a channel.
pub struct Watcher {
    child: Child,
    results: Receiver<serde_json::Value>,
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Watcher {
    pub fn start(workspace: &Workspace, inbox: &Path) -> Watcher {
        let mut child = workspace
            .command()
            .env("CASHLINE_INBOX_POLL_MS", POLL_MS.to_string())
            .env("CASHLINE_INBOX_SETTLE_MS", SETTLE_MS.to_string())
            .args(["import", "--json", "--watch"])
            .arg(inbox)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        assert!(lines.next().unwrap().unwrap().starts_with("Watching "));
        let (sender, results) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let result = serde_json::from_str(&line).expect("one JSON result per line");
                if sender.send(result).is_err() {
                    return;
                }
            }
        });
        Watcher { child, results }
    }

    /// The next result, failing after `WAIT_MAX`.
    pub fn next(&self) -> serde_json::Value {
        match self.results.recv_timeout(WAIT_MAX) {
            Ok(result) => result,
            Err(RecvTimeoutError::Timeout) => panic!("no inbox result within {WAIT_MAX:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("the watcher stopped"),
        }
    }

    /// The results up to and including the one for a file named `last`.
    pub fn until(&self, last: &str) -> Vec<serde_json::Value> {
        let mut results = Vec::new();
        loop {
            let result = self.next();
            let done = file_name(&result) == last;
            results.push(result);
            if done {
                return results;
            }
        }
    }

    /// Whether the watcher is still running.
    fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }
}

fn file_name(result: &serde_json::Value) -> &str {
    let path = result["file"].as_str().expect("a file name");
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

fn names(results: &[serde_json::Value]) -> Vec<&str> {
    results.iter().map(file_name).collect()
}

fn new_inbox(workspace: &Workspace) -> PathBuf {
    let inbox = workspace.dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    inbox
}

/// Days of demo statements to draw from: distinct files get distinct statements.
const DEMO_DAYS: usize = 20;

/// A workspace with an empty inbox and a watcher on it.
fn watched() -> (Workspace, PathBuf, Watcher) {
    let workspace = Workspace::new();
    let inbox = new_inbox(&workspace);
    let watcher = Watcher::start(&workspace, &inbox);
    (workspace, inbox, watcher)
}

/// Demo statements (successive days of one account), parsed back into canonical statements:
/// the `count` after the first `skip`.
fn statements(skip: usize, count: usize) -> Vec<cashline_bankfile::ParsedStatement> {
    let today: chrono::NaiveDate = crate::support::NOW[..10].parse().unwrap();
    cashline_demo::generate(today, DEMO_DAYS)
        .iter()
        .skip(skip)
        .take(count)
        .flat_map(|file| cashline_bankfile::parse(&file.bytes).unwrap().statements)
        .collect()
}

/// A camt.053 file of demo statements (see `statements`).
fn camt(skip: usize, count: usize) -> Vec<u8> {
    let created = chrono::DateTime::parse_from_rfc3339(crate::support::NOW)
        .unwrap()
        .to_utc();
    cashline_bankfile::camt::write::camt053_document(
        8,
        "INBOX-TEST",
        created,
        &statements(skip, count),
    )
    .into_bytes()
}

fn entries_in(bytes: &[u8]) -> u64 {
    let parsed = cashline_bankfile::parse(bytes).unwrap();
    parsed
        .statements
        .iter()
        .map(|s| s.entries.len() as u64)
        .sum()
}

/// Writes `bytes` to `path` in two halves with a pause between, as a slow download does.
fn write_in_two_halves(path: &Path, bytes: &[u8]) {
    let (first, second) = bytes.split_at(bytes.len() / 2);
    let mut file = std::fs::File::create(path).unwrap();
    file.write_all(first).unwrap();
    file.flush().unwrap();
    // The slow writer itself: there is nothing to await, the pause is the scenario.
    std::thread::sleep(HALVES_PAUSE);
    file.write_all(second).unwrap();
}

#[test]
fn dropped_files_are_imported_once_and_filed_away() {
    let (workspace, inbox, watcher) = watched();
    std::fs::copy(
        fixture("camt053/demo-single.xml"),
        inbox.join("statement.xml"),
    )
    .unwrap();
    std::fs::write(inbox.join("notes.txt"), "not a bank file").unwrap();
    std::fs::write(inbox.join(".partial"), "hidden files are left alone").unwrap();
    std::fs::write(inbox.join("download.xml.part"), "a download under way").unwrap();
    let result = watcher.next();
    assert_eq!(file_name(&result), "statement.xml");
    assert_eq!(result["status"], "imported");
    assert!(inbox.join("imported/statement.xml").is_file());
    assert!(!inbox.join("statement.xml").exists());
    for left in ["notes.txt", ".partial", "download.xml.part"] {
        assert!(inbox.join(left).is_file(), "{left} was moved");
    }
    assert_eq!(std::fs::read_dir(inbox.join("failed")).unwrap().count(), 0);
    assert_eq!(
        workspace.json(&["positions", "--json"])["accounts"][0]["booked"],
        "12345.67"
    );
}

#[test]
fn a_file_written_in_two_halves_with_a_pause_is_imported_once_whole() {
    let (workspace, inbox, watcher) = watched();
    let mt940 = cashline_bankfile::swift::write::mt940_document(&statements(0, 10)).into_bytes();
    let camt = camt(10, 6);
    write_in_two_halves(&inbox.join("halves.sta"), &mt940);
    write_in_two_halves(&inbox.join("halves.xml"), &camt);
    let mut results = watcher.until("halves.xml");
    if file_name(&results[0]) != "halves.sta" {
        results.push(watcher.next());
    }
    results.sort_by_key(|r| file_name(r).to_string());
    assert_eq!(names(&results), ["halves.sta", "halves.xml"], "{results:?}");
    assert_eq!(results[0]["status"], "imported", "{}", results[0]);
    assert_eq!(results[0]["statements"], 10);
    assert_eq!(results[0]["new_entries"], entries_in(&mt940));
    assert_eq!(results[1]["status"], "imported", "{}", results[1]);
    assert_eq!(results[1]["statements"], 6);
    assert_eq!(results[1]["new_entries"], entries_in(&camt));
    assert_eq!(
        std::fs::read(inbox.join("imported/halves.sta")).unwrap(),
        mt940
    );
    assert_eq!(
        std::fs::read(inbox.join("imported/halves.xml")).unwrap(),
        camt
    );
    assert_eq!(std::fs::read_dir(inbox.join("failed")).unwrap().count(), 0);
    let entries = workspace.json(&["entries", "--json"]);
    assert_eq!(
        entries["entries"].as_array().unwrap().len() as u64,
        entries_in(&mt940) + entries_in(&camt)
    );
}

#[test]
fn a_file_its_writer_holds_locked_is_taken_only_once_released() {
    let (_workspace, inbox, watcher) = watched();
    let locked = std::fs::File::create(inbox.join("a-locked.xml")).unwrap();
    locked.lock().unwrap();
    (&locked)
        .write_all(&std::fs::read(fixture("camt053/demo-single.xml")).unwrap())
        .unwrap();
    // Written after the locked file, so it settles no sooner: were the lock ignored, the
    // locked file would be reported first.
    std::fs::write(inbox.join("b.xml"), camt(0, 2)).unwrap();
    assert_eq!(file_name(&watcher.next()), "b.xml");
    assert!(inbox.join("a-locked.xml").is_file());
    drop(locked);
    let result = watcher.next();
    assert_eq!(file_name(&result), "a-locked.xml");
    assert_eq!(result["status"], "imported");
}

#[test]
fn same_named_failures_keep_every_report_and_no_dropped_file_is_overwritten() {
    let workspace = Workspace::new();
    let inbox = new_inbox(&workspace);
    let mt940 = cashline_bankfile::swift::write::mt940_document(&statements(0, 4)).into_bytes();
    let camt = camt(4, 4);
    let cut_camt = &camt[..camt.len() / 2];
    let cut_mt940 = &mt940[..mt940.len() / 2 + 7];
    std::fs::write(inbox.join("report.xml"), cut_camt).unwrap();
    std::fs::write(inbox.join("report.sta"), cut_mt940).unwrap();
    std::fs::write(inbox.join("acme.xml"), cut_camt).unwrap();
    std::fs::write(inbox.join("acme.error.txt"), "the user's own notes").unwrap();
    let watcher = Watcher::start(&workspace, &inbox);
    let mut results: Vec<_> = (0..3).map(|_| watcher.next()).collect();
    results.sort_by_key(|r| file_name(r).to_string());
    assert_eq!(names(&results), ["acme.xml", "report.sta", "report.xml"]);
    assert!(
        results.iter().all(|r| r["status"] == "failed"),
        "{results:?}"
    );
    // A second report.xml, failing too, is numbered; the first and its report stay.
    std::fs::write(inbox.join("report.xml"), &camt[..camt.len() / 3]).unwrap();
    assert_eq!(file_name(&watcher.next()), "report.xml");
    let failed = inbox.join("failed");
    let read = |name: &str| std::fs::read(failed.join(name)).unwrap();
    assert_eq!(read("report.xml"), cut_camt);
    assert_eq!(read("report.sta"), cut_mt940);
    assert_eq!(read("acme.xml"), cut_camt);
    assert_eq!(read("1-report.xml"), &camt[..camt.len() / 3]);
    // Each report is beside its file and about it.
    for file in ["report.xml", "report.sta", "acme.xml", "1-report.xml"] {
        let text = String::from_utf8(read(&format!("{file}.error.txt"))).unwrap();
        let original = file.trim_start_matches("1-");
        assert!(text.contains(&format!("{original}: ")), "{file}: {text}");
    }
    assert_eq!(std::fs::read_dir(&failed).unwrap().count(), 8);
    assert_eq!(
        std::fs::read_to_string(inbox.join("acme.error.txt")).unwrap(),
        "the user's own notes"
    );
}

#[test]
fn imported_removed_mid_run_is_recreated_and_no_file_is_imported_twice() {
    let (workspace, inbox, watcher) = watched();
    let files: Vec<_> = cashline_demo::generate("2026-11-23".parse().unwrap(), 2);
    let drop = |index: usize| {
        let name = format!("{index}.xml");
        std::fs::write(inbox.join(&name), &files[index].bytes).unwrap();
        name
    };
    let first = drop(0);
    assert_eq!(file_name(&watcher.next()), first);
    // The folder removed: recreated for the next file.
    std::fs::remove_dir_all(inbox.join("imported")).unwrap();
    let next = drop(1);
    assert_eq!(file_name(&watcher.next()), next);
    assert!(inbox.join("imported/1.xml").is_file());
    // The folder impossible to create (a file in its way): the files are imported once, stay
    // in the inbox, and are moved once the way is clear.
    std::fs::remove_dir_all(inbox.join("imported")).unwrap();
    std::fs::write(inbox.join("imported"), "in the way").unwrap();
    let second = drop(2);
    let third = drop(3);
    let results = watcher.until(&third);
    assert_eq!(names(&results), [second.as_str(), third.as_str()]);
    assert!(
        results.iter().all(|r| r["status"] == "imported"),
        "{results:?}"
    );
    assert!(inbox.join(&second).is_file() && inbox.join(&third).is_file());
    std::fs::remove_file(inbox.join("imported")).unwrap();
    let last = drop(4);
    // The next result is the new file's: the two waiting are moved, not imported again.
    let result = watcher.next();
    assert_eq!(file_name(&result), last, "{result}");
    for name in [&second, &third, &last] {
        assert!(inbox.join("imported").join(name).is_file(), "{name}");
        assert!(!inbox.join(name).exists(), "{name}");
    }
    let log = std::fs::read_to_string(workspace.dir.path().join("home/logs/cashline.log"))
        .unwrap_or_default();
    assert!(
        log.contains("cannot be moved") && log.contains("imported"),
        "the log says what failed: {log}"
    );
}

#[test]
fn an_ordinary_folders_files_are_left_alone() {
    let workspace = Workspace::new();
    let inbox = new_inbox(&workspace);
    let ordinary: [(&str, &[u8]); 4] = [
        ("notes.txt", b"call the bank about the fee\n"),
        (
            "photo.jpg",
            b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01",
        ),
        (
            "tax-2025.pdf",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        ),
        ("export.csv", b"Date;Amount;Text\n2026-11-20;12.50;coffee\n"),
    ];
    for (name, bytes) in ordinary {
        std::fs::write(inbox.join(name), bytes).unwrap();
    }
    let watcher = Watcher::start(&workspace, &inbox);
    std::fs::copy(fixture("camt053/demo-single.xml"), inbox.join("z.xml")).unwrap();
    let result = watcher.next();
    assert_eq!(file_name(&result), "z.xml", "{result}");
    assert_eq!(result["status"], "imported");
    for (name, bytes) in ordinary {
        assert_eq!(std::fs::read(inbox.join(name)).unwrap(), bytes, "{name}");
    }
    assert_eq!(std::fs::read_dir(inbox.join("failed")).unwrap().count(), 0);
    let log = std::fs::read_to_string(workspace.dir.path().join("home/logs/cashline.log"))
        .unwrap_or_default();
    assert_eq!(
        log.matches("not a bank file").count(),
        ordinary.len(),
        "each left alone once: {log}"
    );
    // A CSV export is a bank file once a mapping with its header is saved: taken then.
    let mapping = workspace.write(
        "mapping.json",
        br#"{"name": "plain", "header": "Date;Amount;Text", "delimiter": ";",
             "account": "PLAIN-1", "currency": "EUR", "date_column": "Date",
             "date_format": "%Y-%m-%d", "amount_column": "Amount",
             "decimal_separator": ".", "remittance_columns": ["Text"]}"#,
    );
    let saved = workspace.run(&["csv-mapping", "add", mapping.to_str().unwrap()]);
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    let result = watcher.next();
    assert_eq!(file_name(&result), "export.csv", "{result}");
    assert_eq!(result["status"], "imported", "{result}");
    assert!(inbox.join("imported/export.csv").is_file());
}

#[test]
fn the_watch_survives_the_folder_being_briefly_missing() {
    let (workspace, inbox, mut watcher) = watched();
    // One file handled first, so the watcher is surely watching when the folder goes.
    std::fs::copy(fixture("camt053/demo-single.xml"), inbox.join("first.xml")).unwrap();
    assert_eq!(file_name(&watcher.next()), "first.xml");
    let away = workspace.dir.path().join("inbox-away");
    std::fs::rename(&inbox, &away).unwrap();
    // Several polls with the folder gone; the log says so once.
    let log_path = workspace.dir.path().join("home/logs/cashline.log");
    let deadline = Instant::now() + WAIT_MAX;
    while !std::fs::read_to_string(&log_path)
        .unwrap_or_default()
        .contains("still watching")
    {
        assert!(watcher.running(), "the watcher exited");
        assert!(
            Instant::now() < deadline,
            "no warning about the missing folder"
        );
        std::thread::sleep(Duration::from_millis(POLL_MS));
    }
    assert!(watcher.running(), "the watcher exited");
    std::fs::rename(&away, &inbox).unwrap();
    std::fs::copy(fixture("camt053/demo-single.xml"), inbox.join("back.xml")).unwrap();
    let result = watcher.next();
    assert_eq!(file_name(&result), "back.xml");
    assert_eq!(result["status"], "duplicate");
    assert!(inbox.join("imported/back.xml").is_file());
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

#[test]
fn choosing_an_inbox_that_holds_other_files_says_they_will_be_left_alone() {
    let workspace = Workspace::new();
    let inbox = new_inbox(&workspace);
    std::fs::copy(
        fixture("camt053/demo-single.xml"),
        inbox.join("statement.xml"),
    )
    .unwrap();
    std::fs::write(inbox.join("notes.txt"), "not a bank file").unwrap();
    std::fs::write(inbox.join("tax-2025.pdf"), b"%PDF-1.7").unwrap();
    let settings = workspace.json(&["settings", "--inbox", inbox.to_str().unwrap(), "--json"]);
    assert_eq!(
        settings["inbox_other_files"],
        serde_json::json!(["notes.txt", "tax-2025.pdf"]),
        "{settings}"
    );
    assert!(inbox.join("notes.txt").is_file() && inbox.join("tax-2025.pdf").is_file());
}

#[test]
fn the_inbox_an_admin_set_is_imported_from_even_while_a_viewer_has_serve_open() {
    let workspace = Workspace::new();
    let inbox = new_inbox(&workspace);
    let set = workspace.run(&["settings", "--inbox", inbox.to_str().unwrap()]);
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let ui = workspace.stand_in_ui();
    // `reader` is a viewer: nothing they do imports, but the inbox is tester's.
    let mut serve = workspace
        .command_as("reader")
        .env("CASHLINE_INBOX_POLL_MS", POLL_MS.to_string())
        .env("CASHLINE_INBOX_SETTLE_MS", SETTLE_MS.to_string())
        .args(["serve", "--port", "0", "--ui"])
        .arg(&ui)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(serve.stdout.take().unwrap()).lines();
    lines.next().expect("serve prints its URL").unwrap();
    std::thread::spawn(move || for _ in lines.map_while(Result::ok) {});
    std::fs::copy(fixture("camt053/demo-single.xml"), inbox.join("day.xml")).unwrap();
    let deadline = Instant::now() + WAIT_MAX;
    while !inbox.join("imported/day.xml").is_file() {
        assert!(Instant::now() < deadline, "the file was not imported");
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = serve.kill();
    let _ = serve.wait();
    let log = workspace.json(&["audit", "list", "--action", "statement.import", "--json"]);
    assert_eq!(log["records"][0]["actor"], "tester", "{log}");
}
