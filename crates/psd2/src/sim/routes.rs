//! The simulator's HTTP side: each contract endpoint, the test endpoints, and the faults.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde_json::{json, Value};

use cashline_domain::{Currency, Money};

use super::bank::{self, ConsentState, SimAccount, SimConsent, SimPayment};
use super::faults::{Endpoint, FaultKind, Faults};
use super::oauth;
use super::{Sim, SimOptions};
use crate::model;

/// Everything the simulator holds.
pub(crate) struct State {
    clock_offset: Duration,
    accounts: Vec<SimAccount>,
    /// Bumped by `changed-ids`: part of every resource id.
    generation: u32,
    /// Keyed by zero-padded ids, so `/sim/state` lists them in the order they were asked for.
    pub(crate) consents: BTreeMap<String, SimConsent>,
    /// What its OAuth2 authorisation server handed out, for a bank that takes that approach.
    pub(crate) oauth: oauth::Grants,
    payments: Vec<SimPayment>,
    faults: Faults,
    next_id: u64,
}

impl State {
    pub(crate) fn new(options: &SimOptions) -> State {
        State {
            clock_offset: Duration::zero(),
            accounts: bank::accounts(options.seed, options.start, &options.accounts),
            generation: 1,
            consents: BTreeMap::new(),
            oauth: oauth::Grants::default(),
            payments: Vec::new(),
            faults: options.faults.clone(),
            next_id: 1,
        }
    }

    fn resource_id(&self, account: &SimAccount) -> String {
        format!("acc-{}-{}", account.key, self.generation)
    }

    fn account_index(&self, resource_id: &str) -> Option<usize> {
        self.accounts
            .iter()
            .position(|a| self.resource_id(a) == resource_id)
    }

    pub(crate) fn fresh_id(&mut self, prefix: &str) -> String {
        let id = self.next_id;
        self.next_id += 1;
        format!("{prefix}{id:08}")
    }
}

impl Sim {
    pub(crate) fn now(&self, state: &State) -> DateTime<Utc> {
        let running = if self.options.clock_runs {
            chrono::Duration::from_std(self.started.elapsed()).unwrap_or_default()
        } else {
            Duration::zero()
        };
        self.options.start + state.clock_offset + running
    }
}

pub(crate) type Shared = Arc<Sim>;

pub(crate) fn router(sim: Shared) -> Router {
    Router::new()
        .route("/v1/consents", post(create_consent))
        .route(
            "/v1/consents/{id}",
            get(consent_information).delete(delete_consent),
        )
        .route("/v1/consents/{id}/status", get(consent_status))
        .route("/v1/accounts", get(accounts))
        .route("/v1/accounts/{id}/balances", get(balances))
        .route("/v1/accounts/{id}/transactions", get(transactions))
        .route("/v1/payments/sepa-credit-transfers", post(initiate_payment))
        .route(
            "/v1/payments/sepa-credit-transfers/{id}/status",
            get(payment_status),
        )
        .route("/sim/sca/{id}", get(approve_consent))
        .route(
            "/sim/oauth/.well-known/oauth-authorization-server",
            get(oauth::metadata),
        )
        .route("/sim/oauth/authorize", get(oauth::authorize))
        .route("/sim/oauth/token", post(oauth::token))
        .route("/sim/advance", post(advance))
        .route("/sim/faults", post(set_faults))
        .route("/sim/consents/{id}/revoke", post(revoke_consent))
        .route("/sim/state", get(state))
        .route("/sim/statement", get(statement))
        .with_state(sim)
}

