//! The one way statements reach the ledger: `StatementWriter`, fed by a file's parser or by a
//! bank API page alike.

use chrono::{DateTime, Utc};
use tokio::sync::mpsc;
use tracing::{info, warn};

use cashline_bankfile::stream::StatementEvent;
use cashline_bankfile::ParsedStatement;
use cashline_domain::{EntryStatus, ExceptionKind, Money, StatementKind};
use cashline_ledger::statement::StatementOrigin;
use cashline_ledger::{account, balance, bank, entry, exception, statement, Tx};

use super::checks::{self, balance_check_with_sum};
use super::identity;
use crate::EngineError;

/// The statement being written.
struct OpenStatement {
    header: ParsedStatement,
    /// Imported before: read through, nothing written.
    known: bool,
    account_id: i64,
    statement_id: i64,
    occurrences: identity::Occurrences,
    booked: Money,
}

/// What writing a batch of statements did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Written {
    pub statements: u64,
    pub statements_new: u64,
    pub entries: u64,
    pub entries_new: u64,
    /// Entries first seen pending (an intraday report, an earlier API page), booked now.
    pub entries_promoted: u64,
    pub details_new: u64,
    pub exceptions_opened: Vec<String>,
}

/// Writes statements, whatever they came from (a file's parser, a page of a bank's API), into
/// the caller's transaction: statements known by identity are read through, new ones written
/// with their entries (each known by its own identity, pending ones promoted in place when
/// booked), balances and checks. The caller commits all of it or none.
pub struct StatementWriter {
    origin: StatementOrigin,
    /// The format name kept on each statement (`camt.053.001.08`, `psd2`).
    format: String,
    now: DateTime<Utc>,
    report: Written,
    open: Option<OpenStatement>,
}

impl StatementWriter {
    pub fn new(origin: StatementOrigin, format: String, now: DateTime<Utc>) -> StatementWriter {
        StatementWriter {
            origin,
            format,
            now,
            report: Written::default(),
            open: None,
        }
    }

    /// What was written so far.
    pub fn written(&self) -> &Written {
        &self.report
    }

    pub fn into_written(self) -> Written {
        self.report
    }

    /// Writes every event of a parser's queue, in order.
    pub(super) async fn consume(
        &mut self,
        tx: &mut Tx<'_>,
        mut receiver: mpsc::Receiver<StatementEvent>,
    ) -> Result<(), EngineError> {
        while let Some(event) = receiver.recv().await {
            match event {
                StatementEvent::Begin(header) => self.begin(tx, *header).await?,
                StatementEvent::Entries(entries) => self.entries(tx, entries).await?,
                StatementEvent::End { balances } => self.end(tx, balances).await?,
            }
        }
        Ok(())
    }

    /// A statement begins: its header (account, identity, kind, balances known so far).
    pub async fn begin(
        &mut self,
        tx: &mut Tx<'_>,
        header: ParsedStatement,
    ) -> Result<(), EngineError> {
        self.report.statements += 1;
        let currency = header.account.currency;
        let identity = statement_identity(&header);
        if statement::exists(tx, &identity).await? {
            info!(account = %header.account.key, statement = %header.statement_ref, "statement already imported");
            self.open = Some(OpenStatement {
                header,
                known: true,
                account_id: 0,
                statement_id: 0,
                occurrences: Default::default(),
                booked: Money::zero(currency),
            });
            return Ok(());
        }
        let now = self.now;
        let account_data = &header.account;
        let bank_id = match &account_data.bic {
            Some(bic) => Some(
                bank::ensure(
                    tx,
                    bic.as_str(),
                    account_data.bank_name.as_deref(),
                    bic.country(),
                    now,
                )
                .await?,
            ),
            None => None,
        };
        let currency_code = currency.to_string();
        let account_id = account::ensure(
            tx,
            &account::AccountSeen {
                account_key: account_data.key.reveal(),
                iban: account_data.iban.as_ref().map(|i| i.reveal()),
                bic: account_data.bic.as_ref().map(|b| b.as_str()),
                currency: &currency_code,
                name: account_data.owner_name.as_deref(),
                bank_id,
            },
            now,
        )
        .await?;
        let statement_id = statement::insert(
            tx,
            &statement::NewStatement {
                account_id,
                origin: self.origin,
                kind: header.kind.as_str(),
                format: &self.format,
                message_id: &header.message_id,
                statement_ref: &header.statement_ref,
                sequence_number: header.sequence_number.as_deref(),
                page_number: header.page_number,
                created_at_bank: header.created_at,
                period_from: header.period_from,
                period_to: header.period_to,
                identity_key: &identity,
                imported_at: now,
            },
        )
        .await?;
        self.report.statements_new += 1;
        self.open = Some(OpenStatement {
            header,
            known: false,
            account_id,
            statement_id,
            occurrences: Default::default(),
            booked: Money::zero(currency),
        });
        Ok(())
    }

