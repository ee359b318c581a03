//! The client against the simulator, over HTTP on a loopback port: the consent flow, every
//! read, paging, a pending transaction that books under a new id, payments sent once however
//! often they are asked for, and each fault as the client sees it.

use std::net::SocketAddr;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};

use cashline_domain::{BalanceType, Currency, EntryStatus, Money};
use cashline_engine::bank::{BankError, BankPort, Caller, PaymentOrder, RemoteAccount};
use cashline_psd2::sim::{self, Faults, Running, SimOptions};
use cashline_psd2::{ClientSettings, Xs2aClient};

const REDIRECT: &str = "http://127.0.0.1:9/consent-done";

fn start_time() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

async fn simulator(auto_consent: bool, faults: &str) -> Running {
    let options = SimOptions {
        start: start_time(),
        auto_consent,
        faults: Faults::parse(faults).unwrap(),
        page_size: 10,
        stall: Duration::from_millis(1_500),
        ..SimOptions::default()
    };
    sim::serve(SocketAddr::from(([127, 0, 0, 1], 0)), options)
        .await
        .unwrap()
}

fn client(base: &str) -> Xs2aClient {
    let mut settings = ClientSettings::new(base);
    settings.timeout = Duration::from_millis(700);
    Xs2aClient::new(settings).unwrap()
}

async fn consented(running: &Running) -> Xs2aClient {
    let client = client(&running.base_url);
    let consent = client
        .create_consent(
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            4,
            None,
            REDIRECT,
        )
        .await
        .unwrap();
    client.with_consent(&consent.consent_id)
}

fn user() -> Caller {
    Caller::User {
        ip_address: "192.0.2.10".into(),
    }
}