/// A contract answer: JSON, with the request's id echoed as the specification requires.
fn answer(status: StatusCode, request_id: &str, body: Value) -> Response {
    let mut response = (status, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(request_id) {
        response.headers_mut().insert("X-Request-ID", value);
    }
    response
}

pub(crate) fn refuse(status: StatusCode, request_id: &str, code: &str, text: &str) -> Response {
    answer(
        status,
        request_id,
        json!({"tppMessages": [{"category": "ERROR", "code": code, "text": text}]}),
    )
}

pub(crate) fn header<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// The request id, which every request must carry.
#[allow(clippy::result_large_err)]
fn request_id_of(headers: &HeaderMap) -> Result<String, Response> {
    match header(headers, "X-Request-ID") {
        Some(id) if !id.trim().is_empty() => Ok(id.to_string()),
        _ => Err(refuse(
            StatusCode::BAD_REQUEST,
            "00000000-0000-4000-8000-000000000000",
            "FORMAT_ERROR",
            "X-Request-ID is missing",
        )),
    }
}

/// What a fault does before the endpoint's own work: an answer instead of it, or a stall.
enum Before {
    Proceed,
    /// Do the work, then keep the caller waiting past its timeout.
    LoseAnswer,
    Answer(Response),
}

async fn before(sim: &Sim, endpoint: Endpoint, request_id: &str) -> Before {
    let fault = sim.state.lock().expect("state").faults.take(endpoint);
    match fault {
        None => Before::Proceed,
        Some(FaultKind::Timeout) => {
            tokio::time::sleep(sim.options.stall).await;
            Before::Proceed
        }
        Some(FaultKind::LostResponse) => Before::LoseAnswer,
        Some(FaultKind::ServerError) => Before::Answer(refuse(
            StatusCode::INTERNAL_SERVER_ERROR,
            request_id,
            "INTERNAL_SERVER_ERROR",
            "simulated internal error",
        )),
        Some(FaultKind::Malformed) => {
            let mut response = (
                StatusCode::OK,
                [("Content-Type", "application/json")],
                "{\"accounts\": [{\"resourceId\": ",
            )
                .into_response();
            if let Ok(value) = HeaderValue::from_str(request_id) {
                response.headers_mut().insert("X-Request-ID", value);
            }
            Before::Answer(response)
        }
        Some(FaultKind::RateLimit) => {
            let mut response = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                request_id,
                "ACCESS_EXCEEDED",
                "too many requests; retry after the time given",
            );
            response
                .headers_mut()
                .insert("Retry-After", HeaderValue::from_static("1"));
            Before::Answer(response)
        }
        Some(FaultKind::ConsentExpired) => {
            let mut state = sim.state.lock().expect("state");
            let yesterday = sim.now(&state).date_naive() - Duration::days(1);
            for consent in state.consents.values_mut() {
                consent.valid_until = consent.valid_until.min(yesterday);
            }
            Before::Proceed
        }
        Some(FaultKind::ConsentRevoked) => {
            let mut state = sim.state.lock().expect("state");
            for consent in state.consents.values_mut() {
                consent.state = ConsentState::Revoked;
            }
            Before::Proceed
        }
        Some(FaultKind::ChangedIds) => {
            sim.state.lock().expect("state").generation += 1;
            Before::Proceed
        }
    }
}

/// Runs the fault check and the work; a lost answer is held back until the caller gave up.
macro_rules! with_faults {
    ($sim:expr, $endpoint:expr, $request_id:expr, $work:expr) => {{
        match before(&$sim, $endpoint, &$request_id).await {
            Before::Answer(response) => response,
            Before::Proceed => $work,
            Before::LoseAnswer => {
                let response = $work;
                tokio::time::sleep($sim.options.stall).await;
                response
            }
        }
    }};
}

