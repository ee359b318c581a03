//! The Berlin Group NextGenPSD2 XS2A client: consents, accounts, balances, transactions (every
//! page), SEPA credit transfers and their status, over reqwest with rustls (and the TPP's client
//! certificate where the bank asks for mutual TLS). It implements the engine's `BankPort`.
//!
//! Every request carries its own `X-Request-ID`, and a payment the caller's stable one, so the
//! bank's log and ours name the same call. `PSU-IP-Address` goes with calls a person made, and
//! with the two the contract requires it on (a consent, a payment): without a person there, it
//! is this machine's own address, as the contract says. Nothing here logs a header, a token or
//! a body.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use reqwest::{Method, RequestBuilder, Response, StatusCode};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use tracing::{debug, info_span, Instrument};

use cashline_domain::{BalanceType, Currency, EntryStatus, Money};
use cashline_engine::bank::{
    Answer, BankError, BankPort, Caller, PaymentOrder, RemoteAccount, RemoteBalance,
    RemotePaymentStatus, RemoteTransaction,
};

use crate::model;

/// Most pages one transaction read follows: a bank whose `next` never ends is refused.
pub const PAGES_MAX: u32 = 1_000;
/// Largest body read from a bank: a page is kilobytes.
pub const BODY_BYTES_MAX: usize = 16 * 1024 * 1024;

// Debug by hand: the client key and the token must not reach a log line through `{:?}`.
#[derive(Clone)]
pub struct ClientSettings {
    /// The bank's XS2A base, e.g. `https://api.bank.example/psd2` (the `/v1/…` paths follow).
    pub base_url: String,
    pub timeout: Duration,
    /// The TPP's certificate and key (PEM, concatenated), for banks that require mutual TLS.
    pub identity_pem: Option<Vec<u8>>,
    /// A further root certificate to trust (PEM): a bank's test CA.
    pub root_pem: Option<Vec<u8>>,
    /// An OAuth2 access token, for banks that put OAuth in front of XS2A.
    pub bearer_token: Option<String>,
}

impl std::fmt::Debug for ClientSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held = |present: bool| if present { "(held)" } else { "(none)" };
        f.debug_struct("ClientSettings")
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("identity_pem", &held(self.identity_pem.is_some()))
            .field("root_pem", &held(self.root_pem.is_some()))
            .field("bearer_token", &held(self.bearer_token.is_some()))
            .finish()
    }
}

impl ClientSettings {
    pub fn new(base_url: &str) -> ClientSettings {
        ClientSettings {
            base_url: base_url.trim_end_matches('/').to_string(),
            timeout: Duration::from_secs(30),
            identity_pem: None,
            root_pem: None,
            bearer_token: None,
        }
    }
}

/// A client for one bank, reading accounts under one consent once it has one.
#[derive(Debug, Clone)]
pub struct Xs2aClient {
    http: reqwest::Client,
    settings: ClientSettings,
    consent_id: Option<String>,
}

