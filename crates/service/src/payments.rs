//! Payments: runs in from the ERP, four-eyes approval, cancellation, and each payment's
//! timeline with the bank's words.

use std::collections::HashMap;
use std::path::Path;

use cashline_bankfile::pain001_write::Pain001Version;
use cashline_bankfile::{pain001, pain002};
use cashline_domain::PaymentSource;
use cashline_domain::Right;
use cashline_domain::{reason_meaning, Currency, Money, PaymentState};
use cashline_engine::import::ImportSource;
use cashline_engine::payment::{self, status};
use cashline_erp::mapping::Records;
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::payment as payments;
use cashline_ledger::payment_export;

use crate::erp::read;
use crate::{request, wire};
use crate::{Service, ServiceError};

fn state_of(text: Option<&str>) -> Result<Option<PaymentState>, ServiceError> {
    text.map(|t| {
        PaymentState::parse(t).ok_or_else(|| {
            let known: Vec<&str> = PaymentState::ALL.iter().map(|s| s.as_str()).collect();
            ServiceError::BadRequest(format!(
                "'{t}' is not a payment state (one of {})",
                known.join(", ")
            ))
        })
    })
    .transpose()
}

fn amount(minor: i64, currency: &str) -> Result<String, ServiceError> {
    let currency = Currency::from_code(currency).map_err(cashline_engine::EngineError::from)?;
    Ok(Money::from_minor(minor, currency).amount_text())
}

fn event(e: &payments::EventRow) -> wire::PaymentEvent {
    wire::PaymentEvent {
        status: e.state.as_str().to_string(),
        from: e.from_state.map(|s| s.as_str().to_string()),
        applied: e.applied,
        refusal: e.refusal.clone(),
        at: e.occurred_at.clone(),
        source: e.source.as_str().to_string(),
        source_file: e.source_file.clone(),
        bank_status: e.status.map(|s| s.as_str().to_string()),
        bank_status_meaning: e.status.map(|s| s.meaning().to_string()),
        status_at: e.status_at.clone(),
        reason: e.reason_code.clone(),
        reason_meaning: e
            .reason_code
            .as_deref()
            .and_then(reason_meaning)
            .map(str::to_string),
        reason_text: e.reason_text.clone(),
        correlation_id: e.correlation_id.clone(),
        recorded_by: e.recorded_by.clone(),
    }
}

/// On its way to the bank or at it, and not settled although its requested date has passed.
fn is_overdue(row: &payments::PaymentRow, today: chrono::NaiveDate) -> bool {
    let on_its_way = matches!(
        row.state,
        PaymentState::Approved
            | PaymentState::Sent
            | PaymentState::Acknowledged
            | PaymentState::Accepted
    );
    on_its_way
        && cashline_ledger::time::parse_date(&row.requested_date)
            .is_ok_and(|requested| requested < today)
}

/// Payments as the wire shows them, each with its own events (read with the page, once).
async fn with_events(
    service: &Service,
    rows: Vec<payments::PaymentRow>,
) -> Result<Vec<wire::Payment>, ServiceError> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let pool = service.ledger.pool();
    let mut by_payment: HashMap<i64, Vec<payments::EventRow>> = HashMap::new();
    for e in payments::events_of(pool, &ids).await? {
        by_payment.entry(e.payment_id).or_default().push(e);
    }
    let mut issues: HashMap<i64, Vec<wire::PaymentIssue>> = HashMap::new();
    for i in payments::issues_of(pool, &ids).await? {
        issues
            .entry(i.payment_id)
            .or_default()
            .push(wire::PaymentIssue {
                field: i.field,
                reason: i.reason,
            });
    }
    let mut approvals: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, by) in payments::approvals_of(pool, &ids).await? {
        approvals.entry(id).or_default().push(by);
    }
    let mut cases: HashMap<i64, Vec<wire::PaymentCase>> = HashMap::new();
    for (id, kind, subject) in payments::open_cases_of(pool, &ids).await? {
        cases
            .entry(id)
            .or_default()
            .push(wire::PaymentCase { kind, subject });
    }
    let today = service.today();
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let overdue = is_overdue(&row, today);
        let own = by_payment.remove(&row.id).unwrap_or_default();
        out.push(wire::Payment {
            id: row.external_id,
            end_to_end_id: row.end_to_end_id,
            // The bank's reason for where the payment is: the last applied event's.
            reason: own
                .iter()
                .rev()
                .filter(|e| e.applied)
                .find_map(|e| e.reason_code.clone()),
            status: row.state.as_str().to_string(),
            debtor_iban: row.debtor_iban,
            creditor_name: row.creditor_name,
            creditor_iban: row.creditor_iban,
            amount: amount(row.amount_minor, &row.currency)?,
            currency: row.currency,
            requested_date: row.requested_date,
            reference: row.reference,
            prepared_by: row.prepared_by,
            approved_by: row.approved_by,
            run: row.run_id,
            payment_info_id: row.payment_info_id,
            issues: issues.remove(&row.id).unwrap_or_default(),
            approvals: approvals.remove(&row.id).unwrap_or_default(),
            cases: cases.remove(&row.id).unwrap_or_default(),
            overdue,
            events: own.iter().map(event).collect(),
        });
    }
    Ok(out)
}

