//! The sync's own decisions, against a scripted bank behind the port: what is written, what is
//! never doubled, how failures are recorded and retried. The Berlin Group adapter and the
//! simulator are tested end to end in `cashline-psd2` and the integration tests.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use cashline_domain::{BalanceType, Currency, EntryStatus, Money};
use cashline_engine::bank::sync::{sync_connection, RetryPolicy, SyncOptions};
use cashline_engine::bank::{
    Answer, BankError, BankPort, Caller, PaymentOrder, RemoteAccount, RemoteBalance,
    RemotePaymentStatus, RemoteTransaction,
};
use cashline_ledger::connection::{self, ConnectionRow};
use cashline_ledger::Ledger;

const IBAN: &str = "DE89370400440532013000";

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
}

/// A bank whose answers the test sets, and which fails as told: each queued error is answered
/// once, before the real answer.
#[derive(Default)]
struct ScriptedBank {
    resource_id: Mutex<String>,
    transactions: Mutex<Vec<RemoteTransaction>>,
    balance_minor: Mutex<i64>,
    failures: Mutex<VecDeque<BankError>>,
    calls: Mutex<u32>,
}

impl ScriptedBank {
    fn new() -> ScriptedBank {
        let bank = ScriptedBank::default();
        *bank.resource_id.lock().unwrap() = "acc-1".into();
        bank
    }

    fn fail_next(&self, error: BankError) {
        self.failures.lock().unwrap().push_back(error);
    }

    fn answer<T>(&self, value: T) -> Result<Answer<T>, BankError> {
        let mut calls = self.calls.lock().unwrap();
        *calls += 1;
        if let Some(error) = self.failures.lock().unwrap().pop_front() {
            return Err(error);
        }
        Ok(Answer {
            value,
            request_id: format!("req-{calls}"),
            body_sha256: format!("{calls:064}"),
            pages: 1,
        })
    }
}

fn transaction(id: &str, reference: &str, status: EntryStatus, minor: i64) -> RemoteTransaction {
    RemoteTransaction {
        transaction_id: Some(id.into()),
        entry_reference: Some(reference.into()),
        status,
        booking_date: (status == EntryStatus::Booked).then(|| day(3)),
        value_date: Some(day(3)),
        amount: Money::from_minor(minor, Currency::EUR),
        end_to_end_id: None,
        counterparty_name: Some("Contoso".into()),
        counterparty_iban: None,
        remittance: Some("INV-1".into()),
        bank_transaction_code: None,
    }
}

impl BankPort for ScriptedBank {
    async fn accounts(&self, _caller: &Caller) -> Result<Answer<Vec<RemoteAccount>>, BankError> {
        let account = RemoteAccount {
            resource_id: self.resource_id.lock().unwrap().clone(),
            iban: Some(IBAN.into()),
            currency: Currency::EUR,
            name: Some("Operating".into()),
            owner_name: None,
            bic: None,
        };
        self.answer(vec![account])
    }

    async fn balances(
        &self,
        account: &RemoteAccount,
        _caller: &Caller,
    ) -> Result<Answer<Vec<RemoteBalance>>, BankError> {
        assert_eq!(account.resource_id, *self.resource_id.lock().unwrap());
        let balance = RemoteBalance {
            balance_type: BalanceType::InterimBooked,
            amount: Money::from_minor(*self.balance_minor.lock().unwrap(), Currency::EUR),
            date: day(3),
            as_of: Some(now()),
        };
        self.answer(vec![balance])
    }

    async fn transactions(
        &self,
        _account: &RemoteAccount,
        _from: NaiveDate,
        _caller: &Caller,
    ) -> Result<Answer<Vec<RemoteTransaction>>, BankError> {
        let transactions = self.transactions.lock().unwrap().clone();
        self.answer(transactions)
    }

    async fn initiate_payment(
        &self,
        _order: &PaymentOrder,
        _caller: &Caller,
    ) -> Result<Answer<RemotePaymentStatus>, BankError> {
        Err(BankError::Refused {
            status: 405,
            code: "SERVICE_INVALID".into(),
            text: "not scripted".into(),
        })
    }

    async fn payment_status(&self, _id: &str) -> Result<Answer<RemotePaymentStatus>, BankError> {
        Err(BankError::ResourceUnknown)
    }
}

async fn ledger_with_connection() -> (tempfile::TempDir, Ledger, ConnectionRow) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    let mut tx = ledger.begin().await.unwrap();
    connection::insert(
        &mut tx,
        &connection::NewConnection {
            name: "hausbank",
            kind: "psd2",
            parameters_json: "{}",
            secret_ref: None,
            cadence_minutes: None,
        },
        now(),
    )
    .await
    .unwrap();
    connection::save_consent(
        &mut tx,
        1,
        &connection::NewConsent {
            consent_id: "c-1",
            status: "valid",
            valid_until: day(28),
            frequency_per_day: 2,
            recurring: true,
            sca_redirect: None,
        },
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let row = connection::find(ledger.pool(), "hausbank")
        .await
        .unwrap()
        .unwrap();
    (dir, ledger, row)
}

fn options(caller: Caller) -> SyncOptions<'static> {
    SyncOptions {
        caller,
        user: "treasurer",
        now: now(),
        retry: RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(5),
        },
    }
}

fn user() -> Caller {
    Caller::User {
        ip_address: "127.0.0.1".into(),
    }
}