    /// Entries of the statement begun last.
    pub async fn entries(
        &mut self,
        tx: &mut Tx<'_>,
        entries: Vec<cashline_bankfile::ParsedEntry>,
    ) -> Result<(), EngineError> {
        let open = self.open.as_mut().expect("entries come inside a statement");
        self.report.entries += entries.len() as u64;
        if open.known {
            return Ok(());
        }
        for parsed_entry in entries.iter().filter(|e| e.status == EntryStatus::Booked) {
            open.booked = open.booked.checked_add(&parsed_entry.amount)?;
        }
        let rows = identity::entry_rows(
            entries,
            &mut open.occurrences,
            open.account_id,
            open.statement_id,
        )?;
        let promote = match (self.origin, open.header.kind) {
            (StatementOrigin::Page(_), _) => entry::Promote::Pending,
            (StatementOrigin::File(_), StatementKind::Intraday) => entry::Promote::Nothing,
            (StatementOrigin::File(_), _) => entry::Promote::Provisional,
        };
        let written = entry::insert_new(tx, &rows, promote, self.now).await?;
        self.report.entries_new += written.inserted;
        self.report.entries_promoted += written.promoted;
        self.report.details_new += written.details;
        Ok(())
    }

    /// The statement begun last ends, with the balances given at its end.
    pub async fn end(
        &mut self,
        tx: &mut Tx<'_>,
        balances: Vec<cashline_bankfile::ParsedBalance>,
    ) -> Result<(), EngineError> {
        let mut open = self.open.take().expect("a statement ends only once begun");
        open.header.balances.extend(balances);
        self.finish(tx, open).await
    }

    async fn finish(&mut self, tx: &mut Tx<'_>, open: OpenStatement) -> Result<(), EngineError> {
        if open.known {
            return Ok(());
        }
        let now = self.now;
        let parsed = &open.header;
        let currency = parsed.account.currency.to_string();
        let source = format_family(&self.format);
        let balances: Vec<balance::NewBalance<'_>> = parsed
            .balances
            .iter()
            .map(|parsed_balance| {
                Ok(balance::NewBalance {
                    account_id: open.account_id,
                    statement_id: open.statement_id,
                    balance_type: parsed_balance.balance_type.as_str(),
                    amount_minor: parsed_balance.amount.amount_minor()?,
                    currency: &currency,
                    balance_date: parsed_balance.date,
                    // A balance with only a date is as of the statement's creation, else the
                    // end of that day (the most a date alone can promise).
                    as_of: parsed_balance.as_of.unwrap_or_else(|| {
                        parsed_balance
                            .date
                            .and_hms_opt(23, 59, 59)
                            .expect("23:59:59 is a valid time")
                            .and_utc()
                    }),
                    source,
                })
            })
            .collect::<Result<_, EngineError>>()?;
        balance::insert_many(tx, &balances, now).await?;

        let mut opened =
            checks::continuity_check(tx, now, parsed, open.account_id, open.statement_id).await?;
        if let Some(problem) = balance_check_with_sum(parsed, open.booked)? {
            let subject = format!(
                "statement {} of account {}",
                parsed.statement_ref,
                parsed.account.key.masked()
            );
            exception::open(
                tx,
                &exception::NewException {
                    kind: Some(ExceptionKind::BalanceMismatch),
                    subject: &subject,
                    detail: Some(&problem),
                    account_id: Some(open.account_id),
                    statement_id: Some(open.statement_id),
                    ..Default::default()
                },
                now,
            )
            .await?;
            warn!(account = %parsed.account.key, %problem, "balance mismatch");
            opened.push(format!("balance_mismatch: {subject}: {problem}"));
        }
        self.report.exceptions_opened.extend(opened);
        Ok(())
    }
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

/// The source shown beside a balance: `camt.053.001.08` → `camt.053`, `ofx.102` → `ofx`,
/// `csv:bank` → `csv`.
fn format_family(format: &str) -> &'static str {
    const FAMILIES: &[&str] = &[
        "camt.052", "camt.053", "camt.054", "mt940", "mt942", "bai2", "ofx", "csv", "psd2",
    ];
    FAMILIES
        .iter()
        .find(|family| format.starts_with(*family))
        .copied()
        .unwrap_or("file")
}
