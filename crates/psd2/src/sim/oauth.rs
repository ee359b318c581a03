//! The simulator's OAuth2 side, for a bank that takes the Berlin Group's OAuth SCA approach
//! (`SimOptions::oauth`): a consent answers with a `scaOAuth` link to its authorisation
//! server's metadata (RFC 8414); the person approves at `authorize`, which sends the browser
//! back with a code; the TPP trades the code, with its PKCE verifier (RFC 7636), for an
//! access token and a refresh token at `token` (RFC 6749); reads under such a consent need
//! the access token as a bearer.

use std::collections::HashMap;

use axum::extract::{Query, State as AxumState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::bank::ConsentState;
use super::routes::{header, refuse, Shared, State};

/// How long an access token lasts; the refresh token lasts as long as the consent.
pub const ACCESS_TOKEN_MINUTES: i64 = 60;

/// What the authorisation server has handed out.
#[derive(Debug, Default)]
pub struct Grants {
    codes: HashMap<String, Code>,
    access: HashMap<String, Access>,
    refresh: HashMap<String, Refresh>,
}

#[derive(Debug)]
struct Code {
    consent_id: String,
    client_id: String,
    redirect_uri: String,
    challenge: String,
}

#[derive(Debug)]
struct Access {
    consent_id: String,
    expires_at: DateTime<Utc>,
}

#[derive(Debug)]
struct Refresh {
    consent_id: String,
    client_id: String,
}

/// The `scaOAuth` link of a consent.
pub fn metadata_url(base_url: &str) -> String {
    format!("{base_url}/sim/oauth/.well-known/oauth-authorization-server")
}

/// Whether a read under `consent_id` carries a live access token for it; the refusal if not.
#[allow(clippy::result_large_err)]
pub fn check_bearer(
    state: &State,
    consent_id: &str,
    headers: &HeaderMap,
    request_id: &str,
    now: DateTime<Utc>,
) -> Result<(), Response> {
    let token = header(headers, "Authorization").and_then(|v| v.strip_prefix("Bearer "));
    match token.and_then(|t| state.oauth.access.get(t)) {
        Some(access) if access.consent_id == consent_id && access.expires_at > now => Ok(()),
        Some(access) if access.consent_id == consent_id => Err(refuse(
            StatusCode::UNAUTHORIZED,
            request_id,
            "TOKEN_EXPIRED",
            "the access token has expired",
        )),
        _ => Err(refuse(
            StatusCode::UNAUTHORIZED,
            request_id,
            "TOKEN_INVALID",
            "the consent is read with its OAuth2 access token",
        )),
    }
}

pub async fn metadata(AxumState(sim): AxumState<Shared>) -> Response {
    let base = &sim.base_url;
    axum::Json(json!({
        "issuer": base,
        "authorization_endpoint": format!("{base}/sim/oauth/authorize"),
        "token_endpoint": format!("{base}/sim/oauth/token"),
        "response_types_supported": ["code"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "code_challenge_methods_supported": ["S256"],
    }))
    .into_response()
}

/// The person's approval: a consent named by the scope `AIS:<consentId>` becomes valid, and
/// the browser goes back to the TPP with a code and the TPP's `state`.
pub async fn authorize(
    AxumState(sim): AxumState<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let field = |name: &str| query.get(name).filter(|v| !v.is_empty());
    let (Some(client_id), Some(redirect_uri), Some(scope), Some(tpp_state), Some(challenge)) = (
        field("client_id"),
        field("redirect_uri"),
        field("scope"),
        field("state"),
        field("code_challenge"),
    ) else {
        return page(
            StatusCode::BAD_REQUEST,
            "client_id, redirect_uri, scope, state and code_challenge are all required",
        );
    };
    if field("response_type").map(String::as_str) != Some("code")
        || field("code_challenge_method").map(String::as_str) != Some("S256")
    {
        return page(
            StatusCode::BAD_REQUEST,
            "only response_type=code with code_challenge_method=S256 is served",
        );
    }
    let Some(consent_id) = scope.strip_prefix("AIS:") else {
        return page(
            StatusCode::BAD_REQUEST,
            "the scope names no consent (AIS:<consentId>)",
        );
    };
    let mut state = sim.state.lock().expect("state");
    let Some(consent) = state.consents.get_mut(consent_id) else {
        return page(StatusCode::BAD_REQUEST, "no such consent");
    };
    if consent.state == ConsentState::Received {
        consent.state = ConsentState::Valid;
    }
    let code = state.fresh_id("code-");
    state.oauth.codes.insert(
        code.clone(),
        Code {
            consent_id: consent_id.to_string(),
            client_id: client_id.clone(),
            redirect_uri: redirect_uri.clone(),
            challenge: challenge.clone(),
        },
    );
    let mut back = match reqwest::Url::parse(redirect_uri) {
        Ok(url) => url,
        Err(_) => return page(StatusCode::BAD_REQUEST, "the redirect_uri is not a URL"),
    };
    back.query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", tpp_state);
    match HeaderValue::from_str(back.as_str()) {
        Ok(location) => {
            let mut response = StatusCode::FOUND.into_response();
            response.headers_mut().insert("Location", location);
            response
        }
        Err(_) => page(StatusCode::BAD_REQUEST, "the redirect_uri is not a URL"),
    }
}

/// The token endpoint: a code (with its PKCE verifier) or a refresh token for tokens.
pub async fn token(
    AxumState(sim): AxumState<Shared>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut state = sim.state.lock().expect("state");
    let now = sim.now(&state);
    let field = |name: &str| form.get(name).map(String::as_str).unwrap_or_default();
    let consent_id = match field("grant_type") {
        "authorization_code" => {
            let Some(code) = state.oauth.codes.remove(field("code")) else {
                return oauth_error("invalid_grant", "the code is unknown or used");
            };
            if code.client_id != field("client_id") || code.redirect_uri != field("redirect_uri") {
                return oauth_error(
                    "invalid_grant",
                    "the code was issued to another client or redirect",
                );
            }
            let digest = Sha256::digest(field("code_verifier").as_bytes());
            let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
            if challenge != code.challenge {
                return oauth_error(
                    "invalid_grant",
                    "the code_verifier does not match the code_challenge",
                );
            }
            code.consent_id
        }
        "refresh_token" => {
            let Some(refresh) = state.oauth.refresh.remove(field("refresh_token")) else {
                return oauth_error("invalid_grant", "the refresh token is unknown or used");
            };
            if refresh.client_id != field("client_id") {
                return oauth_error(
                    "invalid_grant",
                    "the refresh token was issued to another client",
                );
            }
            refresh.consent_id
        }
        _ => {
            return oauth_error(
                "unsupported_grant_type",
                "authorization_code or refresh_token",
            )
        }
    };
    let access = state.fresh_id("at-");
    let refresh = state.fresh_id("rt-");
    state.oauth.access.insert(
        access.clone(),
        Access {
            consent_id: consent_id.clone(),
            expires_at: now + Duration::minutes(ACCESS_TOKEN_MINUTES),
        },
    );
    state.oauth.refresh.insert(
        refresh.clone(),
        Refresh {
            consent_id: consent_id.clone(),
            client_id: field("client_id").to_string(),
        },
    );
    let mut response = axum::Json(json!({
        "access_token": access,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_MINUTES * 60,
        "refresh_token": refresh,
        "scope": format!("AIS:{consent_id}"),
    }))
    .into_response();
    response
        .headers_mut()
        .insert("Cache-Control", HeaderValue::from_static("no-store"));
    response
}

fn oauth_error(error: &str, description: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        axum::Json(json!({"error": error, "error_description": description})),
    )
        .into_response()
}

fn page(status: StatusCode, text: &str) -> Response {
    (status, text.to_string()).into_response()
}
