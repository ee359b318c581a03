//! Bank connections: adding one with its consent (the PSU approves it in the browser and the
//! bank sends them back to a loopback port of ours), their health for the screen, renewal,
//! removal, and syncs, by hand or on the consent's schedule.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tracing::{info, info_span, warn, Instrument};

use cashline_domain::Right;
use cashline_domain::{mask::mask_account, shown};
use cashline_engine::bank::schedule;
use cashline_engine::bank::sync::{self as bank_sync, RetryPolicy, SyncOptions};
use cashline_engine::bank::Caller;
use cashline_engine::payment::initiation::{self, SendOptions, SendOutcome};
use cashline_ledger::connection::{self, ConnectionRow, ConsentRow, NewConnection, NewConsent};
use cashline_ledger::{audit, sync};
use cashline_psd2::client::check_base_url;
use cashline_psd2::{ClientSettings, Xs2aClient};

mod oauth;

use crate::callback::ConsentCallback;
use crate::keystore::Keystore;
use crate::request::{ConnectionAdd, ConnectionName, PaymentsSend, SyncRequest};
use crate::{wire, Service, ServiceError};

/// The `connection.kind` of a bank connection.
const KIND: &str = "psd2";
/// Unattended reads a day a consent asks for unless told: the most PSD2 allows a TPP without
/// the PSU present (RTS article 36(5)).
pub const READS_PER_DAY_DEFAULT: u32 = 4;
/// Days a consent is asked for unless told.
pub const CONSENT_DAYS_DEFAULT: u32 = 90;
/// The longest consent PSD2 allows between two strong authentications.
pub const CONSENT_DAYS_MAX: u32 = 180;
/// A consent that ends within this many days is shown as expiring, so it is renewed in time.
pub const CONSENT_WARNING_DAYS: i64 = 14;
/// How long the loopback port waits for the browser to come back from the bank.
pub const CONSENT_WAIT: Duration = Duration::from_secs(15 * 60);
/// Longest connection name: it is shown in lists and exception subjects.
const NAME_CHARS_MAX: usize = 64;
/// Runs listed with a connection.
const RUNS_SHOWN: u32 = 10;

/// What a PSD2 connection keeps in `connection.parameters_json`: nothing secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Psd2Parameters {
    url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    client_cert_pem: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    bank_ca_pem: Option<String>,
    /// For a bank that approves consents through OAuth2.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    oauth: Option<oauth::OAuthParameters>,
}

/// Where the PSU's browser went, and how the consent stands.
enum ConsentAnswer {
    Valid,
    Waiting,
    Ended(String),
}

