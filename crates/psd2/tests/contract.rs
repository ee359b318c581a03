//! The client against Stoplight Prism's mock of the Berlin Group's own OpenAPI file (1.3.11):
//! Prism checks every request the client sends against the contract, and answers with the
//! file's own examples, which the client must read as the contract means them. The simulator
//! against the same file, through Prism's proxy, is `tests/integration/contract.rs`.
//!
//! Prism comes from `scripts/setup` (npm, into `target/prism`). Without it the test fails and
//! says so; `CASHLINE_CONTRACT_SKIP=1` skips it on purpose.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, TimeZone, Utc};

use cashline_domain::{BalanceType, Currency, EntryStatus, Iban, Money};
use cashline_engine::bank::{BankPort, Caller, PaymentOrder};
use cashline_psd2::{ClientSettings, Xs2aClient};

#[path = "support/prism.rs"]
mod prism;

use prism::{Prism, SPEC};

/// The file's example resource ids (`accountListExample1`, the first example Prism serves).
const MAIN_ACCOUNT: &str = "3dc3d5b3-7023-4848-9853-f5400a64e80f";
const USD_ACCOUNT: &str = "3dc3d5b3-7023-4848-9853-f5400a64e81e";
/// The file's example consent and payment id.
const EXAMPLE_ID: &str = "1234-wertiq-983";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared corpus beside the repository; a local run without it says so.
fn corpus() -> Option<PathBuf> {
    let path = std::env::var_os("CASHLINE_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/corpus"));
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "NOTE: the corpus is absent at {}: the PSD2 contract test cannot run here",
            path.display()
        );
        None
    }
}

/// A transaction as the assertions compare it: id, status, amount, booking day, counterparty.
type TransactionSeen<'a> = (
    &'a str,
    EntryStatus,
    Money,
    Option<NaiveDate>,
    Option<&'a str>,
);

