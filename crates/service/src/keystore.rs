//! Where secrets live: the OS keychain, or, for headless runs that say so, a file readable only
//! by its owner (`CASHLINE_KEYSTORE=file:PATH`, CLI.md). The ledger keeps a reference, never
//! the secret; there is no silent fallback from one store to the other.

use std::collections::BTreeMap;
use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use thiserror::Error;

/// The variable that chooses the store.
pub const KEYSTORE_VAR: &str = "CASHLINE_KEYSTORE";
/// The keychain's service name for every Cashline secret.
const SERVICE: &str = "cashline";
/// A secrets file is small; anything larger is not one of ours.
const FILE_BYTES_MAX: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Keystore {
    /// The OS keychain through `keyring`.
    Os,
    /// A JSON file of references and secrets, mode 0600.
    File(PathBuf),
}

#[derive(Debug, Error)]
pub enum KeystoreError {
    #[error("{KEYSTORE_VAR}={0:?} is not a keystore: use file:PATH, or leave it unset for the OS keychain")]
    BadSetting(String),
    #[error("the OS keychain cannot be used here ({0}); on a machine without one, choose a file with {KEYSTORE_VAR}=file:PATH")]
    NoKeychain(String),
    #[error("the keystore file {path}: {why}")]
    File { path: String, why: String },
    #[error("the keychain did not answer within {} s", KEYCHAIN_WAIT.as_secs())]
    NoAnswer,
    #[error("the keychain call failed: {0}")]
    Failed(String),
}

/// Longest wait on the keychain: a desktop's keychain that asks to be unlocked must not hold
/// a command up for ever.
pub const KEYCHAIN_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// A call on the store the environment chooses, off the async threads and within
/// `KEYCHAIN_WAIT` (keyring's calls block on D-Bus).
pub async fn call<T: Send + 'static>(
    call: impl FnOnce(Keystore) -> Result<T, KeystoreError> + Send + 'static,
) -> Result<T, KeystoreError> {
    let store = Keystore::from_env()?;
    match tokio::time::timeout(
        KEYCHAIN_WAIT,
        tokio::task::spawn_blocking(move || call(store)),
    )
    .await
    {
        Ok(Ok(answer)) => answer,
        Ok(Err(join)) => Err(KeystoreError::Failed(join.to_string())),
        Err(_) => Err(KeystoreError::NoAnswer),
    }
}

impl Keystore {
    /// The store the environment chooses.
    pub fn from_env() -> Result<Keystore, KeystoreError> {
        match std::env::var(KEYSTORE_VAR) {
            Err(std::env::VarError::NotPresent) => Ok(Keystore::Os),
            Err(std::env::VarError::NotUnicode(value)) => Err(KeystoreError::BadSetting(
                value.to_string_lossy().into_owned(),
            )),
            Ok(value) => Keystore::parse(&value),
        }
    }

    pub fn parse(value: &str) -> Result<Keystore, KeystoreError> {
        match value.strip_prefix("file:") {
            Some(path) if !path.is_empty() && Path::new(path).is_absolute() => {
                Ok(Keystore::File(PathBuf::from(path)))
            }
            _ => Err(KeystoreError::BadSetting(value.to_string())),
        }
    }

    pub fn put(&self, reference: &str, secret: &str) -> Result<(), KeystoreError> {
        match self {
            Keystore::Os => os_entry(reference)?
                .set_password(secret)
                .map_err(|e| KeystoreError::NoKeychain(e.to_string())),
            Keystore::File(path) => update(path, |secrets| {
                secrets.insert(reference.to_string(), secret.to_string());
            }),
        }
    }

    pub fn get(&self, reference: &str) -> Result<Option<String>, KeystoreError> {
        match self {
            Keystore::Os => match os_entry(reference)?.get_password() {
                Ok(secret) => Ok(Some(secret)),
                Err(keyring::Error::NoEntry) => Ok(None),
                Err(e) => Err(KeystoreError::NoKeychain(e.to_string())),
            },
            Keystore::File(path) => {
                let _lock = lock(path)?;
                Ok(read(path)?.remove(reference))
            }
        }
    }

    /// Forgets a secret; one that is not there is already forgotten.
    pub fn delete(&self, reference: &str) -> Result<(), KeystoreError> {
        match self {
            Keystore::Os => match os_entry(reference)?.delete_credential() {
                Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
                Err(e) => Err(KeystoreError::NoKeychain(e.to_string())),
            },
            Keystore::File(path) => update(path, |secrets| {
                secrets.remove(reference);
            }),
        }
    }
}

fn os_entry(reference: &str) -> Result<keyring::Entry, KeystoreError> {
    keyring::Entry::new(SERVICE, reference).map_err(|e| KeystoreError::NoKeychain(e.to_string()))
}