async fn create_consent(
    AxumState(sim): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Consents, request_id, {
        match serde_json::from_slice::<model::ConsentRequest>(&body) {
            Err(_) => refuse(
                StatusCode::BAD_REQUEST,
                &request_id,
                "FORMAT_ERROR",
                "the consent request does not follow the contract",
            ),
            Ok(request) => match NaiveDate::parse_from_str(&request.valid_until, "%Y-%m-%d") {
                Err(_) => refuse(
                    StatusCode::BAD_REQUEST,
                    &request_id,
                    "FORMAT_ERROR",
                    "validUntil is not a date",
                ),
                Ok(valid_until) => {
                    let mut state = sim.state.lock().expect("state");
                    let id = state.fresh_id("consent-");
                    let consent = SimConsent {
                        id: id.clone(),
                        // Under OAuth2 the approval is the authorisation, never automatic.
                        state: if sim.options.auto_consent && !sim.options.oauth {
                            ConsentState::Valid
                        } else {
                            ConsentState::Received
                        },
                        valid_until,
                        frequency_per_day: request.frequency_per_day.max(1),
                        redirect_uri: header(&headers, "TPP-Redirect-URI").map(str::to_string),
                        reads: HashMap::new(),
                        oauth: sim.options.oauth,
                    };
                    let status = consent.status(sim.now(&state));
                    state.consents.insert(id.clone(), consent);
                    let (sca, approach) = if sim.options.oauth {
                        (
                            json!({"scaOAuth": {"href": oauth::metadata_url(&sim.base_url)}}),
                            "OAUTH",
                        )
                    } else {
                        (
                            json!({"scaRedirect": {"href": format!("{}/sim/sca/{id}", sim.base_url)}}),
                            "REDIRECT",
                        )
                    };
                    let mut links = json!({
                        "self": {"href": format!("/v1/consents/{id}")},
                        "status": {"href": format!("/v1/consents/{id}/status")},
                    });
                    if let (Some(links), Some(sca)) = (links.as_object_mut(), sca.as_object()) {
                        links.extend(sca.clone());
                    }
                    let body = json!({
                        "consentStatus": status,
                        "consentId": id,
                        "_links": links,
                    });
                    let mut response = answer(StatusCode::CREATED, &request_id, body);
                    let headers = response.headers_mut();
                    headers.insert("ASPSP-SCA-Approach", HeaderValue::from_static(approach));
                    // No `Location`: the contract makes it optional and a URL (`format: url`),
                    // and the only URL this simulator has is a loopback one, which the
                    // contract's validators refuse (Prism's `url` format excludes private
                    // addresses). The body's `_links.self` says where the consent is.
                    response
                }
            },
        }
    })
}

async fn consent_status(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    let state = sim.state.lock().expect("state");
    match state.consents.get(&id) {
        None => refuse(
            StatusCode::FORBIDDEN,
            &request_id,
            "CONSENT_UNKNOWN",
            "no such consent",
        ),
        Some(consent) => answer(
            StatusCode::OK,
            &request_id,
            json!({"consentStatus": consent.status(sim.now(&state))}),
        ),
    }
}

async fn consent_information(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    let state = sim.state.lock().expect("state");
    match state.consents.get(&id) {
        None => refuse(
            StatusCode::FORBIDDEN,
            &request_id,
            "CONSENT_UNKNOWN",
            "no such consent",
        ),
        Some(consent) => {
            let now = sim.now(&state);
            answer(
                StatusCode::OK,
                &request_id,
                json!({
                    "access": {"allPsd2": "allAccounts"},
                    "recurringIndicator": true,
                    "validUntil": consent.valid_until.to_string(),
                    "frequencyPerDay": consent.frequency_per_day,
                    "lastActionDate": now.date_naive().to_string(),
                    "consentStatus": consent.status(now),
                }),
            )
        }
    }
}

async fn delete_consent(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    let mut state = sim.state.lock().expect("state");
    match state.consents.get_mut(&id) {
        None => refuse(
            StatusCode::FORBIDDEN,
            &request_id,
            "CONSENT_UNKNOWN",
            "no such consent",
        ),
        Some(consent) => {
            consent.state = ConsentState::Terminated;
            let mut response = StatusCode::NO_CONTENT.into_response();
            if let Ok(value) = HeaderValue::from_str(&request_id) {
                response.headers_mut().insert("X-Request-ID", value);
            }
            response
        }
    }
}

