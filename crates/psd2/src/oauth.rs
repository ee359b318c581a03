//! OAuth2 for a bank that takes the Berlin Group's OAuth SCA approach: its consent answers
//! with a `scaOAuth` link to its authorisation server's metadata (RFC 8414); the person
//! approves at the authorisation endpoint with a PKCE challenge (RFC 7636); the code the
//! browser brings back is traded for an access token and a refresh token (RFC 6749), and
//! reads carry the access token as a bearer.

use base64::Engine;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use cashline_engine::bank::BankError;

use crate::client::Xs2aClient;

/// An access token this close to its end is refreshed before a sync rather than during it.
pub const REFRESH_MARGIN_SECONDS: i64 = 120;

/// Where a bank's authorisation server takes the person and the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorisationServer {
    pub authorization_endpoint: String,
    pub token_endpoint: String,
}

/// A PKCE pair: the verifier stays here, its S256 challenge goes with the person.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let bytes: [u8; 32] = rand::random();
        let verifier = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

impl Default for Pkce {
    fn default() -> Pkce {
        Pkce::new()
    }
}

/// An unguessable `state` for one authorisation, checked when the browser comes back.
pub fn new_state() -> String {
    let bytes: [u8; 16] = rand::random();
    hex::encode(bytes)
}

/// The tokens of one consent. Secret: they live in the keychain, never in the ledger.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    pub expires_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tokens")
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Tokens {
    /// Whether the access token should be refreshed before it is used at `now`.
    pub fn needs_refresh(&self, now: DateTime<Utc>) -> bool {
        self.expires_at
            .is_some_and(|at| at - now < Duration::seconds(REFRESH_MARGIN_SECONDS))
    }
}

/// The link the person opens to approve a consent at the authorisation server.
pub fn authorisation_url(
    server: &AuthorisationServer,
    client_id: &str,
    consent_id: &str,
    redirect_uri: &str,
    state: &str,
    pkce: &Pkce,
) -> Result<String, BankError> {
    let mut url =
        reqwest::Url::parse(&server.authorization_endpoint).map_err(|_| BankError::Malformed {
            what: "the authorisation server's metadata: authorization_endpoint is not a URL".into(),
        })?;
    url.query_pairs_mut()
        .append_pair("response_type", "code")
        .append_pair("client_id", client_id)
        .append_pair("scope", &format!("AIS:{consent_id}"))
        .append_pair("state", state)
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("code_challenge", &pkce.challenge)
        .append_pair("code_challenge_method", "S256");
    Ok(url.into())
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    token_type: String,
    expires_in: Option<i64>,
    refresh_token: Option<String>,
}

#[derive(Deserialize)]
struct TokenRefusal {
    error: String,
    error_description: Option<String>,
}

impl Xs2aClient {
    /// The authorisation server a consent's `scaOAuth` link describes.
    pub async fn authorisation_server(
        &self,
        metadata_url: &str,
    ) -> Result<AuthorisationServer, BankError> {
        let (_, body) = self.oauth_call(self.http().get(metadata_url)).await?;
        serde_json::from_slice(&body).map_err(|e| BankError::Malformed {
            what: format!("the authorisation server's metadata: {e}"),
        })
    }

