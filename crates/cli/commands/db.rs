//! `cashline db`: the ledger file itself: whether it is encrypted, encrypting a plain one, a
//! new key, backups and restores. Key changes and restores run on the file alone, with no
//! service open on it (another process that has it open is told to close it first).

use std::path::PathBuf;

use clap::Subcommand;

use cashline_domain::shown;
use cashline_service::ledger_file::{self, Acting, AUTO_KEEP_DEFAULT};
use cashline_service::{wire, Service};

use crate::output;

#[derive(Subcommand)]
pub enum DbCommand {
    /// Where the ledger file is, whether it is encrypted, and whether its key is kept here.
    Status {
        #[arg(long)]
        json: bool,
    },
    /// Encrypt a plain ledger (from an earlier version) in place, under a new key kept in the
    /// keychain; checked by row counts, sums and the audit chain before it replaces the file.
    Encrypt {
        #[arg(long)]
        json: bool,
    },
    /// Give the ledger a new key; the old key no longer opens it.
    Rekey {
        #[arg(long)]
        json: bool,
    },
    /// Copy the ledger, while it is in use, to a new file: under its own key, or under a
    /// passphrase (read from stdin) for a copy kept elsewhere.
    Backup {
        file: PathBuf,
        /// Encrypt the copy under a passphrase read from stdin (its first line).
        #[arg(long)]
        passphrase_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// Replace the ledger by a backup, after checking it; the restore is audited.
    Restore {
        file: PathBuf,
        /// The backup's passphrase, read from stdin (its first line).
        #[arg(long)]
        passphrase_stdin: bool,
        #[arg(long)]
        json: bool,
    },
    /// The daily backup made while the desktop app or `cashline serve` runs.
    AutoBackup {
        /// Make it into this folder (an existing one).
        #[arg(long, value_name = "DIR", conflicts_with = "off")]
        folder: Option<PathBuf>,
        /// How many daily backups to keep.
        #[arg(long, default_value_t = AUTO_KEEP_DEFAULT)]
        keep: u32,
        /// Stop making them.
        #[arg(long)]
        off: bool,
        #[arg(long)]
        json: bool,
    },
}

/// Whether the command needs the ledger open in a service (the others work on the file).
pub fn needs_service(command: &DbCommand) -> bool {
    matches!(
        command,
        DbCommand::Backup { .. } | DbCommand::AutoBackup { .. }
    )
}

/// The commands that work on the file alone.
pub async fn exec_file(
    command: DbCommand,
    db: &std::path::Path,
    acting: Acting<'_>,
) -> anyhow::Result<()> {
    match command {
        DbCommand::Status { json } => {
            let status = ledger_file::status(db).await?;
            output::show(json, &status, print_status)?;
        }
        DbCommand::Encrypt { json } => {
            let change = ledger_file::encrypt(db, acting).await?;
            output::show(json, &change, print_change)?;
        }
        DbCommand::Rekey { json } => {
            let change = ledger_file::rekey(db, acting).await?;
            output::show(json, &change, print_change)?;
        }
        DbCommand::Restore {
            file,
            passphrase_stdin,
            json,
        } => {
            let passphrase = passphrase(passphrase_stdin)?;
            let change = ledger_file::restore(db, &file, passphrase, acting).await?;
            output::show(json, &change, print_change)?;
        }
        DbCommand::Backup { .. } | DbCommand::AutoBackup { .. } => {
            unreachable!("backups run on an open ledger")
        }
    }
    Ok(())
}

/// The commands that work on the open ledger.
pub async fn exec(service: &Service, command: DbCommand) -> anyhow::Result<()> {
    match command {
        DbCommand::Backup {
            file,
            passphrase_stdin,
            json,
        } => {
            let passphrase = passphrase(passphrase_stdin)?;
            let file = std::path::absolute(&file).unwrap_or(file);
            let change = service.backup(&file, passphrase).await?;
            output::show(json, &change, print_change)?;
        }
        DbCommand::AutoBackup {
            folder,
            keep,
            off,
            json,
        } => {
            let settings = if off {
                service.set_auto_backup(None, keep).await?
            } else if let Some(folder) = folder {
                let folder = std::path::absolute(&folder).unwrap_or(folder);
                service.set_auto_backup(Some(&folder), keep).await?
            } else {
                service.auto_backup().await?
            };
            output::show(json, &settings, print_auto_backup)?;
        }
        other => unreachable!("{} works on the file alone", name(&other)),
    }
    Ok(())
}

/// The passphrase from stdin's first line, where the flag asks for one.
fn passphrase(from_stdin: bool) -> anyhow::Result<Option<String>> {
    from_stdin.then(super::erp::read_password).transpose()
}

fn name(command: &DbCommand) -> &'static str {
    match command {
        DbCommand::Status { .. } => "status",
        DbCommand::Encrypt { .. } => "encrypt",
        DbCommand::Rekey { .. } => "rekey",
        DbCommand::Backup { .. } => "backup",
        DbCommand::Restore { .. } => "restore",
        DbCommand::AutoBackup { .. } => "auto-backup",
    }
}

fn print_status(status: &wire::LedgerFile) {
    println!("ledger: {}", shown(&status.file));
    if !status.exists {
        println!("(not made yet: it is made encrypted on first use)");
        return;
    }
    if status.encrypted {
        let kept = match status.key_kept {
            Some(true) => "kept",
            Some(false) => "NOT kept in this keystore",
            None => "(the keystore could not be asked)",
        };
        println!(
            "encrypted ({}), key {kept} under {}",
            status.cipher,
            status.key_reference.as_deref().unwrap_or_default()
        );
    } else {
        println!("NOT encrypted: `cashline db encrypt` encrypts it in place");
    }
    println!("{} bytes", status.bytes);
}

fn print_change(change: &wire::LedgerFileChange) {
    let what = match change.action.as_str() {
        "encrypted" => "Encrypted",
        "rekeyed" => "Gave a new key to",
        "backed_up" => "Backed up to",
        "restored" => "Restored",
        other => other,
    };
    println!(
        "{what} {}: {} rows, {} audit records, checked.",
        shown(&change.file),
        change.rows,
        change.audit_records
    );
}

fn print_auto_backup(settings: &wire::AutoBackup) {
    match &settings.folder {
        None => println!("daily backup: off"),
        Some(folder) => {
            println!(
                "daily backup: into {}, keeping the last {}",
                shown(folder),
                settings.keep
            );
            for backup in &settings.backups {
                println!("  {}", shown(backup));
            }
        }
    }
}