/// The consent a read is made under, if it allows reading now; else the refusal.
#[allow(clippy::result_large_err)]
fn consent_for_read(
    sim: &Sim,
    state: &State,
    headers: &HeaderMap,
    request_id: &str,
) -> Result<String, Response> {
    let Some(id) = header(headers, "Consent-ID") else {
        return Err(refuse(
            StatusCode::BAD_REQUEST,
            request_id,
            "FORMAT_ERROR",
            "Consent-ID is missing",
        ));
    };
    let Some(consent) = state.consents.get(id) else {
        return Err(refuse(
            StatusCode::FORBIDDEN,
            request_id,
            "CONSENT_UNKNOWN",
            "the consent is not known",
        ));
    };
    let now = sim.now(state);
    match consent.status(now) {
        "valid" if consent.oauth => {
            oauth::check_bearer(state, id, headers, request_id, now).map(|()| id.to_string())
        }
        "valid" => Ok(id.to_string()),
        "expired" => Err(refuse(
            StatusCode::UNAUTHORIZED,
            request_id,
            "CONSENT_EXPIRED",
            "the consent has expired",
        )),
        _ => Err(refuse(
            StatusCode::UNAUTHORIZED,
            request_id,
            "CONSENT_INVALID",
            "the consent is not valid",
        )),
    }
}

/// Counts an unattended read against the consent's daily frequency.
#[allow(clippy::result_large_err)]
fn count_read(
    sim: &Sim,
    state: &mut State,
    consent_id: &str,
    account_key: &str,
    endpoint: &'static str,
    headers: &HeaderMap,
    request_id: &str,
) -> Result<(), Response> {
    if header(headers, "PSU-IP-Address").is_some() {
        return Ok(());
    }
    let today = sim.now(state).date_naive();
    let consent = state.consents.get_mut(consent_id).expect("checked");
    let reads = consent
        .reads
        .entry((account_key.to_string(), endpoint, today))
        .or_insert(0);
    if *reads >= consent.frequency_per_day {
        return Err(refuse(
            StatusCode::TOO_MANY_REQUESTS,
            request_id,
            "ACCESS_EXCEEDED",
            "the consent's daily number of unattended reads is used",
        ));
    }
    *reads += 1;
    Ok(())
}

fn account_json(state: &State, account: &SimAccount) -> Value {
    let id = state.resource_id(account);
    json!({
        "resourceId": id,
        "iban": account.iban,
        "currency": account.currency.to_string(),
        "name": account.name,
        "product": "Current account",
        "cashAccountType": "CACC",
        "status": "enabled",
        "bic": account.bic,
        "ownerName": account.owner_name,
        "_links": {
            "balances": {"href": format!("/v1/accounts/{id}/balances")},
            "transactions": {"href": format!("/v1/accounts/{id}/transactions")},
        },
    })
}

async fn accounts(AxumState(sim): AxumState<Shared>, headers: HeaderMap) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Accounts, request_id, {
        let state = sim.state.lock().expect("state");
        match consent_for_read(&sim, &state, &headers, &request_id) {
            Err(refusal) => refusal,
            Ok(_) => {
                let accounts: Vec<Value> = state
                    .accounts
                    .iter()
                    .map(|a| account_json(&state, a))
                    .collect();
                answer(StatusCode::OK, &request_id, json!({"accounts": accounts}))
            }
        }
    })
}

fn amount_json(account: &SimAccount, minor: i64) -> Value {
    json!({"currency": account.currency.to_string(), "amount": account.money(minor).amount_text()})
}

/// The account a read names, under a consent that allows it, counted.
#[allow(clippy::result_large_err)]
fn readable_account(
    sim: &Sim,
    state: &mut State,
    resource_id: &str,
    endpoint: &'static str,
    headers: &HeaderMap,
    request_id: &str,
    counted: bool,
) -> Result<usize, Response> {
    let consent = consent_for_read(sim, state, headers, request_id)?;
    let Some(index) = state.account_index(resource_id) else {
        return Err(refuse(
            StatusCode::NOT_FOUND,
            request_id,
            "RESOURCE_UNKNOWN",
            "no account has this id",
        ));
    };
    if counted {
        let key = state.accounts[index].key.clone();
        count_read(sim, state, &consent, &key, endpoint, headers, request_id)?;
    }
    Ok(index)
}

