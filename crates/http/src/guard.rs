//! What every request passes before a handler sees it: its `Host` must be this server's own
//! (against DNS rebinding, where another site's page reaches 127.0.0.1 under its own name),
//! so must its `Origin` where a browser sends one (another site's page), its token must match
//! for `/api`, and every answer carries the page's security headers.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::extract::Acting;
use crate::AppState;

/// The `Host` values this server answers to: its loopback address and `localhost`, with its
/// port or none. Any other name is some other site's name that resolved here.
#[derive(Clone)]
pub(crate) struct AllowedHosts {
    port: u16,
}

impl AllowedHosts {
    pub(crate) fn for_port(port: u16) -> AllowedHosts {
        AllowedHosts { port }
    }

    fn allows(&self, host: &str) -> bool {
        let (name, port) = match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        };
        let name_allowed = name == "127.0.0.1" || name.eq_ignore_ascii_case("localhost");
        let port_allowed = port.is_none_or(|p| p.parse() == Ok(self.port));
        name_allowed && port_allowed
    }

    /// An `Origin` (sent by browsers on cross-site and on every non-GET request) must be this
    /// server's own page: another site's page, even one holding a leaked token, or one
    /// reached through a rebound name, is refused before its request does anything.
    fn allows_origin(&self, origin: &str) -> bool {
        origin
            .strip_prefix("http://")
            .is_some_and(|host| host.contains(':') && self.allows(host))
    }
}

pub(crate) async fn require_allowed_host(
    State(allowed): State<AllowedHosts>,
    request: Request,
    next: Next,
) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok());
    let origin = request.headers().get(header::ORIGIN).map(|v| v.to_str());
    match (host, origin) {
        (Some(host), None) if allowed.allows(host) => next.run(request).await,
        (Some(host), Some(Ok(origin))) if allowed.allows(host) && allowed.allows_origin(origin) => {
            next.run(request).await
        }
        (Some(host), Some(_)) if allowed.allows(host) => {
            ApiError::forbidden_origin().into_response()
        }
        _ => ApiError::forbidden_host().into_response(),
    }
}

/// Compares in constant time, so the token cannot be guessed byte by byte from timings.
pub fn token_matches(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The token of an `Authorization: Bearer …` header; the scheme is case-insensitive, as
/// HTTP's authentication schemes are (RFC 9110, section 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// Lets a request through with the server's own token, acting as whoever started `serve`,
/// or with a session's token, acting as the user who logged in to it; the acting service
/// is handed to the handler (`extract::Acting`). A session whose user has since been
/// disabled or removed is refused here, before any handler.
pub(crate) async fn require_token(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(bearer_token);
    let Some(token) = given else {
        return ApiError::unauthorized().into_response();
    };
    let acting = if token_matches(token, &state.token) {
        state.service.clone()
    } else {
        let Some(user) = state.sessions.user_of(token) else {
            return ApiError::unauthorized().into_response();
        };
        match state.service.acting_as(&user).await {
            Ok(service) => service,
            Err(error) => {
                state.sessions.end(token);
                return ApiError::from(error).into_response();
            }
        }
    };
    request.extensions_mut().insert(Acting(acting));
    next.run(request).await
}

/// The page is only ever served to this machine's own browser, but it shows bank data, and
/// its address carries the token: no third-party content, no framing, no referrer.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let pairs = [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; img-src 'self' data:; style-src 'self'; connect-src 'self'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ];
    for (name, value) in pairs {
        headers.insert(name, header::HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_comparison_needs_every_byte() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("ab", "abc"));
        assert!(!token_matches("", "abc"));
    }

    #[test]
    fn the_bearer_scheme_is_matched_case_insensitively() {
        assert_eq!(bearer_token("Bearer abc"), Some("abc"));
        assert_eq!(bearer_token("bearer abc"), Some("abc"));
        assert_eq!(bearer_token("BEARER  abc "), Some("abc"));
        assert_eq!(bearer_token("Basic abc"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("Bearerabc"), None);
    }

    #[test]
    fn only_this_servers_own_names_are_allowed_hosts() {
        let allowed = AllowedHosts::for_port(8080);
        assert!(allowed.allows("127.0.0.1:8080"));
        assert!(allowed.allows("LOCALHOST:8080"));
        assert!(!allowed.allows("localhost:8081"));
        assert!(!allowed.allows("evil.example:8080"));
        assert!(allowed.allows("127.0.0.1"));
        assert!(!allowed.allows("127.0.0.1.evil.example:8080"));
        assert!(!allowed.allows("localhost:"));
    }
}
