//! The watched inbox: a folder where bank files land (from a bank portal download, an SFTP
//! sync, a mail rule) and are imported without anyone clicking. Each bank file is imported
//! once, then moved to `imported/` or `failed/` beside it, with the reason for a failure in a
//! report beside the failed file. Anything that is not a bank file is left where it is.
//!
//! A file is taken only when it is finished: its size and modification time unchanged for a
//! settling period (`INBOX_SETTLE`), no advisory lock held on it by its writer, and not named
//! as work in progress (`*.part`, `*.tmp`, `*.crdownload`, `…~`, dot-files). Its digest is taken
//! before the import and again before it is moved; a file that changed meanwhile stays in the
//! inbox and is imported again once it settles (imports are idempotent, so only what is new
//! counts).

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use tokio::time::Instant;
use tracing::{debug, info, warn};

use cashline_bankfile::{ParseError, IDENTIFY_BYTES};
use cashline_engine::CsvMappingDefinition;

use crate::service::{ImportOptions, Service};
use crate::wire;

/// How often the folder is looked at.
pub const INBOX_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// How long a file's size and modification time must stay unchanged before it is taken. Long
/// enough for a download or a copy that pauses (a slow link, a mail client saving in parts);
/// a bank file waiting ten seconds more costs nothing.
pub const INBOX_SETTLE: Duration = Duration::from_secs(10);
/// Overrides `INBOX_POLL_INTERVAL`, in milliseconds (tests, and an inbox on a slow share).
pub const INBOX_POLL_ENV: &str = "CASHLINE_INBOX_POLL_MS";
/// Overrides `INBOX_SETTLE`, in milliseconds.
pub const INBOX_SETTLE_ENV: &str = "CASHLINE_INBOX_SETTLE_MS";
/// The longest either override may be: an hour, so a typo cannot stop the inbox for good.
const INBOX_TIMING_MAX: Duration = Duration::from_secs(3600);
/// How often a long-running front brings the freshness exceptions up to date, so an account
/// goes stale on time even when nothing is imported.
pub const FRESHNESS_SWEEP_INTERVAL: Duration = Duration::from_secs(60);
/// Subfolders for what has been handled.
pub const IMPORTED_FOLDER: &str = "imported";
pub const FAILED_FOLDER: &str = "failed";
/// Appended to a failed file's name for the report beside it.
pub const ERROR_REPORT_SUFFIX: &str = ".error.txt";
/// Name endings of files still being written by browsers, editors and copy tools.
const WORK_IN_PROGRESS_SUFFIXES: &[&str] =
    &[".part", ".partial", ".tmp", ".crdownload", ".download", "~"];
/// Failure codes that are the file's fault: such a file goes to `failed/`. Any other failure
/// (the ledger busy or unwritable, the file unreadable for a moment) leaves it in the inbox
/// to be tried again, so a file is never lost to a passing condition.
const FILE_FAULT_CODES: &[&str] = &[
    "unknown_format",
    "truncated",
    "too_large",
    "unsupported",
    "invalid",
];
/// Highest number tried for a free name in `imported/` or `failed/` before giving up.
const NAME_NUMBER_MAX: u32 = 10_000;

/// How often the inbox is looked at and how long a file must settle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboxTiming {
    pub poll: Duration,
    pub settle: Duration,
}

impl Default for InboxTiming {
    fn default() -> InboxTiming {
        InboxTiming {
            poll: INBOX_POLL_INTERVAL,
            settle: INBOX_SETTLE,
        }
    }
}

impl InboxTiming {
    /// The defaults, with `CASHLINE_INBOX_POLL_MS` and `CASHLINE_INBOX_SETTLE_MS` applied.
    pub fn from_env() -> InboxTiming {
        let read = |name: &str, default: Duration| match std::env::var(name) {
            Ok(text) => match text.trim().parse::<u64>() {
                Ok(ms) => Duration::from_millis(ms).min(INBOX_TIMING_MAX),
                Err(_) => {
                    warn!(name, value = %text, "not a number of milliseconds; using the default");
                    default
                }
            },
            Err(_) => default,
        };
        InboxTiming {
            poll: read(INBOX_POLL_ENV, INBOX_POLL_INTERVAL),
            settle: read(INBOX_SETTLE_ENV, INBOX_SETTLE),
        }
    }
}

