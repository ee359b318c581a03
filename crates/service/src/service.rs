//! `Service`: the commands of Cashline, one method each.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Duration, NaiveDate};
use tracing::{info_span, Instrument};

use cashline_chart::balances::{balances_by_currency_svg, CurrencySeries};
use cashline_domain::Right;
use cashline_domain::{mask::mask_account, shown, Clock, Currency, Money};
use cashline_engine::csv_mapping;
use cashline_engine::import::{import_file, ImportRequest, ImportSource, ImportStatus};
use cashline_engine::CsvMappingDefinition as CsvMapping;
use cashline_erp::mapping::ErpCsvMapping;
use cashline_ledger::{audit, entry, setting, Ledger};

pub use crate::request::{EntriesQuery, ImportOptions};
use crate::wire;
use crate::ServiceError;

/// Largest file accepted for import, in bytes (the parsers' own limit).
pub const FILE_BYTES_MAX: usize = cashline_engine::FILE_BYTES_MAX;
/// The setting naming the watched inbox folder.
pub(crate) const INBOX_SETTING: &str = "inbox_folder";
/// How many days of history the balances chart shows.
const CHART_DAYS: i64 = 30;

pub struct ServiceConfig {
    pub db_path: PathBuf,
    /// Recorded in the audit log for every change.
    pub user: String,
    pub clock: Arc<dyn Clock>,
}

/// Cheap to clone: every front holds one and shares it between requests.
#[derive(Clone)]
pub struct Service {
    pub(crate) ledger: Ledger,
    /// The ledger's file, for what concerns the file itself (its key, backups).
    pub(crate) db_path: Arc<Path>,
    pub(crate) actor: crate::acting::Actor,
    pub(crate) clock: Arc<dyn Clock>,
}

impl Service {
    pub async fn open(config: ServiceConfig) -> Result<Service, ServiceError> {
        let ledger = crate::ledger_file::open(&config.db_path).await?;
        let name = cashline_domain::role::user_name(&config.user)
            .map_err(|e| ServiceError::BadRequest(e.to_string()))?;
        let service = Service {
            ledger,
            db_path: config.db_path.into(),
            actor: crate::acting::Actor::new(name),
            clock: config.clock,
        };
        service.admit().await?;
        Ok(service)
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.now().date_naive()
    }

    /// Imports files from disk, each on its own: one that fails imports nothing and the others
    /// go on. Failures are reported in the result, not as an error.
    pub async fn import_paths(
        &self,
        paths: &[PathBuf],
        options: &ImportOptions,
    ) -> wire::ImportReport {
        let mut files = Vec::with_capacity(paths.len());
        for path in paths {
            let name = path.display().to_string();
            let result = if path.is_file() {
                self.import_one(&name, ImportSource::Path(path), options)
                    .await
            } else {
                failed(
                    &name,
                    None,
                    format!("{}: there is no such file", shown(&name)),
                )
            };
            files.push(result);
        }
        wire::ImportReport { files }
    }

    /// Imports one file's bytes, as the window sends them. Only the base of `file_name` is
    /// kept: a path from another machine's browser or file picker means nothing here.
    pub async fn import_bytes(
        &self,
        file_name: &str,
        bytes: &[u8],
        options: &ImportOptions,
    ) -> wire::ImportReport {
        let file_name = upload_name(file_name);
        let result = if bytes.len() > FILE_BYTES_MAX {
            failed(
                file_name,
                None,
                format!(
                    "{}: the file is {} bytes, more than the {FILE_BYTES_MAX}-byte limit",
                    shown(file_name),
                    bytes.len()
                ),
            )
        } else {
            self.import_one(file_name, ImportSource::Bytes(bytes), options)
                .await
        };
        wire::ImportReport {
            files: vec![result],
        }
    }

    /// Imports a file uploaded through the local API and already streamed to `path`, under the
    /// name it was uploaded with (its base only, as for `import_bytes`).
    pub async fn import_upload(
        &self,
        file_name: &str,
        path: &Path,
        options: &ImportOptions,
    ) -> wire::ImportReport {
        let file_name = upload_name(file_name);
        let result = self
            .import_one(file_name, ImportSource::Path(path), options)
            .await;
        wire::ImportReport {
            files: vec![result],
        }
    }