impl Service {
    /// Adds a connection and asks the bank for a consent to read every account. The PSU
    /// approves it at the connection's `sca_redirect` link (unless the bank approved it at
    /// once); the bank sends the browser back to a loopback port that records the approval.
    pub async fn connection_add(
        &self,
        request: &ConnectionAdd,
    ) -> Result<wire::Connection, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let name = connection_name(&request.name)?;
        let url = check_base_url(&request.psd2_url).map_err(ServiceError::BadRequest)?;
        let reads = request.frequency_per_day.unwrap_or(READS_PER_DAY_DEFAULT);
        if !(1..=100).contains(&reads) {
            return Err(ServiceError::BadRequest(format!(
                "reads per day must be from 1 to 100, not {reads}"
            )));
        }
        let days = request.valid_days.unwrap_or(CONSENT_DAYS_DEFAULT);
        if !(1..=CONSENT_DAYS_MAX).contains(&days) {
            return Err(ServiceError::BadRequest(format!(
                "a consent lasts from 1 to {CONSENT_DAYS_MAX} days, not {days}"
            )));
        }
        if connection::find(self.ledger.pool(), name).await?.is_some() {
            return Err(ServiceError::BadRequest(format!(
                "a connection named '{}' exists already",
                shown(name)
            )));
        }
        let mut parameters = Psd2Parameters {
            url,
            client_id: request.client_id.clone(),
            client_cert_pem: request.client_cert_pem.clone(),
            bank_ca_pem: request.bank_ca_pem.clone(),
            oauth: None,
        };
        let key = match (&request.client_cert_pem, &request.client_key_pem) {
            (Some(_), Some(key)) => Some(key.as_str()),
            (None, None) => None,
            _ => {
                return Err(ServiceError::BadRequest(
                    "a client certificate and its key go together: give both, or neither".into(),
                ))
            }
        };
        // The client is built first: a certificate or key that cannot be read is refused
        // before anything is stored.
        let client = client_for(&parameters, key)?;
        let now = self.clock.now();
        let secret_ref = match key {
            Some(key) => {
                let reference = format!("connection:{name}:{}", now.timestamp_millis());
                keystore()?.put(&reference, key).map_err(keystore_error)?;
                Some(reference)
            }
            None => None,
        };
        let asked = match self.ask_for_consent(&client, reads, days).await {
            Ok((callback, mut created)) => self
                .oauth_step(
                    &client,
                    &parameters,
                    &mut created,
                    callback.url(),
                    oauth::token_ref(name),
                )
                .await
                .map(|(oauth, pending)| (callback, created, oauth, pending)),
            Err(error) => Err(error),
        };
        let (callback, created, pending) = match asked {
            Ok((callback, created, oauth, pending)) => {
                parameters.oauth = oauth;
                (callback, created, pending)
            }
            Err(error) => {
                if let Some(reference) = &secret_ref {
                    let _ = keystore().map(|k| k.delete(reference));
                }
                return Err(error);
            }
        };
        let parameters_json = serde_json::to_string(&parameters)
            .map_err(|e| ServiceError::Corrupt(format!("connection parameters: {e}")))?;
        let mut tx = self.ledger.begin().await?;
        let id = connection::insert(
            &mut tx,
            &NewConnection {
                name,
                kind: KIND,
                parameters_json: &parameters_json,
                secret_ref: secret_ref.as_deref(),
                cadence_minutes: None,
            },
            now,
        )
        .await?;
        connection::save_consent(&mut tx, id, &created.consent(reads), now).await?;
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "connection.add",
                subject: name,
                detail: serde_json::json!({
                    "kind": "psd2",
                    "url": parameters.url,
                    "consent_id": created.consent_id,
                    "frequency_per_day": reads,
                    "valid_days": days,
                    "client_certificate": parameters.client_cert_pem.is_some(),
                    "oauth": parameters.oauth.is_some(),
                }),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        info!(connection = %shown(name), "connection added");
        self.await_callback(name, callback, pending);
        self.connection(name).await
    }

    /// Asks the bank for a new consent for a connection whose consent ends or ended; the one
    /// in force stays until the new one is approved.
    pub async fn connection_renew(
        &self,
        request: &ConnectionName,
    ) -> Result<wire::Connection, ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let row = self.connection_row(&request.name).await?;
        let (parameters, client) = self.client_of(&row)?;
        let previous = connection::consent(self.ledger.pool(), row.id).await?;
        let reads = previous
            .as_ref()
            .and_then(|c| u32::try_from(c.frequency_per_day).ok())
            .unwrap_or(READS_PER_DAY_DEFAULT);
        let days = CONSENT_DAYS_DEFAULT;
        let (callback, mut created) = self.ask_for_consent(&client, reads, days).await?;
        let token_ref = match &parameters.oauth {
            Some(oauth) => oauth.token_ref.clone(),
            None => oauth::token_ref(&row.name),
        };
        let (oauth, pending) = self
            .oauth_step(
                &client,
                &parameters,
                &mut created,
                callback.url(),
                token_ref,
            )
            .await?;
        if oauth.is_some() != parameters.oauth.is_some() {
            return Err(ServiceError::BadRequest(format!(
                "the bank of '{}' has changed how it approves consents (OAuth2 or not): remove the connection and add it again",
                shown(&row.name)
            )));
        }
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        connection::save_consent(&mut tx, row.id, &created.consent(reads), now).await?;
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "connection.renew",
                subject: &row.name,
                detail: serde_json::json!({
                    "url": parameters.url,
                    "consent_id": created.consent_id,
                    "previous_consent_id": previous.map(|c| c.consent_id),
                }),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.await_callback(&row.name, callback, pending);
        self.connection(&row.name).await
    }

    /// Waits up to `timeout` for the PSU to approve the connection's newest consent, asking
    /// the bank every second; the CLI's way of waiting after printing the link.
    pub async fn connection_wait(
        &self,
        request: &ConnectionName,
        timeout: Duration,
    ) -> Result<wire::Connection, ServiceError> {
        let row = self.connection_row(&request.name).await?;
        let oauth = self.parameters_of(&row)?.oauth;
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            match self.refresh_consent(&row).await? {
                // Under OAuth2 the consent is of use once its tokens are in too.
                ConsentAnswer::Valid
                    if oauth.as_ref().map_or(Ok(true), oauth::has_tokens)? =>
                {
                    return self.connection(&row.name).await
                }
                ConsentAnswer::Valid => {}
                ConsentAnswer::Ended(status) => {
                    return Err(ServiceError::BadRequest(format!(
                        "the bank ended the consent of '{}' ({status}); ask for another with `cashline connections renew {}`",
                        shown(&row.name),
                        shown(&row.name)
                    )))
                }
                ConsentAnswer::Waiting => {}
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(ServiceError::BadRequest(format!(
                    "the consent of '{}' was not approved within {} minutes; approve it at the bank's link, or ask for another with `cashline connections renew {}`",
                    shown(&row.name),
                    timeout.as_secs().div_ceil(60),
                    shown(&row.name)
                )));
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// Removes a connection: its consent is withdrawn at the bank where the bank answers, its
    /// secrets leave the keychain, and its accounts, statements and runs stay in the ledger.
    pub async fn connection_remove(&self, request: &ConnectionName) -> Result<(), ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let row = self.connection_row(&request.name).await?;
        let consent = connection::consent(self.ledger.pool(), row.id).await?;
        let mut withdrawn = None;
        if let (Some(consent), Ok((_, client))) = (&consent, self.client_of(&row)) {
            // A bank that is gone must not keep a connection from being removed.
            withdrawn = Some(match client.delete_consent(&consent.consent_id).await {
                Ok(()) => "withdrawn".to_string(),
                Err(error) => format!("not withdrawn: {error}"),
            });
        }
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        connection::remove(&mut tx, row.id, now).await?;
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "connection.remove",
                subject: &row.name,
                detail: serde_json::json!({
                    "consent_id": consent.map(|c| c.consent_id),
                    "consent": withdrawn,
                }),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        if let Some(reference) = &row.secret_ref {
            keystore()?.delete(reference).map_err(keystore_error)?;
        }
        if let Ok(Some(oauth)) = self.parameters_of(&row).map(|p| p.oauth) {
            keystore()?
                .delete(&oauth.token_ref)
                .map_err(keystore_error)?;
        }
        Ok(())
    }

    pub async fn connections(&self) -> Result<wire::ConnectionsReport, ServiceError> {
        let mut connections = Vec::new();
        for row in connection::list(self.ledger.pool(), KIND).await? {
            connections.push(self.describe(&row).await?);
        }
        Ok(wire::ConnectionsReport { connections })
    }

    pub async fn connection(&self, name: &str) -> Result<wire::Connection, ServiceError> {
        let row = self.connection_row(name).await?;
        self.describe(&row).await
    }

    /// Syncs every connection, or the one named, now: a person asked, so the calls carry their
    /// address and do not count against the consent's daily budget.
    pub async fn sync(&self, request: &SyncRequest) -> Result<wire::SyncReport, ServiceError> {
        let rows = match &request.connection {
            Some(name) => vec![self.connection_row(name).await?],
            None => connection::list(self.ledger.pool(), KIND).await?,
        };
        let mut runs = Vec::with_capacity(rows.len());
        for row in rows {
            let caller = Caller::User {
                ip_address: psu_address(&self.parameters_of(&row)?.url),
            };
            runs.push(self.sync_one(&row, caller).await?);
        }
        Ok(wire::SyncReport { runs })
    }

    /// Syncs the connections whose schedule says a read is due now: the consent's daily reads
    /// spread over the business day. What `serve` and the desktop app run every minute.
    pub async fn sync_due(&self) -> Result<wire::SyncReport, ServiceError> {
        let now = self.clock.now();
        let mut runs = Vec::new();
        for row in connection::list(self.ledger.pool(), KIND).await? {
            let Some(consent) =
                connection::consent_in_force(self.ledger.pool(), row.id, now.date_naive()).await?
            else {
                continue;
            };
            let reads = u32::try_from(consent.frequency_per_day).unwrap_or(1);
            let last = last_scheduled(&sync::runs(self.ledger.pool(), row.id, 20).await?);
            if schedule::is_due(now, reads, last) {
                let added_by =
                    audit::last_actor(self.ledger.pool(), "connection.add", &row.name).await?;
                match self.acting_for(added_by).await {
                    Ok(acting) => runs.push(acting.sync_one(&row, Caller::Unattended).await?),
                    Err(error) => {
                        warn!(%error, connection = %shown(&row.name), "the scheduled sync did not run")
                    }
                }
            }
        }
        Ok(wire::SyncReport { runs })
    }

    async fn sync_one(
        &self,
        row: &ConnectionRow,
        caller: Caller,
    ) -> Result<wire::SyncRun, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let now = self.clock.now();
        let not_run = |error: String| wire::SyncRun {
            connection: row.name.clone(),
            outcome: "failed".into(),
            accounts: 0,
            new_entries: 0,
            error: Some(error),
            correlation_id: String::new(),
        };
        let Some(consent) =
            connection::consent_in_force(self.ledger.pool(), row.id, now.date_naive()).await?
        else {
            return Ok(not_run(self.consent_words(row).await?));
        };
        let client = match self.reading_client(row).await {
            Ok(client) => client.with_consent(&consent.consent_id),
            Err(error) => return Ok(not_run(error.to_string())),
        };
        let options = SyncOptions {
            caller,
            user,
            now,
            retry: RetryPolicy::default(),
        };
        let report = bank_sync::sync_connection(&self.ledger, &client, row, &options).await?;
        // Payments sent through this connection: those without an answer are asked about
        // again, those with the bank move on with its status.
        let payment_options = SendOptions {
            caller: options.caller.clone(),
            user,
            now,
        };
        initiation::resolve(&self.ledger, &client, row, &payment_options).await?;
        initiation::poll(&self.ledger, &client, row, &payment_options).await?;
        if !report.ok {
            // The bank may have ended the consent: ask it, so the screen says so.
            if let Err(error) = self.refresh_consent(row).await {
                warn!(%error, "the consent's status could not be read after a failed sync");
            }
        }
        Ok(wire::SyncRun {
            connection: report.connection,
            outcome: if report.ok { "ok" } else { "failed" }.into(),
            accounts: report.accounts.len() as u64,
            new_entries: report.new_entries,
            error: report.error,
            correlation_id: report.correlation_id,
        })
    }

    /// Sends approved payments through the connection's API. A person asked: the calls carry
    /// their address. Each payment is sent at most once, whatever happens (see
    /// `cashline_engine::payment::initiation`).
    pub async fn payments_send(
        &self,
        request: &PaymentsSend,
    ) -> Result<wire::PaymentsSent, ServiceError> {
        let user = self.allow(Right::Prepare).await?;
        if request.ids.is_empty() {
            return Err(ServiceError::BadRequest("name the payments to send".into()));
        }
        let row = self.connection_row(&request.via).await?;
        let client = self.client_in_force(&row).await?;
        let options = SendOptions {
            caller: Caller::User {
                ip_address: psu_address(client.base_url()),
            },
            user,
            now: self.clock.now(),
        };
        let sent = initiation::send(&self.ledger, &client, &row, &request.ids, &options).await?;
        Ok(wire::PaymentsSent {
            connection: row.name.clone(),
            payments: sent.into_iter().map(wire_sent).collect(),
        })
    }

    /// The connection's client under its consent in force, or why there is none.
    async fn client_in_force(&self, row: &ConnectionRow) -> Result<Xs2aClient, ServiceError> {
        let today = self.today();
        let Some(consent) = connection::consent_in_force(self.ledger.pool(), row.id, today).await?
        else {
            return Err(ServiceError::BadRequest(self.consent_words(row).await?));
        };
        Ok(self
            .reading_client(row)
            .await?
            .with_consent(&consent.consent_id))
    }

    /// The connection's client for reads and payments: its key from the keychain and, for a
    /// bank that approves through OAuth2, its access token.
    async fn reading_client(&self, row: &ConnectionRow) -> Result<Xs2aClient, ServiceError> {
        let (parameters, client) = self.client_of(row)?;
        oauth::authorised(client, &row.name, &parameters, self.clock.now()).await
    }

    /// For a bank that answers a consent with `scaOAuth`: the authorisation link becomes the
    /// one the person opens, and the connection's OAuth2 set-up and what waits for the code
    /// come back. Nothing for a bank of the redirect approach.
    async fn oauth_step(
        &self,
        client: &Xs2aClient,
        parameters: &Psd2Parameters,
        created: &mut Created,
        redirect_uri: &str,
        token_ref: String,
    ) -> Result<(Option<oauth::OAuthParameters>, Option<oauth::Pending>), ServiceError> {
        let Some(metadata) = created.sca_oauth.clone() else {
            return Ok((None, None));
        };
        let step = oauth::authorisation(
            client,
            &metadata,
            &created.consent_id,
            parameters.client_id.as_deref(),
            redirect_uri,
            token_ref,
        )
        .await;
        match step {
            Ok((link, oauth, pending)) => {
                created.sca_redirect = Some(link);
                Ok((Some(oauth), Some(pending)))
            }
            Err(error) => {
                // The consent the bank made is of no use without its approval: withdraw it.
                let _ = client.delete_consent(&created.consent_id).await;
                Err(error)
            }
        }
    }

    /// Why a connection has no consent to read under, in words.
    async fn consent_words(&self, row: &ConnectionRow) -> Result<String, ServiceError> {
        let name = shown(&row.name);
        Ok(match connection::consent(self.ledger.pool(), row.id).await? {
            None => format!("'{name}' has no consent; ask for one with `cashline connections renew {name}`"),
            Some(c) if is_waiting(&c.status) => format!(
                "the consent of '{name}' waits for its approval at the bank{}",
                c.sca_redirect.map(|l| format!(": {l}")).unwrap_or_default()
            ),
            Some(c) => format!(
                "the consent of '{name}' ended ({}, valid until {}); renew it with `cashline connections renew {name}`",
                c.status, c.valid_until
            ),
        })
    }

    /// Opens the loopback port and asks the bank for the consent, sending the browser back to it.
    async fn ask_for_consent(
        &self,
        client: &Xs2aClient,
        reads: u32,
        days: u32,
    ) -> Result<(ConsentCallback, Created), ServiceError> {
        let callback = ConsentCallback::listen().await.map_err(|e| {
            ServiceError::Unavailable(format!(
                "no loopback port for the bank's callback could be opened: {e}"
            ))
        })?;
        let valid_until = self.today() + chrono::Duration::days(i64::from(days));
        let created = client
            .create_consent(
                valid_until,
                reads,
                Some(&psu_address(client.base_url())),
                callback.url(),
            )
            .instrument(info_span!("consent"))
            .await
            .map_err(|e| ServiceError::Unavailable(format!("the bank refused the consent: {e}")))?;
        Ok((
            callback,
            Created {
                consent_id: created.consent_id,
                status: created.consent_status,
                sca_redirect: created
                    .links
                    .sca_redirect
                    .map(|h| person_link(&h.href))
                    .transpose()?,
                sca_oauth: created.links.sca_oauth.map(|h| h.href),
                valid_until,
            },
        ))
    }

    /// Waits in the background for the browser to come back, then records the consent's
    /// status as the bank gives it.
    fn await_callback(
        &self,
        name: &str,
        callback: ConsentCallback,
        pending: Option<oauth::Pending>,
    ) {
        let service = self.clone();
        let name = name.to_string();
        tokio::spawn(async move {
            let Some(returned) = callback.wait(CONSENT_WAIT).await else {
                return;
            };
            match service.connection_row(&name).await {
                Ok(row) => {
                    if let Some(pending) = &pending {
                        let finished = match service.client_of(&row) {
                            Ok((_, client)) => {
                                oauth::finish(&client, pending, &returned, service.clock.now())
                                    .await
                            }
                            Err(error) => Err(error),
                        };
                        if let Err(error) = finished {
                            warn!(%error, connection = %shown(&name), "the OAuth2 authorisation did not finish");
                        }
                    }
                    if let Err(error) = service.refresh_consent(&row).await {
                        warn!(%error, "the consent's status could not be read after the callback");
                    }
                }
                Err(error) => warn!(%error, "the connection went away before its callback"),
            }
        });
    }

    /// Asks the bank how the newest consent stands and records it when it changed.
    async fn refresh_consent(&self, row: &ConnectionRow) -> Result<ConsentAnswer, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let Some(consent) = connection::consent(self.ledger.pool(), row.id).await? else {
            return Ok(ConsentAnswer::Ended("none".into()));
        };
        let (_, client) = self.client_of(row)?;
        let status = client
            .consent_status(&consent.consent_id)
            .await
            .map_err(|e| {
                ServiceError::Unavailable(format!(
                    "the bank did not say how the consent stands: {e}"
                ))
            })?;
        if status != consent.status {
            let now = self.clock.now();
            let valid_until = NaiveDate::parse_from_str(&consent.valid_until, "%Y-%m-%d")
                .map_err(|_| ServiceError::Corrupt(format!("consent {}", consent.consent_id)))?;
            let mut tx = self.ledger.begin().await?;
            connection::save_consent(
                &mut tx,
                row.id,
                &NewConsent {
                    consent_id: &consent.consent_id,
                    status: &status,
                    valid_until,
                    frequency_per_day: u32::try_from(consent.frequency_per_day).unwrap_or(1),
                    recurring: consent.recurring,
                    sca_redirect: consent.sca_redirect.as_deref(),
                },
                now,
            )
            .await?;
            audit::append(
                &mut tx,
                &audit::NewAuditRecord {
                    actor: user,
                    action: "connection.consent",
                    subject: &row.name,
                    detail: serde_json::json!({
                        "consent_id": consent.consent_id,
                        "from": consent.status,
                        "to": status,
                    }),
                },
                now,
            )
            .await?;
            tx.commit().await?;
        }
        Ok(if status == "valid" {
            ConsentAnswer::Valid
        } else if is_waiting(&status) {
            ConsentAnswer::Waiting
        } else {
            ConsentAnswer::Ended(status)
        })
    }

    async fn connection_row(&self, name: &str) -> Result<ConnectionRow, ServiceError> {
        connection::find(self.ledger.pool(), name)
            .await?
            .filter(|row| row.kind == KIND)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "there is no bank connection named '{}'",
                    shown(name)
                ))
            })
    }

    fn parameters_of(&self, row: &ConnectionRow) -> Result<Psd2Parameters, ServiceError> {
        serde_json::from_str(&row.parameters_json).map_err(|e| {
            ServiceError::Corrupt(format!(
                "the parameters of connection '{}': {e}",
                shown(&row.name)
            ))
        })
    }

    /// The connection's client, its key fetched from the keychain.
    fn client_of(&self, row: &ConnectionRow) -> Result<(Psd2Parameters, Xs2aClient), ServiceError> {
        let parameters = self.parameters_of(row)?;
        let key = match &row.secret_ref {
            Some(reference) => Some(keystore()?.get(reference).map_err(keystore_error)?.ok_or_else(
                || {
                    ServiceError::BadRequest(format!(
                        "the keychain has no client key for '{}'; remove the connection and add it again",
                        shown(&row.name)
                    ))
                },
            )?),
            None => None,
        };
        let client = client_for(&parameters, key.as_deref())?;
        Ok((parameters, client))
    }

    /// A connection and its health, as the screen and `connections list` show it.
    async fn describe(&self, row: &ConnectionRow) -> Result<wire::Connection, ServiceError> {
        let pool = self.ledger.pool();
        let now = self.clock.now();
        let today = now.date_naive();
        let parameters = self.parameters_of(row)?;
        let newest = connection::consent(pool, row.id).await?;
        let in_force = connection::consent_in_force(pool, row.id, today).await?;
        let runs = sync::runs(pool, row.id, RUNS_SHOWN).await?;
        let last_ok = sync::last_ok(pool, row.id).await?;
        let mapped = connection::accounts(pool, row.id).await?;
        let reads = in_force
            .as_ref()
            .and_then(|c| u32::try_from(c.frequency_per_day).ok());
        let mut reads_left = None;
        if let Some(reads) = reads {
            for account in &mapped {
                let used = sync::unattended_pulls(pool, row.id, account.account_id, today).await?;
                let left = i64::from(reads.saturating_sub(used));
                reads_left = Some(reads_left.map_or(left, |l: i64| l.min(left)));
            }
        }
        let shown_consent = in_force.as_ref().or(newest.as_ref());
        let days_left = shown_consent
            .and_then(|c| NaiveDate::parse_from_str(&c.valid_until, "%Y-%m-%d").ok())
            .map(|until| (until - today).num_days());
        let waiting = newest
            .as_ref()
            .filter(|c| is_waiting(&c.status))
            .and_then(|c| c.sca_redirect.clone());
        let (state, state_text) = health(&Health {
            newest: newest.as_ref(),
            in_force: in_force.as_ref(),
            days_left,
            last_run: runs.first(),
        });
        let next_sync_at = reads
            .and_then(|reads| schedule::next_after(now, reads))
            .map(|at| at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
        Ok(wire::Connection {
            name: row.name.clone(),
            kind: row.kind.clone(),
            url: parameters.url,
            state: state.into(),
            state_text,
            consent_status: shown_consent.map(|c| c.status.clone()),
            consent_valid_until: shown_consent.map(|c| c.valid_until.clone()),
            // A consent the bank ended has no days left, whatever its end date said.
            consent_days_left: days_left
                .filter(|_| shown_consent.is_some_and(|c| c.status == "valid")),
            sca_redirect: waiting,
            accounts: mapped
                .iter()
                .map(|a| wire::ConnectionAccount {
                    account: mask_account(&a.account_key),
                    currency: a.currency.clone(),
                })
                .collect(),
            last_sync_at: runs.first().map(|r| r.started_at.clone()),
            last_ok_at: last_ok.map(|r| r.ended_at.unwrap_or(r.started_at)),
            last_error: runs.first().and_then(|r| r.error.clone()),
            next_sync_at: if in_force.is_some() {
                next_sync_at
            } else {
                None
            },
            reads_per_day: reads.map(i64::from),
            reads_left_today: reads_left,
            runs: runs
                .iter()
                .map(|r| wire::ConnectionRun {
                    started_at: r.started_at.clone(),
                    outcome: r.outcome.clone(),
                    trigger: r.trigger.clone(),
                    accounts: r.accounts_count,
                    new_entries: r.new_entries_count,
                    retries: r.retries_count,
                    error: r.error.clone(),
                    correlation_id: r.correlation_id.clone(),
                })
                .collect(),
        })
    }
}