impl Service {
    /// A payment run from the ERP: the CSV of CLI.md, or a pain.001 (.03 to .12) the ERP wrote
    /// for a bank portal, told apart by content.
    pub async fn payments_import(
        &self,
        path: &Path,
    ) -> Result<wire::PaymentsImported, ServiceError> {
        self.payments_import_with(path, None).await
    }

    /// As `payments_import`, a CSV in another ERP's layout read through the saved mapping
    /// named, or else the one whose header the file has.
    pub async fn payments_import_with(
        &self,
        path: &Path,
        mapping: Option<&str>,
    ) -> Result<wire::PaymentsImported, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        let (name, bytes) = read(path)?;
        let mapping = if pain001::detect(&bytes).is_some() {
            None
        } else {
            self.erp_mapping(Records::Payments, mapping, &bytes).await?
        };
        // The run is known by its file's name; where it lay is the import's business.
        let file_name = path
            .file_name()
            .map_or_else(|| name.clone(), |n| n.to_string_lossy().into_owned());
        let refused = |e: &dyn std::fmt::Display| ServiceError::BadRequest(format!("{name}: {e}"));
        let (source, message_id, parsed) = if pain001::detect(&bytes).is_some() {
            let run = pain001::parse(&bytes).map_err(|e| refused(&e))?;
            let instructions = instructions_of(&run);
            (
                payment::RunSource::Pain001,
                Some(run.message_id),
                instructions,
            )
        } else {
            let parsed = match &mapping {
                Some(mapping) => mapping.payments(&bytes),
                None => cashline_erp::payments::parse(&bytes),
            }
            .map_err(|e| refused(&e))?;
            (payment::RunSource::Csv, None, parsed)
        };
        let run = payment::RunIn {
            source,
            name: &file_name,
            message_id: message_id.as_deref(),
            source_file_id: None,
        };
        let report = payment::store(&self.ledger, &run, &parsed, user, self.clock.now()).await?;
        Ok(wire::PaymentsImported {
            file: name,
            mapping: mapping.map(|m| m.name),
            payments: report.payments,
            new_payments: report.new_payments,
            validated: report.validated,
            with_issues: report.with_issues,
            held_as_duplicates: report.held_as_duplicates,
        })
    }

    pub async fn payments_approve(
        &self,
        ids: &[String],
    ) -> Result<wire::PaymentsReport, ServiceError> {
        let user = self.allow(Right::Approve).await?;
        payment::approve(&self.ledger, ids, user, self.clock.now()).await?;
        // The payments approved, as they are now, in the list's order: their own rows and
        // timelines, not every payment's.
        let mut rows = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(row) = payments::find_by_id(self.ledger.pool(), id).await? {
                if !rows.iter().any(|r: &payments::PaymentRow| r.id == row.id) {
                    rows.push(row);
                }
            }
        }
        rows.sort_by(|a, b| {
            (&a.requested_date, &a.external_id).cmp(&(&b.requested_date, &b.external_id))
        });
        let shown = with_events(self, rows).await?;
        Ok(wire::PaymentsReport {
            matching: shown.len(),
            payments: shown,
        })
    }

    /// Writes the approved, unsent payments as one pain.001 (`pain.001.001.09` or `.03`).
    pub async fn payments_export(
        &self,
        format: &str,
        out: &Path,
    ) -> Result<wire::PaymentsExported, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        let version = Pain001Version::parse(format.trim()).ok_or_else(|| {
            ServiceError::BadRequest(format!(
                "'{}' is not an export format (pain.001.001.09 or pain.001.001.03)",
                cashline_domain::shown(format)
            ))
        })?;
        let done =
            payment::export::export(&self.ledger, version, out, user, self.clock.now()).await?;
        Ok(wire::PaymentsExported {
            file: done.file.map(|f| f.display().to_string()),
            message_id: done.message_id,
            payments: done.payments,
            finished: done
                .finished
                .iter()
                .map(|f| f.display().to_string())
                .collect(),
        })
    }

    /// The folder beside the ledger where the window and the browser, which name no path,
    /// have their bank files written.
    fn exports_dir(&self) -> std::path::PathBuf {
        let options = self.ledger.pool().connect_options();
        options
            .get_filename()
            .parent()
            .map_or_else(|| "exports".into(), |dir| dir.join("exports"))
    }

    /// `payments export` for the fronts that name no file: written into the data folder's
    /// `exports`, under a name of its time.
    pub async fn payments_export_here(
        &self,
        format: &str,
    ) -> Result<wire::PaymentsExported, ServiceError> {
        let dir = self.exports_dir();
        std::fs::create_dir_all(&dir).map_err(|e| {
            ServiceError::BadRequest(format!("cannot make the folder {}: {e}", dir.display()))
        })?;
        let stamp = self.clock.now().format("%Y%m%dT%H%M%SZ");
        let out = (1..)
            .map(|n| {
                dir.join(if n == 1 {
                    format!("pain001-{stamp}.xml")
                } else {
                    format!("pain001-{stamp}-{n}.xml")
                })
            })
            .find(|path| !path.exists())
            .unwrap_or_else(|| dir.join(format!("pain001-{stamp}.xml")));
        self.payments_export(format, &out).await
    }

    /// The bank files written so far, newest first.
    pub async fn payment_exports(&self) -> Result<wire::PaymentExportsReport, ServiceError> {
        let exports = payment_export::list(self.ledger.pool())
            .await?
            .into_iter()
            .map(|row| wire::PaymentExport {
                id: row.id,
                message_id: row.message_id,
                format: row.format,
                file_name: row.file_name,
                payments: row.payments,
                digest_sha256: row.digest_sha256,
                created_at: row.created_at,
                created_by: row.created_by,
                written_at: row.written_at,
            })
            .collect();
        Ok(wire::PaymentExportsReport { exports })
    }

    /// An exported file's exact bytes, for a lost upload: what `payments reexport` writes,
    /// handed to a front that saves it itself. Recorded in the audit log as a re-export.
    pub async fn payment_export_document(
        &self,
        key: &str,
    ) -> Result<wire::PaymentExportDocument, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        let row = payment_export::find(self.ledger.pool(), key.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "there is no export '{}'",
                    cashline_domain::shown(key)
                ))
            })?;
        let document = String::from_utf8(row.document).map_err(|_| {
            ServiceError::Corrupt(format!("export {} is not UTF-8 text", row.message_id))
        })?;
        payment::export::record_reexport(
            &self.ledger,
            &row.message_id,
            "download",
            user,
            self.clock.now(),
        )
        .await?;
        let file_name = Path::new(&row.file_name).file_name().map_or_else(
            || format!("{}.xml", row.message_id),
            |n| n.to_string_lossy().into_owned(),
        );
        Ok(wire::PaymentExportDocument {
            message_id: row.message_id,
            format: row.format,
            file_name,
            document,
        })
    }

    /// Writes an earlier export again, byte for byte.
    pub async fn payments_reexport(&self, key: &str, out: &Path) -> Result<String, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        let written =
            payment::export::reexport(&self.ledger, key, out, user, self.clock.now()).await?;
        Ok(written.display().to_string())
    }

    /// Releases a payment held as a possible duplicate.
    pub async fn payments_release(&self, id: &str) -> Result<wire::Payment, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        payment::release(&self.ledger, id, user, self.clock.now()).await?;
        self.payment_show(id).await
    }

    pub async fn approval_limits(&self) -> Result<wire::ApprovalLimitsReport, ServiceError> {
        let mut limits = Vec::new();
        for row in payments::limits(self.ledger.pool()).await? {
            limits.push(wire::ApprovalLimit {
                amount: amount(row.amount_minor, &row.currency)?,
                currency: row.currency,
                set_by: row.set_by,
                set_at: row.set_at,
            });
        }
        Ok(wire::ApprovalLimitsReport { limits })
    }

    /// Sets the amount above which a payment in `currency` needs two approvers; `None` (or
    /// `none`) removes it.
    pub async fn approval_limit_set(
        &self,
        currency: &str,
        amount: Option<&str>,
    ) -> Result<wire::ApprovalLimitsReport, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let code = Currency::from_code(currency.trim()).map_err(|e| {
            ServiceError::BadRequest(format!("{}: {e}", cashline_domain::shown(currency)))
        })?;
        let money = amount
            .map(str::trim)
            .filter(|a| !a.is_empty() && !a.eq_ignore_ascii_case("none"))
            .map(|a| {
                Money::parse(a, code).map_err(|e| {
                    ServiceError::BadRequest(format!("limit {}: {e}", cashline_domain::shown(a)))
                })
            })
            .transpose()?;
        payment::set_limit(&self.ledger, code, money, user, self.clock.now()).await?;
        self.approval_limits().await
    }

    /// Cancels a payment not yet sent; the reason is on its timeline.
    pub async fn payments_cancel(
        &self,
        id: &str,
        reason: &str,
    ) -> Result<wire::Payment, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        payment::cancel(&self.ledger, id, reason, user, self.clock.now()).await?;
        self.payment_show(id).await
    }

    /// Payments, all or in one state, each with its events.
    pub async fn payments(
        &self,
        state: Option<&str>,
    ) -> Result<wire::PaymentsReport, ServiceError> {
        self.payments_filtered(&request::PaymentsQuery {
            state: state.map(str::to_string),
            ..request::PaymentsQuery::default()
        })
        .await
    }

    /// Payments in a state, of a run, overdue or not, each with its events.
    pub async fn payments_filtered(
        &self,
        query: &request::PaymentsQuery,
    ) -> Result<wire::PaymentsReport, ServiceError> {
        // The run is asked of SQLite (its index), not sifted from every payment.
        let mut rows = payments::list_of(
            self.ledger.pool(),
            state_of(query.state.as_deref())?,
            query.run,
        )
        .await?;
        if query.needs_action == Some(true) {
            // Sifted before the timelines are read: the few that need someone, not every
            // payment with all its events.
            let work: std::collections::HashSet<i64> = payments::with_open_work(self.ledger.pool())
                .await?
                .into_iter()
                .collect();
            let today = self.today();
            rows.retain(|r| {
                work.contains(&r.id)
                    || matches!(r.state, PaymentState::Rejected | PaymentState::Returned)
                    || is_overdue(r, today)
            });
        }
        if let Some(debtor) = query.debtor.as_deref() {
            let wanted = cashline_domain::iban::compact(debtor);
            rows.retain(|r| cashline_domain::iban::compact(&r.debtor_iban) == wanted);
        }
        if let Some(needle) = query.creditor.as_deref() {
            let folded = |text: &str| -> String {
                text.chars()
                    .filter(|c| !c.is_whitespace())
                    .flat_map(char::to_lowercase)
                    .collect()
            };
            let needle = folded(needle);
            rows.retain(|r| {
                folded(&r.creditor_name).contains(&needle)
                    || folded(&r.creditor_iban).contains(&needle)
            });
        }
        if query.from.is_some() || query.to.is_some() {
            // Business dates are ISO text: comparing the text compares the days.
            let from = query.from.map(|d| d.to_string());
            let to = query.to.map(|d| d.to_string());
            rows.retain(|r| {
                from.as_deref()
                    .is_none_or(|f| r.requested_date.as_str() >= f)
                    && to.as_deref().is_none_or(|t| r.requested_date.as_str() <= t)
            });
        }
        if let Some(overdue) = query.overdue {
            let today = self.today();
            rows.retain(|r| is_overdue(r, today) == overdue);
        }
        let matching = rows.len();
        if let Some(limit) = query.limit {
            rows.truncate(limit);
        }
        // Only the payments shown have their timelines read.
        let shown = with_events(self, rows).await?;
        Ok(wire::PaymentsReport {
            payments: shown,
            matching,
        })
    }

    pub async fn cutoffs(&self) -> Result<wire::CutoffsReport, ServiceError> {
        let cutoffs = cashline_ledger::cutoff::list(self.ledger.pool())
            .await?
            .into_iter()
            .map(|c| wire::Cutoff {
                bank_bic: c.bank_bic,
                currency: c.currency,
                time: c.cutoff_time,
                time_zone: c.time_zone,
                set_by: c.set_by,
                set_at: c.set_at,
            })
            .collect();
        Ok(wire::CutoffsReport { cutoffs })
    }

    pub async fn cutoff_set(
        &self,
        set: &request::CutoffSet,
    ) -> Result<wire::CutoffsReport, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let currency = Currency::from_code(set.currency.trim()).map_err(|e| {
            ServiceError::BadRequest(format!("{}: {e}", cashline_domain::shown(&set.currency)))
        })?;
        payment::cutoff::set(
            &self.ledger,
            &set.bic,
            currency,
            &set.time,
            &set.time_zone,
            user,
            self.clock.now(),
        )
        .await?;
        self.cutoffs().await
    }

    /// One payment with its whole timeline.
    pub async fn payment_show(&self, id: &str) -> Result<wire::Payment, ServiceError> {
        let row = payments::find_by_id(self.ledger.pool(), id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no payment '{id}'")))?;
        let mut shown = with_events(self, vec![row]).await?;
        Ok(shown.pop().expect("one payment in, one out"))
    }

    /// The payment runs, newest first, with counts and amounts per state: the funnel.
    pub async fn payment_runs(&self) -> Result<wire::PaymentRunsReport, ServiceError> {
        let rows = payments::runs(self.ledger.pool()).await?;
        let mut runs: Vec<wire::PaymentRun> = Vec::new();
        for row in rows {
            if runs.last().is_none_or(|r| r.id != row.id) {
                runs.push(wire::PaymentRun {
                    id: row.id,
                    source: row.source.clone(),
                    name: row.name.clone(),
                    message_id: row.message_id.clone(),
                    created_at: row.created_at.clone(),
                    imported_by: row.imported_by.clone(),
                    payments: 0,
                    states: Vec::new(),
                });
            }
            let run = runs.last_mut().expect("pushed above");
            if let (Some(state), Some(currency)) = (row.state, row.currency) {
                run.payments += row.count;
                run.states.push(wire::RunState {
                    state: state.as_str().to_string(),
                    amount: amount(row.amount_minor, &currency)?,
                    currency,
                    count: row.count,
                });
            }
        }
        Ok(wire::PaymentRunsReport { runs })
    }
}