    async fn import_one(
        &self,
        file_name: &str,
        source: ImportSource<'_>,
        options: &ImportOptions,
    ) -> wire::FileResult {
        let user = match self.allow(Right::Import).await {
            Ok(user) => user,
            Err(error) => return failed_with(file_name, None, error.to_string(), error.code()),
        };
        // A bank's status report is about payments, not a statement: the payments engine reads it.
        if let Some(result) = self.status_file(file_name, source, user).await {
            return result;
        }
        if let Some(result) = crate::payments::payment_run_here(file_name, source) {
            return result;
        }
        let request = ImportRequest {
            file_name,
            source,
            user,
            now: self.clock.now(),
            csv_mapping: options.csv_mapping.as_deref(),
        };
        match import_file(&self.ledger, request)
            .instrument(info_span!("command", name = "import"))
            .await
        {
            Ok(report) => wire::FileResult {
                file: report.file_name,
                format: Some(report.format),
                status: match report.status {
                    ImportStatus::Imported => "imported",
                    ImportStatus::Duplicate => "duplicate",
                },
                statements: report.statements,
                entries: report.entries,
                new_entries: report.entries_new,
                promoted_entries: report.entries_promoted,
                payments_settled: report.payments_settled,
                payments_returned: report.payments_returned,
                payment_statuses: 0,
                error: None,
                error_code: None,
                warnings: report.warnings,
                exceptions: report.exceptions_opened,
            },
            Err(error) => {
                let format = cashline_engine::import::detect_format(source);
                failed_with(file_name, format, error.to_string(), error_code(&error))
            }
        }
    }

    pub async fn entries(&self, query: EntriesQuery) -> Result<wire::EntriesReport, ServiceError> {
        if let (Some(from), Some(to)) = (query.from, query.to) {
            if from > to {
                return Err(ServiceError::BadRequest(format!(
                    "--from {from} is after --to {to}"
                )));
            }
        }
        let filter = entry::EntryFilter {
            account_key: query.account.map(|a| {
                a.split_whitespace()
                    .collect::<String>()
                    .to_ascii_uppercase()
            }),
            from: query.from,
            to: query.to,
            limit: query.limit,
        };
        let (rows, mut details) = async {
            let rows = entry::list(self.ledger.pool(), &filter).await?;
            let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
            let details = entry::details_of(self.ledger.pool(), &ids).await?;
            Ok::<_, ServiceError>((rows, details))
        }
        .instrument(info_span!("command", name = "entries"))
        .await?;
        let mut entries = Vec::with_capacity(rows.len());
        for row in rows {
            let currency =
                Currency::from_code(&row.currency).map_err(cashline_engine::EngineError::from)?;
            let details = details
                .remove(&row.id)
                .unwrap_or_default()
                .into_iter()
                .map(wire_detail)
                .collect::<Result<Vec<_>, ServiceError>>()?;
            entries.push(wire::Entry {
                account: row.account_key,
                // The entry reference stands in where a bank gives no reference of its own
                // (CLI.md, `bank_ref`); it is shown as itself too.
                bank_ref: row.bank_ref.or(row.entry_ref.clone()),
                entry_ref: row.entry_ref,
                booking_date: row.booking_date,
                value_date: row.value_date,
                amount: Money::from_minor(row.amount_minor, currency).amount_text(),
                currency: row.currency,
                status: row.status,
                reversal: row.reversal != 0,
                end_to_end_id: row.end_to_end_id,
                counterparty: row.counterparty_name,
                counterparty_iban: row.counterparty_iban,
                remittance: row.remittance,
                creditor_reference: row.creditor_reference,
                bank_transaction_code: row.bank_transaction_code,
                details,
            });
        }
        Ok(wire::EntriesReport { entries })
    }