/// What a file looked like: unchanged while both stay the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileState {
    size: u64,
    modified: Option<SystemTime>,
}

/// A file's state and since when it has been seen so.
struct Seen {
    state: FileState,
    since: Instant,
}

/// What is in an inbox folder: the files it would import and the others it leaves alone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InboxSurvey {
    pub bank_files: Vec<String>,
    pub other_files: Vec<String>,
}

/// Whether a name says the file is someone's work in progress (or hidden).
fn is_work_in_progress(name: &str) -> bool {
    name.starts_with('.')
        || WORK_IN_PROGRESS_SUFFIXES
            .iter()
            .any(|suffix| name.to_ascii_lowercase().ends_with(suffix))
}

/// Reads the first bytes of `file`, as much as format identification needs.
fn read_head(file: &File) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(IDENTIFY_BYTES);
    let reader: &File = file;
    reader.take(IDENTIFY_BYTES as u64).read_to_end(&mut head)?;
    Ok(head)
}

/// Whether `head` is a bank file: a standard format by content, or CSV whose header a saved
/// mapping has.
fn is_bank_file(head: &[u8], mappings: &[CsvMappingDefinition]) -> bool {
    match cashline_bankfile::identify(head, mappings, None) {
        Ok(_) => true,
        Err(ParseError::UnknownFormat) => false,
        // Anything else identification says is about a file it recognised.
        Err(_) => true,
    }
}

/// Lists what `folder` holds: the bank files the inbox would take and the other files it
/// leaves where they are. For the settings screen, to confirm a folder that holds other files.
pub async fn survey(service: &Service, folder: &Path) -> Result<InboxSurvey, crate::ServiceError> {
    let mappings = cashline_engine::csv_mapping::load(&service.ledger).await?;
    let mut survey = InboxSurvey::default();
    let items = std::fs::read_dir(folder).map_err(|e| {
        crate::ServiceError::BadRequest(format!(
            "the folder {} cannot be read: {e}",
            folder.display()
        ))
    })?;
    for item in items.flatten() {
        let name = item.file_name().to_string_lossy().into_owned();
        if !item.file_type().is_ok_and(|t| t.is_file()) || is_work_in_progress(&name) {
            continue;
        }
        let bank = File::open(item.path())
            .and_then(|file| read_head(&file))
            .is_ok_and(|head| is_bank_file(&head, &mappings));
        if bank {
            survey.bank_files.push(name);
        } else {
            survey.other_files.push(name);
        }
    }
    survey.bank_files.sort();
    survey.other_files.sort();
    Ok(survey)
}

/// Passes over one folder, remembering what it saw between passes.
pub struct InboxScanner {
    folder: PathBuf,
    timing: InboxTiming,
    seen: HashMap<PathBuf, Seen>,
    /// Files that are not bank files, as they were when looked at: logged once, left alone.
    left_alone: HashMap<PathBuf, FileState>,
    /// The saved CSV mappings `left_alone` was judged with: a new mapping may make a CSV file
    /// left alone a bank file, so a change judges them all again.
    judged_with: Vec<CsvMappingDefinition>,
    /// Files imported but not yet moved (the subfolder could not be written): moved on a later
    /// pass without importing them again.
    unmoved: HashMap<PathBuf, (FileState, wire::FileResult)>,
}

/// What became of one file taken from the inbox.
enum Handled {
    /// Imported (or failed) and reported; moved away unless the move has to wait.
    Done(Box<wire::FileResult>),
    /// Left in the inbox for a later pass.
    Later,
}

impl InboxScanner {
    pub fn new(folder: &Path) -> std::io::Result<InboxScanner> {
        InboxScanner::with_timing(folder, InboxTiming::from_env())
    }

    pub fn with_timing(folder: &Path, timing: InboxTiming) -> std::io::Result<InboxScanner> {
        for sub in [IMPORTED_FOLDER, FAILED_FOLDER] {
            std::fs::create_dir_all(folder.join(sub))?;
        }
        Ok(InboxScanner {
            folder: folder.to_path_buf(),
            timing,
            seen: HashMap::new(),
            left_alone: HashMap::new(),
            judged_with: Vec::new(),
            unmoved: HashMap::new(),
        })
    }