/// How often a long-running front asks whether a connection's read is due. The schedule
/// itself spreads the reads over the business day; this only has to be finer than it.
const SCHEDULE_TICK: Duration = Duration::from_secs(60);

/// The background syncs of a long-running front (`serve`, the desktop app): every minute,
/// the bank connections whose schedule says a read is due are synced, and the ERP
/// connections whose cadence has passed, until `shutdown` resolves.
/// A sync under way is finished first, so its run is recorded whole.
pub async fn run_schedule(service: &Service, shutdown: impl std::future::Future<Output = ()>) {
    tokio::pin!(shutdown);
    loop {
        match service.sync_due().await {
            Ok(report) => {
                for run in &report.runs {
                    info!(connection = %shown(&run.connection), outcome = %run.outcome, new_entries = run.new_entries, correlation = %run.correlation_id, "scheduled sync");
                }
            }
            Err(error) => warn!(%error, "the sync schedule could not run"),
        }
        crate::erp_connections::sync_due_logged(service).await;
        crate::ledger_file::auto_backup_logged(service).await;
        tokio::select! {
            () = &mut shutdown => return,
            () = tokio::time::sleep(SCHEDULE_TICK) => {}
        }
    }
}

fn wire_sent(sent: initiation::Sent) -> wire::PaymentSent {
    let (outcome, status, state, error) = match sent.outcome {
        SendOutcome::Answered { status, state } => {
            ("answered", Some(status), Some(state.to_string()), None)
        }
        SendOutcome::Unknown { error } => ("unknown", None, None, Some(error)),
        SendOutcome::Refused { error } => ("refused", None, None, Some(error)),
        SendOutcome::NotSent { why } => ("not_sent", None, None, Some(why)),
    };
    wire::PaymentSent {
        payment: sent.payment,
        outcome: outcome.into(),
        status,
        state,
        bank_payment_id: sent.bank_payment_id,
        request_id: sent.request_id,
        error,
    }
}