fn eur(amount: &str) -> Money {
    Money::parse(amount, Currency::EUR).unwrap()
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

#[tokio::test]
async fn the_client_asks_as_the_contract_says_and_reads_the_contracts_own_examples() {
    let Some(corpus) = corpus() else { return };
    let Some(executable) = Prism::executable(&repo_root()) else {
        return;
    };
    let spec = corpus.join(SPEC);
    assert!(spec.is_file(), "{} is not in the corpus", spec.display());
    // Prism starts before the runtime has anything else to do: blocking here holds up no one.
    let prism = Prism::start(&executable, &["mock", spec.to_str().unwrap()]);
    let client = Xs2aClient::new(ClientSettings::new(&prism.url)).unwrap();
    let person = Caller::User {
        ip_address: "192.0.2.10".into(),
    };

    // The consent example: received, approved at the bank's page; its status example: valid.
    let consent = client
        .create_consent(
            day("2027-02-21"),
            4,
            Some("192.0.2.10"),
            "http://127.0.0.1:9/consent-done",
        )
        .await
        .unwrap();
    assert_eq!(consent.consent_status, "received");
    assert_eq!(consent.consent_id, EXAMPLE_ID);
    assert_eq!(
        consent.links.sca_redirect.unwrap().href,
        format!("https://www.testbank.com/authentication/{EXAMPLE_ID}")
    );
    assert_eq!(client.consent_status(EXAMPLE_ID).await.unwrap(), "valid");
    let client = client.with_consent(EXAMPLE_ID);

    // The account list example: two accounts.
    let accounts = client.accounts(&person).await.unwrap();
    assert_eq!(accounts.pages, 1);
    let listed: Vec<(&str, Option<&str>, Currency, Option<&str>)> = accounts
        .value
        .iter()
        .map(|a| {
            (
                a.resource_id.as_str(),
                a.iban.as_deref(),
                a.currency,
                a.name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                MAIN_ACCOUNT,
                Some("DE2310010010123456789"),
                Currency::EUR,
                Some("Main Account")
            ),
            (
                USD_ACCOUNT,
                Some("DE2310010010123456788"),
                Currency::USD,
                Some("US Dollar Account")
            ),
        ]
    );
    // The file's example IBANs are 21 characters where a German one has 22: the engine, which
    // knows accounts by IBAN, refuses them, so a whole `cashline sync` against the mock ends
    // there by design. The reads below are the adapter's half of that sync.
    for account in &accounts.value {
        assert!(Iban::parse(account.iban.as_deref().unwrap()).is_err());
    }

    let main = &accounts.value[0];
    let balances = client.balances(main, &person).await.unwrap().value;
    assert_eq!(balances.len(), 2, "{balances:?}");
    assert_eq!(balances[0].balance_type, BalanceType::ClosingBooked);
    assert_eq!(balances[0].amount, eur("500.00"));
    assert_eq!(balances[0].date, day("2017-10-25"));
    assert_eq!(balances[0].as_of, None);
    // Booked plus pending: information, never the position.
    assert_eq!(balances[1].balance_type, BalanceType::Information);
    assert_eq!(balances[1].amount, eur("900.00"));
    assert_eq!(
        balances[1].as_of,
        Some(
            Utc.with_ymd_and_hms(2017, 10, 25, 15, 30, 35).unwrap()
                + chrono::Duration::milliseconds(35)
        )
    );
    assert_eq!(
        balances[1].date,
        day("2017-10-25"),
        "from lastChangeDateTime"
    );

    let transactions = client
        .transactions(main, day("2017-10-01"), &person)
        .await
        .unwrap();
    assert_eq!(transactions.pages, 1);
    let read: Vec<TransactionSeen> = transactions
        .value
        .iter()
        .map(|t| {
            (
                t.transaction_id.as_deref().unwrap(),
                t.status,
                t.amount,
                t.booking_date,
                t.counterparty_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        read,
        [
            // The example names only a creditor on a credit: the creditor of money coming in
            // is the account's owner, not the counterparty, so there is none.
            (
                "1234567",
                EntryStatus::Booked,
                eur("256.67"),
                Some(day("2017-10-25")),
                None
            ),
            (
                "1234568",
                EntryStatus::Booked,
                eur("343.01"),
                Some(day("2017-10-25")),
                Some("Paul Simpson")
            ),
            (
                "1234569",
                EntryStatus::Pending,
                eur("-100.03"),
                None,
                Some("Claude Renault")
            ),
        ]
    );
    assert!(transactions
        .value
        .iter()
        .all(|t| t.value_date == Some(day("2017-10-26"))));
    assert_eq!(
        transactions.value[1].counterparty_iban.as_deref(),
        Some("NL76RABO0359400371")
    );
    assert_eq!(
        transactions.value[2].remittance.as_deref(),
        Some("Example 3")
    );
    // The second account reads the same way: the mock's examples are not per account.
    let usd = &accounts.value[1];
    assert_eq!(client.balances(usd, &person).await.unwrap().value.len(), 2);
    assert_eq!(
        client
            .transactions(usd, day("2017-10-01"), &person)
            .await
            .unwrap()
            .value
            .len(),
        3
    );

    // A payment, sent by a person and asked about again by an unattended sync: the contract
    // requires PSU-IP-Address on both, which the client must send without a person too.
    let order = PaymentOrder {
        end_to_end_id: "E2E-CONTRACT-1".into(),
        request_id: "6f0c7f2e-3d0b-4d7a-9a44-2b8e1c5d9e01".into(),
        debtor_iban: "DE89370400440532013000".into(),
        creditor_name: "Fabrikam".into(),
        creditor_iban: "NL91ABNA0417164300".into(),
        creditor_bic: None,
        amount: eur("1200.00"),
        remittance: Some("INV-1".into()),
        requested_date: Some(day("2026-11-23")),
    };
    for caller in [person.clone(), Caller::Unattended] {
        let sent = client.initiate_payment(&order, &caller).await.unwrap();
        assert_eq!(sent.value.bank_payment_id, EXAMPLE_ID, "{caller:?}");
        assert_eq!(sent.value.status, "RCVD", "{caller:?}");
    }
    let status = client.payment_status(EXAMPLE_ID).await.unwrap().value;
    assert_eq!(status.status, "ACCP");
    assert_eq!(status.reason_code, None);

    client.delete_consent(EXAMPLE_ID).await.unwrap();

    // Prism checked every request before answering it; none broke the contract. (Its own
    // examples break it here and there, e.g. `Location: string` where a URL belongs; those
    // are `Violation: response` lines and not the client's.)
    // Prism logs after it answers: its lines for the last request may still be on their way.
    let count = |lines: &[String], words: &str| lines.iter().filter(|l| l.contains(words)).count();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    let lines = loop {
        let lines = prism.lines();
        let received = count(&lines, "Request received");
        let passed = count(&lines, "The request passed the validation rules");
        if (received >= 11 && passed >= received) || std::time::Instant::now() > deadline {
            break lines;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    let received = count(&lines, "Request received");
    let passed = count(&lines, "The request passed the validation rules");
    let refused: Vec<&String> = lines
        .iter()
        .filter(|l| l.contains("Violation: request") || l.contains("did not pass the validation"))
        .collect();
    assert!(
        refused.is_empty(),
        "Prism found requests that break the contract:\n{}",
        refused
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(received, 11, "{}", lines.join("\n"));
    assert_eq!(passed, received, "{}", lines.join("\n"));
    eprintln!(
        "contract: Prism mock listened after {:.1} s and validated {received} requests",
        prism.started_in.as_secs_f64()
    );
}
