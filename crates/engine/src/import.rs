//! Statement import: one file is parsed, then written in one transaction, or not at all.
//!
//! Idempotency has three guards, from coarse to fine: the file's SHA-256 digest, the
//! statement's identity (account, currency, statement id, sequence, page) and each entry's
//! identity (bank reference, else a content fingerprint, with an occurrence number so that two
//! genuinely equal entries on one statement are both kept).

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use sha2::{Digest, Sha256};
use tracing::{info, info_span, warn, Instrument};

use cashline_bankfile::{ParsedFile, ParsedStatement};
use cashline_domain::{BalanceType, EntryStatus, Money, StatementKind};
use cashline_ledger::{
    account, audit, balance, bank, entry, exception, source_file, statement, Ledger, Tx,
};

use crate::EngineError;

/// What importing one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportStatus {
    /// At least one statement was new.
    Imported,
    /// The file, or every statement in it, was imported before; nothing changed.
    Duplicate,
}

#[derive(Debug, Clone)]
pub struct FileImport {
    pub file_name: String,
    pub format: String,
    pub status: ImportStatus,
    pub statements: usize,
    pub statements_new: usize,
    pub entries: usize,
    pub entries_new: u64,
    /// Entries first seen in an intraday report, now booked by this file's statements.
    pub entries_promoted: u64,
    pub exceptions_opened: Vec<String>,
    pub warnings: Vec<String>,
}

pub struct ImportRequest<'a> {
    pub file_name: &'a str,
    pub bytes: &'a [u8],
    pub user: &'a str,
    pub now: DateTime<Utc>,
    /// Read the file as CSV with this saved mapping, whatever its header.
    pub csv_mapping: Option<&'a str>,
}

/// Parses and imports one file. A file that fails changes nothing in the ledger.
pub async fn import_file(
    ledger: &Ledger,
    request: ImportRequest<'_>,
) -> Result<FileImport, EngineError> {
    let span = info_span!(
        "import",
        file = request.file_name,
        bytes = request.bytes.len()
    );
    import_traced(ledger, request).instrument(span).await
}

async fn import_traced(
    ledger: &Ledger,
    request: ImportRequest<'_>,
) -> Result<FileImport, EngineError> {
    let digest = hex::encode(Sha256::digest(request.bytes));
    let mappings = crate::csv_mapping::load(ledger).await?;
    let forced = match request.csv_mapping {
        Some(name) => Some(mappings.iter().find(|m| m.name == name).ok_or_else(|| {
            EngineError::Inconsistent {
                file: request.file_name.to_string(),
                message: format!("there is no saved CSV mapping named '{name}'"),
            }
        })?),
        None => None,
    };
    let parsed =
        cashline_bankfile::parse_with(request.bytes, &mappings, forced).map_err(|source| {
            EngineError::BadFile {
                file: request.file_name.to_string(),
                source,
            }
        })?;
    let mut tx = ledger.begin().await?;
    let result = write_file(&mut tx, &request, &digest, &parsed).await;
    match result {
        Ok(report) if report.status == ImportStatus::Imported => {
            tx.commit()
                .await
                .map_err(cashline_ledger::LedgerError::from)?;
            info!(
                format = %report.format,
                statements_new = report.statements_new,
                entries_new = report.entries_new,
                "file imported"
            );
            Ok(report)
        }
        Ok(report) => {
            tx.rollback()
                .await
                .map_err(cashline_ledger::LedgerError::from)?;
            info!("file is a duplicate; nothing changed");
            Ok(report)
        }
        Err(error) => {
            // Dropping the transaction would roll back too; saying it keeps the intent visible.
            let _ = tx.rollback().await;
            warn!(%error, "import failed; nothing written");
            Err(error)
        }
    }
}

