//! Demo data for `cashline demo` and `cashline serve --demo`: statements of five banks, the
//! group's entities, ECB rates, open items and a payment run, all written by the demo
//! generator, then imported through the same commands a user runs.

use std::path::Path;

use cashline_demo::reference::{self, ENTITIES};
use cashline_demo::DEMO_BUSINESS_DAYS;

use crate::request::{
    AccountUpdate, ExceptionComment, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
    ImportOptions, ReconRun,
};
use crate::{Service, ServiceError};

/// Who approves the demo's payment run: not the user who imported it.
const DEMO_APPROVER: &str = "demo-approver";
/// How many payments of the runs the demo approves; the rest wait for the user.
const DEMO_PAYMENTS_APPROVED: usize = 6;
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

impl Service {
    /// The same service acting as another person.
    pub fn as_user(&self, user: &str) -> Service {
        Service {
            ledger: self.ledger.clone(),
            user: user.into(),
            clock: self.clock.clone(),
        }
    }

    /// Writes the demo files into `folder` and loads them. Running it again adds nothing
    /// that is already there.
    pub async fn load_demo(&self, folder: &Path) -> Result<DemoLoaded, ServiceError> {
        let today = self.today();
        let io = |e: std::io::Error| {
            ServiceError::BadRequest(format!(
                "cannot write the demo files to {}: {e}",
                folder.display()
            ))
        };
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
        let waiting: Vec<String> = self
            .payments(Some("validated"))
            .await?
            .payments
            .into_iter()
            .filter(|p| p.cases.is_empty())
            .map(|p| p.id)
            .take(DEMO_PAYMENTS_APPROVED)
            .collect();
        if !waiting.is_empty() {
            self.as_user(DEMO_APPROVER)
                .payments_approve(&waiting)
                .await?;
            lines.push(format!(
                "{} payments approved by {DEMO_APPROVER}",
                waiting.len()
            ));
        }
        // One large payment with its first approval, waiting for a second person.
        let large = self
            .payments(Some("validated"))
            .await?
            .payments
            .into_iter()
            .find(|p| p.cases.is_empty() && above_limit(&p.amount));
        if let Some(large) = large {
            self.as_user(DEMO_APPROVER)
                .payments_approve(std::slice::from_ref(&large.id))
                .await?;
            lines.push(format!(
                "payment {} approved once, waiting for a second approver",
                large.id
            ));
        }
        lines.extend(self.load_demo_reconciliation(folder, today).await?);
        Ok(DemoLoaded {
            statement_files: paths.len(),
            statement_files_new: new,
            lines,
        })
    }

    /// The reconciliation's side of the demo: the ERP's items behind the statements, the
    /// Benelux entity's labelled set (every case the matcher handles, in four formats), a run,
    /// and owners and comments on some of the exceptions it leaves.
    async fn load_demo_reconciliation(
        &self,
        folder: &Path,
        today: chrono::NaiveDate,
    ) -> Result<Vec<String>, ServiceError> {
        let io = |e: std::io::Error| {
            ServiceError::BadRequest(format!(
                "cannot write the demo files to {}: {e}",
                folder.display()
            ))
        };
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
            self.as_user(DEMO_APPROVER).payments_approve(&ids).await?;
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
            self.as_user(DEMO_CONTROLLERS[0])
                .exceptions_assign(ExceptionsAssign {
                    ids: vec![case.id.clone()],
                    owner: Some(owner.to_string()),
                })
                .await?;
        }
        if let Some(case) = unowned.first() {
            let controller = self.as_user(DEMO_CONTROLLERS[0]);
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