async fn sim_state(running: &Running) -> serde_json::Value {
    reqwest::get(format!("{}/sim/state", running.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

async fn post(running: &Running, path: &str, body: &str) {
    let status = reqwest::Client::new()
        .post(format!("{}{path}", running.base_url))
        .body(body.to_string())
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{path}: {status}");
}

async fn first_account(client: &Xs2aClient) -> RemoteAccount {
    client.accounts(&user()).await.unwrap().value.remove(0)
}

#[tokio::test]
async fn a_consent_is_approved_in_the_browser_and_then_reads_every_account() {
    let running = simulator(false, "").await;
    let client = client(&running.base_url);
    let consent = client
        .create_consent(
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            4,
            None,
            REDIRECT,
        )
        .await
        .unwrap();
    assert_eq!(consent.consent_status, "received");
    let client = client.with_consent(&consent.consent_id);
    // Not approved yet: refused in words.
    assert_eq!(
        client.accounts(&user()).await.unwrap_err(),
        BankError::ConsentInvalid
    );
    // The browser's step: the bank's page sends it back to the redirect address.
    let sca = consent.links.sca_redirect.unwrap().href;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let back = browser.get(&sca).send().await.unwrap();
    assert_eq!(back.status(), 302);
    let location = back.headers()["Location"].to_str().unwrap().to_string();
    assert_eq!(
        location,
        format!("{REDIRECT}?consentId={}&result=ok", consent.consent_id)
    );
    assert_eq!(
        client.consent_status(&consent.consent_id).await.unwrap(),
        "valid"
    );
    let accounts = client.accounts(&user()).await.unwrap();
    let currencies: Vec<Currency> = accounts.value.iter().map(|a| a.currency).collect();
    assert_eq!(
        currencies,
        vec![Currency::EUR, Currency::EUR, Currency::USD, Currency::GBP]
    );
    assert_eq!(
        accounts.value[0].iban.as_deref(),
        Some("DE89370400440532013000")
    );
    assert_eq!(accounts.request_id.len(), 36);
    running.stop();
}

#[tokio::test]
async fn balances_follow_the_transactions_and_every_page_is_read() {
    let running = simulator(true, "").await;
    let client = consented(&running).await;
    let account = first_account(&client).await;
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let read = client.transactions(&account, from, &user()).await.unwrap();
    let state = sim_state(&running).await;
    let booked = state["accounts"][0]["booked"].as_u64().unwrap() as usize;
    let pending = state["accounts"][0]["pending"].as_u64().unwrap() as usize;
    assert_eq!(read.value.len(), booked + pending);
    assert!(
        read.pages > 1,
        "page size 10 pages {} transactions",
        read.value.len()
    );
    let balances = client.balances(&account, &user()).await.unwrap().value;
    let interim = balances
        .iter()
        .find(|b| b.balance_type == BalanceType::InterimBooked)
        .unwrap();
    let closing = balances
        .iter()
        .find(|b| b.balance_type == BalanceType::ClosingBooked)
        .unwrap();
    assert_eq!(
        interim.amount.amount_text(),
        state["accounts"][0]["interim_booked"].as_str().unwrap()
    );
    // Interim = closing + what booked today.
    let today: i64 = read
        .value
        .iter()
        .filter(|t| {
            t.status == EntryStatus::Booked && t.booking_date == Some(start_time().date_naive())
        })
        .map(|t| t.amount.amount_minor().unwrap())
        .sum();
    assert_eq!(
        interim.amount.amount_minor().unwrap(),
        closing.amount.amount_minor().unwrap() + today
    );
    running.stop();
}

#[tokio::test]
async fn a_pending_transaction_books_later_under_a_new_id_and_the_same_entry_reference() {
    let running = simulator(true, "").await;
    let client = consented(&running).await;
    let account = first_account(&client).await;
    let from = start_time().date_naive();
    let before = client
        .transactions(&account, from, &user())
        .await
        .unwrap()
        .value;
    let pending: Vec<_> = before
        .iter()
        .filter(|t| t.status == EntryStatus::Pending)
        .collect();
    assert_eq!(pending.len(), 2);
    post(&running, "/sim/advance?minutes=480", "").await;
    let after = client
        .transactions(&account, from, &user())
        .await
        .unwrap()
        .value;
    for was in pending {
        let now = after
            .iter()
            .find(|t| t.entry_reference == was.entry_reference)
            .unwrap();
        assert_eq!(now.status, EntryStatus::Booked);
        assert_eq!(now.amount, was.amount);
        assert_eq!(now.value_date, was.value_date);
    }
    let renamed = after
        .iter()
        .filter(|t| {
            before.iter().any(|b| {
                b.entry_reference == t.entry_reference && b.transaction_id != t.transaction_id
            })
        })
        .count();
    assert_eq!(
        renamed, 1,
        "one of the two gets a new transaction id once booked"
    );
    running.stop();
}

fn order(request_id: &str, creditor: &str) -> PaymentOrder {
    PaymentOrder {
        end_to_end_id: format!("E2E-{request_id}"),
        request_id: request_id.into(),
        debtor_iban: "DE89370400440532013000".into(),
        creditor_name: creditor.into(),
        creditor_iban: "NL20INGB0001234567".into(),
        creditor_bic: None,
        amount: Money::parse("1250.00", Currency::EUR).unwrap(),
        remittance: Some("INV-7".into()),
        requested_date: None,
    }
}

#[tokio::test]
async fn a_payment_asked_for_twice_with_one_request_id_is_one_payment_whose_status_advances() {
    let running = simulator(true, "").await;
    let client = consented(&running).await;
    let id = "0b0e4d2c-6a0f-4f7e-9d55-0c6d9b1f2a11";
    let first = client
        .initiate_payment(&order(id, "Fabrikam BV"), &user())
        .await
        .unwrap();
    let again = client
        .initiate_payment(&order(id, "Fabrikam BV"), &user())
        .await
        .unwrap();
    assert_eq!(first.value.bank_payment_id, again.value.bank_payment_id);
    assert_eq!(first.value.status, "RCVD");
    assert_eq!(
        sim_state(&running).await["payments"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let mut seen = Vec::new();
    for minutes in [0, 3, 10, 60] {
        post(&running, &format!("/sim/advance?minutes={minutes}"), "").await;
        seen.push(
            client
                .payment_status(&first.value.bank_payment_id)
                .await
                .unwrap()
                .value
                .status,
        );
    }
    assert_eq!(seen, vec!["RCVD", "ACTC", "ACSP", "ACSC"]);
    running.stop();
}

#[tokio::test]
async fn a_rejected_payment_carries_the_banks_reason() {
    let running = simulator(true, "").await;
    let client = consented(&running).await;
    let sent = client
        .initiate_payment(
            &order("5f1c9a7e-2b3d-4c8e-8f00-1a2b3c4d5e6f", "Closed Account Ltd"),
            &user(),
        )
        .await
        .unwrap();
    post(&running, "/sim/advance?minutes=5", "").await;
    let status = client
        .payment_status(&sent.value.bank_payment_id)
        .await
        .unwrap()
        .value;
    assert_eq!(status.status, "RJCT");
    assert_eq!(status.reason_code.as_deref(), Some("AC04"));
    assert_eq!(status.reason_text.as_deref(), Some("Account closed"));
    running.stop();
}

#[tokio::test]
async fn a_lost_answer_is_a_timeout_and_the_bank_has_the_payment_once() {
    let running = simulator(true, "lost-response:payments*1").await;
    let client = consented(&running).await;
    let id = "7d3e1f00-1111-4222-8333-444455556666";
    let lost = client
        .initiate_payment(&order(id, "Fabrikam BV"), &user())
        .await;
    assert_eq!(lost.unwrap_err(), BankError::Timeout);
    // Sent again with the same request id (what the sync does is ask; this shows it is safe).
    let again = client
        .initiate_payment(&order(id, "Fabrikam BV"), &user())
        .await
        .unwrap();
    let payments = sim_state(&running).await["payments"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(payments.len(), 1);
    assert_eq!(
        payments[0]["payment_id"],
        again.value.bank_payment_id.as_str()
    );
    running.stop();
}

#[tokio::test]
async fn each_fault_reaches_the_client_as_its_own_error() {
    let cases = [
        ("timeout:accounts*1", BankError::Timeout),
        ("500:accounts*1", BankError::Server { status: 500 }),
        (
            "rate-limit:accounts*1",
            BankError::RateLimited {
                retry_after_seconds: Some(1),
            },
        ),
        ("consent-expired:accounts*1", BankError::ConsentExpired),
        ("consent-revoked:accounts*1", BankError::ConsentInvalid),
    ];
    for (spec, expected) in cases {
        let running = simulator(true, "").await;
        let client = consented(&running).await;
        post(&running, "/sim/faults", spec).await;
        assert_eq!(
            client.accounts(&user()).await.unwrap_err(),
            expected,
            "{spec}"
        );
        running.stop();
    }
    let running = simulator(true, "").await;
    let client = consented(&running).await;
    post(&running, "/sim/faults", "malformed:accounts*1").await;
    assert!(matches!(
        client.accounts(&user()).await.unwrap_err(),
        BankError::Malformed { .. }
    ));
    // Changed ids: the old id is unknown, the new list names the same IBAN.
    let account = first_account(&client).await;
    post(&running, "/sim/faults", "changed-ids:accounts*1").await;
    let renamed = first_account(&client).await;
    assert_eq!(renamed.iban, account.iban);
    assert_ne!(renamed.resource_id, account.resource_id);
    assert_eq!(
        client.balances(&account, &user()).await.unwrap_err(),
        BankError::ResourceUnknown
    );
    running.stop();
}

#[tokio::test]
async fn unattended_reads_stop_at_the_consents_frequency_and_a_person_still_reads() {
    let running = simulator(true, "").await;
    let client = client(&running.base_url);
    let consent = client
        .create_consent(
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            2,
            None,
            REDIRECT,
        )
        .await
        .unwrap();
    let client = client.with_consent(&consent.consent_id);
    let account = first_account(&client).await;
    for _ in 0..2 {
        client
            .balances(&account, &Caller::Unattended)
            .await
            .unwrap();
    }
    assert_eq!(
        client
            .balances(&account, &Caller::Unattended)
            .await
            .unwrap_err(),
        BankError::AccessExceeded
    );
    client.balances(&account, &user()).await.unwrap();
    running.stop();
}

#[test]
fn a_bad_fault_spec_is_refused_in_words() {
    assert!(Faults::parse("timeout:everywhere")
        .unwrap_err()
        .to_string()
        .contains("'everywhere' is not an endpoint"));
}