async fn write_file(
    tx: &mut Tx<'_>,
    request: &ImportRequest<'_>,
    digest: &str,
    parsed: &ParsedFile,
) -> Result<FileImport, EngineError> {
    let format = parsed.format.to_string();
    let entries_total = parsed.statements.iter().map(|s| s.entries.len()).sum();
    let mut report = FileImport {
        file_name: request.file_name.to_string(),
        format: format.clone(),
        status: ImportStatus::Duplicate,
        statements: parsed.statements.len(),
        statements_new: 0,
        entries: entries_total,
        entries_new: 0,
        entries_promoted: 0,
        exceptions_opened: Vec::new(),
        warnings: parsed.warnings.clone(),
    };
    if source_file::exists(tx, digest).await? {
        return Ok(report);
    }
    let source_file_id = source_file::insert(
        tx,
        &source_file::NewSourceFile {
            digest_sha256: digest,
            file_name: request.file_name,
            format: &format,
            size_bytes: request.bytes.len() as u64,
            imported_at: request.now,
            imported_by: request.user,
        },
    )
    .await?;
    for parsed_statement in &parsed.statements {
        let written =
            write_statement(tx, request, source_file_id, &format, parsed_statement).await?;
        if let Some(written) = written {
            report.statements_new += 1;
            report.entries_new += written.entries_new;
            report.entries_promoted += written.entries_promoted;
            report.exceptions_opened.extend(written.exceptions_opened);
        }
    }
    if report.statements_new > 0 {
        report.status = ImportStatus::Imported;
        let detail = serde_json::json!({
            "file": request.file_name,
            "digest_sha256": digest,
            "format": format,
            "statements_new": report.statements_new,
            "entries_new": report.entries_new,
            "entries_promoted": report.entries_promoted,
        });
        let record = audit::NewAuditRecord {
            actor: request.user,
            action: "statement.import",
            subject: request.file_name,
            detail,
        };
        audit::append(tx, &record, request.now).await?;
    }
    Ok(report)
}

struct WrittenStatement {
    entries_new: u64,
    entries_promoted: u64,
    exceptions_opened: Vec<String>,
}

/// The statement's identity, independent of the message or file that carried it: banks re-send
/// statements in new messages (copies, duplicates), and those must not count twice.
fn statement_identity(statement: &ParsedStatement) -> String {
    format!(
        "{}|{}|{}|{}|{}|{}",
        statement.kind.as_str(),
        statement.account.key.reveal(),
        statement.account.currency,
        statement.statement_ref,
        statement.sequence_number.as_deref().unwrap_or(""),
        statement
            .page_number
            .map(|p| p.to_string())
            .unwrap_or_default()
    )
}

async fn write_statement(
    tx: &mut Tx<'_>,
    request: &ImportRequest<'_>,
    source_file_id: i64,
    format: &str,
    parsed: &ParsedStatement,
) -> Result<Option<WrittenStatement>, EngineError> {
    let identity = statement_identity(parsed);
    if statement::exists(tx, &identity).await? {
        info!(account = %parsed.account.key, statement = %parsed.statement_ref, "statement already imported");
        return Ok(None);
    }
    let account_data = &parsed.account;
    let bank_id = match &account_data.bic {
        Some(bic) => Some(
            bank::ensure(
                tx,
                bic.as_str(),
                account_data.bank_name.as_deref(),
                bic.country(),
                request.now,
            )
            .await?,
        ),
        None => None,
    };
    let currency = account_data.currency.to_string();
    let account_id = account::ensure(
        tx,
        &account::AccountSeen {
            account_key: account_data.key.reveal(),
            iban: account_data.iban.as_ref().map(|i| i.reveal()),
            bic: account_data.bic.as_ref().map(|b| b.as_str()),
            currency: &currency,
            name: account_data.owner_name.as_deref(),
            bank_id,
        },
        request.now,
    )
    .await?;
    let statement_id = statement::insert(
        tx,
        &statement::NewStatement {
            account_id,
            source_file_id,
            kind: parsed.kind.as_str(),
            format,
            message_id: &parsed.message_id,
            statement_ref: &parsed.statement_ref,
            sequence_number: parsed.sequence_number.as_deref(),
            page_number: parsed.page_number,
            created_at_bank: parsed.created_at,
            period_from: parsed.period_from,
            period_to: parsed.period_to,
            identity_key: &identity,
            imported_at: request.now,
        },
    )
    .await?;

    let source = format_family(format);
    let mut balances = Vec::with_capacity(parsed.balances.len());
    for parsed_balance in &parsed.balances {
        balances.push(balance::NewBalance {
            account_id,
            statement_id,
            balance_type: parsed_balance.balance_type.as_str(),
            amount_minor: parsed_balance.amount.amount_minor()?,
            currency: &currency,
            balance_date: parsed_balance.date,
            // A balance with only a date is as of the statement's creation, else the end of
            // that day (the most a date alone can promise).
            as_of: parsed_balance.as_of.unwrap_or_else(|| {
                parsed_balance
                    .date
                    .and_hms_opt(23, 59, 59)
                    .expect("23:59:59 is a valid time")
                    .and_utc()
            }),
            source,
        });
    }
    balance::insert_many(tx, &balances, request.now).await?;

    let entries = entry_rows(parsed, account_id, statement_id)?;
    let promote = parsed.kind != StatementKind::Intraday;
    let written = entry::insert_new(tx, &entries, promote, request.now).await?;

    let mut exceptions_opened =
        continuity_check(tx, request, parsed, account_id, statement_id).await?;
    if let Some(problem) = balance_check(parsed)? {
        let subject = format!(
            "statement {} of account {}",
            parsed.statement_ref,
            parsed.account.key.masked()
        );
        exception::open(
            tx,
            &exception::NewException {
                kind: "balance_mismatch",
                subject: &subject,
                detail: Some(&problem),
                account_id: Some(account_id),
                statement_id: Some(statement_id),
            },
            request.now,
        )
        .await?;
        warn!(account = %parsed.account.key, %problem, "balance mismatch");
        exceptions_opened.push(format!("balance_mismatch: {subject}: {problem}"));
    }
    Ok(Some(WrittenStatement {
        entries_new: written.inserted,
        entries_promoted: written.promoted,
        exceptions_opened,
    }))
}

