//! The `/api` routes: each turns its request into one service call and the result into JSON.
//! Errors are `{code, message}` with the status the code implies.

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use cashline_service::{
    AccountUpdate, EntriesQuery, ErrorBody, ForecastRequest, ImportOptions, PositionsRequest,
    ServiceError,
};

use crate::AppState;

pub(crate) struct ApiError(StatusCode, ErrorBody);

impl ApiError {
    pub(crate) fn unauthorized() -> ApiError {
        ApiError(
            StatusCode::UNAUTHORIZED,
            ErrorBody {
                code: "unauthorized",
                message: "this request has no valid access token; open the URL that `cashline serve` printed".into(),
            },
        )
    }

    fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError(
            StatusCode::BAD_REQUEST,
            ErrorBody {
                code: "bad_request",
                message: message.into(),
            },
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> ApiError {
        let status = match error.code() {
            "bad_request" => StatusCode::BAD_REQUEST,
            "not_found" => StatusCode::NOT_FOUND,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        tracing::warn!(%error, "request failed");
        ApiError(status, error.body())
    }
}

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> ApiError {
        ApiError::bad_request(format!(
            "the request body is not the JSON expected: {}",
            rejection.body_text()
        ))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

type ApiResult<T> = Result<Json<T>, ApiError>;

fn ok<T: Serialize>(value: T) -> ApiResult<T> {
    Ok(Json(value))
}

fn date(field: &str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    match value.filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(text) => text.parse().map(Some).map_err(|_| {
            ApiError::bad_request(format!("{field} '{text}' is not a date (YYYY-MM-DD)"))
        }),
    }
}

fn non_empty(value: Option<String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty())
}

pub(crate) fn api() -> Router<AppState> {
    Router::new()
        .route("/positions", get(positions))
        .route("/forecast", get(forecast))
        .route("/history", get(history))
        .route("/intraday", get(intraday))
        .route("/entries", get(entries))
        .route("/exceptions", get(exceptions))
        .route("/import", post(import))
        .route("/charts/balances.svg", get(balances_chart))
        .route("/charts/{name}", get(chart))
        .route("/csv-mappings", get(csv_mappings).post(csv_mapping_save))
        .route("/csv-mappings/{name}", delete(csv_mapping_remove))
        .route("/settings", get(settings).put(settings_save))
        .route("/calendar", get(calendar))
        .route("/entities", get(entities).post(entity_save))
        .route("/accounts", get(accounts))
        .route("/accounts/{account}", put(account_update))
        .route("/fx-rates", get(fx_rates).post(fx_set))
        .route("/open-items", get(open_items))
        .route("/payments", get(payments))
}

#[derive(Deserialize)]
struct ScopeParams {
    as_of: Option<String>,
    entity: Option<String>,
    reporting_currency: Option<String>,
    days: Option<usize>,
    from: Option<String>,
    to: Option<String>,
    date: Option<String>,
}

async fn positions(
    State(state): State<AppState>,
    Query(params): Query<ScopeParams>,
) -> ApiResult<cashline_service::wire::PositionsReport> {
    let request = PositionsRequest {
        as_of: date("as_of", params.as_of.as_deref())?,
        entity: non_empty(params.entity),
        reporting_currency: non_empty(params.reporting_currency),
    };
    ok(state.service.positions(request).await?)
}

async fn forecast(
    State(state): State<AppState>,
    Query(params): Query<ScopeParams>,
) -> ApiResult<cashline_service::wire::ForecastReport> {
    let request = ForecastRequest {
        days: params.days,
        entity: non_empty(params.entity),
        reporting_currency: non_empty(params.reporting_currency),
    };
    ok(state.service.forecast(request).await?)
}

async fn history(
    State(state): State<AppState>,
    Query(params): Query<ScopeParams>,
) -> ApiResult<cashline_service::wire::HistoryReport> {
    let from = date("from", params.from.as_deref())?;
    let to = date("to", params.to.as_deref())?;
    let entity = non_empty(params.entity);
    ok(state.service.history(from, to, entity.as_deref()).await?)
}

async fn intraday(
    State(state): State<AppState>,
    Query(params): Query<ScopeParams>,
) -> ApiResult<cashline_service::wire::IntradayReport> {
    ok(state
        .service
        .intraday(date("date", params.date.as_deref())?)
        .await?)
}

#[derive(Deserialize)]
struct EntriesParams {
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<u32>,
}

async fn entries(
    State(state): State<AppState>,
    Query(params): Query<EntriesParams>,
) -> ApiResult<cashline_service::wire::EntriesReport> {
    let query = EntriesQuery {
        account: non_empty(params.account),
        from: date("from", params.from.as_deref())?,
        to: date("to", params.to.as_deref())?,
        limit: params.limit,
    };
    ok(state.service.entries(query).await?)
}

#[derive(Deserialize)]
struct FilterParams {
    kind: Option<String>,
    state: Option<String>,
}

async fn exceptions(
    State(state): State<AppState>,
    Query(params): Query<FilterParams>,
) -> ApiResult<cashline_service::wire::ExceptionsReport> {
    ok(state
        .service
        .exceptions(params.kind.as_deref(), params.state.as_deref())
        .await?)
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
) -> ApiResult<cashline_service::wire::ImportReport> {
    let name = non_empty(params.file)
        .ok_or_else(|| ApiError::bad_request("the import needs the file's name as ?file=NAME"))?;
    // Only the base name: a path from the browser means nothing on this machine.
    let name = name.rsplit(['/', '\\']).next().unwrap_or(&name).to_string();
    let options = ImportOptions {
        csv_mapping: non_empty(params.csv_mapping),
    };
    ok(state.service.import_bytes(&name, &body, &options).await)
}

fn svg(svg: String) -> Response {
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("image/svg+xml"),
    );
    (headers, svg).into_response()
}