async fn entries(ledger: &Ledger) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as("SELECT status, bank_ref, entry_ref FROM entry ORDER BY id")
        .fetch_all(ledger.pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_pending_entry_booked_with_another_transaction_id_is_one_entry_booked() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    *bank.balance_minor.lock().unwrap() = 10_000;
    *bank.transactions.lock().unwrap() = vec![
        transaction("t-1", "E-1", EntryStatus::Booked, 10_000),
        transaction("p-2", "E-2", EntryStatus::Pending, -2_500),
    ];
    let first = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(first.ok, "{:?}", first.error);
    assert_eq!(first.new_entries, 2);
    // The same answer again changes nothing.
    let again = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert_eq!(again.new_entries, 0);
    // E-2 books, under a new transaction id.
    *bank.transactions.lock().unwrap() = vec![
        transaction("t-1", "E-1", EntryStatus::Booked, 10_000),
        transaction("t-2", "E-2", EntryStatus::Booked, -2_500),
    ];
    let booked = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert_eq!(booked.new_entries, 0);
    assert_eq!(booked.accounts[0].promoted, 1);
    assert_eq!(
        entries(&ledger).await,
        vec![
            ("booked".into(), "E-1".into(), Some("t-1".into())),
            // The id of the booked report: the one the bank answers about from now on.
            ("booked".into(), "E-2".into(), Some("t-2".into())),
        ]
    );
    let (runs, pages): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT count(*) FROM sync_run WHERE outcome = 'ok'), (SELECT count(*) FROM sync_page)",
    )
    .fetch_one(ledger.pool())
    .await
    .unwrap();
    assert_eq!((runs, pages), (3, 6));
}

#[tokio::test]
async fn a_bank_that_times_out_is_retried_and_the_run_says_so() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    *bank.transactions.lock().unwrap() = vec![transaction("t-1", "E-1", EntryStatus::Booked, 1)];
    bank.fail_next(BankError::Timeout);
    bank.fail_next(BankError::Server { status: 503 });
    let report = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(report.ok, "{:?}", report.error);
    assert_eq!(report.retries, 2);
    assert_eq!(entries(&ledger).await.len(), 1);
}

#[tokio::test]
async fn an_expired_consent_fails_the_run_in_words_and_opens_one_exception_until_a_good_run() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    for _ in 0..2 {
        bank.fail_next(BankError::ConsentExpired);
        let failed = sync_connection(&ledger, &bank, &connection, &options(user()))
            .await
            .unwrap();
        assert!(!failed.ok);
        assert_eq!(
            failed.error.as_deref(),
            Some("the consent has expired; renew it")
        );
        // Not retried: a person must renew it.
        assert_eq!(failed.retries, 0);
    }
    let open: Vec<(String, String)> =
        sqlx::query_as("SELECT state, detail FROM exception_case WHERE kind = 'sync_failed'")
            .fetch_all(ledger.pool())
            .await
            .unwrap();
    assert_eq!(
        open,
        vec![("open".into(), "the consent has expired; renew it".into())]
    );
    let good = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(good.ok);
    let (state,): (String,) =
        sqlx::query_as("SELECT state FROM exception_case WHERE kind = 'sync_failed'")
            .fetch_one(ledger.pool())
            .await
            .unwrap();
    assert_eq!(state, "resolved");
    let (failed_runs,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM sync_run WHERE outcome = 'failed' AND error IS NOT NULL",
    )
    .fetch_one(ledger.pool())
    .await
    .unwrap();
    assert_eq!(failed_runs, 2);
}

#[tokio::test]
async fn an_account_the_bank_renames_on_reconnect_stays_one_account() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    *bank.transactions.lock().unwrap() = vec![transaction("t-1", "E-1", EntryStatus::Booked, 1)];
    sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    *bank.resource_id.lock().unwrap() = "acc-9f".into();
    let report = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(report.ok);
    let mapped = connection::accounts(ledger.pool(), connection.id)
        .await
        .unwrap();
    assert_eq!(mapped.len(), 1);
    assert_eq!(mapped[0].resource_id, "acc-9f");
    assert_eq!(mapped[0].account_key, IBAN);
    assert_eq!(entries(&ledger).await.len(), 1);
}

#[tokio::test]
async fn unattended_reads_stop_at_the_consents_daily_budget_and_a_person_may_still_refresh() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    for _ in 0..2 {
        let report = sync_connection(&ledger, &bank, &connection, &options(Caller::Unattended))
            .await
            .unwrap();
        assert!(report.ok, "{:?}", report.error);
    }
    let calls = *bank.calls.lock().unwrap();
    let third = sync_connection(&ledger, &bank, &connection, &options(Caller::Unattended))
        .await
        .unwrap();
    assert!(!third.ok);
    assert!(
        third
            .error
            .as_deref()
            .unwrap()
            .contains("2 unattended reads"),
        "{:?}",
        third.error
    );
    // Only the account list was asked for.
    assert_eq!(*bank.calls.lock().unwrap(), calls + 1);
    let by_hand = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(by_hand.ok);
}

#[tokio::test]
async fn a_transaction_in_another_currency_refuses_the_page_and_writes_nothing_of_it() {
    let (_dir, ledger, connection) = ledger_with_connection().await;
    let bank = ScriptedBank::new();
    let mut odd = transaction("t-2", "E-2", EntryStatus::Booked, 5);
    odd.amount = Money::from_minor(5, Currency::USD);
    *bank.transactions.lock().unwrap() =
        vec![transaction("t-1", "E-1", EntryStatus::Booked, 1), odd];
    let report = sync_connection(&ledger, &bank, &connection, &options(user()))
        .await
        .unwrap();
    assert!(!report.ok);
    assert!(report.error.as_deref().unwrap().contains("USD"));
    assert!(entries(&ledger).await.is_empty());
    let (pages,): (i64,) = sqlx::query_as("SELECT count(*) FROM sync_page")
        .fetch_one(ledger.pool())
        .await
        .unwrap();
    assert_eq!(pages, 0);
}