/// A consent as the bank created it.
struct Created {
    consent_id: String,
    status: String,
    sca_redirect: Option<String>,
    /// A bank of the OAuth SCA approach: its authorisation server's metadata.
    sca_oauth: Option<String>,
    valid_until: NaiveDate,
}

impl Created {
    fn consent(&self, reads: u32) -> NewConsent<'_> {
        NewConsent {
            consent_id: &self.consent_id,
            status: &self.status,
            valid_until: self.valid_until,
            frequency_per_day: reads,
            recurring: true,
            sca_redirect: self.sca_redirect.as_deref(),
        }
    }
}

struct Health<'a> {
    newest: Option<&'a ConsentRow>,
    in_force: Option<&'a ConsentRow>,
    days_left: Option<i64>,
    last_run: Option<&'a sync::RunRow>,
}

/// The connection's state and the sentence for it: what needs the person first comes first.
fn health(h: &Health<'_>) -> (&'static str, String) {
    let Some(in_force) = h.in_force else {
        return match h.newest {
            Some(c) if is_waiting(&c.status) => (
                "awaiting_consent",
                "The consent waits for its approval at the bank.".into(),
            ),
            Some(c) => (
                "expired",
                format!(
                    "The consent ended ({}, valid until {}): renew it to read the accounts again.",
                    c.status, c.valid_until
                ),
            ),
            None => (
                "expired",
                "There is no consent: renew it to read the accounts.".into(),
            ),
        };
    };
    if let Some(run) = h
        .last_run
        .filter(|r| r.outcome.as_deref() == Some("failed"))
    {
        return (
            "failing",
            format!(
                "The last sync failed at {}: {}",
                spoken_time(&run.started_at),
                run.error.as_deref().unwrap_or("no reason given")
            ),
        );
    }
    if let Some(days) = h.days_left.filter(|d| *d <= CONSENT_WARNING_DAYS) {
        return (
            "consent_expiring",
            match days {
                0 => format!(
                    "The consent ends today ({}): renew it now.",
                    in_force.valid_until
                ),
                1 => format!(
                    "The consent ends tomorrow ({}): renew it now.",
                    in_force.valid_until
                ),
                n => format!(
                    "The consent ends in {n} days, on {}: renew it before then.",
                    in_force.valid_until
                ),
            },
        );
    }
    match h.last_run {
        None => ("healthy", "Connected; not synced yet.".into()),
        Some(run) if run.retries_count > 0 => (
            "degraded",
            format!(
                "The last sync needed {} retr{} before the bank answered.",
                run.retries_count,
                if run.retries_count == 1 { "y" } else { "ies" }
            ),
        ),
        Some(run) => (
            "healthy",
            format!(
                "Synced at {}.",
                spoken_time(run.ended_at.as_deref().unwrap_or(&run.started_at))
            ),
        ),
    }
}

