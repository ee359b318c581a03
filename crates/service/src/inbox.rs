//! The watched inbox: a folder where bank files land (from a bank portal download, an SFTP
//! sync, a mail rule) and are imported without anyone clicking. Each file is imported once,
//! then moved to `imported/` or `failed/` beside it, with the reason for a failure.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tracing::{info, warn};

use crate::service::{ImportOptions, Service};
use crate::wire;

/// How often the folder is looked at.
pub const INBOX_POLL_INTERVAL: Duration = Duration::from_secs(2);
/// Subfolders for what has been handled.
pub const IMPORTED_FOLDER: &str = "imported";
pub const FAILED_FOLDER: &str = "failed";

/// One pass over the folder. A file is taken only once its size has stayed the same since the
/// previous pass, so a file still being written is left for later.
pub struct InboxScanner {
    folder: PathBuf,
    sizes_seen: HashMap<PathBuf, u64>,
}

impl InboxScanner {
    pub fn new(folder: &Path) -> std::io::Result<InboxScanner> {
        for sub in [IMPORTED_FOLDER, FAILED_FOLDER] {
            std::fs::create_dir_all(folder.join(sub))?;
        }
        Ok(InboxScanner {
            folder: folder.to_path_buf(),
            sizes_seen: HashMap::new(),
        })
    }

    /// Imports the files that are ready and returns what happened to each.
    pub async fn scan(&mut self, service: &Service) -> std::io::Result<Vec<wire::FileResult>> {
        let mut ready = Vec::new();
        let mut present = HashMap::new();
        for item in std::fs::read_dir(&self.folder)? {
            let item = item?;
            let path = item.path();
            let name = item.file_name().to_string_lossy().into_owned();
            // Hidden and temporary files are someone else's work in progress.
            if !item.file_type()?.is_file()
                || name.starts_with('.')
                || name.ends_with(".part")
                || name.ends_with(".tmp")
            {
                continue;
            }
            let size = item.metadata()?.len();
            if self.sizes_seen.get(&path) == Some(&size) {
                ready.push(path.clone());
            }
            present.insert(path, size);
        }
        self.sizes_seen = present;
        ready.sort();
        let mut results = Vec::with_capacity(ready.len());
        for path in ready {
            let report = service
                .import_paths(std::slice::from_ref(&path), &ImportOptions::default())
                .await;
            let result = report
                .files
                .into_iter()
                .next()
                .expect("one file in, one result out");
            self.file_away(&path, &result)?;
            self.sizes_seen.remove(&path);
            results.push(result);
        }
        Ok(results)
    }

    fn file_away(&self, path: &Path, result: &wire::FileResult) -> std::io::Result<()> {
        let folder = if result.status == "failed" {
            FAILED_FOLDER
        } else {
            IMPORTED_FOLDER
        };
        let name = path
            .file_name()
            .expect("read_dir gives names")
            .to_string_lossy()
            .into_owned();
        let mut target = self.folder.join(folder).join(&name);
        // Never overwrite an earlier file of the same name: number the new one.
        let mut counter = 1;
        while target.exists() {
            target = self.folder.join(folder).join(format!("{counter}-{name}"));
            counter += 1;
        }
        std::fs::rename(path, &target)?;
        if let Some(error) = &result.error {
            std::fs::write(target.with_extension("error.txt"), format!("{error}\n"))?;
            warn!(file = %name, "inbox file failed; moved to failed/");
        } else {
            info!(file = %name, status = result.status, "inbox file imported");
        }
        Ok(())
    }
}

/// Watches `folder` until `shutdown` resolves, calling `on_result` for every file handled.
pub async fn watch(
    service: &Service,
    folder: &Path,
    mut on_result: impl FnMut(&wire::FileResult),
    shutdown: impl std::future::Future<Output = ()>,
) -> std::io::Result<()> {
    let mut scanner = InboxScanner::new(folder)?;
    tokio::pin!(shutdown);
    loop {
        for result in scanner.scan(service).await? {
            on_result(&result);
        }
        tokio::select! {
            _ = &mut shutdown => return Ok(()),
            _ = tokio::time::sleep(INBOX_POLL_INTERVAL) => {}
        }
    }
}

/// Watches whatever folder the inbox setting names, following changes to the setting as they
/// are made (from the UI or the CLI) until `shutdown` resolves.
pub async fn watch_setting(
    service: &Service,
    mut on_result: impl FnMut(&wire::FileResult),
    shutdown: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(shutdown);
    let mut current: Option<(PathBuf, InboxScanner)> = None;
    loop {
        match service.inbox_folder().await {
            Ok(setting) => {
                if current.as_ref().map(|(folder, _)| folder) != setting.as_ref() {
                    current = match setting {
                        Some(folder) => match InboxScanner::new(&folder) {
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
        if let Some((folder, scanner)) = current.as_mut() {
            match scanner.scan(service).await {
                Ok(results) => results.iter().for_each(&mut on_result),
                Err(error) => {
                    warn!(%error, folder = %folder.display(), "the inbox folder could not be read")
                }
            }
        }
        tokio::select! {
            _ = &mut shutdown => return,
            _ = tokio::time::sleep(INBOX_POLL_INTERVAL) => {}
        }
    }
}
