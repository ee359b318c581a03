//! Mutual TLS as a bank asks for it: the simulator behind a TLS acceptor that requires a client
//! certificate signed by a CA made for the test. The client with that certificate and the CA as
//! its root reads accounts and balances; one without a certificate, or with one the bank's CA
//! did not sign, is refused; and one that does not trust the bank's CA refuses the bank.

use std::time::Duration;

use chrono::{NaiveDate, TimeZone, Utc};
use tokio::sync::mpsc;

use cashline_domain::BalanceType;
use cashline_engine::bank::{BankError, BankPort, Caller};
use cashline_psd2::sim::{self, Running, SimOptions};
use cashline_psd2::{ClientSettings, Xs2aClient};

#[path = "support/tls.rs"]
mod tls;

use tls::{Pki, TlsListener, HANDSHAKE_WAIT};

/// A TPP's certificate and key, as `ClientSettings::identity_pem` takes them.
fn client_identity_pem(pki: &Pki) -> Vec<u8> {
    let (certificate, key) = pki.client_certificate();
    format!("{certificate}{key}").into_bytes()
}

/// The bank: the simulator over TLS for 127.0.0.1 and localhost, a certificate signed by
/// `pki`'s CA required of every client.
struct Bank {
    running: Running,
    refused: mpsc::UnboundedReceiver<String>,
}

impl Bank {
    async fn start(pki: &Pki) -> Bank {
        let (sender, refused) = mpsc::unbounded_channel();
        let listener = TlsListener::bind(pki.server_config(), Some(sender)).await;
        let base_url = listener.base_url();
        let options = SimOptions {
            start: Utc.with_ymd_and_hms(2026, 12, 3, 9, 0, 0).unwrap(),
            auto_consent: true,
            ..SimOptions::default()
        };
        let running = sim::serve_on(listener, &base_url, options).unwrap();
        Bank { running, refused }
    }

    fn client(&self, identity_pem: Option<Vec<u8>>, root_pem: Option<Vec<u8>>) -> Xs2aClient {
        let mut settings = ClientSettings::new(&self.running.base_url);
        settings.timeout = Duration::from_secs(5);
        settings.identity_pem = identity_pem;
        settings.root_pem = root_pem;
        Xs2aClient::new(settings).unwrap()
    }

    /// The server's reason for the next handshake it refused. The client may hear of the
    /// failure before the server is done with it, so this waits for the server.
    async fn refusal(&mut self) -> String {
        tokio::time::timeout(HANDSHAKE_WAIT, self.refused.recv())
            .await
            .expect("the server refused a handshake")
            .expect("the listener is running")
    }

    fn refused_none(&mut self) -> bool {
        self.refused.try_recv().is_err()
    }
}

fn user() -> Caller {
    Caller::User {
        ip_address: "192.0.2.10".into(),
    }
}

async fn consent(client: &Xs2aClient) -> Result<String, BankError> {
    let created = client
        .create_consent(
            NaiveDate::from_ymd_opt(2027, 3, 1).unwrap(),
            4,
            None,
            "http://127.0.0.1:9/consent-done",
        )
        .await?;
    Ok(created.consent_id)
}

#[tokio::test]
async fn a_client_with_a_certificate_of_the_banks_ca_reads_accounts_and_balances() {
    let pki = Pki::new("Cashline test CA");
    let mut bank = Bank::start(&pki).await;
    let client = bank.client(
        Some(client_identity_pem(&pki)),
        Some(pki.ca_pem().into_bytes()),
    );
    let consent_id = consent(&client).await.expect("a consent over mutual TLS");
    let client = client.with_consent(&consent_id);

    let accounts = client.accounts(&user()).await.unwrap().value;
    assert_eq!(accounts.len(), 4, "{accounts:?}");
    for account in &accounts {
        let balances = client.balances(account, &user()).await.unwrap().value;
        let booked = balances
            .iter()
            .find(|b| b.balance_type == BalanceType::InterimBooked)
            .unwrap_or_else(|| panic!("{account:?}: {balances:?}"));
        assert_eq!(booked.amount.currency(), account.currency);
    }
    let from = NaiveDate::from_ymd_opt(2026, 11, 1).unwrap();
    let transactions = client
        .transactions(&accounts[0], from, &user())
        .await
        .unwrap();
    assert!(!transactions.value.is_empty(), "every page read over TLS");
    assert!(bank.refused_none(), "every handshake was accepted");
    bank.running.stop();
}

#[tokio::test]
async fn a_client_without_a_certificate_of_the_banks_ca_is_refused_in_plain_words() {
    let pki = Pki::new("Cashline test CA");
    let mut bank = Bank::start(&pki).await;
    let ca = Some(pki.ca_pem().into_bytes());
    // A certificate from a CA the bank does not know is no better than none.
    let stranger = Pki::new("Somebody else's CA");
    for (case, identity, server_says) in [
        ("no certificate", None, "peer sent no certificates"),
        (
            "a stranger's certificate",
            Some(client_identity_pem(&stranger)),
            "invalid peer certificate: UnknownIssuer",
        ),
    ] {
        let error = consent(&bank.client(identity, ca.clone()))
            .await
            .expect_err(case);
        assert!(
            matches!(error, BankError::Handshake(_)) && !error.is_transient(),
            "{case}: a certificate is not retried: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            "the bank refused this client's certificate (mutual TLS): check the certificate and key given for the connection",
            "{case}"
        );
        let refusal = bank.refusal().await;
        assert!(
            refusal.contains(server_says),
            "{case}: the server refused for {refusal:?}"
        );
    }
    bank.running.stop();
}

#[tokio::test]
async fn a_client_that_does_not_trust_the_banks_ca_refuses_the_bank() {
    let pki = Pki::new("Cashline test CA");
    let mut bank = Bank::start(&pki).await;
    // The bank's CA is not among this machine's roots, and the client is given no other.
    let client = bank.client(Some(client_identity_pem(&pki)), None);
    let error = consent(&client).await.expect_err("an unknown issuer");
    assert!(!error.is_transient(), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the bank's certificate is not trusted: check the bank's root certificate given for the connection"
    );
    // It was the client that ended the handshake, before any request reached the bank.
    let refusal = bank.refusal().await;
    assert!(refusal.contains("received fatal alert"), "{refusal:?}");
    bank.running.stop();
}