/// A link from the bank for the person to open, as a URL serialises it (so no control
/// character or space survives in it), and only an `http(s)` one.
fn person_link(href: &str) -> Result<String, ServiceError> {
    match reqwest::Url::parse(href) {
        Ok(url) if matches!(url.scheme(), "https" | "http") => Ok(url.into()),
        _ => Err(ServiceError::Unavailable(format!(
            "the bank's approval link is not a web address: '{}'",
            shown(href)
        ))),
    }
}

/// A stored instant as a sentence shows it: `2026-12-07 02:50 UTC`.
fn spoken_time(stored: &str) -> String {
    DateTime::parse_from_rfc3339(stored).map_or_else(
        |_| stored.to_string(),
        |t| {
            t.with_timezone(&Utc)
                .format("%Y-%m-%d %H:%M UTC")
                .to_string()
        },
    )
}

/// The Berlin Group statuses of a consent that still waits for the PSU.
fn is_waiting(status: &str) -> bool {
    matches!(status, "received" | "partiallyAuthorised")
}

/// The start of the last scheduled run, which the schedule counts from.
fn last_scheduled(runs: &[sync::RunRow]) -> Option<DateTime<Utc>> {
    runs.iter()
        .find(|r| r.trigger == "scheduled")
        .and_then(|r| DateTime::parse_from_rfc3339(&r.started_at).ok())
        .map(|t| t.with_timezone(&Utc))
}

