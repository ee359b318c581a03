//! Demo data for `cashline demo` and `cashline serve --demo`: statements of five banks, the
//! group's entities, ECB rates, open items and a payment run, all written by the demo
//! generator, then imported through the same commands a user runs.

use std::path::Path;

use cashline_demo::reference::{self, ENTITIES};
use cashline_demo::DEMO_BUSINESS_DAYS;

use crate::request::{
    AccountUpdate, ExceptionComment, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
    ImportOptions, ReconRun, UserAdd,
};
use crate::{Service, ServiceError};

/// Who approves the demo's payment run: not the user who imported it.
const DEMO_APPROVER: &str = "demo-approver";
/// The second approver of the demo's payments above the limit.
const DEMO_SECOND_APPROVER: &str = "carla.cfo";
/// Someone who may only look: the Users card shows what that means.
const DEMO_VIEWER: &str = "dan.auditor";
/// At most how many payments of the morning's run the demo approves and sends to the bank;
/// of the rest, one large payment waits for its second approver, one is cancelled and any
/// others wait for the user.
const DEMO_PAYMENTS_APPROVED: usize = 6;
/// The format the demo sends its approved payments in.
const DEMO_EXPORT_FORMAT: &str = "pain.001.001.09";
/// The demo's files of the bank round trip: the pain.001 sent, the bank's pain.002 status
/// report on it and its camt.054 debit notification.
const DEMO_EXPORT_FILE: &str = "payments-to-bank.xml";
const DEMO_STATUS_FILE: &str = "payment-status.xml";
const DEMO_NOTIFICATION_FILE: &str = "debit-notification.xml";
/// Why the demo cancels one payment of the morning's run.
const DEMO_CANCEL_REASON: &str = "The supplier sent a credit note for the whole invoice";
/// Above this a demo payment needs a second approver.
const DEMO_TWO_APPROVERS_ABOVE: &str = "5000.00";
/// The German house bank's cut-off for euro payments.
const DEMO_CUTOFF: (&str, &str, &str, &str) = ("COBADEFF", "EUR", "14:00", "Europe/Berlin");

/// Whether a demo amount (as the wire writes it) needs two approvers.
fn above_limit(amount: &str) -> bool {
    use std::str::FromStr;
    let limit = rust_decimal::Decimal::from_str(DEMO_TWO_APPROVERS_ABOVE).expect("a decimal");
    rust_decimal::Decimal::from_str(amount).is_ok_and(|a| a > limit)
}

/// The demo's controllers, who own some of the open exceptions.
const DEMO_CONTROLLERS: [&str; 2] = ["anna.controller", "ben.ap"];
/// The labelled reconciliation set's seed and size in the demo.
const DEMO_RECON_SEED: u64 = 42;
const DEMO_RECON_DAYS: usize = 15;
/// The entity that owns the labelled set's accounts.
const DEMO_BENELUX: (&str, &str) = ("NW-NL", cashline_demo::recon_set::SET_OWNER);

/// What loading the demo did, in a sentence per step.
pub struct DemoLoaded {
    pub statement_files: usize,
    pub statement_files_new: usize,
    pub lines: Vec<String>,
}

/// Why the demo could not write its files into `folder`.
fn cannot_write(folder: &Path, e: std::io::Error) -> ServiceError {
    ServiceError::BadRequest(format!(
        "cannot write the demo files to {}: {e}",
        folder.display()
    ))
}

impl Service {
    /// The demo's team, each in the role the demo has them act in, so every screen shows
    /// who did what and four eyes holds between different people.
    async fn load_demo_team(&self) -> Result<(), ServiceError> {
        let team = [
            (DEMO_APPROVER, "approver"),
            (DEMO_SECOND_APPROVER, "approver"),
            (DEMO_CONTROLLERS[0], "controller"),
            (DEMO_CONTROLLERS[1], "preparer"),
            (DEMO_VIEWER, "viewer"),
        ];
        let known = self.users().await?;
        for (name, role) in team {
            if !known.users.iter().any(|u| u.name == name) {
                self.user_add(&UserAdd {
                    name: name.into(),
                    role: role.into(),
                })
                .await?;
            }
        }
        Ok(())
    }

