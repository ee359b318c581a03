//! The ledger file at rest: encrypted from its first command, unreadable without its key,
//! refused under a wrong one, encrypted in place from an earlier version's plain file, given a
//! new key, backed up while in use and restored, each through the CLI.

use std::io::Write;
use std::process::{Command, Stdio};

use cashline_demo::recon_set::labelled_set;

use crate::recon::{load, today};
use crate::support::{fixture, Workspace};

fn ledger(workspace: &Workspace) -> std::path::PathBuf {
    workspace.dir.path().join("ledger.sqlite")
}

fn keystore(workspace: &Workspace) -> serde_json::Map<String, serde_json::Value> {
    let text = std::fs::read_to_string(workspace.dir.path().join("keystore.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn write_keystore(workspace: &Workspace, entries: &serde_json::Map<String, serde_json::Value>) {
    std::fs::write(
        workspace.dir.path().join("keystore.json"),
        serde_json::to_string(entries).unwrap(),
    )
    .unwrap();
}

/// What Debian's `sqlite3` (through Python's module, the same library) reads of the file.
fn read_without_key(workspace: &Workspace) -> Result<String, String> {
    let output = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM entry').fetchone()[0])")
        .arg(ledger(workspace))
        .output()
        .expect("python3 runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).to_string())
    }
}

fn import_demo(workspace: &Workspace) {
    let file = fixture("camt053/demo-single.xml");
    workspace.json(&["import", file.to_str().unwrap(), "--json"]);
}

fn with_stdin(workspace: &Workspace, args: &[&str], input: &str) -> std::process::Output {
    let mut child = workspace
        .command()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).to_string()
}

#[test]
fn the_ledger_cannot_be_read_without_its_key_and_a_wrong_key_is_said_plainly() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let error = read_without_key(&workspace).unwrap_err();
    assert!(error.contains("file is not a database"), "{error}");
    let status = workspace.json(&["db", "status", "--json"]);
    assert_eq!(status["encrypted"], true, "{status}");
    assert_eq!(status["key_kept"], true, "{status}");
    let reference = status["key_reference"].as_str().unwrap().to_string();

    let positions = workspace.json(&["positions", "--json"]);
    let audit = workspace.json(&["audit", "verify", "--json"]);
    let kept = keystore(&workspace);
    let mut wrong = kept.clone();
    wrong.insert(reference.clone(), "ab".repeat(32).into());
    write_keystore(&workspace, &wrong);
    let output = workspace.run(&["positions", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let said = stderr(&output);
    assert!(said.contains("the key does not open"), "{said}");
    assert_eq!(said.lines().count(), 1, "one sentence: {said}");

    let mut missing = kept.clone();
    missing.remove(&reference);
    write_keystore(&workspace, &missing);
    let output = workspace.run(&["positions", "--json"]);
    assert_eq!(output.status.code(), Some(1));
    let said = stderr(&output);
    assert!(
        said.contains("its key is not in this keystore") && said.contains(&reference),
        "{said}"
    );

    // With its key back, the ledger is as it was: nothing was written under a wrong one.
    write_keystore(&workspace, &kept);
    assert_eq!(workspace.json(&["positions", "--json"]), positions);
    assert_eq!(workspace.json(&["audit", "verify", "--json"]), audit);
}

#[test]
fn an_earlier_versions_plain_ledger_is_encrypted_in_place_with_its_positions_matches_and_audit_chain(
) {
    let workspace = Workspace::new();
    // A ledger as Cashline made them before encryption: plain SQLite.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        cashline_ledger::Ledger::open(&ledger(&workspace))
            .await
            .unwrap()
            .close()
            .await;
    });
    let set = labelled_set(today(), 2026, 6, 15);
    load(&workspace, &set);
    workspace.json(&["recon", "run", "--json"]);
    assert!(read_without_key(&workspace).is_ok(), "still plain");
    let status = workspace.json(&["db", "status", "--json"]);
    assert_eq!(status["encrypted"], false, "{status}");

    let positions = workspace.json(&["positions", "--json"]);
    let matches = workspace.json(&["recon", "matches", "--limit", "5000", "--json"]);
    let audit = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(audit["ok"], true, "{audit}");

    let encrypted = workspace.json(&["db", "encrypt", "--json"]);
    assert_eq!(encrypted["action"], "encrypted");
    assert_eq!(encrypted["audit_records"], audit["records"], "{encrypted}");
    assert!(read_without_key(&workspace).is_err(), "no longer plain");
    assert_eq!(workspace.json(&["positions", "--json"]), positions);
    assert_eq!(
        workspace.json(&["recon", "matches", "--limit", "5000", "--json"]),
        matches
    );
    let after = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(after["ok"], true, "{after}");
    assert_eq!(
        after["records"].as_u64().unwrap(),
        audit["records"].as_u64().unwrap() + 1,
        "the encryption is itself a record"
    );

    let again = workspace.run(&["db", "encrypt"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        stderr(&again).contains("already encrypted"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn a_new_key_opens_the_ledger_and_the_old_one_is_forgotten() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let before = workspace.json(&["db", "status", "--json"]);
    let old_reference = before["key_reference"].as_str().unwrap().to_string();
    let positions = workspace.json(&["positions", "--json"]);
    let rekeyed = workspace.json(&["db", "rekey", "--json"]);
    assert_eq!(rekeyed["action"], "rekeyed");
    let after = workspace.json(&["db", "status", "--json"]);
    assert_ne!(after["key_reference"], before["key_reference"]);
    assert!(!keystore(&workspace).contains_key(&old_reference));
    assert_eq!(workspace.json(&["positions", "--json"]), positions);
    assert_eq!(workspace.json(&["audit", "verify", "--json"])["ok"], true);
}

#[test]
fn a_ledger_open_in_serve_is_not_given_a_new_key() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let server = crate::http::start_with(&workspace, &[], Stdio::null());
    let output = workspace.run(&["db", "rekey"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("is open in another program"),
        "{}",
        stderr(&output)
    );
    drop(server);
    workspace.json(&["db", "rekey", "--json"]);
}

#[test]
fn a_backup_restores_over_a_ledger_that_moved_on_and_the_restore_is_audited() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let positions = workspace.json(&["positions", "--json"]);
    let own_key = workspace.dir.path().join("own-key.backup");
    let with_passphrase = workspace.dir.path().join("passphrase.backup");
    let taken = workspace.json(&["db", "backup", own_key.to_str().unwrap(), "--json"]);
    let output = with_stdin(
        &workspace,
        &[
            "db",
            "backup",
            with_passphrase.to_str().unwrap(),
            "--passphrase-stdin",
            "--json",
        ],
        "a long passphrase\n",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let again = workspace.run(&["db", "backup", own_key.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "a backup never overwrites");

    for (quote, rate) in [("USD", "1.0523"), ("GBP", "0.8412")] {
        let set = workspace.run(&["fx", "set", "EUR", quote, "2026-11-20", rate]);
        assert!(set.status.success(), "{}", stderr(&set));
    }
    let grown = workspace.json(&["audit", "verify", "--json"]);

    let wrong = with_stdin(
        &workspace,
        &[
            "db",
            "restore",
            with_passphrase.to_str().unwrap(),
            "--passphrase-stdin",
        ],
        "not the passphrase\n",
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("does not open the backup"),
        "{}",
        stderr(&wrong)
    );
    assert_eq!(
        workspace.json(&["audit", "verify", "--json"]),
        grown,
        "nothing changed"
    );

    for (backup, passphrase) in [
        (&with_passphrase, Some("a long passphrase\n")),
        (&own_key, None),
    ] {
        let mut args = vec!["db", "restore", backup.to_str().unwrap(), "--json"];
        if passphrase.is_some() {
            args.push("--passphrase-stdin");
        }
        let output = with_stdin(&workspace, &args, passphrase.unwrap_or(""));
        assert!(output.status.success(), "{}", stderr(&output));
        assert_eq!(workspace.json(&["positions", "--json"]), positions);
        let verified = workspace.json(&["audit", "verify", "--json"]);
        assert_eq!(
            verified["ok"], true,
            "the anchor moved with the restore: {verified}"
        );
        assert!(verified["records"].as_u64() < grown["records"].as_u64());
    }
    // The last restore's log: the copy's records, the record of taking it, and the restore.
    let verified = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(
        verified["records"].as_u64().unwrap(),
        taken["audit_records"].as_u64().unwrap() + 1,
        "{verified}"
    );
}

#[test]
fn careless_and_hostile_backups_and_restores_change_nothing() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let positions = workspace.json(&["positions", "--json"]);
    let audit = workspace.json(&["audit", "verify", "--json"]);
    let dir = workspace.dir.path();

    let random: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    let noise = workspace.write("noise.backup", &random);
    let short = workspace.write("short.backup", b"SQLite");
    let other = dir.join("other.sqlite");
    let made = Command::new("python3")
        .arg("-c")
        .arg("import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE notes (t TEXT)'); c.execute(\"INSERT INTO notes VALUES ('x')\"); c.commit()")
        .arg(&other)
        .status()
        .unwrap();
    assert!(made.success());
    let missing = dir.join("no-such.backup");
    for (file, words) in [
        (&noise, "is encrypted under a passphrase"),
        (&short, "is not a Cashline ledger"),
        (&other, "not a Cashline ledger"),
        (&missing, "there is no such backup"),
    ] {
        let output = workspace.run(&["db", "restore", file.to_str().unwrap()]);
        assert_eq!(output.status.code(), Some(1), "{file:?}");
        let said = stderr(&output);
        assert!(said.contains(words), "{file:?}: {said}");
        assert_eq!(said.lines().count(), 1, "{said}");
    }

    let nowhere = dir.join("no-such-folder").join("copy.backup");
    let output = workspace.run(&["db", "backup", nowhere.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(!dir.join("no-such-folder").exists());
    let short_passphrase = with_stdin(
        &workspace,
        &[
            "db",
            "backup",
            dir.join("p.backup").to_str().unwrap(),
            "--passphrase-stdin",
        ],
        "short\n",
    );
    assert_eq!(short_passphrase.status.code(), Some(1));
    assert!(!dir.join("p.backup").exists());
    for args in [
        &["db", "auto-backup", "--folder", "relative/folder"][..],
        &[
            "db",
            "auto-backup",
            "--folder",
            dir.to_str().unwrap(),
            "--keep",
            "0",
        ][..],
    ] {
        let output = workspace.run(args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial-") || name.contains(".replacement-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    assert_eq!(workspace.json(&["positions", "--json"]), positions);
    let after = workspace.json(&["audit", "verify", "--json"]);
    assert_eq!(
        after["records"], audit["records"],
        "nothing was recorded: {after}"
    );
}

#[test]
fn the_daily_backup_is_made_once_a_day_and_only_the_last_ones_are_kept() {
    let workspace = Workspace::new();
    import_demo(&workspace);
    let folder = workspace.dir.path().join("backups");
    std::fs::create_dir(&folder).unwrap();
    // Three days' backups already there, and a file of the person's own that must stay.
    for day in ["2026-11-18", "2026-11-19", "2026-11-20"] {
        let path = folder.join(format!("cashline-{day}.backup"));
        workspace.json(&["db", "backup", path.to_str().unwrap(), "--json"]);
    }
    std::fs::write(folder.join("my-notes.txt"), "mine").unwrap();
    let set = workspace.json(&[
        "db",
        "auto-backup",
        "--folder",
        folder.to_str().unwrap(),
        "--keep",
        "2",
        "--json",
    ]);
    assert_eq!(set["keep"], 2, "{set}");
    let before_keys = keystore(&workspace).len();

    let server = crate::http::start_with(&workspace, &[], Stdio::null());
    let today = folder.join("cashline-2026-11-23.backup");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !today.exists() || folder.join("cashline-2026-11-19.backup").exists() {
        assert!(
            std::time::Instant::now() < deadline,
            "no daily backup within 30 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    drop(server);
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "cashline-2026-11-20.backup",
            "cashline-2026-11-23.backup",
            "my-notes.txt"
        ]
    );
    // The keys of the two removed went with them; today's was added.
    assert_eq!(keystore(&workspace).len(), before_keys - 1);
    let listed = workspace.json(&["db", "auto-backup", "--json"]);
    assert_eq!(listed["backups"][0], today.to_str().unwrap(), "{listed}");
}

#[test]
fn only_an_admin_gives_the_ledger_a_new_key_or_restores_it() {
    let workspace = Workspace::new();
    workspace.json(&["positions", "--json"]);
    let backup = workspace.dir.path().join("copy.backup");
    let made = workspace.run(&["db", "backup", backup.to_str().unwrap()]);
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    crate::support::add_user(workspace.dir.path(), "reader", "viewer");
    let status = || workspace.json(&["db", "status", "--json"]);
    let before = status();
    for args in [
        &["db", "rekey"][..],
        &["db", "restore", backup.to_str().unwrap()],
    ] {
        let output = workspace.command_as("reader").args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        let said = String::from_utf8_lossy(&output.stderr);
        assert!(
            said.contains("only an admin of this ledger"),
            "{args:?}: {said}"
        );
    }
    assert_eq!(
        status(),
        before,
        "the ledger file is as it was, under the same key"
    );
    let rekeyed = workspace.run(&["db", "rekey"]);
    assert!(
        rekeyed.status.success(),
        "{}",
        String::from_utf8_lossy(&rekeyed.stderr)
    );
}