/// A connection's name as given, or why it cannot be one.
pub(crate) fn connection_name(name: &str) -> Result<&str, ServiceError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ServiceError::BadRequest("a connection needs a name".into()));
    }
    if name.chars().any(char::is_control) {
        return Err(ServiceError::BadRequest(format!(
            "the connection name '{}' has control characters",
            shown(name)
        )));
    }
    if name.chars().count() > NAME_CHARS_MAX {
        return Err(ServiceError::BadRequest(format!(
            "a connection name has at most {NAME_CHARS_MAX} characters"
        )));
    }
    Ok(name)
}

fn client_for(parameters: &Psd2Parameters, key: Option<&str>) -> Result<Xs2aClient, ServiceError> {
    let mut settings = ClientSettings::new(&parameters.url);
    if let (Some(cert), Some(key)) = (&parameters.client_cert_pem, key) {
        settings.identity_pem = Some(format!("{cert}\n{key}\n").into_bytes());
    }
    settings.root_pem = parameters.bank_ca_pem.clone().map(String::into_bytes);
    Xs2aClient::new(settings).map_err(|e| ServiceError::BadRequest(e.to_string()))
}

pub(crate) fn keystore() -> Result<Keystore, ServiceError> {
    Keystore::from_env().map_err(keystore_error)
}