    /// The daily backup into the demo folder's `backups/`, with today's made, so the Settings
    /// screen shows it working. A ledger from before encryption (an older demo) keeps its
    /// plain backups, and says so there.
    async fn load_demo_backups(&self, folder: &Path) -> Result<String, ServiceError> {
        let backups = folder.join("backups");
        std::fs::create_dir_all(&backups).map_err(|e| cannot_write(folder, e))?;
        let backups = std::path::absolute(&backups).unwrap_or(backups);
        self.set_auto_backup(Some(&backups), crate::ledger_file::AUTO_KEEP_DEFAULT)
            .await?;
        self.auto_backup_due().await?;
        Ok(format!(
            "a daily backup into {}",
            cashline_domain::shown(&backups.display().to_string())
        ))
    }

    /// Writes the demo files into `folder` and loads them. Running it again adds nothing
    /// that is already there.
    pub async fn load_demo(&self, folder: &Path) -> Result<DemoLoaded, ServiceError> {
        self.load_demo_team().await?;
        let today = self.today();
        let io = |e: std::io::Error| cannot_write(folder, e);
        let paths =
            cashline_demo::write_files(&folder.join("statements"), today, DEMO_BUSINESS_DAYS)
                .map_err(io)?;
        let report = self.import_paths(&paths, &ImportOptions::default()).await;
        if let Some(failed) = report.files.iter().find(|f| f.status == "failed") {
            return Err(ServiceError::BadRequest(format!(
                "a demo file failed to import: {}",
                failed.error.as_deref().unwrap_or_default()
            )));
        }
        let new = report
            .files
            .iter()
            .filter(|f| f.status == "imported")
            .count();
        let mut lines = vec![format!("{} statement files ({new} new)", paths.len())];

        for entity in ENTITIES {
            self.entity_save(
                entity.code,
                entity.name,
                Some(entity.country),
                Some(entity.reporting_currency),
            )
            .await?;
            for index in entity.accounts {
                let update = AccountUpdate {
                    entity: Some(entity.code.to_string()),
                    ..Default::default()
                };
                self.account_update(&reference::account(*index), update)
                    .await?;
            }
        }
        lines.push(format!("{} entities", ENTITIES.len()));

        let write = |name: &str, content: String| -> Result<std::path::PathBuf, ServiceError> {
            let path = folder.join(name);
            std::fs::write(&path, content).map_err(io)?;
            Ok(path)
        };
        let rates = write(
            "eurofxref.xml",
            reference::ecb_rates_xml(today, DEMO_BUSINESS_DAYS),
        )?;
        let imported = self.fx_import(&rates).await?;
        lines.push(format!("{} ECB reference rates", imported.rates));
        let items = write("open-items.csv", reference::open_items_csv(today))?;
        let imported = self.open_items_import(&items).await?;
        lines.push(format!(
            "{} open items ({} new)",
            imported.items, imported.new_items
        ));
        let payments = write("payments.csv", reference::payments_csv(today))?;
        let imported = self.payments_import(&payments).await?;
        lines.push(format!(
            "{} payments ({} new)",
            imported.payments, imported.new_payments
        ));
        // A watched inbox, so the settings screen shows one at work: a note in it that is
        // not a bank file, which the inbox leaves where it is.
        if self.inbox_folder().await?.is_none() {
            let inbox = folder.join("inbox");
            std::fs::create_dir_all(&inbox).map_err(io)?;
            std::fs::write(
                inbox.join("README.txt"),
                "Drop bank statement files here: Cashline imports them and files them away.\n",
            )
            .map_err(io)?;
            let inbox = std::path::absolute(&inbox).map_err(io)?;
            self.set_inbox_folder(Some(&inbox)).await?;
            lines.push(format!("an inbox folder at {}", inbox.display()));
        }
        // The AP lead's rules: two approvers above a limit, and the house bank's cut-off.
        self.approval_limit_set("EUR", Some(DEMO_TWO_APPROVERS_ABOVE))
            .await?;
        let (bic, currency, time, zone) = DEMO_CUTOFF;
        self.cutoff_set(&crate::request::CutoffSet {
            bic: bic.into(),
            currency: currency.into(),
            time: time.into(),
            time_zone: zone.into(),
        })
        .await?;
        let rerun = write("payments-rerun.csv", reference::payments_rerun_csv(today))?;
        let imported = self.payments_import(&rerun).await?;
        lines.push(format!(
            "a second payment run: {} payments, {} held as a possible duplicate, {} with issues to put right",
            imported.payments, imported.held_as_duplicates, imported.with_issues
        ));
        lines.extend(self.load_demo_payment_lifecycle(folder, today).await?);
        lines.extend(self.load_demo_reconciliation(folder, today).await?);
        lines.push(self.load_demo_backups(folder).await?);
        Ok(DemoLoaded {
            statement_files: paths.len(),
            statement_files_new: new,
            lines,
        })
    }

