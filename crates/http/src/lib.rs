//! The local HTTP API: the service layer's commands over HTTP on 127.0.0.1, refusing any
//! request to `/api` without the random token printed in the URL, and the built web UI as
//! static files. Handlers only translate HTTP to service calls and back.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::any;
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use rand::distr::{Alphanumeric, SampleString};
use thiserror::Error;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::services::{ServeDir, ServeFile};

use cashline_service::Service;

mod error;
mod extract;
mod guard;
mod openapi;
mod routes;
mod session;

pub use guard::token_matches;

/// Characters in the access token: 32 alphanumerics, about 190 bits.
pub(crate) const TOKEN_CHARS: usize = 32;
/// A client that has not sent its whole request head by then is dropped: a connection that
/// never finishes its headers would otherwise hold a task and a socket for ever.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);
/// Largest JSON body a command takes (a CSV mapping, a form); uploads stream and have their own.
pub const JSON_BODY_BYTES_MAX: usize = 1024 * 1024;
/// How long shutdown waits for requests under way before it drops them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

#[derive(Debug, Error)]
pub enum HttpError {
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("the web UI is not built: {0} has no index.html (run `npm --prefix ui ci && npm --prefix ui run build`)")]
    UiMissing(String),
    #[error("the HTTP server stopped: {0}")]
    Serve(std::io::Error),
}

#[derive(Clone)]
pub(crate) struct AppState {
    service: Service,
    token: String,
    sessions: session::Sessions,
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
        let router = router(service, token.clone(), ui_dir, address.port());
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

    /// Serves until `shutdown` completes, then lets requests under way finish.
    pub async fn run(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), HttpError> {
        let graceful = GracefulShutdown::new();
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(HEADER_READ_TIMEOUT);
        tokio::pin!(shutdown);
        loop {
            let (stream, _) = tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok(pair) => pair,
                    // Out of file descriptors and the like: wait, never spin.
                    Err(error) => {
                        tracing::warn!(%error, "cannot accept a connection");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                        continue;
                    }
                },
                _ = &mut shutdown => break,
            };
            let service = TowerToHyperService::new(self.router.clone());
            let connection = http.serve_connection(TokioIo::new(stream), service);
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(error) = connection.await {
                    tracing::debug!(%error, "connection ended with an error");
                }
            });
        }
        tokio::select! {
            _ = graceful.shutdown() => {}
            _ = tokio::time::sleep(SHUTDOWN_GRACE) => {
                tracing::warn!("requests still under way at shutdown were dropped");
            }
        }
        Ok(())
    }
}

fn router(service: Service, token: String, ui_dir: PathBuf, port: u16) -> Router {
    let state = AppState {
        service,
        token,
        sessions: session::Sessions::default(),
    };
    // `layer`, not `route_layer`: the token also guards the answer to an unknown route.
    let api = routes::router()
        .layer(DefaultBodyLimit::max(JSON_BODY_BYTES_MAX))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_token,
        ))
        .with_state(state.clone());
    // `/api/` is outside the nested router's reach; it is still the API's, not the UI's.
    let api_slash = Router::new()
        .route("/api/", any(routes::unknown_route))
        .route_layer(middleware::from_fn_with_state(
            state.clone(),
            guard::require_token,
        ))
        .with_state(state);
    let index = ui_dir.join("index.html");
    Router::new()
        .nest("/api", api)
        .merge(api_slash)
        .fallback_service(ServeDir::new(ui_dir).fallback(ServeFile::new(index)))
        .layer(middleware::from_fn(guard::security_headers))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn_with_state(
            guard::AllowedHosts::for_port(port),
            guard::require_allowed_host,
        ))
}
