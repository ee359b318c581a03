//! The demo's bank connections: three simulated banks (`cashline_psd2::sim`) served from this
//! process for as long as the demo runs, each added as a connection through the same consent
//! flow a user's bank goes through, and synced, so the Connections screen shows one healthy,
//! one whose consent is about to end and one failing, and the positions show intraday balances
//! read from a bank's API.

use std::net::SocketAddr;

use chrono::Utc;

use cashline_domain::Currency;
use cashline_psd2::sim::bank::AccountSpec;
use cashline_psd2::sim::{self, SimOptions};

use crate::request::{AccountUpdate, ConnectionAdd, ConnectionName, SyncRequest};
use crate::{Service, ServiceError};

/// Days the second bank's consent is asked for: inside the warning window, so the screen
/// says it is about to end and offers to renew it.
const EXPIRING_CONSENT_DAYS: u32 = 9;
/// What the third bank starts doing after its first good sync: answering its account list
/// with a body that is not the contract, which no retry mends.
const FAILING_FAULTS: &str = "malformed:accounts";

/// One simulated bank of the demo.
struct DemoBank {
    connection: &'static str,
    seed: u64,
    accounts: fn() -> Vec<AccountSpec>,
    /// The entity each account belongs to, by IBAN.
    entities: &'static [(&'static str, &'static str)],
    valid_days: Option<u32>,
    faults_after_first_sync: Option<&'static str>,
}

const BANKS: [DemoBank; 3] = [
    DemoBank {
        connection: "Simbank Frankfurt",
        seed: 20_261_203,
        accounts: sim::bank::default_accounts,
        entities: &[
            ("DE89370400440532013000", "NW-DE"),
            ("NL91ABNA0417164300", "NW-NL"),
            ("CH9300762011623852957", "NW-CH"),
            ("GB29NWBK60161331926819", "NW-UK"),
        ],
        valid_days: None,
        faults_after_first_sync: None,
    },
    DemoBank {
        connection: "Simbank Paris",
        seed: 20_261_204,
        accounts: paris_accounts,
        entities: &[
            ("FR1420041010050500013M02606", "NW-DE"),
            ("BE68539007547034", "NW-NL"),
        ],
        valid_days: Some(EXPIRING_CONSENT_DAYS),
        faults_after_first_sync: None,
    },
    DemoBank {
        connection: "Simbank Wien",
        seed: 20_261_205,
        accounts: vienna_accounts,
        entities: &[("AT611904300234573201", "NW-DE")],
        valid_days: None,
        faults_after_first_sync: Some(FAILING_FAULTS),
    },
];

fn paris_accounts() -> Vec<AccountSpec> {
    vec![
        AccountSpec::new(
            "fr",
            "FR1420041010050500013M02606",
            Currency::EUR,
            "Paris operating",
            21_460_000,
            "PSSTFRPPXXX",
        ),
        AccountSpec::new(
            "be",
            "BE68539007547034",
            Currency::EUR,
            "Brussels collections",
            6_905_075,
            "GKCCBEBBXXX",
        ),
    ]
}

fn vienna_accounts() -> Vec<AccountSpec> {
    vec![AccountSpec::new(
        "at",
        "AT611904300234573201",
        Currency::EUR,
        "Vienna operating",
        4_380_000,
        "BKAUATWWXXX",
    )]
}

/// The demo's simulated banks, served until this is dropped.
pub struct DemoBanks {
    running: Vec<sim::Running>,
}

impl Drop for DemoBanks {
    fn drop(&mut self) {
        for running in self.running.drain(..) {
            running.stop();
        }
    }
}

impl Service {
    /// Starts the demo's banks and connects to each; a connection from an earlier demo (whose
    /// bank went away with it) is removed and added again, its accounts and entries kept.
    pub async fn load_demo_banks(&self) -> Result<(DemoBanks, Vec<String>), ServiceError> {
        let mut banks = DemoBanks {
            running: Vec::new(),
        };
        let mut lines = Vec::new();
        // The banks start at the service's moment; a clock held still (`CASHLINE_NOW`) holds
        // theirs still too, so consents and bookings agree with the ledger's day.
        let start = self.clock.now();
        let real_clock = (start - Utc::now()).num_seconds().abs() < 60;
        for bank in &BANKS {
            let options = SimOptions {
                seed: bank.seed,
                start,
                auto_consent: true,
                clock_runs: real_clock,
                accounts: (bank.accounts)(),
                ..SimOptions::default()
            };
            let running = sim::serve(SocketAddr::from(([127, 0, 0, 1], 0)), options)
                .await
                .map_err(|e| {
                    ServiceError::BadRequest(format!(
                        "the demo's bank simulator cannot listen: {e}"
                    ))
                })?;
            let name = ConnectionName {
                name: bank.connection.into(),
            };
            if self.connection(bank.connection).await.is_ok() {
                self.connection_remove(&name).await?;
            }
            self.connection_add(&ConnectionAdd {
                name: bank.connection.into(),
                psd2_url: running.base_url.clone(),
                valid_days: bank.valid_days,
                ..ConnectionAdd::default()
            })
            .await?;
            let sync = SyncRequest {
                connection: Some(bank.connection.into()),
            };
            let first = self.sync(&sync).await?;
            for (iban, entity) in bank.entities {
                let update = AccountUpdate {
                    entity: Some((*entity).into()),
                    ..AccountUpdate::default()
                };
                self.account_update(iban, update).await?;
            }
            if let Some(faults) = bank.faults_after_first_sync {
                set_faults(&running.base_url, faults).await?;
                self.sync(&sync).await?;
            }
            let connection = self.connection(bank.connection).await?;
            let entries: u64 = first.runs.iter().map(|r| r.new_entries).sum();
            lines.push(format!(
                "bank connection {} ({}, {} new entries from its API)",
                bank.connection,
                connection.state.replace('_', " "),
                entries
            ));
            banks.running.push(running);
        }
        Ok((banks, lines))
    }
}

/// Tells a simulator which faults to inject, through its test endpoint.
async fn set_faults(base_url: &str, spec: &str) -> Result<(), ServiceError> {
    let answer = reqwest::Client::new()
        .post(format!("{base_url}/sim/faults"))
        .body(spec.to_string())
        .send()
        .await
        .map_err(|e| {
            ServiceError::BadRequest(format!("the demo's bank simulator did not answer: {e}"))
        })?;
    if !answer.status().is_success() {
        return Err(ServiceError::BadRequest(format!(
            "the demo's bank simulator refused the faults {spec}"
        )));
    }
    Ok(())
}