    /// Re-checks the audit log's chain, and its length against the anchor kept outside the
    /// ledger: a log whose last records were deleted, or an older copy of the ledger put in
    /// its place, fails even though its chain holds.
    pub async fn audit_verify(&self) -> Result<wire::AuditReport, ServiceError> {
        let (anchor, anchor_note) = match crate::anchor::read(&self.ledger).await {
            Ok(anchor) => {
                let note = anchor
                    .is_none()
                    .then(|| "no anchor was kept for this ledger yet".to_string());
                (anchor, note)
            }
            Err(error) => (None, Some(error.to_string())),
        };
        let report = audit::verify_against(self.ledger.pool(), anchor.as_ref()).await?;
        let unrecorded = audit::unrecorded(self.ledger.pool()).await?;
        let problem = report.problem.or_else(|| {
            (!unrecorded.is_empty()).then(|| {
                format!(
                    "{} without an audit record: {}",
                    if unrecorded.len() == 1 {
                        "a row"
                    } else {
                        "rows"
                    },
                    unrecorded.join("; ")
                )
            })
        });
        Ok(wire::AuditReport {
            records: report.records,
            ok: report.first_bad.is_none() && unrecorded.is_empty(),
            first_bad: report.first_bad.map(|id| id.to_string()),
            problem,
            unrecorded,
            anchored: anchor.is_some(),
            anchor_note,
        })
    }

    /// Moves the audit log's anchor (in the keychain) up to the log's head, after a command
    /// that may have appended to it. Never backwards: a shorter log leaves the anchor as it
    /// was, for `audit verify` to find. A keychain that cannot be used is logged, not fatal.
    pub async fn anchor_audit(&self) {
        if let Err(error) = crate::anchor::advance(&self.ledger).await {
            tracing::warn!(%error, "the audit log's anchor could not be kept");
        }
    }

    /// Total closing booked balance per currency per day over the last 30 days, as SVG.
    /// Each account's last known closing carries forward over days without a statement.
    pub async fn balances_chart_svg(&self) -> Result<String, ServiceError> {
        let today = self.today();
        let from = today - Duration::days(CHART_DAYS);
        let history = cashline_engine::history::history(&self.ledger, from, today, None).await?;
        let series: Vec<CurrencySeries> = history
            .totals
            .into_iter()
            .map(|(currency, points)| CurrencySeries { currency, points })
            .collect();
        Ok(balances_by_currency_svg(&series)?)
    }

    /// Saves a CSV mapping given as its JSON (replacing one of that name): a bank statement
    /// export's (`CsvMapping`), or, with a `records` member, an ERP export's
    /// (`ErpCsvMapping`).
    pub async fn csv_mapping_save(
        &self,
        definition: serde_json::Value,
    ) -> Result<wire::CsvMapping, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let invalid = |e: serde_json::Error| {
            ServiceError::BadRequest(format!("the CSV mapping is not valid: {e}"))
        };
        if definition.get("records").is_some() {
            let mapping: ErpCsvMapping = serde_json::from_value(definition).map_err(invalid)?;
            csv_mapping::save_erp(&self.ledger, &mapping, user, self.clock.now()).await?;
            return Ok(wire::CsvMapping::from_erp(&mapping));
        }
        let mapping: CsvMapping = serde_json::from_value(definition).map_err(invalid)?;
        csv_mapping::save(&self.ledger, &mapping, user, self.clock.now()).await?;
        Ok(wire::CsvMapping::from_definition(&mapping))
    }

    pub async fn csv_mappings(&self) -> Result<wire::CsvMappingsReport, ServiceError> {
        let statements = csv_mapping::load(&self.ledger).await?;
        let erp = csv_mapping::load_erp(&self.ledger).await?;
        let mut mappings: Vec<wire::CsvMapping> = statements
            .iter()
            .map(wire::CsvMapping::from_definition)
            .chain(erp.iter().map(wire::CsvMapping::from_erp))
            .collect();
        mappings.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(wire::CsvMappingsReport { mappings })
    }

    pub async fn csv_mapping_remove(&self, name: &str) -> Result<(), ServiceError> {
        let user = self.allow(Right::Configure).await?;
        csv_mapping::remove(&self.ledger, name, user, self.clock.now()).await?;
        Ok(())
    }

    /// The watched inbox folder set in the app, if any.
    pub async fn inbox_folder(&self) -> Result<Option<PathBuf>, ServiceError> {
        Ok(setting::get(self.ledger.pool(), INBOX_SETTING)
            .await?
            .map(PathBuf::from))
    }

    /// Sets (or with `None` clears) the watched inbox folder. The folder must exist.
    pub async fn set_inbox_folder(
        &self,
        folder: Option<&Path>,
    ) -> Result<wire::Settings, ServiceError> {
        if let Some(folder) = folder {
            if !folder.is_absolute() || !folder.is_dir() {
                return Err(ServiceError::BadRequest(format!(
                    "the inbox folder {} must be an existing folder, given as a full path",
                    shown(&folder.display().to_string())
                )));
            }
        }
        let value = folder.map(|f| f.display().to_string());
        let mut write = self.write(Right::Configure).await?;
        let user = write.actor().to_string();
        setting::set(
            &mut write.tx,
            INBOX_SETTING,
            value.as_deref(),
            &user,
            write.now,
        )
        .await?;
        write
            .commit(
                "setting.inbox_folder",
                INBOX_SETTING,
                serde_json::json!({ "folder": value }),
            )
            .await?;
        self.settings().await
    }

    pub async fn settings(&self) -> Result<wire::Settings, ServiceError> {
        let folder = self.inbox_folder().await?;
        // A folder that cannot be read now is the watcher's to report; the settings still show.
        let other_files = match &folder {
            Some(folder) => crate::inbox::survey(self, folder)
                .await
                .map(|survey| survey.other_files)
                .unwrap_or_default(),
            None => Vec::new(),
        };
        Ok(wire::Settings {
            inbox_folder: folder.map(|f| f.display().to_string()),
            inbox_other_files: other_files,
        })
    }

    pub async fn close(&self) {
        self.ledger.close().await;
    }
}

