//! Payments sent through the bank's API never twice: 1,000 sends against the simulator with
//! lost answers, timeouts, server errors, repeated clicks and sends cut off mid-way (a process
//! killed: the future dropped wherever it was, its transaction rolled back), then every
//! payment asked about until its outcome is definite.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use cashline_domain::{Currency, Money, PaymentState};
use cashline_engine::bank::Caller;
use cashline_engine::payment::initiation::{self, SendOptions, SendOutcome};
use cashline_engine::payment::{self, RunIn, RunSource};
use cashline_erp::payments::PaymentInstruction;
use cashline_ledger::connection::{self, ConnectionRow, NewConnection};
use cashline_ledger::{account, Ledger};
use cashline_psd2::sim::{self, Running, SimOptions};
use cashline_psd2::{ClientSettings, Xs2aClient};

const DEBTOR: &str = "DE89370400440532013000";
const PAYMENTS: usize = 1_000;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap()
}

fn user() -> Caller {
    Caller::User {
        ip_address: "192.0.2.10".into(),
    }
}

/// A small deterministic generator, so a failure is the same on the next run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

fn instruction(n: usize) -> PaymentInstruction {
    // Every 50th payment goes to a closed account: the bank rejects it with AC04.
    let creditor = if n % 50 == 7 {
        "Closed Account Ltd"
    } else {
        "Fabrikam GmbH"
    };
    PaymentInstruction {
        external_id: format!("P{n:04}"),
        end_to_end_id: format!("E2E-{n:04}"),
        debtor_iban: DEBTOR.into(),
        creditor_name: creditor.into(),
        creditor_iban: "NL91ABNA0417164300".into(),
        creditor_bic: None,
        amount: Money::from_minor(10_000 + n as i64, Currency::EUR),
        requested_date: NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
        reference: Some(format!("INV-{n}")),
        payment_info_id: None,
        instruction_id: None,
    }
}

async fn ledger_with_approved_payments() -> (tempfile::TempDir, Ledger, ConnectionRow) {
    let dir = tempfile::tempdir().unwrap();
    let ledger = Ledger::open(&dir.path().join("ledger.sqlite"))
        .await
        .unwrap();
    let mut tx = ledger.begin().await.unwrap();
    account::ensure(
        &mut tx,
        &account::AccountSeen {
            account_key: DEBTOR,
            iban: Some(DEBTOR),
            bic: Some("COBADEFFXXX"),
            currency: "EUR",
            name: None,
            bank_id: None,
        },
        now(),
    )
    .await
    .unwrap();
    connection::insert(
        &mut tx,
        &NewConnection {
            name: "Simbank",
            kind: "psd2",
            parameters_json: "{}",
            secret_ref: None,
            cadence_minutes: None,
        },
        now(),
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let instructions: Vec<PaymentInstruction> = (0..PAYMENTS).map(instruction).collect();
    let run = RunIn {
        source: RunSource::Csv,
        name: "run.csv",
        message_id: None,
        source_file_id: None,
    };
    payment::store(&ledger, &run, &instructions, "ana", now())
        .await
        .unwrap();
    let ids: Vec<String> = instructions.iter().map(|i| i.external_id.clone()).collect();
    payment::approve(&ledger, &ids, "ben", now()).await.unwrap();
    let row = connection::find(ledger.pool(), "Simbank")
        .await
        .unwrap()
        .unwrap();
    (dir, ledger, row)
}

async fn simulator() -> Running {
    let options = SimOptions {
        start: now(),
        auto_consent: true,
        stall: Duration::from_millis(400),
        ..SimOptions::default()
    };
    sim::serve(SocketAddr::from(([127, 0, 0, 1], 0)), options)
        .await
        .unwrap()
}

async fn admin(running: &Running, path: &str, body: &str) {
    let response = reqwest::Client::new()
        .post(format!("{}{path}", running.base_url))
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path}");
}

