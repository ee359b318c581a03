//! Helpers: a fresh workspace per test and a `cashline` command bound to it.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A day fixed for every test, so staleness and dates never depend on when tests run.
pub const NOW: &str = "2026-11-23T09:00:00Z";

/// The ledger's file name inside a workspace.
const LEDGER_FILE: &str = "ledger.sqlite";

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().expect("a temp dir"),
        }
    }

    pub fn command(&self) -> Command {
        self.command_as("tester")
    }

    /// A command acting as another person (segregation of duties).
    pub fn command_as(&self, user: &str) -> Command {
        command_in(self.dir.path(), user)
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("cashline runs")
    }

    /// Runs a `--json` read command that must succeed and returns its one JSON document.
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.run(args);
        assert!(
            output.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "{args:?} printed no single JSON document ({e}): {}",
                String::from_utf8_lossy(&output.stdout)
            )
        })
    }

    /// A stand-in for the built web UI, for `serve` and `demo` to serve.
    pub fn stand_in_ui(&self) -> PathBuf {
        let ui = self.dir.path().join("ui");
        std::fs::create_dir_all(&ui).unwrap();
        std::fs::write(
            ui.join("index.html"),
            "<!doctype html><title>Cashline</title>",
        )
        .unwrap();
        ui
    }

    pub fn write(&self, name: &str, content: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).expect("write a fixture");
        path
    }
}

/// A `cashline` command on the workspace in `dir` (its ledger and data folder), acting as
/// `user`: for threads, which cannot borrow the `Workspace`. `tester` is the ledger's first
/// user, so its admin; anybody else is a user in the role their name says (`approver`,
/// `controller`, `preparer`, `reader` as a viewer), added by `tester` first.
pub fn command_in(dir: &Path, user: &str) -> Command {
    if user != "tester" {
        let role = match user {
            "reader" => "viewer",
            "approver" | "controller" | "preparer" | "viewer" => user,
            _ => panic!("no role for a test user named '{user}'"),
        };
        add_user(dir, user, role);
    }
    bare_command(dir, user)
}

/// Adds `name` in `role` to the workspace's ledger as `tester`, unless they are there.
pub fn add_user(dir: &Path, name: &str, role: &str) {
    let output = bare_command(dir, "tester")
        .args(["users", "add", name, "--role", role])
        .output()
        .expect("cashline runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() || stderr.contains("already"),
        "users add {name}: {stderr}"
    );
}

fn bare_command(dir: &Path, user: &str) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cashline"));
    command
        .env("CASHLINE_HOME", dir.join("home"))
        .env("CASHLINE_NOW", NOW)
        // Headless: secrets go to a file of the workspace, chosen explicitly (CLI.md).
        .env(
            "CASHLINE_KEYSTORE",
            format!("file:{}", dir.join("keystore.json").display()),
        )
        .env_remove("CASHLINE_DB")
        .env_remove("CASHLINE_LOG")
        .arg("--db")
        .arg(dir.join(LEDGER_FILE))
        .arg("--user")
        .arg(user);
    command
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(relative: &str) -> PathBuf {
    repo_root().join("tests/fixtures").join(relative)
}

/// The shared corpus of real bank files, beside the repository. CI always has it; a local
/// run without it says so instead of passing silently.
pub fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("CASHLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "NOTE: the corpus is absent at {}: corpus tests cannot run here",
            path.display()
        );
        None
    }
}

/// The ledger of the workspace in `dir`, opened under its key from the workspace's keystore,
/// for a test that must act behind Cashline's back (as someone holding both would).
fn open_behind(dir: &Path) -> (tokio::runtime::Runtime, cashline_ledger::Ledger) {
    use cashline_ledger::cipher::{self, FileKind};
    let path = dir.join(LEDGER_FILE);
    let FileKind::Encrypted { salt } = cipher::inspect(&path).unwrap() else {
        panic!("the ledger is not encrypted");
    };
    let store: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("keystore.json")).unwrap()).unwrap();
    let reference = format!("ledger-key:{}", hex_of(&salt));
    let key = store[&reference]
        .as_str()
        .expect("the ledger's key is kept");
    let key = cashline_ledger::LedgerKey::from_hex(key).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let ledger = runtime
        .block_on(cashline_ledger::Ledger::open_with(&path, Some(&key)))
        .unwrap();
    (runtime, ledger)
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Runs `sql` (one or more statements) on the decrypted ledger, behind Cashline's back.
pub fn behind_the_back(dir: &Path, sql: &str) {
    let (runtime, ledger) = open_behind(dir);
    runtime.block_on(async {
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
            .execute(ledger.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        ledger.close().await;
    });
}

/// The audit records' ids, in order, read behind Cashline's back.
pub fn audit_ids(dir: &Path) -> Vec<i64> {
    let (runtime, ledger) = open_behind(dir);
    runtime.block_on(async {
        let ids = sqlx::query_scalar("SELECT id FROM audit_record ORDER BY id")
            .fetch_all(ledger.pool())
            .await
            .unwrap();
        ledger.close().await;
        ids
    })
}

/// Rows read from the decrypted ledger behind Cashline's back: `sql` selects one text column.
pub fn rows_behind(dir: &Path, sql: &str) -> Vec<String> {
    let (runtime, ledger) = open_behind(dir);
    runtime.block_on(async {
        let rows = sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_string()))
            .fetch_all(ledger.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        ledger.close().await;
        rows
    })
}

/// Kills per kind in the crash tests: `CASHLINE_CRASH_KILLS`, else a short run for the test
/// command (`scripts/crash N` runs N). Never fewer than `CRASH_KILLS_MIN`: the harnesses check
/// that their kills reached every part of the work, which a handful cannot.
pub fn crash_kills() -> usize {
    std::env::var("CASHLINE_CRASH_KILLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(12)
        .max(CRASH_KILLS_MIN)
}

pub const CRASH_KILLS_MIN: usize = 10;

/// Pseudo-random kill delays from `CASHLINE_CRASH_SEED` (said on stderr, so a failure is
/// reproduced with it), else `default`.
pub struct KillDelays(u64);

impl KillDelays {
    pub fn from_env(default: u64) -> KillDelays {
        let seed = std::env::var("CASHLINE_CRASH_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default);
        eprintln!("kill delays from seed {seed} (CASHLINE_CRASH_SEED)");
        KillDelays(seed | 1)
    }

    /// A number below `n` (xorshift).
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Copies a workspace whose processes have all ended (its ledger, keystore and files), for a
/// test that breaks the copy and compares it with the original.
pub fn copy_workspace(from: &Workspace) -> Workspace {
    let to = Workspace::new();
    for entry in std::fs::read_dir(from.dir.path()).unwrap().flatten() {
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.dir.path().join(entry.file_name())).unwrap();
        }
    }
    to
}