async fn balances(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Balances, request_id, {
        let mut state = sim.state.lock().expect("state");
        match readable_account(
            &sim,
            &mut state,
            &id,
            "balances",
            &headers,
            &request_id,
            true,
        ) {
            Err(refusal) => refusal,
            Ok(index) => {
                let now = sim.now(&state);
                let account = &state.accounts[index];
                let b = account.balances(now);
                let changed = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
                answer(
                    StatusCode::OK,
                    &request_id,
                    json!({
                        "account": {"iban": account.iban, "currency": account.currency.to_string()},
                        "balances": [
                            {"balanceAmount": amount_json(account, b.closing_booked), "balanceType": "closingBooked", "referenceDate": b.closing_day.to_string()},
                            {"balanceAmount": amount_json(account, b.interim_booked), "balanceType": "interimBooked", "referenceDate": now.date_naive().to_string(), "lastChangeDateTime": changed},
                            {"balanceAmount": amount_json(account, b.expected), "balanceType": "expected", "lastChangeDateTime": changed},
                        ],
                    }),
                )
            }
        }
    })
}

fn transaction_json(account: &SimAccount, t: &bank::SimTransaction, now: DateTime<Utc>) -> Value {
    let mut body = json!({
        "transactionId": t.id_at(now),
        "entryReference": t.entry_reference,
        "valueDate": t.value_date.to_string(),
        "transactionAmount": amount_json(account, t.amount_minor),
        "remittanceInformationUnstructured": t.remittance,
        "bankTransactionCode": if t.amount_minor < 0 { "PMNT-ICDT-ESCT" } else { "PMNT-RCDT-ESCT" },
    });
    let fields = body.as_object_mut().expect("an object");
    if t.is_booked(now) {
        fields.insert(
            "bookingDate".into(),
            json!(t.books_at.date_naive().to_string()),
        );
    }
    if let Some(e2e) = &t.end_to_end_id {
        fields.insert("endToEndId".into(), json!(e2e));
    }
    let (name, account_field) = if t.amount_minor < 0 {
        ("creditorName", "creditorAccount")
    } else {
        ("debtorName", "debtorAccount")
    };
    fields.insert(name.into(), json!(t.counterparty_name));
    fields.insert(account_field.into(), json!({"iban": t.counterparty_iban}));
    body
}

