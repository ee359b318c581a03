//! The ledger file itself: its key found in the keychain (or the explicit file store), a
//! plain ledger from an earlier version encrypted in place, a new key, backups and restores.
//!
//! Each key is kept under the salt its file begins with (`ledger-key:<salt>`), written before
//! the file is made, so the key follows the file wherever it is moved and no file exists
//! whose key was not kept first. A key change writes a new file under a new key and salt, so
//! the old key opens nothing afterwards and is forgotten.

use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate, Utc};
use tracing::{info, warn};

use cashline_domain::shown;
use cashline_domain::Right;
use cashline_ledger::audit::{self, NewAuditRecord};
use cashline_ledger::cipher::{self, FileKind, Source};
use cashline_ledger::{backup, setting, Ledger, LedgerError, LedgerKey};

use crate::keystore::{self, KeystoreError};
use crate::{wire, Service, ServiceError};

/// The settings of the automatic daily backup.
const AUTO_FOLDER_SETTING: &str = "backup.folder";
const AUTO_KEEP_SETTING: &str = "backup.keep";
/// How many daily backups are kept when no count was chosen.
pub const AUTO_KEEP_DEFAULT: u32 = 7;
/// The name of the automatic backup of `date`; the pruning touches no other file.
fn auto_name(date: NaiveDate) -> String {
    format!("cashline-{date}.backup")
}

fn is_auto_name(name: &str) -> bool {
    name.strip_prefix("cashline-")
        .and_then(|rest| rest.strip_suffix(".backup"))
        .is_some_and(|date| NaiveDate::parse_from_str(date, "%Y-%m-%d").is_ok())
}

fn reference(salt: &[u8; 16]) -> String {
    format!("ledger-key:{}", hex::encode(salt))
}

fn keystore_error(error: KeystoreError) -> ServiceError {
    ServiceError::Unavailable(format!("the ledger's key: {error}"))
}

async fn keep_key(key: &LedgerKey) -> Result<(), ServiceError> {
    let (Some(salt), Some(text)) = (key.salt(), key.to_hex()) else {
        return Ok(());
    };
    let reference = reference(&salt);
    keystore::call(move |store| store.put(&reference, &text))
        .await
        .map_err(keystore_error)
}

async fn forget_key(salt: [u8; 16]) {
    let reference = reference(&salt);
    if let Err(error) = keystore::call(move |store| store.delete(&reference)).await {
        warn!(%error, "a ledger key no longer used could not be forgotten");
    }
}

/// The key kept for the file beginning with `salt`.
async fn kept_key(salt: [u8; 16]) -> Result<Option<LedgerKey>, ServiceError> {
    let reference = reference(&salt);
    let text = keystore::call(move |store| store.get(&reference))
        .await
        .map_err(keystore_error)?;
    text.map(|text| LedgerKey::from_hex(&text))
        .transpose()
        .map_err(ServiceError::from)
}

/// The key that opens the file at `path` (none for a plain one), or why there is none.
async fn key_of(path: &Path, kind: FileKind) -> Result<Option<LedgerKey>, ServiceError> {
    match kind {
        FileKind::Missing | FileKind::Plain => Ok(None),
        FileKind::Encrypted { salt } => match kept_key(salt).await? {
            Some(key) => Ok(Some(key)),
            None => Err(ServiceError::BadRequest(format!(
                "{} is encrypted and its key is not in this keystore ({}): it was made on \
                 another machine or under another keystore",
                shown(&path.display().to_string()),
                reference(&salt)
            ))),
        },
    }
}

/// Opens the ledger at `path` under its key; a new ledger is made encrypted under a new key,
/// kept first. A plain ledger from an earlier version opens as it is, until `db encrypt`.
pub async fn open(path: &Path) -> Result<Ledger, ServiceError> {
    let kind = cipher::inspect(path)?;
    if kind != FileKind::Missing {
        let key = key_of(path, kind).await?;
        return Ok(Ledger::open_with(path, key.as_ref()).await?);
    }
    let key = LedgerKey::generate();
    keep_key(&key).await?;
    match Ledger::open_with(path, Some(&key)).await {
        Ok(ledger) => Ok(ledger),
        // Another process made the file first, under its own key: that file is the ledger.
        Err(LedgerError::WrongKey { .. }) => {
            if let Some(salt) = key.salt() {
                forget_key(salt).await;
            }
            let kind = cipher::inspect(path)?;
            let key = key_of(path, kind).await?;
            Ok(Ledger::open_with(path, key.as_ref()).await?)
        }
        Err(error) => Err(error.into()),
    }
}

fn shown_path(path: &Path) -> String {
    shown(&path.display().to_string())
}

