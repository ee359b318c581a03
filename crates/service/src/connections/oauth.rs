//! OAuth2 for a connection whose bank takes the OAuth SCA approach: its consent answers with
//! a `scaOAuth` link instead of a redirect page. The person approves at the bank's
//! authorisation server with a PKCE challenge; the code the browser brings back to the
//! loopback port is traded for tokens, which go to the keychain; reads carry the access
//! token, refreshed shortly before it ends.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use cashline_domain::shown;
use cashline_psd2::oauth::{self as psd2_oauth, Pkce, Tokens};
use cashline_psd2::Xs2aClient;

use super::{keystore, keystore_error, Psd2Parameters};
use crate::callback::Returned;
use crate::ServiceError;

/// What a connection keeps of its bank's OAuth2 set-up: nothing secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct OAuthParameters {
    pub token_endpoint: String,
    /// The keychain entry of the consent's tokens.
    pub token_ref: String,
}

/// What waits for the browser's return; held in memory only, never stored.
pub(super) struct Pending {
    verifier: String,
    state: String,
    client_id: String,
    token_endpoint: String,
    redirect_uri: String,
    token_ref: String,
}

/// The keychain entry of a connection's tokens.
pub(super) fn token_ref(name: &str) -> String {
    format!("connection:{name}:oauth")
}

/// Turns a consent's `scaOAuth` link into the link the person opens, what the connection
/// keeps, and what waits for the code.
pub(super) async fn authorisation(
    client: &Xs2aClient,
    metadata_url: &str,
    consent_id: &str,
    client_id: Option<&str>,
    redirect_uri: &str,
    token_ref: String,
) -> Result<(String, OAuthParameters, Pending), ServiceError> {
    let Some(client_id) = client_id else {
        return Err(ServiceError::BadRequest(
            "the bank approves consents through OAuth2: give the client id it registered this app under (--client-id)".into(),
        ));
    };
    let server = client
        .authorisation_server(metadata_url)
        .await
        .map_err(|e| ServiceError::Unavailable(format!("the bank's authorisation server: {e}")))?;
    let pkce = Pkce::new();
    let state = psd2_oauth::new_state();
    let link =
        psd2_oauth::authorisation_url(&server, client_id, consent_id, redirect_uri, &state, &pkce)
            .map_err(|e| ServiceError::Unavailable(e.to_string()))?;
    let parameters = OAuthParameters {
        token_endpoint: server.token_endpoint.clone(),
        token_ref: token_ref.clone(),
    };
    let pending = Pending {
        verifier: pkce.verifier,
        state,
        client_id: client_id.to_string(),
        token_endpoint: server.token_endpoint,
        redirect_uri: redirect_uri.to_string(),
        token_ref,
    };
    Ok((link, parameters, pending))
}

/// The browser came back: its code, checked against our `state`, traded for tokens, which
/// go to the keychain.
pub(super) async fn finish(
    client: &Xs2aClient,
    pending: &Pending,
    returned: &Returned,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    if let Some(error) = &returned.error {
        return Err(ServiceError::BadRequest(format!(
            "the bank's authorisation server refused: {}",
            cashline_domain::shown(error)
        )));
    }
    if returned.state.as_deref() != Some(pending.state.as_str()) {
        return Err(ServiceError::BadRequest(
            "the browser came back with another authorisation's state; nothing was taken from it"
                .into(),
        ));
    }
    let Some(code) = &returned.code else {
        return Err(ServiceError::BadRequest(
            "the browser came back without an authorisation code".into(),
        ));
    };
    let tokens = client
        .exchange_code(
            &pending.token_endpoint,
            &pending.client_id,
            code,
            &pending.redirect_uri,
            &pending.verifier,
            now,
        )
        .await
        .map_err(|e| ServiceError::Unavailable(format!("the bank gave no access token: {e}")))?;
    store(&pending.token_ref, &tokens)
}

/// Whether the connection's tokens are in the keychain.
pub(super) fn has_tokens(oauth: &OAuthParameters) -> Result<bool, ServiceError> {
    Ok(keystore()?
        .get(&oauth.token_ref)
        .map_err(keystore_error)?
        .is_some())
}

/// The client carrying the connection's access token, refreshed first when it is about to
/// end; the client as it is for a bank without OAuth2.
pub(super) async fn authorised(
    client: Xs2aClient,
    name: &str,
    parameters: &Psd2Parameters,
    now: DateTime<Utc>,
) -> Result<Xs2aClient, ServiceError> {
    let Some(oauth) = &parameters.oauth else {
        return Ok(client);
    };
    let missing = || {
        ServiceError::BadRequest(format!(
            "'{}' has no OAuth2 access token: its consent was not approved here; renew it",
            shown(name)
        ))
    };
    let stored = keystore()?
        .get(&oauth.token_ref)
        .map_err(keystore_error)?
        .ok_or_else(missing)?;
    let mut tokens: Tokens = serde_json::from_str(&stored).map_err(|_| missing())?;
    if tokens.needs_refresh(now) {
        let (Some(refresh), Some(client_id)) = (&tokens.refresh_token, &parameters.client_id)
        else {
            return Err(ServiceError::BadRequest(format!(
                "the access token of '{}' has ended and there is no refresh token; renew the consent",
                shown(name)
            )));
        };
        tokens = client
            .refresh_tokens(&oauth.token_endpoint, client_id, refresh, now)
            .await
            .map_err(|e| {
                ServiceError::Unavailable(format!(
                    "the access token of '{}' could not be refreshed ({e}); renew the consent",
                    shown(name)
                ))
            })?;
        store(&oauth.token_ref, &tokens)?;
    }
    Ok(client.with_bearer(&tokens.access_token))
}

fn store(reference: &str, tokens: &Tokens) -> Result<(), ServiceError> {
    let text = serde_json::to_string(tokens)
        .map_err(|e| ServiceError::Corrupt(format!("the tokens: {e}")))?;
    keystore()?.put(reference, &text).map_err(keystore_error)
}