    pub fn timing(&self) -> InboxTiming {
        self.timing
    }

    /// Imports the files that are ready and returns what happened to each. An error means the
    /// folder itself could not be read; a file that cannot be handled is logged and skipped.
    pub async fn scan(&mut self, service: &Service) -> std::io::Result<Vec<wire::FileResult>> {
        let now = Instant::now();
        let mut present = HashMap::new();
        for item in std::fs::read_dir(&self.folder)? {
            let Ok(item) = item else { continue };
            let name = item.file_name().to_string_lossy().into_owned();
            if !item.file_type().is_ok_and(|t| t.is_file()) || is_work_in_progress(&name) {
                continue;
            }
            let Ok(metadata) = item.metadata() else {
                continue;
            };
            let state = FileState {
                size: metadata.len(),
                modified: metadata.modified().ok(),
            };
            present.insert(item.path(), state);
        }
        self.seen.retain(|path, _| present.contains_key(path));
        self.left_alone.retain(|path, _| present.contains_key(path));
        self.unmoved.retain(|path, _| present.contains_key(path));
        let mut ready = Vec::new();
        for (path, state) in present {
            match self.seen.get(&path) {
                Some(seen) if seen.state == state => {
                    if now.duration_since(seen.since) >= self.timing.settle {
                        ready.push((path, state));
                    }
                }
                _ => {
                    self.seen.insert(path, Seen { state, since: now });
                }
            }
        }
        ready.sort_by(|a, b| a.0.cmp(&b.0));
        let mut results = Vec::new();
        if ready.is_empty() {
            return Ok(results);
        }
        let mappings = match cashline_engine::csv_mapping::load(&service.ledger).await {
            Ok(mappings) => mappings,
            Err(error) => {
                warn!(%error, "the CSV mappings cannot be read; the inbox tries again later");
                return Ok(results);
            }
        };
        if mappings != self.judged_with {
            self.left_alone.clear();
            self.judged_with = mappings.clone();
        }
        for (path, state) in ready {
            if self.left_alone.get(&path) == Some(&state) {
                continue;
            }
            if let Some((moved_state, result)) = self.unmoved.get(&path) {
                if *moved_state == state {
                    let result = result.clone();
                    // Said once when the move first failed; quiet while it keeps failing.
                    if self.file_away(&path, &result, false).is_ok() {
                        self.unmoved.remove(&path);
                    }
                    continue;
                }
            }
            self.unmoved.remove(&path);
            if let Handled::Done(result) = self.handle(service, &mappings, &path, state).await {
                results.push(*result);
            }
        }
        Ok(results)
    }