fn file_error(path: &Path, why: impl std::fmt::Display) -> KeystoreError {
    KeystoreError::File {
        path: cashline_domain::shown(&path.display().to_string()),
        why: why.to_string(),
    }
}

/// Two processes adding secrets at once must not lose one: each change holds the lock file
/// beside the store while it reads, changes and replaces it.
fn lock(path: &Path) -> Result<File, KeystoreError> {
    let mut lock_path = path.as_os_str().to_owned();
    lock_path.push(".lock");
    let file = owner_only()
        .write(true)
        .create(true)
        .truncate(false)
        .open(&lock_path)
        .map_err(|e| file_error(path, format!("its lock cannot be opened: {e}")))?;
    file.lock()
        .map_err(|e| file_error(path, format!("it cannot be locked: {e}")))?;
    Ok(file)
}

fn owner_only() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

fn read(path: &Path) -> Result<BTreeMap<String, String>, KeystoreError> {
    let mut file = match File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(file_error(path, format!("it cannot be read: {e}"))),
    };
    let metadata = file
        .metadata()
        .map_err(|e| file_error(path, format!("it cannot be read: {e}")))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = metadata.permissions().mode();
        if mode & 0o077 != 0 {
            return Err(file_error(
                path,
                format!(
                    "others may read it (mode {:o}); make it readable only by its owner (chmod 600)",
                    mode & 0o777
                ),
            ));
        }
    }
    if metadata.len() > FILE_BYTES_MAX {
        return Err(file_error(path, "it is too large to be a keystore"));
    }
    let mut text = String::new();
    file.read_to_string(&mut text)
        .map_err(|e| file_error(path, format!("it cannot be read: {e}")))?;
    if text.trim().is_empty() {
        return Ok(BTreeMap::new());
    }
    serde_json::from_str(&text).map_err(|e| {
        file_error(
            path,
            format!("it is not a keystore (a JSON object of references and secrets): {e}"),
        )
    })
}

fn update(
    path: &Path,
    change: impl FnOnce(&mut BTreeMap<String, String>),
) -> Result<(), KeystoreError> {
    let _lock = lock(path)?;
    let mut secrets = read(path)?;
    change(&mut secrets);
    let text = serde_json::to_string_pretty(&secrets).map_err(|e| file_error(path, e))?;
    // Written beside it and renamed over it: a crash leaves the old store or the new, whole.
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(format!(".{}.tmp", std::process::id()));
    let temporary = PathBuf::from(temporary);
    let written = (|| {
        let mut file = owner_only()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&temporary, path)
    })();
    written.map_err(|e| {
        let _ = fs::remove_file(&temporary);
        file_error(path, format!("it cannot be written: {e}"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_names_a_file_or_nothing_else() {
        assert_eq!(
            Keystore::parse("file:/tmp/k.json").unwrap(),
            Keystore::File("/tmp/k.json".into())
        );
        for bad in ["file:", "file:relative.json", "keychain", "/tmp/k.json", ""] {
            assert!(
                matches!(Keystore::parse(bad), Err(KeystoreError::BadSetting(_))),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_file_store_keeps_forgets_and_stays_owner_only() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let store = Keystore::File(path.clone());
        assert_eq!(store.get("a").unwrap(), None);
        store.put("a", "one").unwrap();
        store.put("b", "two").unwrap();
        assert_eq!(store.get("a").unwrap().as_deref(), Some("one"));
        store.delete("a").unwrap();
        store.delete("a").unwrap();
        assert_eq!(store.get("a").unwrap(), None);
        assert_eq!(store.get("b").unwrap().as_deref(), Some("two"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_store_others_can_read_is_refused() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        fs::write(&path, "{}").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        let error = Keystore::File(path).get("a").unwrap_err().to_string();
        assert!(error.contains("chmod 600"), "{error}");
    }

    #[test]
    fn a_store_that_is_not_json_is_named_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        {
            let mut file = owner_only().write(true).create(true).open(&path).unwrap();
            file.write_all(b"not json").unwrap();
        }
        let store = Keystore::File(path.clone());
        assert!(store
            .put("a", "x")
            .unwrap_err()
            .to_string()
            .contains("not a keystore"));
        assert_eq!(fs::read(&path).unwrap(), b"not json");
    }

    #[test]
    fn two_writers_at_once_lose_no_secret() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secrets.json");
        let threads: Vec<_> = (0..8)
            .map(|t| {
                let store = Keystore::File(path.clone());
                std::thread::spawn(move || {
                    for i in 0..10 {
                        store.put(&format!("{t}-{i}"), "s").unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        assert_eq!(read(&path).unwrap().len(), 80);
    }
}