/// The payments of an ERP's pain.001, their ids kept. A payment is known by the message and
/// its instruction id, which the schema makes unique within the message; where the ERP wrote
/// none (or the same twice), by the message, its batch and its place in the batch, so that
/// the same file imported again names the same payments.
fn instructions_of(run: &pain001::CreditTransferRun) -> Vec<PaymentInstruction> {
    let mut seen = std::collections::HashSet::new();
    let by_instruction = run
        .transfers()
        .all(|(_, t)| t.instruction_id.as_ref().is_some_and(|id| seen.insert(id)));
    let mut out = Vec::new();
    for batch in &run.batches {
        for (n, t) in batch.transfers.iter().enumerate() {
            let external_id = match (&t.instruction_id, by_instruction) {
                (Some(id), true) => format!("{}/{id}", run.message_id),
                _ => format!("{}/{}/{}", run.message_id, batch.payment_info_id, n + 1),
            };
            out.push(PaymentInstruction {
                external_id,
                end_to_end_id: t.end_to_end_id.clone(),
                debtor_iban: batch.debtor_account.clone(),
                creditor_name: t.creditor_name.clone(),
                creditor_iban: t.creditor_account.clone(),
                creditor_bic: t.creditor_bic.clone(),
                amount: t.amount,
                requested_date: batch.requested_date,
                reference: t.reference.clone(),
                payment_info_id: Some(batch.payment_info_id.clone()),
                instruction_id: t.instruction_id.clone(),
            });
        }
    }
    out
}