/// Flags what an end-of-day statement says about the ones before it: a jump in the sequence
/// numbers, or business days with no statement at all.
async fn continuity_check(
    tx: &mut Tx<'_>,
    request: &ImportRequest<'_>,
    parsed: &ParsedStatement,
    account_id: i64,
    statement_id: i64,
) -> Result<Vec<String>, EngineError> {
    if parsed.kind != StatementKind::EndOfDay {
        return Ok(Vec::new());
    }
    let Some(closing) = parsed
        .balances
        .iter()
        .find(|b| b.balance_type == BalanceType::ClosingBooked)
    else {
        return Ok(Vec::new());
    };
    // The first page of a multi-page statement has no previous page to compare with.
    if parsed.page_number.is_some_and(|page| page > 1) {
        return Ok(Vec::new());
    }
    let Some(previous) = statement::previous_end_of_day(tx, account_id, closing.date).await? else {
        return Ok(Vec::new());
    };
    let previous_date = cashline_ledger::time::parse_date(&previous.closing_date)?;
    let mut problems = Vec::new();
    let account = parsed.account.key.masked();
    let sequences = (
        previous
            .sequence_number
            .as_deref()
            .and_then(|s| s.trim_start_matches('0').parse::<u64>().ok()),
        parsed
            .sequence_number
            .as_deref()
            .and_then(|s| s.trim_start_matches('0').parse::<u64>().ok()),
    );
    // Banks restart numbering each year, so only a forward jump within a year is a gap.
    if let (Some(before), Some(now)) = sequences {
        if now > before + 1 && previous_date.year() == closing.date.year() {
            problems.push((
                "sequence_gap",
                format!(
                    "statements {} to {} of account {account} are missing (sequence jumps from {before} to {now})",
                    before + 1,
                    now - 1
                ),
            ));
        }
    }
    let missing: Vec<NaiveDate> = business_days_between(previous_date, closing.date);
    if !missing.is_empty() && missing.len() <= MISSING_DAYS_REPORTED_MAX {
        let days: Vec<String> = missing.iter().map(|d| d.to_string()).collect();
        problems.push((
            "missing_days",
            format!(
                "no end-of-day statement for account {account} on {}",
                days.join(", ")
            ),
        ));
    } else if !missing.is_empty() {
        problems.push((
            "missing_days",
            format!(
                "no end-of-day statement for account {account} on {} business days from {} to {}",
                missing.len(),
                missing[0],
                missing[missing.len() - 1]
            ),
        ));
    }
    let mut opened = Vec::new();
    for (kind, detail) in problems {
        let subject = format!(
            "account {account} before statement {}",
            parsed.statement_ref
        );
        exception::open(
            tx,
            &exception::NewException {
                kind,
                subject: &subject,
                detail: Some(&detail),
                account_id: Some(account_id),
                statement_id: Some(statement_id),
            },
            request.now,
        )
        .await?;
        opened.push(format!("{kind}: {detail}"));
    }
    Ok(opened)
}

/// Longest list of missing days spelled out one by one in an exception.
const MISSING_DAYS_REPORTED_MAX: usize = 10;