    /// The payments' side of the demo, after the runs are in: most of the morning's run
    /// approved (one large payment by one person only, waiting for a second) and one payment
    /// cancelled; the approved ones sent to the bank as a pain.001; the bank's pain.002
    /// accepting most of them and rejecting one with its reason, and its camt.054 booking some,
    /// both imported as a user's `cashline import` does; and the second run's late payment
    /// approved after its cut-off. The first load does all of it; a later one, finding the
    /// morning's run already worked on, only imports the bank's files again (which changes
    /// nothing).
    async fn load_demo_payment_lifecycle(
        &self,
        folder: &Path,
        today: chrono::NaiveDate,
    ) -> Result<Vec<String>, ServiceError> {
        let io = |e: std::io::Error| cannot_write(folder, e);
        let mut lines = Vec::new();
        let morning_ids = reference::payments_ids(today);
        let all = self.payments(None).await?.payments;
        let morning: Vec<&crate::wire::Payment> =
            all.iter().filter(|p| morning_ids.contains(&p.id)).collect();
        // Nobody has touched the morning's run yet: this is the demo's first load.
        let untouched = morning.iter().all(|p| {
            p.approvals.is_empty() && matches!(p.status.as_str(), "imported" | "validated")
        });
        let exported = folder.join(DEMO_EXPORT_FILE);
        if untouched {
            let ready: Vec<&crate::wire::Payment> = morning
                .iter()
                .copied()
                .filter(|p| p.status == "validated" && p.cases.is_empty())
                .collect();
            // Only payments requested for a later day are approved: one for today would miss
            // the bank's cut-off or not depending on the hour the demo starts, and the second
            // run's late payment shows a missed cut-off already.
            let later = |p: &crate::wire::Payment| {
                cashline_ledger::time::parse_date(&p.requested_date).is_ok_and(|d| d > today)
            };
            // One large payment gets its first approval only and waits for a second person.
            let large = ready
                .iter()
                .find(|p| later(p) && above_limit(&p.amount))
                .map(|p| p.id.clone());
            let approved: Vec<&crate::wire::Payment> = ready
                .iter()
                .copied()
                .filter(|p| later(p) && Some(&p.id) != large.as_ref())
                .take(DEMO_PAYMENTS_APPROVED)
                .collect();
            let first: Vec<String> = approved
                .iter()
                .map(|p| p.id.clone())
                .chain(large.clone())
                .collect();
            if !first.is_empty() {
                self.acting_as(DEMO_APPROVER)
                    .await?
                    .payments_approve(&first)
                    .await?;
            }
            let second: Vec<String> = approved
                .iter()
                .filter(|p| above_limit(&p.amount))
                .map(|p| p.id.clone())
                .collect();
            if !second.is_empty() {
                self.acting_as(DEMO_SECOND_APPROVER)
                    .await?
                    .payments_approve(&second)
                    .await?;
            }
            lines.push(format!(
                "{} payments approved by {DEMO_APPROVER}",
                approved.len()
            ));
            if !second.is_empty() {
                lines.push(format!(
                    "{} of them above {DEMO_TWO_APPROVERS_ABOVE} EUR also by {DEMO_SECOND_APPROVER}",
                    second.len()
                ));
            }
            if let Some(large) = &large {
                lines.push(format!(
                    "payment {large} approved once, waiting for a second approver"
                ));
            }
            let taken =
                |id: &String| Some(id) == large.as_ref() || approved.iter().any(|a| a.id == *id);
            let left = ready.iter().find(|p| !taken(&p.id));
            if let Some(left) = left {
                self.payments_cancel(&left.id, DEMO_CANCEL_REASON).await?;
                lines.push(format!("payment {} cancelled", left.id));
            }
            // The approved payments go to the bank in one pain.001, as `payments export`
            // writes it. A file of that name left by an earlier demo ledger is not this one's.
            if exported.exists() {
                std::fs::remove_file(&exported).map_err(io)?;
            }
            let done = self.payments_export(DEMO_EXPORT_FORMAT, &exported).await?;
            if let Some(message) = &done.message_id {
                lines.push(format!(
                    "{} payments sent to the bank in {message} ({DEMO_EXPORT_FORMAT})",
                    done.payments
                ));
            }
        }
        if exported.is_file() {
            lines.extend(self.load_demo_bank_answers(folder, &exported).await?);
        }
        // The second run's payment for yesterday, approved late: it misses its cut-off.
        let late_id = reference::late_payment_id(today);
        let late = all.iter().find(|p| {
            p.id == late_id
                && p.status == "validated"
                && p.approvals.is_empty()
                && p.cases.is_empty()
        });
        if untouched {
            if let Some(late) = late {
                self.acting_as(DEMO_APPROVER)
                    .await?
                    .payments_approve(std::slice::from_ref(&late.id))
                    .await?;
                lines.push(format!("payment {} approved after its cut-off", late.id));
            }
        }
        Ok(lines)
    }

