//! One sync of a bank connection: its accounts, then per account its balances and
//! transactions, each account written as one page through the statement writer, in a
//! transaction of its own (an account that fails leaves the others written). Every run is
//! recorded in `sync_run`, whatever its end, and a failing connection has one open
//! `sync_failed` exception until a run ends well.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use tracing::{info, info_span, warn, Instrument};

use cashline_bankfile::{ParsedAccount, ParsedBalance, ParsedEntry, ParsedStatement};
use cashline_domain::{AccountKey, Bic, ExceptionKind, Iban, StatementKind};
use cashline_ledger::connection::{self, ConnectionRow};
use cashline_ledger::statement::StatementOrigin;
use cashline_ledger::{account, audit, exception, sync, Ledger};

use super::port::{Answer, BankError, BankPort, Caller, RemoteAccount, RemoteTransaction};
use crate::import::StatementWriter;
use crate::EngineError;

/// The format name of statements written from a bank's API.
pub const PSD2_FORMAT: &str = "psd2";
/// How far back the first sync of an account reads: the 90 days a PSD2 consent reaches
/// without a new authentication.
pub const FIRST_SYNC_DAYS: i64 = 90;
/// How far before the last booked day a later sync reads again: late bookings and value-date
/// corrections land a few days back.
pub const OVERLAP_DAYS: i64 = 3;

/// Retries within one run for a bank that times out, errs or asks to wait.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 4,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempt` (1 for the first retry): doubling, with jitter of up
    /// to a quarter so that several accounts do not retry in step, and the bank's own
    /// `Retry-After` where it gave one.
    fn delay(&self, attempt: u32, error: &BankError, seed: u64) -> Duration {
        if let BankError::RateLimited {
            retry_after_seconds: Some(seconds),
        } = error
        {
            return Duration::from_secs(*seconds).min(self.max_delay);
        }
        let base = self
            .first_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
            .min(self.max_delay);
        let jitter_range = base.as_millis() as u64 / 4;
        let jitter = if jitter_range == 0 {
            0
        } else {
            // A cheap mix of the run and the attempt: unpredictable enough to spread retries.
            seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(u64::from(attempt))
                .rotate_left(17)
                % jitter_range
        };
        base + Duration::from_millis(jitter)
    }
}

pub struct SyncOptions<'a> {
    pub caller: Caller,
    pub user: &'a str,
    pub now: DateTime<Utc>,
    pub retry: RetryPolicy,
}

/// What one account's sync did.
#[derive(Debug, Clone, Default)]
pub struct AccountSynced {
    pub account_key: String,
    pub currency: String,
    pub new_entries: u64,
    pub promoted: u64,
    pub balances: u64,
    /// Why the account was not synced, in plain words.
    pub error: Option<String>,
}

/// What one run of a connection did.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    pub connection: String,
    pub run_id: i64,
    pub ok: bool,
    pub accounts: Vec<AccountSynced>,
    pub new_entries: u64,
    pub pages: u64,
    pub retries: u64,
    pub error: Option<String>,
    pub correlation_id: String,
}

/// Runs one sync of `connection` through `port`. A bank that fails is recorded (the run, the
/// exception) and reported, not returned as an error; an error is the ledger's own.
pub async fn sync_connection<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &SyncOptions<'_>,
) -> Result<SyncReport, EngineError> {
    let correlation_id = format!(
        "{}-sync-{}",
        options.now.format("%Y%m%dT%H%M%S%.3fZ"),
        connection.id
    );
    let span = info_span!("sync", connection = %connection.name, correlation = %correlation_id);
    run(ledger, port, connection, options, correlation_id)
        .instrument(span)
        .await
}