async fn transactions(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Transactions, request_id, {
        let booking_status = query.get("bookingStatus").map(String::as_str);
        let from = query
            .get("dateFrom")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let to = query
            .get("dateTo")
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
        let page: usize = query.get("page").and_then(|p| p.parse().ok()).unwrap_or(1);
        if !matches!(booking_status, Some("booked" | "pending" | "both")) || from.is_none() {
            return refuse(
                StatusCode::BAD_REQUEST,
                &request_id,
                "FORMAT_ERROR",
                "bookingStatus (booked, pending or both) and dateFrom are required",
            );
        }
        let from = from.expect("checked");
        let mut state = sim.state.lock().expect("state");
        // Following a next link is the same read: only the first page counts.
        let counted = page == 1;
        match readable_account(
            &sim,
            &mut state,
            &id,
            "transactions",
            &headers,
            &request_id,
            counted,
        ) {
            Err(refusal) => refusal,
            Ok(index) => {
                let now = sim.now(&state);
                let account = &state.accounts[index];
                let wanted_booked = matches!(booking_status, Some("booked" | "both"));
                let wanted_pending = matches!(booking_status, Some("pending" | "both"));
                let mut listed: Vec<&bank::SimTransaction> = account
                    .transactions
                    .iter()
                    .filter(|t| t.is_visible(now))
                    .filter(|t| {
                        if t.is_booked(now) {
                            let day = t.books_at.date_naive();
                            wanted_booked && day >= from && to.is_none_or(|to| day <= to)
                        } else {
                            wanted_pending
                        }
                    })
                    .collect();
                listed.sort_by_key(|t| (!t.is_booked(now), t.books_at, t.entry_reference.clone()));
                let size = sim.options.page_size.max(1);
                let start = (page - 1).saturating_mul(size).min(listed.len());
                let end = (start + size).min(listed.len());
                let (booked, pending): (Vec<&bank::SimTransaction>, Vec<&bank::SimTransaction>) =
                    listed[start..end]
                        .iter()
                        .copied()
                        .partition(|t| t.is_booked(now));
                let mut links = json!({"account": {"href": format!("/v1/accounts/{id}")}});
                if end < listed.len() {
                    let mut next = format!(
                        "/v1/accounts/{id}/transactions?bookingStatus={}&dateFrom={from}&page={}",
                        booking_status.unwrap_or("both"),
                        page + 1
                    );
                    if let Some(to) = to {
                        next.push_str(&format!("&dateTo={to}"));
                    }
                    links["next"] = json!({"href": next});
                }
                let mut report = json!({"_links": links});
                if wanted_booked {
                    report["booked"] = Value::Array(
                        booked
                            .iter()
                            .map(|t| transaction_json(account, t, now))
                            .collect(),
                    );
                }
                if wanted_pending {
                    report["pending"] = Value::Array(
                        pending
                            .iter()
                            .map(|t| transaction_json(account, t, now))
                            .collect(),
                    );
                }
                answer(
                    StatusCode::OK,
                    &request_id,
                    json!({
                        "account": {"iban": account.iban, "currency": account.currency.to_string()},
                        "transactions": report,
                    }),
                )
            }
        }
    })
}

fn payment_created_json(payment: &SimPayment, now: DateTime<Utc>) -> Value {
    let id = &payment.payment_id;
    json!({
        "transactionStatus": payment.status(now),
        "paymentId": id,
        "_links": {
            "self": {"href": format!("/v1/payments/sepa-credit-transfers/{id}")},
            "status": {"href": format!("/v1/payments/sepa-credit-transfers/{id}/status")},
        },
    })
}

fn created(request_id: &str, payment: &SimPayment, now: DateTime<Utc>) -> Response {
    let mut response = answer(
        StatusCode::CREATED,
        request_id,
        payment_created_json(payment, now),
    );
    let headers = response.headers_mut();
    // No `Location`, as for a consent: `_links.self` says where the payment is.
    headers.insert("ASPSP-SCA-Approach", HeaderValue::from_static("REDIRECT"));
    response
}

async fn initiate_payment(
    AxumState(sim): AxumState<Shared>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Payments, request_id, {
        let parsed = serde_json::from_slice::<model::CreditTransfer>(&body)
            .ok()
            .and_then(|t| {
                let currency = Currency::from_code(&t.instructed_amount.currency).ok()?;
                let amount = Money::parse(&t.instructed_amount.amount, currency).ok()?;
                Some((t, amount))
            });
        match parsed {
            None => refuse(
                StatusCode::BAD_REQUEST,
                &request_id,
                "FORMAT_ERROR",
                "the payment does not follow the contract",
            ),
            Some((transfer, amount)) => {
                let mut state = sim.state.lock().expect("state");
                let now = sim.now(&state);
                // The request id is the idempotency key: the same request is the same payment.
                if let Some(known) = state.payments.iter().find(|p| p.request_id == request_id) {
                    // The same request id for another payment is the caller's bug, not a replay.
                    if known.end_to_end_id != transfer.end_to_end_identification
                        || known.amount != amount
                    {
                        return refuse(
                            StatusCode::BAD_REQUEST,
                            &request_id,
                            "FORMAT_ERROR",
                            "this X-Request-ID was used for another payment",
                        );
                    }
                    return created(&request_id, known, now);
                }
                let payment_id = state.fresh_id("pay-");
                let payment = SimPayment {
                    payment_id,
                    request_id: request_id.clone(),
                    end_to_end_id: transfer.end_to_end_identification.clone(),
                    debtor_iban: transfer.debtor_account.iban.clone().unwrap_or_default(),
                    creditor_name: transfer.creditor_name.clone(),
                    creditor_iban: transfer.creditor_account.iban.clone().unwrap_or_default(),
                    amount,
                    created_at: now,
                    rejection: bank::rejection_of(&transfer.creditor_name, &amount),
                };
                book_payment(&mut state, &payment);
                let response = created(&request_id, &payment, now);
                state.payments.push(payment);
                response
            }
        }
    })
}