/// A bank's base URL as a connection keeps it, or why it cannot be one: `https` only, except
/// `http` on this machine (a simulator); no credentials, query or fragment in it.
pub fn check_base_url(text: &str) -> Result<String, String> {
    let shown = cashline_domain::shown(text.trim());
    let url = reqwest::Url::parse(text.trim())
        .map_err(|_| format!("'{shown}' is not a URL (https://bank.example/psd2)"))?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => {
            return Err(format!(
                "'{shown}' must use https (http only for a simulator on this machine)"
            ))
        }
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "a bank URL must not carry a user name or password; secrets go to the keychain".into(),
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("'{shown}' must not carry a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

/// A fresh request id: a UUID v4, as the specification asks.
pub fn request_id() -> String {
    let mut bytes: [u8; 16] = rand::random();
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// How long finding this machine's address towards the bank may take (a DNS lookup at most).
const OWN_ADDRESS_WAIT: Duration = Duration::from_secs(5);

/// This machine's address on the route to the bank at `base_url` (a UDP socket is connected so
/// the system picks the route; no packet is sent), else the loopback address. IPv4, because
/// the contract's `PSU-IP-Address` is `format: ipv4`.
async fn own_address_towards(base_url: &str) -> String {
    let target = reqwest::Url::parse(base_url).ok().and_then(|u| {
        let host = u.host_str()?.trim_matches(['[', ']']).to_string();
        Some((host, u.port_or_known_default()?))
    });
    let found = async {
        let (host, port) = target?;
        let socket = tokio::net::UdpSocket::bind(("0.0.0.0", 0)).await.ok()?;
        socket.connect((host.as_str(), port)).await.ok()?;
        socket.local_addr().ok().map(|a| a.ip().to_string())
    };
    tokio::time::timeout(OWN_ADDRESS_WAIT, found)
        .await
        .ok()
        .flatten()
        .unwrap_or_else(|| "127.0.0.1".into())
}

fn malformed(what: impl Into<String>) -> BankError {
    BankError::Malformed { what: what.into() }
}

pub(crate) fn transport(error: reqwest::Error) -> BankError {
    if let Some(failure) = handshake_failure(&error) {
        return failure;
    }
    if error.is_timeout() {
        BankError::Timeout
    } else if error.is_connect() {
        BankError::Connect("the connection was refused or could not be made".into())
    } else if error.is_body() || error.is_decode() {
        malformed("the body could not be read")
    } else {
        // Whatever else reqwest says may quote the URL with its query: kept short and plain.
        BankError::Connect("the request could not be completed".into())
    }
}

/// The certificate failure behind a transport error, where there is one. Told apart from a
/// bank that cannot be reached: it is no reason to retry (it fails the same way until a person
/// changes a certificate), and it sends the person to the certificate, not the network.
fn handshake_failure(error: &reqwest::Error) -> Option<BankError> {
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        if let Some(tls) = current.downcast_ref::<rustls::Error>() {
            return handshake_words(tls).map(BankError::Handshake);
        }
        // An io::Error's `source()` skips the error it wraps (rustls wraps its own in one, the
        // connector that one in another): step into it instead.
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|e| e.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// What a bank answers when it asks for a client certificate and ours is missing, or signed
/// by an authority it does not know, or expired.
const CLIENT_CERTIFICATE_REFUSED: &str = "the bank refused this client's certificate (mutual TLS): check the certificate and key given for the connection";

fn handshake_words(error: &rustls::Error) -> Option<String> {
    use rustls::{AlertDescription as Alert, CertificateError as Why, Error};
    let words = match error {
        Error::InvalidCertificate(Why::NotValidForName | Why::NotValidForNameContext { .. }) => {
            "the bank's certificate is made out for another name than the bank's URL"
        }
        Error::InvalidCertificate(
            Why::Expired
            | Why::ExpiredContext { .. }
            | Why::NotValidYet
            | Why::NotValidYetContext { .. },
        ) => "the bank's certificate has expired or is not valid yet",
        Error::InvalidCertificate(Why::Revoked) => "the bank's certificate is revoked",
        Error::InvalidCertificate(_) => {
            "the bank's certificate is not trusted: check the bank's root certificate given for the connection"
        }
        Error::AlertReceived(
            Alert::CertificateRequired
            | Alert::BadCertificate
            | Alert::UnknownCA
            | Alert::CertificateUnknown
            | Alert::CertificateExpired
            | Alert::CertificateRevoked
            | Alert::UnsupportedCertificate
            | Alert::AccessDenied,
        ) => CLIENT_CERTIFICATE_REFUSED,
        // Anything else of TLS (a protocol the two sides do not share) is no certificate's
        // fault and stays a connection failure.
        _ => return None,
    };
    Some(words.to_string())
}

/// A body read whole, with its digest.
struct Body {
    bytes: Vec<u8>,
    sha256: String,
}

/// A body of at most `BODY_BYTES_MAX` bytes, as it came.
pub(crate) async fn read_bytes(response: Response) -> Result<Vec<u8>, BankError> {
    Ok(read_body(response).await?.bytes)
}

async fn read_body(mut response: Response) -> Result<Body, BankError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if bytes.len() + chunk.len() > BODY_BYTES_MAX {
            return Err(malformed(format!(
                "the answer is larger than {BODY_BYTES_MAX} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    let sha256 = hex::encode(Sha256::digest(&bytes));
    Ok(Body { bytes, sha256 })
}

fn decode<T: DeserializeOwned>(body: &Body, what: &str) -> Result<T, BankError> {
    serde_json::from_slice(&body.bytes).map_err(|e| {
        malformed(format!(
            "{what}: {}",
            // serde's message names the field and position, never more than the body's shape.
            e.to_string().chars().take(200).collect::<String>()
        ))
    })
}

/// The error an answer that is not a success stands for.
fn refusal(status: StatusCode, retry_after: Option<u64>, body: &Body) -> BankError {
    let messages = serde_json::from_slice::<model::ErrorBody>(&body.bytes)
        .map(|b| b.tpp_messages)
        .unwrap_or_default();
    let code = messages.first().map(|m| m.code.clone()).unwrap_or_default();
    let text = messages
        .first()
        .and_then(|m| m.text.clone())
        .unwrap_or_default();
    let has = |wanted: &str| messages.iter().any(|m| m.code == wanted);
    // A 429 that says when to come back is a rate limit to wait out; without, the consent's
    // daily reads are used up (both carry ACCESS_EXCEEDED, the one code the contract has).
    if status == StatusCode::TOO_MANY_REQUESTS && retry_after.is_some() {
        return BankError::RateLimited {
            retry_after_seconds: retry_after,
        };
    }
    if has("CONSENT_EXPIRED") {
        return BankError::ConsentExpired;
    }
    if has("CONSENT_INVALID") || has("CONSENT_UNKNOWN") {
        return BankError::ConsentInvalid;
    }
    if has("ACCESS_EXCEEDED") {
        return BankError::AccessExceeded;
    }
    match status.as_u16() {
        429 => BankError::RateLimited {
            retry_after_seconds: retry_after,
        },
        401 => BankError::ConsentInvalid,
        404 => BankError::ResourceUnknown,
        _ if has("RESOURCE_UNKNOWN") => BankError::ResourceUnknown,
        s if s >= 500 => BankError::Server { status: s },
        s => BankError::Refused {
            status: s,
            code,
            text: cashline_domain::shown(&text),
        },
    }
}

impl Xs2aClient {
    pub fn new(settings: ClientSettings) -> Result<Xs2aClient, BankError> {
        let mut builder = reqwest::Client::builder()
            .timeout(settings.timeout)
            .connect_timeout(settings.timeout.min(Duration::from_secs(10)))
            // A redirect is the bank's SCA page for a person, never for this client to follow.
            .redirect(reqwest::redirect::Policy::none());
        if let Some(pem) = &settings.identity_pem {
            let identity = reqwest::Identity::from_pem(pem)
                .map_err(|_| malformed("the client certificate or its key cannot be read"))?;
            builder = builder.identity(identity);
        }
        if let Some(pem) = &settings.root_pem {
            let root = reqwest::Certificate::from_pem(pem)
                .map_err(|_| malformed("the bank's root certificate cannot be read"))?;
            builder = builder.add_root_certificate(root);
        }
        let http = builder
            .build()
            .map_err(|_| BankError::Connect("the HTTP client could not be set up".into()))?;
        Ok(Xs2aClient {
            http,
            settings,
            consent_id: None,
        })
    }

    /// The bank's base URL, as the connection keeps it.
    pub fn base_url(&self) -> &str {
        &self.settings.base_url
    }

    /// The HTTP client, with this connection's TLS identity and roots, for the calls outside
    /// the XS2A contract (the OAuth2 authorisation server).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The same client, its calls carrying this OAuth2 access token.
    pub fn with_bearer(mut self, access_token: &str) -> Xs2aClient {
        self.settings.bearer_token = Some(access_token.to_string());
        self
    }

    /// The same client, reading under this consent.
    pub fn with_consent(mut self, consent_id: &str) -> Xs2aClient {
        self.consent_id = Some(consent_id.to_string());
        self
    }

    fn url(&self, path_or_href: &str) -> String {
        if path_or_href.starts_with("http://") || path_or_href.starts_with("https://") {
            path_or_href.to_string()
        } else {
            format!("{}{}", self.settings.base_url, path_or_href)
        }
    }

    fn request(
        &self,
        method: Method,
        url: &str,
        request_id: &str,
        psu_ip: Option<&str>,
    ) -> RequestBuilder {
        let mut request = self
            .http
            .request(method, url)
            .header("X-Request-ID", request_id)
            .header("Accept", "application/json");
        if let Some(ip) = psu_ip {
            request = request.header("PSU-IP-Address", ip);
        }
        if let Some(consent) = &self.consent_id {
            request = request.header("Consent-ID", consent);
        }
        if let Some(token) = &self.settings.bearer_token {
            request = request.bearer_auth(token);
        }
        request
    }

    /// The `PSU-IP-Address` of a call the contract requires it on: the person's where one
    /// asked; else "the IP Address used by the TPP when submitting this request" (the
    /// contract's words), which an unattended sync asking about a payment again has to send.
    async fn psu_ip_required(&self, psu_ip: Option<&str>) -> String {
        match psu_ip {
            Some(ip) => ip.to_string(),
            None => own_address_towards(&self.settings.base_url).await,
        }
    }

    /// Sends and reads the answer; a status that is not a success becomes its `BankError`.
    async fn send(&self, request: RequestBuilder) -> Result<(StatusCode, Body), BankError> {
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let body = read_body(response).await?;
        if !status.is_success() {
            return Err(refusal(status, retry_after, &body));
        }
        Ok((status, body))
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        psu_ip: Option<&str>,
        what: &str,
    ) -> Result<(T, String, Body), BankError> {
        let id = request_id();
        let (_, body) = self
            .send(self.request(Method::GET, &self.url(path), &id, psu_ip))
            .await?;
        Ok((decode(&body, what)?, id, body))
    }

    /// Asks for a consent to read every account (balances and transactions), `frequency_per_day`
    /// unattended reads a day, until `valid_until`; the PSU approves it at the `scaRedirect`
    /// link, and the bank sends the browser back to `redirect_uri`.
    pub async fn create_consent(
        &self,
        valid_until: NaiveDate,
        frequency_per_day: u32,
        psu_ip: Option<&str>,
        redirect_uri: &str,
    ) -> Result<model::ConsentCreated, BankError> {
        let body = model::ConsentRequest {
            access: model::ConsentAccess {
                all_psd2: "allAccounts".into(),
            },
            recurring_indicator: true,
            valid_until: valid_until.to_string(),
            frequency_per_day,
            combined_service_indicator: false,
        };
        let id = request_id();
        let psu_ip = self.psu_ip_required(psu_ip).await;
        let request = self
            .request(Method::POST, &self.url("/v1/consents"), &id, Some(&psu_ip))
            .header("TPP-Redirect-URI", redirect_uri)
            .header("TPP-Redirect-Preferred", "true")
            .json(&body);
        let (_, answer) = self.send(request).await?;
        decode(&answer, "the consent")
    }

    pub async fn consent_status(&self, consent_id: &str) -> Result<String, BankError> {
        let (status, _, _): (model::ConsentStatus, _, _) = self
            .get(
                &format!("/v1/consents/{consent_id}/status"),
                None,
                "the consent status",
            )
            .await?;
        Ok(status.consent_status)
    }

    pub async fn delete_consent(&self, consent_id: &str) -> Result<(), BankError> {
        let id = request_id();
        self.send(self.request(
            Method::DELETE,
            &self.url(&format!("/v1/consents/{consent_id}")),
            &id,
            None,
        ))
        .await?;
        Ok(())
    }
}

fn currency_of(code: &str, what: &str) -> Result<Currency, BankError> {
    Currency::from_code(code).map_err(|_| malformed(format!("{what}: '{code}' is not a currency")))
}

fn money_of(amount: &model::Amount, what: &str) -> Result<Money, BankError> {
    let currency = currency_of(&amount.currency, what)?;
    Money::parse(&amount.amount, currency)
        .map_err(|_| malformed(format!("{what}: '{}' is not an amount", amount.amount)))
}

fn date_of(text: &str, what: &str) -> Result<NaiveDate, BankError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| malformed(format!("{what}: '{text}' is not a date")))
}

fn balance_type_of(text: &str) -> Result<BalanceType, BankError> {
    Ok(match text {
        "closingBooked" => BalanceType::ClosingBooked,
        "openingBooked" => BalanceType::OpeningBooked,
        "interimBooked" => BalanceType::InterimBooked,
        "interimAvailable" => BalanceType::InterimAvailable,
        "forwardAvailable" => BalanceType::ForwardAvailable,
        // Booked plus pending, or not yet invoiced: shown, never taken as the position.
        "expected" | "nonInvoiced" => BalanceType::Information,
        other => return Err(malformed(format!("'{other}' is not a balance type"))),
    })
}

fn balance_of(balance: &model::Balance, today: NaiveDate) -> Result<RemoteBalance, BankError> {
    let amount = money_of(&balance.balance_amount, "a balance")?;
    let as_of = balance
        .last_change_date_time
        .as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| malformed(format!("a balance: '{t}' is not a time")))
        })
        .transpose()?;
    let date = match (&balance.reference_date, as_of) {
        (Some(day), _) => date_of(day, "a balance")?,
        (None, Some(at)) => at.date_naive(),
        (None, None) => today,
    };
    Ok(RemoteBalance {
        balance_type: balance_type_of(&balance.balance_type)?,
        amount,
        date,
        as_of,
    })
}

fn transaction_of(
    transaction: &model::Transaction,
    status: EntryStatus,
) -> Result<RemoteTransaction, BankError> {
    let amount = money_of(
        transaction
            .transaction_amount
            .as_ref()
            .ok_or_else(|| malformed("a transaction has no transactionAmount"))?,
        "a transaction",
    )?;
    // The counterparty is the creditor of a debit and the debtor of a credit.
    let (name, account) = if amount.amount().is_sign_negative() {
        (&transaction.creditor_name, &transaction.creditor_account)
    } else {
        (&transaction.debtor_name, &transaction.debtor_account)
    };
    let day = |d: &Option<String>| {
        d.as_deref()
            .map(|d| date_of(d, "a transaction"))
            .transpose()
    };
    Ok(RemoteTransaction {
        transaction_id: transaction.transaction_id.clone(),
        entry_reference: transaction.entry_reference.clone(),
        status,
        booking_date: day(&transaction.booking_date)?,
        value_date: day(&transaction.value_date)?,
        amount,
        end_to_end_id: transaction
            .end_to_end_id
            .clone()
            .filter(|id| id != "NOTPROVIDED"),
        counterparty_name: name.clone(),
        counterparty_iban: account.as_ref().and_then(|a| a.iban.clone()),
        remittance: transaction.remittance_information_unstructured.clone(),
        bank_transaction_code: transaction.bank_transaction_code.clone(),
    })
}

/// `AC04 Account closed` → (`AC04`, `Account closed`); a text without a code stays text.
fn reason_of(message: &str) -> (Option<String>, Option<String>) {
    let message = message.trim();
    let (code, rest) = message.split_once(' ').unwrap_or((message, ""));
    let is_code = code.len() == 4
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && code.bytes().any(|b| b.is_ascii_uppercase());
    if is_code {
        (
            Some(code.to_string()),
            (!rest.trim().is_empty()).then(|| rest.trim().to_string()),
        )
    } else {
        (None, (!message.is_empty()).then(|| message.to_string()))
    }
}

fn payment_status_of(payment_id: &str, status: &model::PaymentStatus) -> RemotePaymentStatus {
    let (reason_code, reason_text) = status
        .psu_message
        .as_deref()
        .map(reason_of)
        .unwrap_or_default();
    RemotePaymentStatus {
        bank_payment_id: payment_id.to_string(),
        status: status.transaction_status.clone(),
        reason_code,
        reason_text,
    }
}

impl BankPort for Xs2aClient {
    async fn accounts(&self, caller: &Caller) -> Result<Answer<Vec<RemoteAccount>>, BankError> {
        let span = info_span!("psd2.accounts");
        async {
            let (list, request_id, body): (model::AccountList, _, _) = self
                .get("/v1/accounts", caller.ip_address(), "the account list")
                .await?;
            let mut accounts = Vec::with_capacity(list.accounts.len());
            for account in list.accounts {
                let Some(resource_id) = account.resource_id.clone() else {
                    return Err(malformed("an account has no resourceId"));
                };
                accounts.push(RemoteAccount {
                    resource_id,
                    iban: account.iban.as_deref().map(cashline_domain::iban::compact),
                    currency: currency_of(&account.currency, "an account")?,
                    name: account.name,
                    owner_name: account.owner_name,
                    bic: account.bic,
                });
            }
            debug!(accounts = accounts.len(), "accounts listed");
            Ok(Answer {
                value: accounts,
                request_id,
                body_sha256: body.sha256,
                pages: 1,
            })
        }
        .instrument(span)
        .await
    }

    async fn balances(
        &self,
        account: &RemoteAccount,
        caller: &Caller,
    ) -> Result<Answer<Vec<RemoteBalance>>, BankError> {
        let path = format!("/v1/accounts/{}/balances", account.resource_id);
        let (answer, request_id, body): (model::BalancesResponse, _, _) =
            self.get(&path, caller.ip_address(), "the balances").await?;
        let today = Utc::now().date_naive();
        let balances = answer
            .balances
            .iter()
            .map(|b| balance_of(b, today))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Answer {
            value: balances,
            request_id,
            body_sha256: body.sha256,
            pages: 1,
        })
    }

    async fn transactions(
        &self,
        account: &RemoteAccount,
        from: NaiveDate,
        caller: &Caller,
    ) -> Result<Answer<Vec<RemoteTransaction>>, BankError> {
        let mut next = Some(format!(
            "/v1/accounts/{}/transactions?bookingStatus=both&dateFrom={from}",
            account.resource_id
        ));
        let mut seen: HashSet<String> = HashSet::new();
        let mut transactions = Vec::new();
        let mut digest = Sha256::new();
        let mut first_request_id = None;
        let mut pages = 0;
        while let Some(link) = next.take() {
            if !seen.insert(link.clone()) {
                return Err(malformed(
                    "the bank's next page link repeats an earlier one",
                ));
            }
            pages += 1;
            if pages > PAGES_MAX {
                return Err(malformed(format!(
                    "the transactions run past {PAGES_MAX} pages"
                )));
            }
            let (page, request_id, body): (model::TransactionsResponse, _, _) = self
                .get(&link, caller.ip_address(), "the transactions")
                .await?;
            digest.update(body.sha256.as_bytes());
            first_request_id.get_or_insert(request_id);
            let report = page
                .transactions
                .ok_or_else(|| malformed("the answer holds no transactions report"))?;
            for t in report.booked.iter().flatten() {
                transactions.push(transaction_of(t, EntryStatus::Booked)?);
            }
            for t in report.pending.iter().flatten() {
                transactions.push(transaction_of(t, EntryStatus::Pending)?);
            }
            next = report.links.next.map(|h| h.href);
        }
        Ok(Answer {
            value: transactions,
            request_id: first_request_id.unwrap_or_default(),
            body_sha256: hex::encode(digest.finalize()),
            pages,
        })
    }

    async fn initiate_payment(
        &self,
        order: &PaymentOrder,
        caller: &Caller,
    ) -> Result<Answer<RemotePaymentStatus>, BankError> {
        let body = model::CreditTransfer {
            end_to_end_identification: order.end_to_end_id.clone(),
            debtor_account: model::AccountReference {
                iban: Some(order.debtor_iban.clone()),
                currency: None,
            },
            instructed_amount: model::Amount {
                currency: order.amount.currency().to_string(),
                amount: order.amount.amount_text(),
            },
            creditor_account: model::AccountReference {
                iban: Some(order.creditor_iban.clone()),
                currency: None,
            },
            creditor_name: order.creditor_name.clone(),
            remittance_information_unstructured: order.remittance.clone(),
            requested_execution_date: order.requested_date.map(|d| d.to_string()),
        };
        let psu_ip = self.psu_ip_required(caller.ip_address()).await;
        let request = self
            .request(
                Method::POST,
                &self.url("/v1/payments/sepa-credit-transfers"),
                &order.request_id,
                Some(&psu_ip),
            )
            .json(&body);
        let (_, answer) = self.send(request).await?;
        let created: model::PaymentCreated = decode(&answer, "the payment")?;
        Ok(Answer {
            value: RemotePaymentStatus {
                bank_payment_id: created.payment_id,
                status: created.transaction_status,
                reason_code: None,
                reason_text: None,
            },
            request_id: order.request_id.clone(),
            body_sha256: answer.sha256,
            pages: 1,
        })
    }

    async fn payment_status(
        &self,
        bank_payment_id: &str,
    ) -> Result<Answer<RemotePaymentStatus>, BankError> {
        let path = format!("/v1/payments/sepa-credit-transfers/{bank_payment_id}/status");
        let (status, request_id, body): (model::PaymentStatus, _, _) =
            self.get(&path, None, "the payment status").await?;
        Ok(Answer {
            value: payment_status_of(bank_payment_id, &status),
            request_id,
            body_sha256: body.sha256,
            pages: 1,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clients_debug_form_shows_no_key_or_token() {
        let mut settings = ClientSettings::new("https://api.bank.example");
        settings.identity_pem = Some(b"-----BEGIN PRIVATE KEY-----\nMIIsecret\n".to_vec());
        settings.bearer_token = Some("token-secret-123".into());
        let client = Xs2aClient::new(ClientSettings {
            identity_pem: None,
            ..settings.clone()
        })
        .unwrap();
        for shown in [format!("{settings:?}"), format!("{client:?}")] {
            assert!(
                !shown.contains("MIIsecret") && !shown.contains("token-secret-123"),
                "{shown}"
            );
            assert!(shown.contains("(held)"), "{shown}");
        }
    }

    #[test]
    fn a_bank_url_is_https_or_a_simulator_here() {
        assert_eq!(
            check_base_url("https://api.bank.example/psd2/").unwrap(),
            "https://api.bank.example/psd2"
        );
        assert!(check_base_url("http://127.0.0.1:8080").is_ok());
        assert!(check_base_url("http://bank.example")
            .unwrap_err()
            .contains("https"));
        assert!(check_base_url("https://u:p@bank.example")
            .unwrap_err()
            .contains("keychain"));
        assert!(check_base_url("https://bank.example/?x=1").is_err());
        assert!(check_base_url("not a url\n\u{1b}[2J").is_err());
    }

    #[test]
    fn request_ids_are_uuid_v4() {
        let id = request_id();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(id, request_id());
    }

    #[test]
    fn a_rejection_reason_keeps_its_iso_code_apart_from_its_words() {
        assert_eq!(
            reason_of("AC04 Account closed"),
            (Some("AC04".into()), Some("Account closed".into()))
        );
        assert_eq!(reason_of("AM02"), (Some("AM02".into()), None));
        assert_eq!(
            reason_of("Rejected by the bank"),
            (None, Some("Rejected by the bank".into()))
        );
        assert_eq!(reason_of("1234 x"), (None, Some("1234 x".into())));
    }

    #[test]
    fn expected_balances_are_information_not_positions() {
        assert_eq!(
            balance_type_of("expected").unwrap(),
            BalanceType::Information
        );
        assert_eq!(
            balance_type_of("interimBooked").unwrap(),
            BalanceType::InterimBooked
        );
        assert!(balance_type_of("closing").is_err());
    }
}