    /// Trades the code the browser brought back for tokens.
    pub async fn exchange_code(
        &self,
        token_endpoint: &str,
        client_id: &str,
        code: &str,
        redirect_uri: &str,
        verifier: &str,
        now: DateTime<Utc>,
    ) -> Result<Tokens, BankError> {
        self.tokens(
            token_endpoint,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirect_uri),
                ("client_id", client_id),
                ("code_verifier", verifier),
            ],
            now,
        )
        .await
    }

    /// A new access token for a refresh token (which the server may replace too).
    pub async fn refresh_tokens(
        &self,
        token_endpoint: &str,
        client_id: &str,
        refresh_token: &str,
        now: DateTime<Utc>,
    ) -> Result<Tokens, BankError> {
        let mut tokens = self
            .tokens(
                token_endpoint,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                    ("client_id", client_id),
                ],
                now,
            )
            .await?;
        if tokens.refresh_token.is_none() {
            tokens.refresh_token = Some(refresh_token.to_string());
        }
        Ok(tokens)
    }

    async fn tokens(
        &self,
        token_endpoint: &str,
        form: &[(&str, &str)],
        now: DateTime<Utc>,
    ) -> Result<Tokens, BankError> {
        let request = self
            .http()
            .post(token_endpoint)
            .header("Accept", "application/json")
            .form(form);
        let (_, body) = self.oauth_call(request).await?;
        let answer: TokenAnswer =
            serde_json::from_slice(&body).map_err(|e| BankError::Malformed {
                what: format!("the token answer: {e}"),
            })?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(BankError::Malformed {
                what: format!(
                    "the token answer: token_type '{}' is not Bearer",
                    cashline_domain::shown(&answer.token_type)
                ),
            });
        }
        Ok(Tokens {
            access_token: answer.access_token,
            refresh_token: answer.refresh_token,
            expires_at: answer.expires_in.map(|s| now + Duration::seconds(s)),
        })
    }

    /// One call to the authorisation server: its refusals are OAuth's `error` objects.
    async fn oauth_call(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<(reqwest::StatusCode, Vec<u8>), BankError> {
        let response = request.send().await.map_err(crate::client::transport)?;
        let status = response.status();
        let body = crate::client::read_bytes(response).await?;
        if status.is_success() {
            return Ok((status, body));
        }
        if status.is_server_error() {
            return Err(BankError::Server {
                status: status.as_u16(),
            });
        }
        let refusal: Option<TokenRefusal> = serde_json::from_slice(&body).ok();
        Err(BankError::Refused {
            status: status.as_u16(),
            code: refusal
                .as_ref()
                .map_or_else(String::new, |r| cashline_domain::shown(&r.error)),
            text: refusal.and_then(|r| r.error_description).map_or_else(
                || "the authorisation server refused".into(),
                |d| cashline_domain::shown(&d),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pkce_challenge_is_the_verifiers_s256_and_the_link_carries_it() {
        let pkce = Pkce::new();
        assert_eq!(
            pkce.verifier.len(),
            43,
            "32 bytes, base64url without padding"
        );
        assert_ne!(Pkce::new().verifier, pkce.verifier);
        let server = AuthorisationServer {
            authorization_endpoint: "https://auth.bank.example/authorize?x=1".into(),
            token_endpoint: "https://auth.bank.example/token".into(),
        };
        let link = authorisation_url(
            &server,
            "app 1",
            "c-9",
            "http://127.0.0.1:5/consent",
            "s",
            &pkce,
        )
        .unwrap();
        let url = reqwest::Url::parse(&link).unwrap();
        let pairs: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert_eq!(pairs["x"], "1");
        assert_eq!(pairs["client_id"], "app 1");
        assert_eq!(pairs["scope"], "AIS:c-9");
        assert_eq!(pairs["code_challenge_method"], "S256");
        let expected = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(pkce.verifier.as_bytes()));
        assert_eq!(pairs["code_challenge"], expected);
    }

    #[test]
    fn tokens_are_refreshed_shortly_before_they_end_and_never_printed() {
        let now = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 12, 7, 9, 0, 0).unwrap();
        let tokens = Tokens {
            access_token: "at-secret".into(),
            refresh_token: Some("rt-secret".into()),
            expires_at: Some(now + Duration::seconds(REFRESH_MARGIN_SECONDS + 1)),
        };
        assert!(!tokens.needs_refresh(now));
        assert!(tokens.needs_refresh(now + Duration::seconds(2)));
        let shown = format!("{tokens:?}");
        assert!(!shown.contains("secret"), "{shown}");
    }
}
