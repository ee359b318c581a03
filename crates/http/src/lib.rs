//! The local HTTP API: the service layer's commands over HTTP on 127.0.0.1, refusing any
//! request to `/api` without the random token printed in the URL, and the built web UI as
//! static files. Handlers only translate HTTP to service calls and back.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use rand::distr::{Alphanumeric, SampleString};
use serde::Deserialize;
use thiserror::Error;
use tower_http::services::{ServeDir, ServeFile};

use cashline_service::{
    EntriesQuery, ErrorBody, ImportOptions, PositionsRequest, Service, ServiceError, FILE_BYTES_MAX,
};

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
    let api = Router::new()
        .route("/positions", get(positions))
        .route("/entries", get(entries))
        .route("/exceptions", get(exceptions))
        .route("/import", post(import))
        .route("/charts/balances.svg", get(balances_chart))
        .route("/csv-mappings", get(csv_mappings).post(csv_mapping_save))
        .route("/settings", get(settings).put(settings_save))
        .route(
            "/csv-mappings/{name}",
            axum::routing::delete(csv_mapping_remove),
        )
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
        _ => error_response(
            StatusCode::UNAUTHORIZED,
            ErrorBody {
                code: "unauthorized",
                message: "this request has no valid access token; open the URL that `cashline serve` printed".into(),
            },
        ),
    }
}

fn error_response(status: StatusCode, body: ErrorBody) -> Response {
    (status, Json(body)).into_response()
}

fn service_error(error: ServiceError) -> Response {
    let status = match error.code() {
        "bad_request" => StatusCode::BAD_REQUEST,
        "not_found" => StatusCode::NOT_FOUND,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    tracing::warn!(%error, "request failed");
    error_response(status, error.body())
}

fn bad_request(message: String) -> Response {
    error_response(
        StatusCode::BAD_REQUEST,
        ErrorBody {
            code: "bad_request",
            message,
        },
    )
}

fn parse_date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, Response> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| bad_request(format!("{field} '{text}' is not a date (YYYY-MM-DD)"))),
    }
}

#[derive(Deserialize)]
struct PositionsParams {
    as_of: Option<String>,
    entity: Option<String>,
    reporting_currency: Option<String>,
}

async fn positions(
    State(state): State<AppState>,
    Query(params): Query<PositionsParams>,
) -> Response {
    let as_of = match parse_date("as_of", params.as_of.as_deref()) {
        Ok(date) => date,
        Err(response) => return response,
    };
    let request = PositionsRequest {
        as_of,
        entity: params.entity.filter(|e| !e.is_empty()),
        reporting_currency: params.reporting_currency.filter(|c| !c.is_empty()),
    };
    match state.service.positions(request).await {
        Ok(report) => Json(report).into_response(),
        Err(error) => service_error(error),
    }
}

#[derive(Deserialize)]
struct EntriesParams {
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
}

async fn entries(State(state): State<AppState>, Query(params): Query<EntriesParams>) -> Response {
    let (from, to) = match (
        parse_date("from", params.from.as_deref()),
        parse_date("to", params.to.as_deref()),
    ) {
        (Ok(from), Ok(to)) => (from, to),
        (Err(response), _) | (_, Err(response)) => return response,
    };
    let query = EntriesQuery {
        account: params.account.filter(|a| !a.is_empty()),
        from,
        to,
        limit: params.limit,
    };
    match state.service.entries(query).await {
        Ok(report) => Json(report).into_response(),
        Err(error) => service_error(error),
    }
}

#[derive(Deserialize)]
struct ExceptionsParams {
    kind: Option<String>,
    state: Option<String>,
}

async fn exceptions(
    State(state): State<AppState>,
    Query(params): Query<ExceptionsParams>,
) -> Response {
    match state
        .service
        .exceptions(params.kind.as_deref(), params.state.as_deref())
        .await
    {
        Ok(report) => Json(report).into_response(),
        Err(error) => service_error(error),
    }
}

#[derive(Deserialize)]
struct ImportParams {
    file: Option<String>,
    csv_mapping: Option<String>,
}

async fn import(
    State(state): State<AppState>,
    Query(params): Query<ImportParams>,
    body: Bytes,
) -> Response {
    let Some(name) = params.file.filter(|f| !f.trim().is_empty()) else {
        return bad_request("the import needs the file's name as ?file=NAME".into());
    };
    // Only the base name: a path from the browser means nothing on this machine.
    let name = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
    let options = ImportOptions {
        csv_mapping: params.csv_mapping.filter(|m| !m.is_empty()),
    };
    let report = state.service.import_bytes(&name, &body, &options).await;
    Json(report).into_response()
}

async fn settings(State(state): State<AppState>) -> Response {
    match state.service.settings().await {
        Ok(settings) => Json(settings).into_response(),
        Err(error) => service_error(error),
    }
}

#[derive(Deserialize)]
struct SettingsBody {
    inbox_folder: Option<String>,
}

async fn settings_save(State(state): State<AppState>, Json(body): Json<SettingsBody>) -> Response {
    let folder = body
        .inbox_folder
        .filter(|f| !f.trim().is_empty())
        .map(PathBuf::from);
    match state.service.set_inbox_folder(folder.as_deref()).await {
        Ok(settings) => Json(settings).into_response(),
        Err(error) => service_error(error),
    }
}

async fn csv_mappings(State(state): State<AppState>) -> Response {
    match state.service.csv_mappings().await {
        Ok(report) => Json(report).into_response(),
        Err(error) => service_error(error),
    }
}

async fn csv_mapping_save(
    State(state): State<AppState>,
    Json(definition): Json<serde_json::Value>,
) -> Response {
    match state.service.csv_mapping_save(definition).await {
        Ok(mapping) => Json(mapping).into_response(),
        Err(error) => service_error(error),
    }
}

async fn csv_mapping_remove(State(state): State<AppState>, Path(name): Path<String>) -> Response {
    match state.service.csv_mapping_remove(&name).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(error) => service_error(error),
    }
}

async fn balances_chart(State(state): State<AppState>) -> Response {
    match state.service.balances_chart_svg().await {
        Ok(svg) => {
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                "image/svg+xml".parse().expect("a valid header value"),
            );
            (headers, svg).into_response()
        }
        Err(error) => service_error(error),
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
