//! A real Tryton for the ERP tests: `scripts/tryton/ensure` installs it from PyPI and seeds a
//! template database once (cached in `target/tryton`); one server is started per test run,
//! serving a copy of the template for each test that asks, so no test sees another's
//! writes. A test that kills its server starts one of its own.
//!
//! Without Python the tests fail and say why; `CASHLINE_TRYTON_SKIP=1` skips them on purpose.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::repo_root;

const SKIP_VARIABLE: &str = "CASHLINE_TRYTON_SKIP";
/// Copies the shared server serves: one per test that uses it.
const SHARED_DATABASES: usize = 6;
/// The server loads every database's modules before it listens: seconds here, more on a
/// loaded CI machine.
const START_SECONDS_MAX: u64 = 120;
/// Tryton's admin password in the seeded template (scripts/tryton/ensure).
pub const PASSWORD: &str = "admin";

/// The seeded template, made once per run; `None` when skipped on purpose.
fn template() -> Option<&'static Path> {
    static TEMPLATE: OnceLock<Option<PathBuf>> = OnceLock::new();
    TEMPLATE
        .get_or_init(|| {
            if std::env::var_os(SKIP_VARIABLE).is_some_and(|v| !v.is_empty()) {
                eprintln!("NOTE: {SKIP_VARIABLE} is set: the Tryton tests are skipped");
                return None;
            }
            let output = Command::new("bash")
                .arg(repo_root().join("scripts/tryton/ensure"))
                .output()
                .expect("bash runs scripts/tryton/ensure");
            assert!(
                output.status.success(),
                "scripts/tryton/ensure could not make Tryton ready (set {SKIP_VARIABLE}=1 to \
                 skip the Tryton tests on purpose):\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
            let path = String::from_utf8_lossy(&output.stdout)
                .lines()
                .last()
                .unwrap_or_default()
                .to_string();
            Some(PathBuf::from(path))
        })
        .as_deref()
}

fn venv() -> PathBuf {
    repo_root().join("target/tryton/venv")
}

/// A running `trytond` and the databases it serves.
pub struct Server {
    child: Child,
    /// Kills the server when this process ends, however it ends: the shared server lives in
    /// a static, which is never dropped.
    _watcher: Watcher,
    pub url: String,
    port: u16,
    dir: tempfile::TempDir,
    databases: Vec<String>,
    settings: Vec<(String, String)>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

impl Server {
    /// Starts a server with a fresh copy of the template for each name.
    pub fn start(databases: &[&str]) -> Option<Server> {
        Server::start_with(databases, &[])
    }

    /// As `start`, with settings of trytond's own (`TRYTOND_SESSION__TIMEOUT`, …).
    pub fn start_with(databases: &[&str], settings: &[(&str, &str)]) -> Option<Server> {
        let template = template()?;
        let dir = tempfile::tempdir().expect("a folder for the databases");
        for name in databases {
            std::fs::copy(template, dir.path().join(format!("{name}.sqlite")))
                .expect("copy the seeded database");
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let settings: Vec<(String, String)> = settings
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let child = spawn(dir.path(), port, databases, &settings);
        let mut server = Server {
            settings,
            _watcher: Watcher::of(&child),
            child,
            url: format!("http://127.0.0.1:{port}"),
            port,
            dir,
            databases: databases.iter().map(|d| d.to_string()).collect(),
        };
        server.wait_listening();
        Some(server)
    }

    fn wait_listening(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(START_SECONDS_MAX);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "trytond stopped before it listened ({status}):\n{}",
                    self.log()
                );
            }
            assert!(
                Instant::now() < deadline,
                "trytond did not listen within {START_SECONDS_MAX} s:\n{}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    /// Kills the server (SIGKILL): what a crash of the ERP looks like to Cashline.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts the killed server again on the same port and databases.
    pub fn restart(&mut self) {
        self.kill();
        let names: Vec<&str> = self.databases.iter().map(String::as_str).collect();
        self.child = spawn(self.dir.path(), self.port, &names, &self.settings);
        self._watcher = Watcher::of(&self.child);
        self.wait_listening();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("trytond.log")).unwrap_or_default()
    }
}

/// A shell that waits on a pipe from this process and kills the server once it closes.
struct Watcher {
    _shell: Child,
}

impl Watcher {
    fn of(server: &Child) -> Watcher {
        let shell = Command::new("bash")
            .arg("-c")
            .arg(format!("read -r _; kill -9 {} 2>/dev/null", server.id()))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bash starts");
        Watcher { _shell: shell }
    }
}

fn spawn(dir: &Path, port: u16, databases: &[&str], settings: &[(String, String)]) -> Child {
    let log = std::fs::File::create(dir.join("trytond.log")).expect("the server's log");
    Command::new(venv().join("bin/trytond"))
        // Without -d the server would load a database's modules on its first request, and
        // trytond 8.2 answers that first login with an error: each is named up front.
        .arg("-d")
        .args(databases)
        .env("TRYTOND_DATABASE__URI", "sqlite://")
        .env("TRYTOND_DATABASE__PATH", dir)
        .env("TRYTOND_WEB__LISTEN", format!("127.0.0.1:{port}"))
        .envs(settings.iter().map(|(k, v)| (k, v)))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("the log twice"))
        .stderr(log)
        .spawn()
        .expect("trytond starts")
}

/// One test's database on the run's shared server.
pub struct Database {
    pub url: String,
    pub name: String,
}

/// A database of its own on the shared server, or `None` when the Tryton tests are skipped.
pub fn database() -> Option<Database> {
    struct Shared {
        server: Server,
        free: Mutex<Vec<String>>,
    }
    static SHARED: OnceLock<Option<Shared>> = OnceLock::new();
    let shared = SHARED
        .get_or_init(|| {
            let names: Vec<String> = (1..=SHARED_DATABASES).map(|n| format!("t{n}")).collect();
            let refs: Vec<&str> = names.iter().map(String::as_str).collect();
            let server = Server::start(&refs)?;
            // The shared server outlives every test; its watcher stops it with the binary.
            Some(Shared {
                server,
                free: Mutex::new(names),
            })
        })
        .as_ref()?;
    let name = shared
        .free
        .lock()
        .unwrap()
        .pop()
        .expect("more Tryton tests than SHARED_DATABASES: raise it");
    Some(Database {
        url: shared.server.url.clone(),
        name,
    })
}

/// The shared server, for the direct queries of a test on one of its databases.
pub fn query(database: &Database, args: &[&str]) -> Value {
    let output = Command::new(venv().join("bin/python"))
        .arg(repo_root().join("tests/integration/tryton_query.py"))
        .arg(&database.url)
        .arg(&database.name)
        .args(args)
        .output()
        .expect("python runs tryton_query.py");
    assert!(
        output.status.success(),
        "tryton_query.py {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("tryton_query.py prints JSON")
}