    /// Takes one settled file: identifies it, imports it and files it away.
    async fn handle(
        &mut self,
        service: &Service,
        mappings: &[CsvMappingDefinition],
        path: &Path,
        state: FileState,
    ) -> Handled {
        let name = display_name(path);
        let file = match File::open(path) {
            Ok(file) => file,
            Err(error) => {
                warn!(file = %name, %error, "an inbox file cannot be opened; trying again later");
                return Handled::Later;
            }
        };
        // A writer that locks its file (many copy tools and some sync clients do) is not done.
        // The lock is ours until this function returns, so a writer that asks for it waits.
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                debug!(file = %name, "an inbox file is locked by its writer; trying again later");
                return Handled::Later;
            }
            // A file system without locks (some network shares) is no reason to stop.
            Err(std::fs::TryLockError::Error(error)) => {
                debug!(file = %name, %error, "an inbox file cannot be locked; taking it unlocked");
            }
        }
        let head = match read_head(&file) {
            Ok(head) => head,
            Err(error) => {
                warn!(file = %name, %error, "an inbox file cannot be read; trying again later");
                return Handled::Later;
            }
        };
        if !is_bank_file(&head, mappings) {
            info!(file = %name, "not a bank file; left where it is");
            self.left_alone.insert(path.to_path_buf(), state);
            return Handled::Later;
        }
        let Some(before) = digest(path).await else {
            return Handled::Later;
        };
        let result = service
            .import_paths(&[path.to_path_buf()], &ImportOptions::default())
            .await
            .files
            .into_iter()
            .next()
            .expect("one file in, one result out");
        if result.status == "failed"
            && !result
                .error_code
                .is_some_and(|code| FILE_FAULT_CODES.contains(&code))
        {
            warn!(
                file = %name,
                error = result.error.as_deref().unwrap_or_default(),
                "an inbox file could not be imported for a reason not its own; it stays in the inbox and is tried again"
            );
            return Handled::Later;
        }
        let after = digest(path).await;
        if after.as_deref() != Some(before.as_str()) {
            // What was imported is not what is there now: leave it to settle and import it
            // again; the statements already imported count once.
            warn!(file = %name, "an inbox file changed while it was imported; it stays in the inbox and is imported again");
            self.seen.remove(path);
            return Handled::Done(Box::new(result));
        }
        if self.file_away(path, &result, true).is_err() {
            self.unmoved
                .insert(path.to_path_buf(), (state, result.clone()));
        }
        drop(file);
        Handled::Done(Box::new(result))
    }

    /// Moves a handled file into `imported/` or `failed/` under a name not yet taken, with the
    /// report of a failure beside it. A failure is logged here, saying what failed, as a
    /// warning if `warn_on_failure` (else at debug level).
    fn file_away(
        &self,
        path: &Path,
        result: &wire::FileResult,
        warn_on_failure: bool,
    ) -> std::io::Result<()> {
        let sub = if result.status == "failed" {
            FAILED_FOLDER
        } else {
            IMPORTED_FOLDER
        };
        let name = path
            .file_name()
            .expect("read_dir gives names")
            .to_string_lossy()
            .into_owned();
        let folder = self.folder.join(sub);
        let moved = std::fs::create_dir_all(&folder)
            .and_then(|()| move_to_free_name(path, &folder, &name, result.error.as_deref()));
        match moved {
            Ok(target) => {
                let target = display_name(&target);
                match &result.error {
                    Some(_) => {
                        warn!(file = %name, to = %target, "inbox file failed; moved with its report")
                    }
                    None => {
                        info!(file = %name, to = %target, status = result.status, "inbox file imported")
                    }
                }
                Ok(())
            }
            Err(error) => {
                if warn_on_failure {
                    warn!(file = %name, folder = %folder.display(), %error,
                        "an inbox file was handled but cannot be moved; it stays and is moved later");
                } else {
                    debug!(file = %name, folder = %folder.display(), %error,
                        "an inbox file still cannot be moved");
                }
                Err(error)
            }
        }
    }
}

/// The SHA-256 of a file, or `None` (logged) when it cannot be read.
async fn digest(path: &Path) -> Option<String> {
    let owned = path.to_path_buf();
    let digest = tokio::task::spawn_blocking(move || cashline_engine::import::file_digest(&owned))
        .await
        .map_err(std::io::Error::other)
        .and_then(|r| r);
    match digest {
        Ok(digest) => Some(digest),
        Err(error) => {
            warn!(file = %display_name(path), %error, "an inbox file cannot be read; trying again later");
            None
        }
    }
}

fn display_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// The `number`th candidate name for `name`: itself, then `1-name`, `2-name`, …
fn numbered(name: &str, number: u32) -> String {
    if number == 0 {
        name.to_string()
    } else {
        format!("{number}-{name}")
    }
}

/// Moves `path` into `folder` as `name` (numbered if taken), never replacing a file there, and
/// writes `report` beside it as `<name>.error.txt`. Returns where the file went.
fn move_to_free_name(
    path: &Path,
    folder: &Path,
    name: &str,
    report: Option<&str>,
) -> std::io::Result<PathBuf> {
    for number in 0..NAME_NUMBER_MAX {
        let candidate = numbered(name, number);
        let target = folder.join(&candidate);
        let report_path = folder.join(format!("{candidate}{ERROR_REPORT_SUFFIX}"));
        // The report's name is claimed first (create_new fails if it is taken), then the
        // file's; whichever is taken, the next number is tried.
        let mut report_file = match report {
            Some(_) => match OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&report_path)
            {
                Ok(file) => Some(file),
                Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            },
            None => None,
        };
        match move_new(path, &target) {
            Ok(()) => {
                if let (Some(file), Some(text)) = (report_file.as_mut(), report) {
                    file.write_all(format!("{text}\n").as_bytes())?;
                }
                return Ok(target);
            }
            Err(error) => {
                if report_file.take().is_some() {
                    let _ = std::fs::remove_file(&report_path);
                }
                if error.kind() != ErrorKind::AlreadyExists {
                    return Err(error);
                }
            }
        }
    }
    Err(std::io::Error::other(format!(
        "no free name for {name} among {NAME_NUMBER_MAX} numbered ones"
    )))
}