/// The engine's reading of a parsed pain.002.
fn report_of(parsed: &pain002::StatusReport) -> status::Report {
    let reason = |reasons: &[pain002::StatusReason]| -> (Option<String>, Option<String>) {
        let first = reasons.iter().find(|r| r.code.is_some());
        let words: Vec<&str> = reasons
            .iter()
            .flat_map(|r| r.additional_info.iter().map(String::as_str))
            .collect();
        (
            first.and_then(|r| r.code.clone()),
            (!words.is_empty()).then(|| words.join(" ")),
        )
    };
    let status_of = |code, reasons: &[pain002::StatusReason]| {
        let (reason_code, reason_text) = reason(reasons);
        status::Status {
            code,
            reason_code,
            reason_text,
        }
    };
    status::Report {
        message_id: parsed.message_id.clone(),
        created_at: parsed.created_at,
        original_message_id: parsed.original_message_id.clone(),
        group: parsed
            .group_status
            .map(|code| status_of(code, &parsed.group_reasons)),
        batches: parsed
            .batches
            .iter()
            .map(|b| status::BatchStatus {
                original_payment_info_id: b.original_payment_info_id.clone(),
                status: b.status.map(|code| status_of(code, &b.reasons)),
                transactions: b
                    .transactions
                    .iter()
                    .map(|t| status::TransactionStatus {
                        original_instruction_id: t.original_instruction_id.clone(),
                        original_end_to_end_id: t.original_end_to_end_id.clone(),
                        original_debtor_iban: t.original_debtor_iban.clone(),
                        status: status_of(t.status, &t.reasons),
                        place: format!("line {}", t.line),
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// The first bytes of a file given to `import`, where a payment message names itself.
fn head_of(source: ImportSource<'_>) -> Option<Vec<u8>> {
    Some(match source {
        ImportSource::Bytes(bytes) => bytes[..bytes.len().min(4096)].to_vec(),
        ImportSource::Path(path) => {
            use std::io::Read;
            let mut head = Vec::new();
            std::fs::File::open(path)
                .and_then(|f| f.take(4096).read_to_end(&mut head))
                .ok()?;
            head
        }
    })
}

/// A pain.001 given to `import` is a payment run, not a statement: it is refused there with
/// the command that reads it, rather than called an unknown format.
pub(crate) fn payment_run_here(
    file_name: &str,
    source: ImportSource<'_>,
) -> Option<wire::FileResult> {
    let name = pain001::detect(&head_of(source)?)?;
    Some(crate::service::failed_with(
        file_name,
        Some(name.clone()),
        format!(
            "{file_name}: a payment run ({name}), not a statement: import it with `cashline payments import`"
        ),
        "unsupported",
    ))
}

impl Service {
    /// A pain.002 given to `import`: the payments it names moved, or `None` when the file is
    /// not a status report.
    pub(crate) async fn status_file(
        &self,
        file_name: &str,
        source: ImportSource<'_>,
        user: &str,
    ) -> Option<wire::FileResult> {
        let version = pain002::detect(&head_of(source)?)?;
        let format = if version == 0 {
            "pain.002".to_string()
        } else {
            format!("pain.002.001.{version:02}")
        };
        let failed = |message: String, code| {
            crate::service::failed_with(file_name, Some(format.clone()), message, code)
        };
        let bytes = match source {
            ImportSource::Bytes(bytes) => bytes.to_vec(),
            ImportSource::Path(path) => {
                let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                if size > pain002::PAIN002_BYTES_MAX as u64 {
                    return Some(failed(
                        format!(
                            "{file_name}: {size} bytes, more than the {}-byte limit of a status report",
                            pain002::PAIN002_BYTES_MAX
                        ),
                        "too_large",
                    ));
                }
                match std::fs::read(path) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        return Some(failed(
                            format!("{file_name}: cannot read the file: {e}"),
                            "unreadable",
                        ))
                    }
                }
            }
        };
        let parsed = match pain002::parse(&bytes) {
            Ok(parsed) => parsed,
            Err(e) => return Some(failed(format!("{file_name}: {e}"), "invalid")),
        };
        let digest = status::digest(&bytes);
        let file = status::FileIn {
            digest_sha256: &digest,
            size_bytes: bytes.len() as u64,
            format: &format,
        };
        let applied = status::apply(
            &self.ledger,
            &report_of(&parsed),
            PaymentSource::Pain002,
            Some(file),
            file_name,
            user,
            self.clock.now(),
        )
        .await;
        Some(match applied {
            Ok(applied) => wire::FileResult {
                file: file_name.to_string(),
                format: Some(format.clone()),
                status: if applied.is_some() {
                    "imported"
                } else {
                    "duplicate"
                },
                statements: 0,
                entries: 0,
                new_entries: 0,
                promoted_entries: 0,
                payments_settled: 0,
                payments_returned: 0,
                payment_statuses: applied.map_or(0, |a| a.payments as u64),
                error: None,
                error_code: None,
                warnings: Vec::new(),
                exceptions: Vec::new(),
            },
            Err(e) => failed(e.to_string(), "invalid"),
        })
    }
}
