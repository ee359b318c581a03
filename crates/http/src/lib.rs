//! The local HTTP API: the service layer's commands over HTTP on 127.0.0.1, refusing any
//! request to `/api` without the random token printed in the URL, and the built web UI as
//! static files. Handlers only translate HTTP to service calls and back.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::header;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use rand::distr::{Alphanumeric, SampleString};
use thiserror::Error;
use tower_http::services::{ServeDir, ServeFile};

use cashline_service::{Service, FILE_BYTES_MAX};

/// Characters in the access token: 32 alphanumerics, about 190 bits.
const TOKEN_CHARS: usize = 32;

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("the web UI is not built: {0} has no index.html (run `npm --prefix ui ci && npm --prefix ui run build`)")]
    UiMissing(String),
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
}

mod routes;

#[derive(Clone)]
struct AppState {
    service: Service,
    token: String,
}

/// A bound, not yet running server: its URL can be printed before it starts answering.
pub struct LocalServer {
    listener: tokio::net::TcpListener,
    router: Router,
    address: SocketAddr,
    token: String,
}

impl LocalServer {
    /// Binds 127.0.0.1 only: the API must never be reachable from another machine.
    pub async fn bind(
        service: Service,
        port: u16,
        ui_dir: PathBuf,
    ) -> Result<LocalServer, HttpError> {
        if !ui_dir.join("index.html").is_file() {
            return Err(HttpError::UiMissing(ui_dir.display().to_string()));
        }
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|source| HttpError::Bind { port, source })?;
        let address = listener
            .local_addr()
            .map_err(|source| HttpError::Bind { port, source })?;
        let token = Alphanumeric.sample_string(&mut rand::rng(), TOKEN_CHARS);
        let router = router(service, token.clone(), ui_dir);
        Ok(LocalServer {
            listener,
            router,
            address,
            token,
        })
    }

    /// The address to open, token included.
    pub fn url(&self) -> String {
        format!("http://{}/?token={}", self.address, self.token)
    }

    pub fn token(&self) -> &str {
        &self.token
    }

    /// Serves until `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), HttpError> {
        axum::serve(self.listener, self.router)
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(HttpError::Serve)
    }
}

fn router(service: Service, token: String, ui_dir: PathBuf) -> Router {
    let state = AppState { service, token };
    let api = routes::api()
        .layer(DefaultBodyLimit::max(FILE_BYTES_MAX))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token))
        .with_state(state);
    let index = ui_dir.join("index.html");
    Router::new()
        .nest("/api", api)
        .fallback_service(ServeDir::new(ui_dir).fallback(ServeFile::new(index)))
        .layer(middleware::from_fn(security_headers))
}

/// The page is only ever served to this machine's own browser, but it shows bank data, and
/// its address carries the token: no third-party content, no framing, no referrer.
async fn security_headers(request: Request, next: Next) -> Response {
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

/// Compares in constant time, so the token cannot be guessed byte by byte from timings.
fn token_matches(given: &str, expected: &str) -> bool {
    given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

async fn require_token(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let given = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    match given {
        Some(token) if token_matches(token, &state.token) => next.run(request).await,
        _ => routes::ApiError::unauthorized().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::token_matches;

    #[test]
    fn token_comparison_needs_every_byte() {
        assert!(token_matches("abc", "abc"));
        assert!(!token_matches("abd", "abc"));
        assert!(!token_matches("ab", "abc"));
        assert!(!token_matches("", "abc"));
    }
}