async fn balances_chart(State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(svg(state.service.balances_chart_svg().await?))
}

/// `/api/charts/{history|forecast|entities}.{svg|png}` with the scope parameters.
async fn chart(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(params): Query<ScopeParams>,
) -> Result<Response, ApiError> {
    let (chart, format) = name
        .rsplit_once('.')
        .ok_or_else(|| ApiError::bad_request("a chart is NAME.svg or NAME.png"))?;
    let request = cashline_service::ChartRequest {
        chart: chart.to_string(),
        entity: non_empty(params.entity),
        reporting_currency: non_empty(params.reporting_currency),
        days: params.days,
        from: date("from", params.from.as_deref())?,
        to: date("to", params.to.as_deref())?,
        as_of: date("as_of", params.as_of.as_deref())?,
    };
    let drawn = state.service.chart_svg(&request).await?;
    match format {
        "svg" => Ok(svg(drawn)),
        "png" => {
            let png = cashline_service::chart_png(&drawn)?;
            let mut headers = HeaderMap::new();
            headers.insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("image/png"),
            );
            headers.insert(
                header::CONTENT_DISPOSITION,
                header::HeaderValue::from_str(&format!(
                    "attachment; filename=\"cashline-{chart}.png\""
                ))
                .map_err(|_| ApiError::bad_request("bad chart name"))?,
            );
            Ok((headers, png).into_response())
        }
        other => Err(ApiError::bad_request(format!(
            "charts come as svg or png, not {other}"
        ))),
    }
}

async fn csv_mappings(
    State(state): State<AppState>,
) -> ApiResult<cashline_service::wire::CsvMappingsReport> {
    ok(state.service.csv_mappings().await?)
}

async fn csv_mapping_save(
    State(state): State<AppState>,
    body: Result<Json<serde_json::Value>, JsonRejection>,
) -> ApiResult<cashline_service::wire::CsvMapping> {
    let Json(definition) = body?;
    ok(state.service.csv_mapping_save(definition).await?)
}