/// Moves `from` to `to` unless `to` exists (`AlreadyExists` then). A hard link fails rather
/// than replace, so two watchers of one folder cannot overwrite each other's files; where the
/// file system has no hard links, a checked rename does.
fn move_new(from: &Path, to: &Path) -> std::io::Result<()> {
    match std::fs::hard_link(from, to) {
        Ok(()) => std::fs::remove_file(from),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => Err(error),
        Err(_) if to.exists() => Err(ErrorKind::AlreadyExists.into()),
        Err(_) => std::fs::rename(from, to),
    }
}

/// Runs the freshness sweep at start and then every `FRESHNESS_SWEEP_INTERVAL`.
struct SweepSchedule {
    last: Option<Instant>,
}

impl SweepSchedule {
    async fn tick(&mut self, service: &Service) {
        if self
            .last
            .is_some_and(|last| last.elapsed() < FRESHNESS_SWEEP_INTERVAL)
        {
            return;
        }
        self.last = Some(Instant::now());
        match service.freshness_sweep().await {
            Ok(0) => {}
            Ok(opened) => info!(opened, "freshness exceptions opened"),
            Err(error) => warn!(%error, "the freshness exceptions could not be brought up to date"),
        }
    }
}

/// Watches `folder` until `shutdown` resolves, calling `on_result` for every file handled.
/// A folder that goes missing or unreadable is waited for, with a warning, not given up on.
/// Runs the freshness sweep on its timer too, as a long-running front must.
pub async fn watch(
    service: &Service,
    folder: &Path,
    mut on_result: impl FnMut(&wire::FileResult),
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let mut scanner = InboxScanner::new(folder)?;
    let mut sweeps = SweepSchedule { last: None };
    let mut unreadable = false;
    tokio::pin!(shutdown);
    loop {
        sweeps.tick(service).await;
        scan_reporting(&mut scanner, service, &mut unreadable, &mut on_result).await;
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            _ = tokio::time::sleep(scanner.timing().poll) => {}
        }
    }
}

/// One pass, warning once when the folder cannot be read and once when it can again.
async fn scan_reporting(
    scanner: &mut InboxScanner,
    service: &Service,
    unreadable: &mut bool,
    on_result: &mut impl FnMut(&wire::FileResult),
) {
    match scanner.scan(service).await {
        Ok(results) => {
            if std::mem::take(unreadable) {
                info!(folder = %scanner.folder.display(), "the inbox folder can be read again");
            }
            results.iter().for_each(on_result);
        }
        Err(error) => {
            if !std::mem::replace(unreadable, true) {
                warn!(%error, folder = %scanner.folder.display(),
                    "the inbox folder cannot be read; still watching for it");
            }
        }
    }
}