/// The base name of an uploaded file: whatever follows its last `/` or `\\`.
fn upload_name(name: &str) -> &str {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.is_empty() {
        name
    } else {
        base
    }
}

/// A stored transaction detail on the wire, its amount in its currency's minor units.
fn wire_detail(detail: entry::DetailRow) -> Result<wire::EntryDetail, ServiceError> {
    let position = u32::try_from(detail.position).map_err(|_| {
        cashline_ledger::LedgerError::Corrupt(format!(
            "entry detail position {} of entry {}",
            detail.position, detail.entry_id
        ))
    })?;
    let amount = match (detail.amount_minor, &detail.currency) {
        (Some(minor), Some(code)) => {
            let currency = Currency::from_code(code).map_err(cashline_engine::EngineError::from)?;
            Some(Money::from_minor(minor, currency).amount_text())
        }
        _ => None,
    };
    Ok(wire::EntryDetail {
        position,
        amount,
        currency: detail.currency,
        end_to_end_id: detail.end_to_end_id,
        instruction_id: detail.instruction_id,
        bank_ref: detail.bank_ref,
        mandate_id: detail.mandate_id,
        counterparty: detail.counterparty_name,
        counterparty_iban: detail.counterparty_iban,
        remittance: detail.remittance,
        creditor_reference: detail.creditor_reference,
        return_reason: detail.return_reason,
    })
}

fn failed(file_name: &str, format: Option<String>, message: String) -> wire::FileResult {
    failed_with(file_name, format, message, "unreadable")
}

/// The code of an import failure, from the engine's error.
fn error_code(error: &cashline_engine::EngineError) -> &'static str {
    use cashline_bankfile::ParseError;
    match error {
        cashline_engine::EngineError::BadFile { source, .. } => match source {
            ParseError::UnknownFormat => "unknown_format",
            ParseError::Truncated { .. } => "truncated",
            ParseError::TooLarge { .. } => "too_large",
            ParseError::Unsupported { .. } => "unsupported",
            ParseError::Io(_) => "unreadable",
            _ => "invalid",
        },
        cashline_engine::EngineError::Inconsistent { .. }
        | cashline_engine::EngineError::InvalidRequest(_) => "invalid",
        _ => "failed",
    }
}

pub(crate) fn failed_with(
    file_name: &str,
    format: Option<String>,
    message: String,
    code: &'static str,
) -> wire::FileResult {
    wire::FileResult {
        file: file_name.to_string(),
        format,
        status: "failed",
        statements: 0,
        entries: 0,
        new_entries: 0,
        promoted_entries: 0,
        payments_settled: 0,
        payments_returned: 0,
        payment_statuses: 0,
        error: Some(message),
        error_code: Some(code),
        warnings: Vec::new(),
        exceptions: Vec::new(),
    }
}

/// Account numbers in logs are masked; this is the one helper fronts use for that.
pub fn masked(account: &str) -> String {
    mask_account(account)
}