/// Weekdays strictly between two dates. Bank holidays come with the calendars of the
/// positions work; until then a holiday shows as a missing day, which a person dismisses.
fn business_days_between(after: NaiveDate, before: NaiveDate) -> Vec<NaiveDate> {
    let mut days = Vec::new();
    let mut day = after + chrono::Duration::days(1);
    while day < before {
        if !matches!(day.weekday(), chrono::Weekday::Sat | chrono::Weekday::Sun) {
            days.push(day);
        }
        day += chrono::Duration::days(1);
    }
    days
}

/// `camt.053.001.08` → `camt.053`: the source shown beside a balance.
fn format_family(format: &str) -> &'static str {
    match format.get(..8) {
        Some("camt.052") => "camt.052",
        Some("camt.053") => "camt.053",
        Some("camt.054") => "camt.054",
        _ => "file",
    }
}

fn entry_rows(
    parsed: &ParsedStatement,
    account_id: i64,
    statement_id: i64,
) -> Result<Vec<entry::NewEntry>, EngineError> {
    let mut occurrences: HashMap<String, u32> = HashMap::new();
    let mut rows = Vec::with_capacity(parsed.entries.len());
    for parsed_entry in &parsed.entries {
        let amount_minor = parsed_entry.amount.amount_minor()?;
        let base = match &parsed_entry.bank_ref {
            Some(reference) => format!("ref:{reference}|{amount_minor}"),
            // Without a bank reference the content is the identity. The booking date and the
            // bank's entry number are left out: a pending entry gets both only when booked.
            None => format!(
                "fp:{}|{amount_minor}|{}|{}|{}",
                parsed_entry
                    .value_date
                    .or(parsed_entry.booking_date)
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                parsed_entry.end_to_end_id.as_deref().unwrap_or(""),
                parsed_entry.counterparty_name.as_deref().unwrap_or(""),
                parsed_entry.remittance.as_deref().unwrap_or(""),
            ),
        };
        let occurrence = occurrences.entry(base.clone()).or_insert(0);
        *occurrence += 1;
        rows.push(entry::NewEntry {
            account_id,
            statement_id,
            identity_key: format!("{base}#{occurrence}"),
            booking_date: parsed_entry.booking_date,
            value_date: parsed_entry.value_date,
            amount_minor,
            currency: parsed_entry.amount.currency().to_string(),
            status: parsed_entry.status.as_str(),
            reversal: parsed_entry.reversal,
            bank_ref: parsed_entry
                .bank_ref
                .clone()
                .or_else(|| parsed_entry.entry_ref.clone()),
            entry_ref: parsed_entry.entry_ref.clone(),
            end_to_end_id: parsed_entry.end_to_end_id.clone(),
            counterparty_name: parsed_entry.counterparty_name.clone(),
            counterparty_iban: parsed_entry.counterparty_iban.clone(),
            remittance: parsed_entry.remittance.clone(),
            creditor_reference: parsed_entry.creditor_reference.clone(),
            bank_transaction_code: parsed_entry.bank_transaction_code.clone(),
            source_element: Some(parsed_entry.source_element.clone()),
        });
    }
    Ok(rows)
}

/// Opening booked + booked entries must equal closing booked on an end-of-day statement that
/// carries both balances. Returns the discrepancy in words, or `None` when it adds up.
pub fn balance_check(parsed: &ParsedStatement) -> Result<Option<String>, EngineError> {
    if parsed.kind != StatementKind::EndOfDay {
        return Ok(None);
    }
    let find = |wanted: BalanceType| parsed.balances.iter().find(|b| b.balance_type == wanted);
    let (Some(opening), Some(closing)) = (
        find(BalanceType::OpeningBooked),
        find(BalanceType::ClosingBooked),
    ) else {
        return Ok(None);
    };
    let mut computed = opening.amount;
    for parsed_entry in parsed
        .entries
        .iter()
        .filter(|e| e.status == EntryStatus::Booked)
    {
        computed = computed.checked_add(&parsed_entry.amount)?;
    }
    if computed == closing.amount {
        return Ok(None);
    }
    let difference: Money = closing.amount.checked_sub(&computed)?;
    Ok(Some(format!(
        "opening {} plus booked entries gives {}, but the bank's closing balance is {} (difference {})",
        opening.amount, computed, closing.amount, difference
    )))
}