async fn run<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    options: &SyncOptions<'_>,
    correlation_id: String,
) -> Result<SyncReport, EngineError> {
    let mut tx = ledger.begin().await?;
    let run_id = sync::start_run(
        &mut tx,
        &sync::NewRun {
            connection_id: connection.id,
            correlation_id: &correlation_id,
            trigger: if options.caller.is_unattended() {
                "scheduled"
            } else {
                "user"
            },
        },
        options.now,
    )
    .await?;
    tx.commit().await?;
    let mut report = SyncReport {
        connection: connection.name.clone(),
        run_id,
        correlation_id,
        ..SyncReport::default()
    };
    let mut retrier = Retrier {
        policy: options.retry,
        seed: u64::try_from(run_id).unwrap_or(0),
        retries: 0,
    };
    match retrier.call(|| port.accounts(&options.caller)).await {
        Err(error) => report.error = Some(error.to_string()),
        Ok(listed) => {
            let budget = consent_budget(ledger, connection.id).await?;
            for remote in &listed.value {
                let synced = sync_account(
                    ledger,
                    port,
                    connection,
                    remote,
                    options,
                    &mut retrier,
                    run_id,
                    budget,
                )
                .await?;
                report.new_entries += synced.0.new_entries;
                report.pages += synced.1;
                report.accounts.push(synced.0);
            }
            let failed: Vec<String> = report
                .accounts
                .iter()
                .filter_map(|a| {
                    a.error.as_ref().map(|e| {
                        format!(
                            "{} {}: {e}",
                            cashline_domain::mask::mask_account(&a.account_key),
                            a.currency
                        )
                    })
                })
                .collect();
            if !failed.is_empty() {
                report.error = Some(failed.join("; "));
            }
        }
    }
    report.retries = retrier.retries;
    report.ok = report.error.is_none();
    finish(ledger, connection, &report, options).await?;
    if report.ok {
        info!(
            accounts = report.accounts.len(),
            new_entries = report.new_entries,
            "sync ended well"
        );
    } else {
        warn!(error = report.error.as_deref().unwrap_or(""), "sync failed");
    }
    Ok(report)
}

/// The consent's daily number of unattended pulls per account, where one is recorded.
async fn consent_budget(ledger: &Ledger, connection_id: i64) -> Result<Option<u32>, EngineError> {
    Ok(connection::consent(ledger.pool(), connection_id)
        .await?
        .and_then(|c| u32::try_from(c.frequency_per_day).ok()))
}

struct Retrier {
    policy: RetryPolicy,
    seed: u64,
    retries: u64,
}

impl Retrier {
    async fn call<T, F, Fut>(&mut self, mut call: F) -> Result<T, BankError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, BankError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(error) if error.is_transient() && attempt + 1 < self.policy.attempts => {
                    attempt += 1;
                    self.retries += 1;
                    let wait = self.policy.delay(attempt, &error, self.seed);
                    warn!(%error, attempt, wait_ms = wait.as_millis() as u64, "retrying");
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }
}

/// Syncs one account; returns what it did and the pages it read. Bank failures end up in the
/// account's `error`.
#[allow(clippy::too_many_arguments)]
async fn sync_account<P: BankPort>(
    ledger: &Ledger,
    port: &P,
    connection: &ConnectionRow,
    remote: &RemoteAccount,
    options: &SyncOptions<'_>,
    retrier: &mut Retrier,
    run_id: i64,
    budget: Option<u32>,
) -> Result<(AccountSynced, u64), EngineError> {
    let currency = remote.currency.to_string();
    let mut synced = AccountSynced {
        account_key: remote.iban.clone().unwrap_or_default(),
        currency: currency.clone(),
        ..AccountSynced::default()
    };
    // Accounts are known by IBAN and currency: a resource id alone changes on reconnect.
    let Some(iban) = remote.iban.as_deref().and_then(|i| Iban::parse(i).ok()) else {
        synced.error = Some("the bank names no valid IBAN for this account; not synced".into());
        return Ok((synced, 0));
    };
    let key = AccountKey::from_iban(&iban);
    let today = options.now.date_naive();
    let account_id = find_account(ledger, key.reveal(), &currency).await?;
    if let (Some(limit), Some(id), true) = (budget, account_id, options.caller.is_unattended()) {
        let used = sync::unattended_pulls(ledger.pool(), connection.id, id, today).await?;
        if used >= limit {
            synced.error = Some(format!(
                "today's {limit} unattended reads the consent allows are used; the next one is tomorrow, or refresh by hand"
            ));
            return Ok((synced, 0));
        }
    }
    let from = match account_id {
        Some(id) => last_booked_day(ledger, id).await?,
        None => None,
    }
    .map(|day| day - chrono::Duration::days(OVERLAP_DAYS))
    .unwrap_or(today - chrono::Duration::days(FIRST_SYNC_DAYS));
    let balances = match retrier
        .call(|| port.balances(remote, &options.caller))
        .await
    {
        Ok(answer) => answer,
        Err(error) => {
            synced.error = Some(error.to_string());
            return Ok((synced, 0));
        }
    };
    let transactions = match retrier
        .call(|| port.transactions(remote, from, &options.caller))
        .await
    {
        Ok(answer) => answer,
        Err(error) => {
            synced.error = Some(error.to_string());
            return Ok((synced, 1));
        }
    };
    let pages = 1 + u64::from(transactions.pages);
    let written = write_account(
        ledger,
        connection,
        remote,
        &iban,
        &balances,
        &transactions,
        options,
        run_id,
    )
    .await;
    match written {
        Ok((new_entries, promoted, balances)) => {
            synced.new_entries = new_entries;
            synced.promoted = promoted;
            synced.balances = balances;
        }
        // What the bank sent cannot be written (an amount in another currency, a date out
        // of range): the page is refused whole, the account says why.
        Err(EngineError::Domain(error)) => synced.error = Some(error.to_string()),
        Err(EngineError::OutOfRange(error) | EngineError::InvalidRequest(error)) => {
            synced.error = Some(error)
        }
        Err(other) => return Err(other),
    }
    Ok((synced, pages))
}