pub(crate) fn keystore_error(error: crate::keystore::KeystoreError) -> ServiceError {
    ServiceError::Unavailable(error.to_string())
}

/// The person's address as the bank should see it: this machine's address on the route to
/// the bank (no packet is sent to find it), or the loopback address for a bank on this machine.
fn psu_address(url: &str) -> String {
    let target = reqwest::Url::parse(url).ok().and_then(|u| {
        let host = u.host_str()?.trim_matches(['[', ']']).to_string();
        Some((host, u.port_or_known_default()?))
    });
    let found = target.and_then(|(host, port)| {
        let socket = std::net::UdpSocket::bind(("0.0.0.0", 0)).ok()?;
        socket.connect((host.as_str(), port)).ok()?;
        socket.local_addr().ok().map(|a| a.ip().to_string())
    });
    found.unwrap_or_else(|| "127.0.0.1".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_control_characters_or_none_is_refused() {
        assert!(connection_name("  ").is_err());
        assert!(connection_name("bank\u{1b}[31m").is_err());
        assert!(connection_name(&"x".repeat(65)).is_err());
        assert_eq!(connection_name(" Deutsche Bank ").unwrap(), "Deutsche Bank");
    }

    #[test]
    fn a_bank_on_this_machine_sees_the_loopback_address() {
        assert_eq!(psu_address("http://127.0.0.1:9/psd2"), "127.0.0.1");
    }
}
