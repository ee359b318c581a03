//! A bank simulator that speaks the Berlin Group NextGenPSD2 contract (the parts Cashline
//! uses: consents with the redirect approach, accounts, balances, transactions with paging,
//! SEPA credit transfers and their status), with faults on request (`faults`). The tests start
//! it on a loopback port; `cashline bank-sim` and the demo serve it.
//!
//! Besides `/v1`, a few endpoints for tests and demos, outside the contract:
//! - `GET /sim/sca/{consentId}`: the PSU's browser approving a consent (answers 302 to the
//!   `TPP-Redirect-URI` given when it was created, with `?consentId=…&result=ok`);
//! - `POST /sim/advance?minutes=N`: moves the simulator's clock on;
//! - `POST /sim/faults` with a SPEC as the body: replaces the faults in force;
//! - `POST /sim/consents/{consentId}/revoke`: the PSU revokes a consent at the bank;
//! - `GET /sim/statement?iban=…&date=…`: a closed day's camt.053 (a bank's statement download);
//! - `GET /sim/state`: the clock, accounts with their balances, consents and payments, as JSON.

pub mod bank;
pub mod faults;
mod oauth;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::net::TcpListener;

pub use faults::{Faults, SpecError};

#[derive(Debug, Clone)]
pub struct SimOptions {
    pub seed: u64,
    /// The simulator's clock at start; its own time runs from there (and `advance`s).
    pub start: DateTime<Utc>,
    /// Consents are valid at once, without the browser step.
    pub auto_consent: bool,
    pub faults: Faults,
    pub page_size: usize,
    /// How long a `timeout` or `lost-response` fault keeps the caller waiting.
    pub stall: Duration,
    /// The clock runs with the wall clock from `start` (a demo); otherwise it stands still
    /// but for `advance` (tests).
    pub clock_runs: bool,
    /// Consents are approved through the bank's OAuth2 authorisation server (the OAuth SCA
    /// approach) instead of its redirect page, and read with the access token.
    pub oauth: bool,
    /// The accounts it keeps; `bank::default_accounts()` unless a demo names others.
    pub accounts: Vec<bank::AccountSpec>,
}

impl Default for SimOptions {
    fn default() -> SimOptions {
        SimOptions {
            seed: 20_261_203,
            start: Utc::now(),
            auto_consent: false,
            faults: Faults::default(),
            page_size: 50,
            stall: Duration::from_secs(60),
            clock_runs: false,
            oauth: false,
            accounts: bank::default_accounts(),
        }
    }
}

/// The simulator's state, shared by its handlers.
pub struct Sim {
    pub(crate) options: SimOptions,
    pub(crate) state: Mutex<routes::State>,
    /// Where it listens, for the links it writes.
    pub(crate) base_url: String,
    pub(crate) started: std::time::Instant,
}

impl Sim {
    pub fn new(options: SimOptions, base_url: &str) -> Arc<Sim> {
        let state = routes::State::new(&options);
        Arc::new(Sim {
            state: Mutex::new(state),
            options,
            base_url: base_url.trim_end_matches('/').to_string(),
            started: std::time::Instant::now(),
        })
    }
}

/// A running simulator.
pub struct Running {
    pub addr: SocketAddr,
    pub base_url: String,
    pub sim: Arc<Sim>,
    task: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn stop(self) {
        self.task.abort();
    }
}

/// Serves a simulator on `addr` (port 0: any free port) until the task is dropped or stopped.
pub async fn serve(addr: SocketAddr, options: SimOptions) -> std::io::Result<Running> {
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    serve_on(listener, &format!("http://{addr}"), options)
}

/// Serves a simulator on a listener of the caller's, such as a TLS acceptor in front of TCP
/// for a bank that asks for mutual TLS; `base_url` is where its clients reach it, for the links
/// it writes. Must be called within a Tokio runtime, which runs it until stopped.
pub fn serve_on<L>(listener: L, base_url: &str, options: SimOptions) -> std::io::Result<Running>
where
    L: axum::serve::Listener<Addr = SocketAddr>,
{
    let addr = listener.local_addr()?;
    let sim = Sim::new(options, base_url);
    let app = routes::router(sim.clone());
    let task = tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::warn!(%error, "the bank simulator stopped");
        }
    });
    Ok(Running {
        addr,
        base_url: sim.base_url.clone(),
        sim,
        task,
    })
}