    /// The bank's answers to the pain.001 the demo sent (`exported`): its status report and
    /// its debit notification, made from the ids of that file, written beside it and imported
    /// as `cashline import` imports a user's file. Made from the same file they are the same
    /// bytes, so importing them again changes nothing.
    async fn load_demo_bank_answers(
        &self,
        folder: &Path,
        exported: &Path,
    ) -> Result<Vec<String>, ServiceError> {
        let io = |e: std::io::Error| cannot_write(folder, e);
        let bytes = std::fs::read(exported).map_err(io)?;
        let run = cashline_bankfile::pain001::parse(&bytes)
            .map_err(|e| ServiceError::BadRequest(format!("{}: {e}", exported.display())))?;
        let answers = reference::bank_answers(run.transfers().count());
        let mut files = vec![(
            DEMO_STATUS_FILE,
            reference::status_report_xml(&run, &answers),
        )];
        if let Some(notification) = reference::debit_notification_xml(&run, &answers) {
            files.push((DEMO_NOTIFICATION_FILE, notification));
        }
        let mut lines = Vec::new();
        for (name, content) in files {
            let path = folder.join(name);
            std::fs::write(&path, content).map_err(io)?;
            let report = self
                .import_paths(std::slice::from_ref(&path), &ImportOptions::default())
                .await;
            for file in &report.files {
                match file.status {
                    "failed" => {
                        return Err(ServiceError::BadRequest(format!(
                            "a demo file failed to import: {}",
                            file.error.as_deref().unwrap_or_default()
                        )))
                    }
                    "imported" if file.payment_statuses > 0 => lines.push(format!(
                        "the bank's status report on {}: {} payments answered",
                        run.message_id, file.payment_statuses
                    )),
                    "imported" => lines.push(format!(
                        "the bank's debit notification: {} settled",
                        match file.payments_settled {
                            1 => "1 payment".to_string(),
                            n => format!("{n} payments"),
                        }
                    )),
                    _ => {}
                }
            }
        }
        Ok(lines)
    }