async fn csv_mapping_remove(
    State(state): State<AppState>,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.service.csv_mapping_remove(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn settings(State(state): State<AppState>) -> ApiResult<cashline_service::wire::Settings> {
    ok(state.service.settings().await?)
}

#[derive(Deserialize)]
struct SettingsBody {
    inbox_folder: Option<String>,
}

async fn settings_save(
    State(state): State<AppState>,
    body: Result<Json<SettingsBody>, JsonRejection>,
) -> ApiResult<cashline_service::wire::Settings> {
    let Json(body) = body?;
    let folder = non_empty(body.inbox_folder).map(PathBuf::from);
    ok(state.service.set_inbox_folder(folder.as_deref()).await?)
}

async fn entities(
    State(state): State<AppState>,
) -> ApiResult<cashline_service::wire::EntitiesReport> {
    ok(state.service.entities().await?)
}

#[derive(Deserialize)]
struct EntityBody {
    code: String,
    name: String,
    country: Option<String>,
    reporting_currency: Option<String>,
}

async fn entity_save(
    State(state): State<AppState>,
    body: Result<Json<EntityBody>, JsonRejection>,
) -> ApiResult<cashline_service::wire::Entity> {
    let Json(body) = body?;
    let country = non_empty(body.country);
    let currency = non_empty(body.reporting_currency);
    ok(state
        .service
        .entity_save(
            &body.code,
            &body.name,
            country.as_deref(),
            currency.as_deref(),
        )
        .await?)
}

async fn accounts(
    State(state): State<AppState>,
) -> ApiResult<cashline_service::wire::AccountsReport> {
    ok(state.service.accounts().await?)
}

#[derive(Deserialize)]
struct AccountBody {
    name: Option<String>,
    purpose: Option<String>,
    entity: Option<String>,
    cadence: Option<String>,
    statement_due_time_utc: Option<String>,
    intraday_hours: Option<i64>,
}

async fn account_update(
    State(state): State<AppState>,
    Path(account): Path<String>,
    body: Result<Json<AccountBody>, JsonRejection>,
) -> ApiResult<cashline_service::wire::AccountsReport> {
    let Json(body) = body?;
    let update = AccountUpdate {
        name: body.name,
        purpose: body.purpose,
        entity: body.entity,
        cadence: body.cadence,
        statement_due_time_utc: body.statement_due_time_utc,
        intraday_hours: body.intraday_hours,
    };
    ok(state.service.account_update(&account, update).await?)
}

#[derive(Deserialize)]
struct RatesParams {
    date: Option<String>,
}

async fn fx_rates(
    State(state): State<AppState>,
    Query(params): Query<RatesParams>,
) -> ApiResult<cashline_service::wire::RatesReport> {
    ok(state
        .service
        .fx_rates(date("date", params.date.as_deref())?)
        .await?)
}

#[derive(Deserialize)]
struct RateBody {
    base: String,
    quote: String,
    date: String,
    rate: String,
}

async fn fx_set(
    State(state): State<AppState>,
    body: Result<Json<RateBody>, JsonRejection>,
) -> ApiResult<cashline_service::wire::RatesImported> {
    let Json(body) = body?;
    let day = date("date", Some(&body.date))?
        .ok_or_else(|| ApiError::bad_request("a rate needs its date"))?;
    ok(state
        .service
        .fx_set(&body.base, &body.quote, day, &body.rate)
        .await?)
}

async fn open_items(
    State(state): State<AppState>,
    Query(params): Query<FilterParams>,
) -> ApiResult<cashline_service::wire::OpenItemsReport> {
    ok(state
        .service
        .open_items(params.kind.as_deref(), params.state.as_deref())
        .await?)
}

async fn payments(
    State(state): State<AppState>,
    Query(params): Query<FilterParams>,
) -> ApiResult<cashline_service::wire::PaymentsReport> {
    ok(state.service.payments(params.state.as_deref()).await?)
}

#[derive(Deserialize)]
struct CalendarParams {
    currency: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

async fn calendar(
    State(state): State<AppState>,
    Query(params): Query<CalendarParams>,
) -> ApiResult<cashline_service::wire::CalendarReport> {
    let currency = non_empty(params.currency).unwrap_or_else(|| "EUR".into());
    let from = date("from", params.from.as_deref())?;
    let to = date("to", params.to.as_deref())?;
    ok(state.service.calendar(&currency, from, to)?)
}