/// The simulator's payments by end-to-end id: how many it created of each.
async fn created_at_the_bank(running: &Running) -> HashMap<String, usize> {
    let state: serde_json::Value = reqwest::get(format!("{}/sim/state", running.base_url))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut created = HashMap::new();
    for p in state["payments"].as_array().unwrap() {
        *created
            .entry(p["end_to_end_id"].as_str().unwrap().to_string())
            .or_insert(0) += 1;
    }
    created
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_sends_with_lost_answers_timeouts_clicks_and_kills_create_each_payment_once() {
    let (_dir, ledger, connection) = ledger_with_approved_payments().await;
    let running = simulator().await;
    let mut settings = ClientSettings::new(&running.base_url);
    settings.timeout = Duration::from_millis(150);
    let client = Xs2aClient::new(settings).unwrap();
    let options = SendOptions {
        caller: user(),
        user: "ben",
        now: now(),
    };
    let ids: Vec<String> = (0..PAYMENTS).map(|n| format!("P{n:04}")).collect();
    let mut rng = Rng(0x5EED_2026_1203);
    let mut outcomes: HashMap<&'static str, usize> = HashMap::new();
    for chunk in ids.chunks(25) {
        // Each round of 25 meets a few faults of its own.
        let spec = format!(
            "lost-response:payments*{},timeout:payments*{},500:payments*{}",
            rng.below(3),
            rng.below(3),
            rng.below(2)
        );
        admin(&running, "/sim/faults", &spec).await;
        let chunk: Vec<String> = chunk.to_vec();
        let choice = rng.below(4);
        match choice {
            // Clicked twice: the same payments sent at once by two callers.
            0 => {
                let (a, b) = tokio::join!(
                    initiation::send(&ledger, &client, &connection, &chunk, &options),
                    initiation::send(&ledger, &client, &connection, &chunk, &options),
                );
                for sent in a.unwrap().into_iter().chain(b.unwrap()) {
                    *outcomes.entry(kind(&sent.outcome)).or_insert(0) += 1;
                }
            }
            // Killed mid-way: the send is dropped wherever it is.
            1 => {
                let cut = Duration::from_millis(20 + rng.below(200));
                let _ = tokio::time::timeout(
                    cut,
                    initiation::send(&ledger, &client, &connection, &chunk, &options),
                )
                .await;
                *outcomes.entry("killed").or_insert(0) += 1;
            }
            _ => {
                for sent in initiation::send(&ledger, &client, &connection, &chunk, &options)
                    .await
                    .unwrap()
                {
                    *outcomes.entry(kind(&sent.outcome)).or_insert(0) += 1;
                }
            }
        }
    }
    assert!(
        outcomes.get("unknown").copied().unwrap_or(0) > 0,
        "faults hit: {outcomes:?}"
    );
    assert!(
        outcomes.get("killed").copied().unwrap_or(0) > 0,
        "{outcomes:?}"
    );
    assert!(
        outcomes.get("not sent").copied().unwrap_or(0) > 0,
        "clicks were repeated: {outcomes:?}"
    );

    // The faults end; everything unknown is asked about, and sends cut off before their row
    // was written are sent, until no payment is left without a definite outcome.
    admin(&running, "/sim/faults", "").await;
    for _ in 0..3 {
        initiation::resolve(&ledger, &client, &connection, &options)
            .await
            .unwrap();
        initiation::send(&ledger, &client, &connection, &ids, &options)
            .await
            .unwrap();
    }
    let created = created_at_the_bank(&running).await;
    assert_eq!(created.len(), PAYMENTS, "every payment reached the bank");
    let twice: Vec<_> = created.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "created twice at the bank: {twice:?}");

    // The bank's statuses move every payment to a definite state: rejected with its reason,
    // or on its way to settlement, then settled.
    admin(&running, "/sim/advance?minutes=90", "").await;
    let later = SendOptions {
        now: now() + chrono::Duration::minutes(90),
        ..options
    };
    initiation::poll(&ledger, &client, &connection, &later)
        .await
        .unwrap();
    let mut states: HashMap<PaymentState, usize> = HashMap::new();
    let mut tx = ledger.begin().await.unwrap();
    for id in &ids {
        let row = cashline_ledger::payment::find(&mut tx, id)
            .await
            .unwrap()
            .unwrap();
        *states.entry(row.state).or_insert(0) += 1;
    }
    tx.rollback().await.unwrap();
    assert_eq!(
        states.get(&PaymentState::Rejected).copied(),
        Some(PAYMENTS / 50),
        "{states:?}"
    );
    assert_eq!(
        states.get(&PaymentState::Settled).copied(),
        Some(PAYMENTS - PAYMENTS / 50),
        "{states:?}"
    );
    // Nothing is left for the bank's idempotency to answer.
    assert!(
        cashline_ledger::initiation::unknown(ledger.pool(), connection.id)
            .await
            .unwrap()
            .is_empty()
    );
    running.stop();
}

fn kind(outcome: &SendOutcome) -> &'static str {
    match outcome {
        SendOutcome::Answered { .. } => "answered",
        SendOutcome::Unknown { .. } => "unknown",
        SendOutcome::Refused { .. } => "refused",
        SendOutcome::NotSent { .. } => "not sent",
    }
}
