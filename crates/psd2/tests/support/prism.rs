//! Stoplight Prism for the PSD2 contract tests, shared by `crates/psd2/tests/contract.rs` (the
//! client against Prism's mock) and `tests/integration/contract.rs` (the simulator through
//! Prism's proxy), each including this file with `#[path]`.
//!
//! Prism comes from `scripts/setup` (npm, into `target/prism`). Without it the tests fail and
//! say so; `CASHLINE_CONTRACT_SKIP=1` skips them on purpose.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The Berlin Group's NextGenPSD2 1.3.11 file, inside the shared corpus.
pub(crate) const SPEC: &str = "openapi/berlin-group/psd2-api v1.3.11-2021-10-01v1.yaml";
/// Set to skip the contract tests on a machine without Prism, on purpose.
pub(crate) const SKIP_VARIABLE: &str = "CASHLINE_CONTRACT_SKIP";
/// Prism reads the 14,000-line file before it listens: seconds here, tens of seconds on a busy
/// CI machine.
pub(crate) const PRISM_START_SECONDS_MAX: u64 = 180;

/// A Prism process, stopped when dropped; every line it logs is kept for the assertions.
pub(crate) struct Prism {
    child: Child,
    pub(crate) url: String,
    log: Arc<Mutex<Vec<String>>>,
    pub(crate) started_in: Duration,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Prism {
    /// Prism's executable as `scripts/setup` installs it under `repo_root`, or `None` when the
    /// test is skipped on purpose. Absent without the skip, the test fails: a contract check
    /// that passes by not running checks nothing.
    pub(crate) fn executable(repo_root: &Path) -> Option<PathBuf> {
        if std::env::var_os(SKIP_VARIABLE).is_some_and(|v| !v.is_empty()) {
            eprintln!("NOTE: {SKIP_VARIABLE} is set: the PSD2 contract test is skipped");
            return None;
        }
        let path = repo_root.join("target/prism/node_modules/.bin/prism");
        assert!(
            path.is_file(),
            "Stoplight Prism is not installed at {}: run scripts/setup (it installs \
             @stoplight/prism-cli there), or set {SKIP_VARIABLE}=1 to skip the contract tests",
            path.display()
        );
        Some(path)
    }

    /// Starts `prism ARGS… -p 0` and waits until it says where it listens.
    pub(crate) fn start(executable: &Path, args: &[&str]) -> Prism {
        let started = Instant::now();
        let mut child = Command::new(executable)
            .args(args)
            .args(["--host", "127.0.0.1", "--port", "0"])
            // Plain lines: the assertions read them.
            .env("FORCE_COLOR", "0")
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("{} cannot start: {e}", executable.display()));
        let log = Arc::new(Mutex::new(Vec::new()));
        let (lines, said) = mpsc::channel();
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        keep_lines(stdout, log.clone(), lines.clone());
        keep_lines(stderr, log.clone(), lines);
        let deadline = started + Duration::from_secs(PRISM_START_SECONDS_MAX);
        let url = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match said.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.split("Prism is listening on ").nth(1) {
                        break url.trim().to_string();
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    let _ = child.kill();
                    panic!(
                        "Prism did not listen within {PRISM_START_SECONDS_MAX} s:\n{}",
                        log.lock().unwrap().join("\n")
                    );
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => panic!(
                    "Prism stopped before it listened:\n{}",
                    log.lock().unwrap().join("\n")
                ),
            }
        };
        assert!(url.starts_with("http://127.0.0.1:"), "{url}");
        Prism {
            child,
            url,
            log,
            started_in: started.elapsed(),
        }
    }

    /// Every line Prism has logged so far, stdout and stderr as they came.
    pub(crate) fn lines(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Keeps each line a pipe gives (as text, whatever its bytes) and passes it on.
fn keep_lines(
    pipe: impl Read + Send + 'static,
    log: Arc<Mutex<Vec<String>>>,
    to: mpsc::Sender<String>,
) {
    std::thread::spawn(move || {
        let mut reader = BufReader::new(pipe);
        let mut bytes = Vec::new();
        while matches!(reader.read_until(b'\n', &mut bytes), Ok(n) if n > 0) {
            let line = String::from_utf8_lossy(&bytes).trim_end().to_string();
            log.lock().unwrap().push(line.clone());
            // The receiver stops listening once Prism is up; the log still keeps every line.
            let _ = to.send(line);
            bytes.clear();
        }
    });
}