async fn find_account(
    ledger: &Ledger,
    key: &str,
    currency: &str,
) -> Result<Option<i64>, EngineError> {
    Ok(account::find(ledger.pool(), key)
        .await?
        .into_iter()
        .find(|a| a.currency == currency)
        .map(|a| a.id))
}

async fn last_booked_day(
    ledger: &Ledger,
    account_id: i64,
) -> Result<Option<NaiveDate>, EngineError> {
    Ok(cashline_ledger::entry::last_booked_day(ledger.pool(), account_id).await?)
}

/// Writes one account's answers in one transaction: the account and its mapping, both pages,
/// the statement with its entries and balances, and what its bookings say about payments.
#[allow(clippy::too_many_arguments)]
async fn write_account(
    ledger: &Ledger,
    connection: &ConnectionRow,
    remote: &RemoteAccount,
    iban: &Iban,
    balances: &Answer<Vec<super::port::RemoteBalance>>,
    transactions: &Answer<Vec<RemoteTransaction>>,
    options: &SyncOptions<'_>,
    run_id: i64,
) -> Result<(u64, u64, u64), EngineError> {
    let now = options.now;
    let currency = remote.currency;
    let entries = transactions
        .value
        .iter()
        .enumerate()
        .map(|(n, t)| entry_of(t, n, currency))
        .collect::<Result<Vec<_>, EngineError>>()?;
    let parsed_balances: Vec<ParsedBalance> = balances
        .value
        .iter()
        .filter(|b| b.amount.currency() == currency)
        .map(|b| ParsedBalance {
            balance_type: b.balance_type,
            amount: b.amount,
            date: b.date,
            as_of: b.as_of,
        })
        .collect();
    let key = AccountKey::from_iban(iban);
    let mut tx = ledger.begin().await?;
    let account_id = account::ensure(
        &mut tx,
        &account::AccountSeen {
            account_key: key.reveal(),
            iban: Some(iban.reveal()),
            bic: remote.bic.as_deref(),
            currency: &currency.to_string(),
            name: remote.name.as_deref(),
            bank_id: None,
        },
        now,
    )
    .await?;
    connection::map_account(&mut tx, connection.id, account_id, &remote.resource_id, now).await?;
    let unattended = options.caller.is_unattended();
    sync::insert_page(
        &mut tx,
        &sync::NewPage {
            sync_run_id: run_id,
            connection_id: connection.id,
            account_id,
            resource: "balances",
            request_id: &balances.request_id,
            page: balances.pages.max(1),
            body_sha256: &balances.body_sha256,
            unattended,
        },
        now,
    )
    .await?;
    let page_id = sync::insert_page(
        &mut tx,
        &sync::NewPage {
            sync_run_id: run_id,
            connection_id: connection.id,
            account_id,
            resource: "transactions",
            request_id: &transactions.request_id,
            page: transactions.pages.max(1),
            body_sha256: &transactions.body_sha256,
            unattended,
        },
        now,
    )
    .await?;
    let origin = StatementOrigin::Page(page_id);
    let mut writer = StatementWriter::new(origin, PSD2_FORMAT.to_string(), now);
    let header = ParsedStatement {
        kind: StatementKind::Intraday,
        message_id: transactions.request_id.clone(),
        statement_ref: format!("{} {}", connection.name, transactions.request_id),
        sequence_number: None,
        page_number: None,
        created_at: Some(now),
        period_from: None,
        period_to: Some(now),
        account: ParsedAccount {
            key,
            iban: Some(iban.clone()),
            currency,
            bic: remote.bic.as_deref().and_then(|b| Bic::parse(b).ok()),
            bank_name: None,
            owner_name: remote.owner_name.clone(),
        },
        balances: Vec::new(),
        entries: Vec::new(),
        line: 0,
    };
    writer.begin(&mut tx, header).await?;
    writer.entries(&mut tx, entries).await?;
    let balances_count = parsed_balances.len() as u64;
    writer.end(&mut tx, parsed_balances).await?;
    let written = writer.into_written();
    let subject = format!("{} page {page_id}", connection.name);
    crate::payment::booking::from_statements(&mut tx, origin, &subject, options.user, now).await?;
    audit::append(
        &mut tx,
        &audit::NewAuditRecord {
            actor: options.user,
            action: "bank.sync",
            subject: &connection.name,
            detail: serde_json::json!({
                "account": iban.masked(),
                "currency": currency.to_string(),
                "transactions_request_id": transactions.request_id,
                "balances_request_id": balances.request_id,
                "transactions_sha256": transactions.body_sha256,
                "entries_new": written.entries_new,
                "entries_promoted": written.entries_promoted,
                "balances": balances_count,
            }),
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok((
        written.entries_new,
        written.entries_promoted,
        balances_count,
    ))
}

/// A transaction as an entry: the entry reference is its identity (it survives booking, when
/// the transaction id may change), the transaction id is kept beside it.
fn entry_of(
    transaction: &RemoteTransaction,
    position: usize,
    currency: cashline_domain::Currency,
) -> Result<ParsedEntry, EngineError> {
    if transaction.amount.currency() != currency {
        return Err(EngineError::InvalidRequest(format!(
            "transaction {} is in {}, not in the account's {currency}",
            transaction
                .transaction_id
                .as_deref()
                .or(transaction.entry_reference.as_deref())
                .unwrap_or("without an id"),
            transaction.amount.currency()
        )));
    }
    Ok(ParsedEntry {
        amount: transaction.amount,
        status: transaction.status,
        reversal: false,
        booking_date: transaction.booking_date,
        value_date: transaction.value_date.or(transaction.booking_date),
        bank_ref: transaction
            .entry_reference
            .clone()
            .or_else(|| transaction.transaction_id.clone()),
        entry_ref: transaction.transaction_id.clone(),
        end_to_end_id: transaction.end_to_end_id.clone(),
        counterparty_name: transaction.counterparty_name.clone(),
        counterparty_iban: transaction.counterparty_iban.clone(),
        remittance: transaction.remittance.clone(),
        creditor_reference: None,
        bank_transaction_code: transaction.bank_transaction_code.clone(),
        source_element: format!("transactions[{position}]"),
        details: Vec::new(),
    })
}

/// Ends the run: its row, the connection's `sync_failed` exception opened or resolved, and
/// (after a good run) the freshness exceptions the new balances answer.
async fn finish(
    ledger: &Ledger,
    connection: &ConnectionRow,
    report: &SyncReport,
    options: &SyncOptions<'_>,
) -> Result<(), EngineError> {
    let now = options.now;
    let mut tx = ledger.begin().await?;
    sync::finish_run(
        &mut tx,
        report.run_id,
        &sync::RunEnd {
            ok: report.ok,
            accounts: report.accounts.len() as u64,
            new_entries: report.new_entries,
            balances: report.accounts.iter().map(|a| a.balances).sum(),
            pages: report.pages,
            retries: report.retries,
            error: report.error.as_deref(),
            erp_counts_json: None,
        },
        now,
    )
    .await?;
    failure_case(&mut tx, &connection.name, report.error.as_deref(), now).await?;
    tx.commit().await?;
    if report.ok {
        let sweep = crate::freshness::Sweep::ResolveOnly;
        if let Err(error) = crate::freshness::sweep_now(ledger, now, sweep).await {
            warn!(%error, "the freshness exceptions could not be brought up to date");
        }
    }
    Ok(())
}

/// The subject of a connection's `sync_failed` exception.
pub fn failing_subject(connection: &str) -> String {
    format!("connection {connection}")
}

/// Keeps a connection's `sync_failed` case in step with its last run, bank or ERP: opened
/// (once) by a run that failed, with its error in words, resolved by the next that did not.
pub(crate) async fn failure_case(
    tx: &mut cashline_ledger::Tx<'_>,
    connection: &str,
    error: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let subject = failing_subject(connection);
    let open = exception::find_open_about(tx, ExceptionKind::SyncFailed, &subject).await?;
    match (error, open.is_empty()) {
        (Some(error), true) => {
            exception::open(
                tx,
                &exception::NewException {
                    kind: Some(ExceptionKind::SyncFailed),
                    subject: &subject,
                    detail: Some(error),
                    ..Default::default()
                },
                now,
            )
            .await?;
        }
        (None, false) => {
            exception::resolve_about(tx, &open, "the next sync ended well", now).await?;
        }
        _ => {}
    }
    Ok(())
}