/// Appends one audit record for a change to the file itself, in its own transaction.
async fn record(
    ledger: &Ledger,
    user: &str,
    action: &str,
    path: &Path,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let mut tx = ledger.begin().await?;
    audit::append(
        &mut tx,
        &NewAuditRecord {
            actor: user,
            action,
            subject: &path.display().to_string(),
            detail,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Who acts and when, for the commands that run before a service is opened.
pub struct Acting<'a> {
    pub user: &'a str,
    pub now: DateTime<Utc>,
}

/// Where the ledger file stands: encrypted or not, its key kept or not.
pub async fn status(path: &Path) -> Result<wire::LedgerFile, ServiceError> {
    let kind = cipher::inspect(path)?;
    let (encrypted, key_reference, key_kept) = match kind {
        FileKind::Missing | FileKind::Plain => (false, None, None),
        FileKind::Encrypted { salt } => {
            let kept = kept_key(salt).await.map(|k| k.is_some()).ok();
            (true, Some(reference(&salt)), kept)
        }
    };
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or_default();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    let key_store = match keystore::Keystore::from_env() {
        Ok(keystore::Keystore::Os) => "the OS keychain".to_string(),
        Ok(keystore::Keystore::File(file)) => format!("the keystore file {}", shown_path(&file)),
        Err(error) => error.to_string(),
    };
    Ok(wire::LedgerFile {
        file: path.display().to_string(),
        exists: kind != FileKind::Missing,
        encrypted,
        key_reference,
        key_kept,
        key_store,
        bytes: size(path) + size(Path::new(&wal)),
        cipher: cipher::cipher_version().await?,
    })
}

fn changed(path: &Path, action: &str, copied: &cipher::Fingerprint) -> wire::LedgerFileChange {
    wire::LedgerFileChange {
        file: path.display().to_string(),
        action: action.to_string(),
        rows: u64::try_from(copied.total_rows()).unwrap_or_default(),
        audit_records: u64::try_from(copied.audit_records).unwrap_or_default(),
    }
}

/// The check every replacement passes before it takes the ledger's place: it opens under its
/// new key, its schema is brought up to date, and its audit chain verifies.
async fn check_replacement(path: PathBuf, key: LedgerKey) -> Result<(), LedgerError> {
    if !cipher::is_ledger(&path, Some(&cipher::for_reading(&key))).await? {
        return Err(LedgerError::CopyDiffers {
            what: "it is a database, but not a Cashline ledger".into(),
        });
    }
    let ledger = Ledger::open_with(&path, Some(&cipher::for_reading(&key))).await?;
    let report = audit::verify(ledger.pool()).await;
    ledger.close().await;
    let report = report?;
    match report.first_bad {
        None => Ok(()),
        Some(id) => Err(LedgerError::CopyDiffers {
            what: format!(
                "its audit log does not verify at record {id}: {}",
                report.problem.unwrap_or_default()
            ),
        }),
    }
}

/// Replaces the ledger by a checked copy of `source` under a new key, kept first and forgotten
/// again if the copy does not take the ledger's place.
async fn replace_under_new_key(
    path: &Path,
    current: Option<&LedgerKey>,
    source: Source<'_>,
) -> Result<(LedgerKey, cipher::Fingerprint), ServiceError> {
    let key = LedgerKey::generate();
    keep_key(&key).await?;
    match cipher::replace(path, current, source, &key, check_replacement).await {
        Ok(copied) => Ok((key, copied)),
        Err(error) => {
            if let Some(salt) = key.salt() {
                forget_key(salt).await;
            }
            Err(error.into())
        }
    }
}

/// Refuses a change to the ledger file itself (encrypting it, a new key, a restore) to anybody
/// but an admin of the ledger, checked on the ledger as it is: these run with no service
/// open, so they check the role themselves. A ledger from before users (none yet) has no
/// admin to ask for, and its first opener becomes one.
async fn must_be_admin(
    path: &Path,
    key: Option<&LedgerKey>,
    user: &str,
) -> Result<(), ServiceError> {
    let ledger = Ledger::open_with(path, key.map(cipher::for_reading).as_ref()).await?;
    let users = cashline_ledger::user::list(ledger.pool()).await;
    ledger.close().await;
    let users = users?;
    if users.is_empty() {
        return Ok(());
    }
    let admin = users
        .iter()
        .any(|u| u.name == user && u.role == "admin" && u.disabled_at.is_none());
    if admin {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(format!(
            "only an admin of this ledger may change its file (encrypt, rekey or restore it); {} is not one",
            shown(user)
        )))
    }
}

/// Encrypts a plain ledger in place under a new key, checked by its row counts, its sums and
/// its audit chain before it replaces the plain file.
pub async fn encrypt(
    path: &Path,
    acting: Acting<'_>,
) -> Result<wire::LedgerFileChange, ServiceError> {
    match cipher::inspect(path)? {
        FileKind::Plain => {}
        FileKind::Missing => {
            return Err(ServiceError::NotFound(format!(
                "there is no ledger at {}",
                shown_path(path)
            )))
        }
        FileKind::Encrypted { .. } => {
            return Err(ServiceError::BadRequest(format!(
                "{} is already encrypted (`cashline db rekey` gives it a new key)",
                shown_path(path)
            )))
        }
    }
    // Migrated first, so the copy checked is of the schema the ledger will have.
    must_be_admin(path, None, acting.user).await?;
    let (key, copied) = replace_under_new_key(path, None, Source::Itself).await?;
    let ledger = Ledger::open_with(path, Some(&cipher::for_reading(&key))).await?;
    let detail =
        serde_json::json!({ "rows": copied.total_rows(), "audit_records": copied.audit_records });
    record(
        &ledger,
        acting.user,
        "ledger.encrypted",
        path,
        detail,
        acting.now,
    )
    .await?;
    crate::anchor::advance(&ledger).await.ok();
    ledger.close().await;
    info!(file = %shown_path(path), rows = copied.total_rows(), "ledger encrypted");
    Ok(changed(path, "encrypted", &copied))
}

/// Gives an encrypted ledger a new key; the old one no longer opens it and is forgotten.
pub async fn rekey(
    path: &Path,
    acting: Acting<'_>,
) -> Result<wire::LedgerFileChange, ServiceError> {
    let kind = cipher::inspect(path)?;
    let FileKind::Encrypted { salt: old_salt } = kind else {
        return Err(ServiceError::BadRequest(format!(
            "{} is not encrypted: `cashline db encrypt` encrypts it under a new key",
            shown_path(path)
        )));
    };
    let old = key_of(path, kind).await?;
    must_be_admin(path, old.as_ref(), acting.user).await?;
    let (key, copied) = replace_under_new_key(path, old.as_ref(), Source::Itself).await?;
    forget_key(old_salt).await;
    let ledger = Ledger::open_with(path, Some(&cipher::for_reading(&key))).await?;
    record(
        &ledger,
        acting.user,
        "ledger.rekeyed",
        path,
        serde_json::json!({}),
        acting.now,
    )
    .await?;
    crate::anchor::advance(&ledger).await.ok();
    ledger.close().await;
    info!(file = %shown_path(path), "ledger given a new key");
    Ok(changed(path, "rekeyed", &copied))
}

/// Replaces the ledger with a backup, after checking the copy (rows, sums, its audit chain).
/// The restore is audited and the anchor moves to the restored log on purpose: the log is
/// shorter than before, and that is what was asked for.
pub async fn restore(
    path: &Path,
    from: &Path,
    passphrase: Option<String>,
    acting: Acting<'_>,
) -> Result<wire::LedgerFileChange, ServiceError> {
    let backup_key = match cipher::inspect(from)? {
        FileKind::Missing => {
            return Err(ServiceError::NotFound(format!(
                "{}: there is no such backup (or it is empty)",
                shown_path(from)
            )))
        }
        FileKind::Plain => None,
        FileKind::Encrypted { salt } => match passphrase {
            Some(passphrase) => Some(LedgerKey::Passphrase(passphrase)),
            None => Some(kept_key(salt).await?.ok_or_else(|| {
                ServiceError::BadRequest(format!(
                    "{} is encrypted under a passphrase, or a key this keystore does not hold: \
                     give its passphrase (--passphrase-stdin)",
                    shown_path(from)
                ))
            })?),
        },
    };
    let kind = cipher::inspect(path)?;
    let current = key_of(path, kind)
        .await
        .map_err(|e| ServiceError::BadRequest(format!("{e}; move it aside and restore again")))?;
    // A ledger that is there is restored over only by its admin; with none there (lost or
    // moved aside), whoever holds the backup and its key restores it.
    if kind != FileKind::Missing {
        must_be_admin(path, current.as_ref(), acting.user).await?;
    }
    let source = Source::File {
        path: from,
        key: backup_key.as_ref(),
    };
    let (key, copied) = replace_under_new_key(path, current.as_ref(), source)
        .await
        .map_err(|error| match error {
            // The backup's own key, not the ledger's, is the one that did not open.
            ServiceError::Ledger(LedgerError::WrongKey { path: file })
                if file == from.display().to_string() =>
            {
                ServiceError::BadRequest(format!(
                    "the key or passphrase given does not open the backup {}",
                    shown_path(from)
                ))
            }
            other => other,
        })?;
    if let FileKind::Encrypted { salt } = kind {
        forget_key(salt).await;
    }
    let ledger = Ledger::open_with(path, Some(&cipher::for_reading(&key))).await?;
    let detail = serde_json::json!({
        "from": from.display().to_string(),
        "rows": copied.total_rows(),
        "audit_records": copied.audit_records,
    });
    record(
        &ledger,
        acting.user,
        "ledger.restored",
        path,
        detail,
        acting.now,
    )
    .await?;
    let anchored = crate::anchor::reset(&ledger).await;
    ledger.close().await;
    if let Err(error) = anchored {
        warn!(%error, "the restored ledger's audit anchor could not be kept");
    }
    info!(file = %shown_path(path), from = %shown_path(from), "ledger restored");
    Ok(changed(path, "restored", &copied))
}

impl Service {
    /// The ledger file and its backups, as the Settings screen shows them.
    pub async fn db_report(&self) -> Result<wire::DbReport, ServiceError> {
        Ok(wire::DbReport {
            ledger: status(&self.db_path).await?,
            auto_backup: self.auto_backup().await?,
        })
    }

    /// The daily backup set from a front's request.
    pub async fn db_auto_backup_save(
        &self,
        update: &crate::request::AutoBackupUpdate,
    ) -> Result<wire::DbReport, ServiceError> {
        let folder = update.folder.as_deref().map(Path::new);
        self.set_auto_backup(folder, update.keep.unwrap_or(AUTO_KEEP_DEFAULT))
            .await?;
        self.db_report().await
    }

    /// Today's backup into the daily backup's folder now, if it is not there yet.
    pub async fn db_backup_now(&self) -> Result<wire::DbReport, ServiceError> {
        if self.auto_backup().await?.folder.is_none() {
            return Err(ServiceError::BadRequest(
                "choose a folder for the daily backup first".into(),
            ));
        }
        self.auto_backup_due().await?;
        self.db_report().await
    }

    /// A consistent copy of the ledger at `to`, taken while it is in use: under the ledger's
    /// own key (kept under the copy's salt, so this machine restores it without a question),
    /// or under a passphrase, for a copy kept elsewhere. A plain ledger's copy is plain.
    pub async fn backup(
        &self,
        to: &Path,
        passphrase: Option<String>,
    ) -> Result<wire::LedgerFileChange, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        if to.exists() {
            return Err(ServiceError::BadRequest(format!(
                "{} already exists: a backup never overwrites a file; choose another name",
                shown_path(to)
            )));
        }
        let kind = cipher::inspect(&self.db_path)?;
        let key = match (kind, passphrase) {
            (FileKind::Encrypted { salt }, None) => {
                let own = key_of(&self.db_path, FileKind::Encrypted { salt }).await?;
                let Some(LedgerKey::Raw { key, .. }) = own else {
                    return Err(ServiceError::Corrupt("the ledger's key is not a raw key".into()));
                };
                let copy = LedgerKey::Raw {
                    key,
                    salt: LedgerKey::generate().salt(),
                };
                keep_key(&copy).await?;
                Some(copy)
            }
            (FileKind::Encrypted { .. }, Some(passphrase)) => {
                if passphrase.chars().count() < 8 {
                    return Err(ServiceError::BadRequest(
                        "a backup's passphrase must be at least 8 characters".into(),
                    ));
                }
                Some(LedgerKey::Passphrase(passphrase))
            }
            (_, None) => None,
            (_, Some(_)) => {
                return Err(ServiceError::BadRequest(format!(
                    "{} is not encrypted, so neither is its backup: encrypt it first (`cashline db encrypt`)",
                    shown_path(&self.db_path)
                )))
            }
        };
        let copied = match backup::backup(&self.ledger, to, key.as_ref()).await {
            Ok(copied) => copied,
            Err(error) => {
                if let Some(salt) = key.as_ref().and_then(LedgerKey::salt) {
                    forget_key(salt).await;
                }
                return Err(error.into());
            }
        };
        let detail = serde_json::json!({
            "to": to.display().to_string(),
            "rows": copied.total_rows(),
            "audit_records": copied.audit_records,
            "passphrase": matches!(key, Some(LedgerKey::Passphrase(_))),
        });
        record(
            &self.ledger,
            user,
            "ledger.backed_up",
            &self.db_path,
            detail,
            self.clock.now(),
        )
        .await?;
        Ok(changed(to, "backed_up", &copied))
    }

    /// The automatic daily backup's folder and how many it keeps.
    pub async fn auto_backup(&self) -> Result<wire::AutoBackup, ServiceError> {
        let pool = self.ledger.pool();
        let folder = setting::get(pool, AUTO_FOLDER_SETTING).await?;
        let keep = setting::get(pool, AUTO_KEEP_SETTING)
            .await?
            .and_then(|k| k.parse().ok())
            .unwrap_or(AUTO_KEEP_DEFAULT);
        let mut backups = match &folder {
            Some(folder) => auto_backups(Path::new(folder)),
            None => Vec::new(),
        };
        backups.reverse();
        Ok(wire::AutoBackup {
            folder,
            keep,
            backups: backups
                .into_iter()
                .map(|p| p.display().to_string())
                .collect(),
        })
    }

    /// Turns the daily backup on into `folder` (an existing folder, given in full), keeping
    /// the last `keep`; `None` turns it off.
    pub async fn set_auto_backup(
        &self,
        folder: Option<&Path>,
        keep: u32,
    ) -> Result<wire::AutoBackup, ServiceError> {
        if let Some(folder) = folder {
            if !folder.is_absolute() || !folder.is_dir() {
                return Err(ServiceError::BadRequest(format!(
                    "the backup folder {} must be an existing folder, given as a full path",
                    shown_path(folder)
                )));
            }
        }
        if !(1..=366).contains(&keep) {
            return Err(ServiceError::BadRequest(format!(
                "--keep {keep}: keep between 1 and 366 daily backups"
            )));
        }
        let folder_text = folder.map(|f| f.display().to_string());
        let keep_text = keep.to_string();
        let mut write = self.write(Right::Configure).await?;
        let user = write.actor().to_string();
        let now = write.now;
        setting::set(
            &mut write.tx,
            AUTO_FOLDER_SETTING,
            folder_text.as_deref(),
            &user,
            now,
        )
        .await?;
        let kept = folder.map(|_| keep_text.as_str());
        setting::set(&mut write.tx, AUTO_KEEP_SETTING, kept, &user, now).await?;
        let subject = self.db_path.display().to_string();
        let detail = serde_json::json!({ "folder": folder_text, "keep": keep });
        write
            .commit("setting.auto_backup", &subject, detail)
            .await?;
        self.auto_backup().await
    }

    /// Today's automatic backup, if one is due, and the oldest beyond the count removed (with
    /// their keys). Run by the schedule of `serve` and the desktop app.
    pub async fn auto_backup_due(&self) -> Result<Option<wire::LedgerFileChange>, ServiceError> {
        let settings = self.auto_backup().await?;
        let Some(folder) = settings.folder.map(PathBuf::from) else {
            return Ok(None);
        };
        let target = folder.join(auto_name(self.today()));
        // The daily backup acts for the admin who set it up, whoever has the app open.
        let made = if target.exists() {
            None
        } else {
            let by = setting::set_by(self.ledger.pool(), AUTO_FOLDER_SETTING).await?;
            Some(self.acting_for(by).await?.backup(&target, None).await?)
        };
        let backups = auto_backups(&folder);
        let extra = backups.len().saturating_sub(settings.keep as usize);
        for old in backups.into_iter().take(extra) {
            if let Ok(FileKind::Encrypted { salt }) = cipher::inspect(&old) {
                forget_key(salt).await;
            }
            if let Err(error) = std::fs::remove_file(&old) {
                warn!(file = %shown_path(&old), %error, "an old automatic backup could not be removed");
            }
        }
        Ok(made)
    }
}

/// The automatic backups in `folder`, oldest first (their names sort by date).
fn auto_backups(folder: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(folder)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|entry| entry.file_name().to_str().is_some_and(is_auto_name))
        .map(|entry| entry.path())
        .collect();
    found.sort();
    found
}

/// The schedule's step: the daily backup, logged, never fatal.
pub async fn auto_backup_logged(service: &Service) {
    match service.auto_backup_due().await {
        Ok(Some(made)) => info!(file = %shown(&made.file), rows = made.rows, "daily backup"),
        Ok(None) => {}
        Err(error) => warn!(%error, "the daily backup could not be made"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_files_named_as_daily_backups_are_pruned() {
        assert!(is_auto_name("cashline-2026-12-07.backup"));
        for other in [
            "cashline-2026-13-07.backup",
            "cashline-latest.backup",
            "ledger.sqlite",
            "cashline-2026-12-07.backup.partial-1",
        ] {
            assert!(!is_auto_name(other), "{other}");
        }
        assert_eq!(
            auto_name(NaiveDate::from_ymd_opt(2026, 1, 2).unwrap()),
            "cashline-2026-01-02.backup"
        );
    }
}