/// The background work of a long-running front (`serve`, the desktop app): watches whatever
/// folder the inbox setting names, following changes to the setting as they are made (from the
/// UI or the CLI), and runs the freshness sweep every `FRESHNESS_SWEEP_INTERVAL`, until
/// `shutdown` resolves.
pub async fn watch_setting(
    service: &Service,
    mut on_result: impl FnMut(&wire::FileResult),
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let timing = InboxTiming::from_env();
    let mut sweeps = SweepSchedule { last: None };
    let mut current: Option<(PathBuf, InboxScanner)> = None;
    let mut unreadable = false;
    let mut refused = false;
    loop {
        sweeps.tick(service).await;
        match service.inbox_folder().await {
            Ok(setting) => {
                if current.as_ref().map(|(folder, _)| folder) != setting.as_ref() {
                    unreadable = false;
                    current = match setting {
                        Some(folder) => match InboxScanner::with_timing(&folder, timing) {
                            Ok(scanner) => {
                                info!(folder = %folder.display(), "watching the inbox folder");
                                Some((folder, scanner))
                            }
                            Err(error) => {
                                warn!(%error, folder = %folder.display(), "cannot watch the inbox folder");
                                None
                            }
                        },
                        None => None,
                    };
                }
            }
            Err(error) => warn!(%error, "cannot read the inbox setting"),
        }
        if let Some((_, scanner)) = current.as_mut() {
            // The inbox imports for whoever set its folder.
            let set_by = cashline_ledger::setting::set_by(
                service.ledger.pool(),
                crate::service::INBOX_SETTING,
            )
            .await;
            match service.acting_for(set_by.ok().flatten()).await {
                Ok(acting) => {
                    refused = false;
                    scan_reporting(scanner, &acting, &mut unreadable, &mut on_result).await;
                }
                Err(error) => {
                    if !std::mem::replace(&mut refused, true) {
                        warn!(%error, "the inbox is not imported from");
                    }
                }
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(timing.poll) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_in_progress_names_are_recognised() {
        for name in [".x.xml", "a.xml.part", "a.TMP", "a.crdownload", "a.sta~"] {
            assert!(is_work_in_progress(name), "{name}");
        }
        for name in ["a.xml", "part.sta", "tmp.csv"] {
            assert!(!is_work_in_progress(name), "{name}");
        }
    }

    #[tokio::test]
    async fn a_survey_tells_bank_files_from_the_others() {
        let dir = tempfile::tempdir().unwrap();
        // A plain ledger opens without a key, so this test needs no keystore.
        cashline_ledger::Ledger::open(&dir.path().join("ledger.sqlite"))
            .await
            .unwrap()
            .close()
            .await;
        let service = Service::open(crate::ServiceConfig {
            db_path: dir.path().join("ledger.sqlite"),
            user: "tester".into(),
            clock: std::sync::Arc::new(cashline_domain::clock::SystemClock),
        })
        .await
        .unwrap();
        let folder = dir.path().join("inbox");
        std::fs::create_dir_all(folder.join(IMPORTED_FOLDER)).unwrap();
        std::fs::write(
            folder.join("day.sta"),
            ":20:STMT\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n:60F:C261120EUR1,00\r\n",
        )
        .unwrap();
        std::fs::write(folder.join("notes.txt"), "a note").unwrap();
        std::fs::write(folder.join("tax.pdf"), "%PDF-1.7").unwrap();
        std::fs::write(folder.join("next.xml.part"), "<Document").unwrap();
        let found = survey(&service, &folder).await.unwrap();
        assert_eq!(found.bank_files, ["day.sta"]);
        assert_eq!(found.other_files, ["notes.txt", "tax.pdf"]);
        let missing = survey(&service, &dir.path().join("nowhere"))
            .await
            .unwrap_err()
            .to_string();
        assert!(missing.contains("cannot be read"), "{missing}");
    }

    #[test]
    fn a_taken_name_or_report_name_moves_on_to_the_next_number() {
        let dir = tempfile::tempdir().unwrap();
        let failed = dir.path().join("failed");
        std::fs::create_dir_all(&failed).unwrap();
        // A report named like the one to be written is someone's file, not ours to replace.
        std::fs::write(failed.join("report.xml.error.txt"), "theirs").unwrap();
        let first = dir.path().join("report.xml");
        std::fs::write(&first, "one").unwrap();
        let target = move_to_free_name(&first, &failed, "report.xml", Some("bad one")).unwrap();
        assert_eq!(target, failed.join("1-report.xml"));
        let second = dir.path().join("report.xml");
        std::fs::write(&second, "two").unwrap();
        let target = move_to_free_name(&second, &failed, "report.xml", Some("bad two")).unwrap();
        assert_eq!(target, failed.join("2-report.xml"));
        let read = |name: &str| std::fs::read_to_string(failed.join(name)).unwrap();
        assert_eq!(read("report.xml.error.txt"), "theirs");
        assert_eq!(read("1-report.xml"), "one");
        assert_eq!(read("1-report.xml.error.txt"), "bad one\n");
        assert_eq!(read("2-report.xml"), "two");
        assert_eq!(read("2-report.xml.error.txt"), "bad two\n");
        assert!(!first.exists());
    }
}