    /// The reconciliation's side of the demo: the ERP's items behind the statements, the
    /// Benelux entity's labelled set (every case the matcher handles, in four formats), a run,
    /// and owners and comments on some of the exceptions it leaves.
    async fn load_demo_reconciliation(
        &self,
        folder: &Path,
        today: chrono::NaiveDate,
    ) -> Result<Vec<String>, ServiceError> {
        let io = |e: std::io::Error| cannot_write(folder, e);
        let mut lines = Vec::new();
        let settled = folder.join("settled-items.csv");
        std::fs::write(
            &settled,
            reference::settled_items_csv(today, DEMO_BUSINESS_DAYS),
        )
        .map_err(io)?;
        let imported = self.open_items_import(&settled).await?;
        lines.push(format!(
            "{} items behind the statements ({} new)",
            imported.items, imported.new_items
        ));

        let set =
            cashline_demo::recon_set::labelled_set(today, DEMO_RECON_SEED, 1, DEMO_RECON_DAYS);
        let benelux = folder.join("benelux");
        std::fs::create_dir_all(&benelux).map_err(io)?;
        let mut paths = Vec::new();
        for file in &set.statements {
            let path = benelux.join(&file.name);
            std::fs::write(&path, &file.bytes).map_err(io)?;
            paths.push(path);
        }
        let report = self.import_paths(&paths, &ImportOptions::default()).await;
        if let Some(failed) = report.files.iter().find(|f| f.status == "failed") {
            return Err(ServiceError::BadRequest(format!(
                "a demo file failed to import: {}",
                failed.error.as_deref().unwrap_or_default()
            )));
        }
        self.entity_save(DEMO_BENELUX.0, DEMO_BENELUX.1, Some("NL"), Some("EUR"))
            .await?;
        for account in &set.accounts {
            self.account_update(
                account,
                AccountUpdate {
                    entity: Some(DEMO_BENELUX.0.to_string()),
                    ..Default::default()
                },
            )
            .await?;
        }
        let items = benelux.join("open-items.csv");
        std::fs::write(&items, &set.open_items_csv).map_err(io)?;
        self.open_items_import(&items).await?;
        let payments = benelux.join("payments.csv");
        std::fs::write(&payments, &set.payments_csv).map_err(io)?;
        let imported = self.payments_import(&payments).await?;
        let ids: Vec<String> = self
            .payments(Some("validated"))
            .await?
            .payments
            .into_iter()
            .filter(|p| p.id.starts_with("PAY-0"))
            .map(|p| p.id)
            .collect();
        if !ids.is_empty() {
            self.acting_as(DEMO_APPROVER)
                .await?
                .payments_approve(&ids)
                .await?;
        }
        lines.push(format!(
            "{}: {} statement files, {} payments",
            DEMO_BENELUX.1,
            paths.len(),
            imported.payments
        ));

        let run = self.recon_run(ReconRun { dry_run: false }).await?;
        lines.push(format!("reconciliation: {} matched automatically, {} suggestions to decide, {} exceptions opened", run.auto, run.suggested, run.exceptions_opened));

        // Work in progress in the queue: some cases have owners, one a comment, one is being
        // looked into. Cases someone already owns are left as they are.
        let open = self
            .exceptions(ExceptionsQuery {
                state: Some("open".into()),
                ..Default::default()
            })
            .await?;
        let unowned: Vec<_> = open
            .exceptions
            .iter()
            .filter(|e| {
                e.owner.is_none()
                    && matches!(
                        e.kind.as_str(),
                        "unmatched_item" | "unmatched_entry" | "difference"
                    )
            })
            .collect();
        for (index, case) in unowned
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == 0)
            .take(8)
        {
            let owner = DEMO_CONTROLLERS[index % DEMO_CONTROLLERS.len()];
            self.acting_as(DEMO_CONTROLLERS[0])
                .await?
                .exceptions_assign(ExceptionsAssign {
                    ids: vec![case.id.clone()],
                    owner: Some(owner.to_string()),
                })
                .await?;
        }
        if let Some(case) = unowned.first() {
            let controller = self.acting_as(DEMO_CONTROLLERS[0]).await?;
            controller
                .exception_comment(ExceptionComment {
                    id: case.id.clone(),
                    text: "Asked the customer for a remittance advice.".into(),
                })
                .await?;
            controller
                .exceptions_resolve(ExceptionsResolve {
                    ids: vec![case.id.clone()],
                    state: Some("in_progress".into()),
                    resolution: None,
                })
                .await?;
        }
        Ok(lines)
    }
}

/// The login of the demo's Tryton: the admin that `scripts/tryton/ensure` seeds, a demo's
/// own database and never a real one.
const DEMO_TRYTON_USER: &str = "admin";
const DEMO_TRYTON_PASSWORD: &str = "admin";
/// The demo's ERP connection.
const DEMO_ERP_NAME: &str = "Tryton";

impl Service {
    /// Connects the demo to the seeded Tryton `scripts/demo` started, once, and syncs it:
    /// its open items and approved payments come in beside the demo's files.
    pub async fn load_demo_erp(&self, url: &str, database: &str) -> Result<String, ServiceError> {
        let known = self.erp_connections().await?;
        if !known.connections.iter().any(|c| c.name == DEMO_ERP_NAME) {
            self.erp_add(&crate::request::ErpAdd {
                name: DEMO_ERP_NAME.into(),
                tryton_url: url.into(),
                database: database.into(),
                user: DEMO_TRYTON_USER.into(),
                password: DEMO_TRYTON_PASSWORD.into(),
                cadence_minutes: None,
            })
            .await?;
        }
        let report = self
            .erp_sync(&crate::request::ErpSyncRequest {
                connection: Some(DEMO_ERP_NAME.into()),
            })
            .await?;
        let run = report.runs.first();
        Ok(match run {
            Some(run) if run.outcome == "ok" => format!(
                "{DEMO_ERP_NAME} at {url} ({} new open items, {} new payments)",
                run.new_items, run.new_payments
            ),
            Some(run) => format!(
                "{DEMO_ERP_NAME} at {url}: the sync failed: {}",
                run.error.as_deref().unwrap_or_default()
            ),
            None => format!("{DEMO_ERP_NAME} at {url}"),
        })
    }
}