/// A payment the bank executes is debited from its account: pending once in process, booked
/// when settled, with the payer's end-to-end id.
fn book_payment(state: &mut State, payment: &SimPayment) {
    if payment.rejection.is_some() {
        return;
    }
    let Some(account) = state.accounts.iter_mut().find(|a| {
        a.iban == cashline_domain::iban::compact(&payment.debtor_iban)
            && a.currency == payment.amount.currency()
    }) else {
        return;
    };
    let Ok(minor) = payment.amount.amount_minor() else {
        return;
    };
    let n = account.transactions.len() + 1;
    account.transactions.push(bank::SimTransaction {
        transaction_id: format!("P{}{n:05}", account.key),
        booked_id: None,
        entry_reference: format!("{}-{}", account.key.to_uppercase(), payment.payment_id),
        appears_at: payment.created_at + Duration::minutes(10),
        books_at: payment.created_at + Duration::minutes(60),
        value_date: (payment.created_at + Duration::minutes(60)).date_naive(),
        amount_minor: -minor,
        counterparty_name: payment.creditor_name.clone(),
        counterparty_iban: payment.creditor_iban.clone(),
        remittance: format!("Payment {}", payment.end_to_end_id),
        end_to_end_id: Some(payment.end_to_end_id.clone()),
    });
}

async fn payment_status(
    AxumState(sim): AxumState<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    let request_id = match request_id_of(&headers) {
        Ok(id) => id,
        Err(refusal) => return refusal,
    };
    with_faults!(sim, Endpoint::Status, request_id, {
        let state = sim.state.lock().expect("state");
        let now = sim.now(&state);
        match state.payments.iter().find(|p| p.payment_id == id) {
            None => refuse(
                StatusCode::NOT_FOUND,
                &request_id,
                "RESOURCE_UNKNOWN",
                "no payment has this id",
            ),
            Some(payment) => {
                let mut body = json!({"transactionStatus": payment.status(now)});
                if let Some(reason) = payment.reason(now) {
                    body["psuMessage"] = json!(reason);
                }
                answer(StatusCode::OK, &request_id, body)
            }
        }
    })
}

async fn approve_consent(AxumState(sim): AxumState<Shared>, Path(id): Path<String>) -> Response {
    let mut state = sim.state.lock().expect("state");
    let Some(consent) = state.consents.get_mut(&id) else {
        return (StatusCode::NOT_FOUND, "no such consent").into_response();
    };
    if consent.state == ConsentState::Received {
        consent.state = ConsentState::Valid;
    }
    match &consent.redirect_uri {
        Some(uri) => {
            let separator = if uri.contains('?') { '&' } else { '?' };
            let location = format!("{uri}{separator}consentId={id}&result=ok");
            match HeaderValue::from_str(&location) {
                Ok(value) => {
                    let mut response = StatusCode::FOUND.into_response();
                    response.headers_mut().insert("Location", value);
                    response
                }
                Err(_) => {
                    (StatusCode::BAD_REQUEST, "the redirect address is not valid").into_response()
                }
            }
        }
        None => (
            StatusCode::OK,
            "The consent is approved. You may close this window.",
        )
            .into_response(),
    }
}

async fn advance(
    AxumState(sim): AxumState<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(minutes) = query.get("minutes").and_then(|m| m.parse::<i64>().ok()) else {
        return (StatusCode::BAD_REQUEST, "minutes=N is required").into_response();
    };
    if !(0..=525_600).contains(&minutes) {
        return (
            StatusCode::BAD_REQUEST,
            "minutes must be between 0 and a year",
        )
            .into_response();
    }
    let mut state = sim.state.lock().expect("state");
    state.clock_offset += Duration::minutes(minutes);
    let now = sim.now(&state);
    axum::Json(json!({"now": now.to_rfc3339()})).into_response()
}

async fn set_faults(AxumState(sim): AxumState<Shared>, body: String) -> Response {
    match Faults::parse(&body) {
        Ok(faults) => {
            sim.state.lock().expect("state").faults = faults;
            StatusCode::NO_CONTENT.into_response()
        }
        Err(error) => (StatusCode::BAD_REQUEST, error.0).into_response(),
    }
}

async fn revoke_consent(AxumState(sim): AxumState<Shared>, Path(id): Path<String>) -> Response {
    let mut state = sim.state.lock().expect("state");
    match state.consents.get_mut(&id) {
        Some(consent) => {
            consent.state = ConsentState::Revoked;
            StatusCode::NO_CONTENT.into_response()
        }
        None => (StatusCode::NOT_FOUND, "no such consent").into_response(),
    }
}

async fn state(AxumState(sim): AxumState<Shared>) -> Response {
    let state = sim.state.lock().expect("state");
    let now = sim.now(&state);
    let accounts: Vec<Value> = state
        .accounts
        .iter()
        .map(|a| {
            let b = a.balances(now);
            json!({
                "resource_id": state.resource_id(a),
                "iban": a.iban,
                "currency": a.currency.to_string(),
                "closing_booked": a.money(b.closing_booked).amount_text(),
                "closing_day": b.closing_day.to_string(),
                "interim_booked": a.money(b.interim_booked).amount_text(),
                "expected": a.money(b.expected).amount_text(),
                "booked": a.transactions.iter().filter(|t| t.is_booked(now)).count(),
                "pending": a.transactions.iter().filter(|t| t.is_visible(now) && !t.is_booked(now)).count(),
            })
        })
        .collect();
    let payments: Vec<Value> = state
        .payments
        .iter()
        .map(|p| {
            json!({
                "payment_id": p.payment_id,
                "request_id": p.request_id,
                "end_to_end_id": p.end_to_end_id,
                "status": p.status(now),
                "reason": p.reason(now),
            })
        })
        .collect();
    let consents: Vec<Value> = state
        .consents
        .values()
        .map(|c| json!({"consent_id": c.id, "status": c.status(now), "valid_until": c.valid_until.to_string()}))
        .collect();
    axum::Json(json!({
        "now": now.to_rfc3339(),
        "accounts": accounts,
        "payments": payments,
        "consents": consents,
    }))
    .into_response()
}

#[derive(serde::Deserialize)]
struct StatementQuery {
    iban: String,
    date: NaiveDate,
}

/// `GET /sim/statement?iban=…&date=…`: a closed day's camt.053, as a bank's statement
/// download gives it.
async fn statement(
    AxumState(sim): AxumState<Shared>,
    Query(query): Query<StatementQuery>,
) -> Response {
    let state = sim.state.lock().expect("state");
    let now = sim.now(&state);
    let Some(account) = state.accounts.iter().find(|a| a.iban == query.iban) else {
        return (StatusCode::NOT_FOUND, "no such account").into_response();
    };
    match account.statement_of_day(query.date, now) {
        Some(statement) => (
            [("Content-Type", "application/xml")],
            cashline_bankfile::camt::write::camt053_document(
                8,
                &statement.message_id.clone(),
                now,
                &[statement],
            ),
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "that day is not closed yet").into_response(),
    }
}
