//! Treasury reads: positions, forecast, history, intraday movements, entries and charts.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use cashline_service::request::{
    ChartRequest, EntriesQuery, ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::error::ApiError;
use crate::extract::Acting;
use crate::extract::Params;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/positions", get(positions))
        .route("/forecast", get(forecast))
        .route("/history", get(history))
        .route("/intraday", get(intraday))
        .route("/entries", get(entries))
        .route("/charts/{name}", get(chart))
}

async fn positions(
    Acting(service): Acting,
    Params(request): Params<PositionsRequest>,
) -> ApiResult<wire::PositionsReport> {
    ok(service.positions(request).await?)
}

async fn forecast(
    Acting(service): Acting,
    Params(request): Params<ForecastRequest>,
) -> ApiResult<wire::ForecastReport> {
    ok(service.forecast(request).await?)
}

async fn history(
    Acting(service): Acting,
    Params(request): Params<HistoryRequest>,
) -> ApiResult<wire::HistoryReport> {
    ok(service.history(request).await?)
}

async fn intraday(
    Acting(service): Acting,
    Params(request): Params<IntradayRequest>,
) -> ApiResult<wire::IntradayReport> {
    ok(service.intraday(request).await?)
}

async fn entries(
    Acting(service): Acting,
    Params(query): Params<EntriesQuery>,
) -> ApiResult<wire::EntriesReport> {
    ok(service.entries(query).await?)
}

/// `/api/charts/{balances|history|forecast|entities|banks}.{svg|png}` with the scope in the
/// query.
async fn chart(
    Acting(service): Acting,
    Path(name): Path<String>,
    Params(mut request): Params<ChartRequest>,
) -> Result<Response, ApiError> {
    let Some((chart, format)) = name.rsplit_once('.') else {
        return Err(ApiError::bad_request(
            "a chart is NAME.svg or NAME.png, e.g. /api/charts/forecast.svg",
        ));
    };
    if format != "svg" && format != "png" {
        return Err(ApiError::bad_request(format!(
            "charts come as svg or png, not '{format}'"
        )));
    }
    request.chart = chart.to_string();
    let drawn = service.chart_svg(&request).await?;
    let mut headers = HeaderMap::new();
    if format == "svg" {
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("image/svg+xml"),
        );
        return Ok((headers, drawn).into_response());
    }
    let png = cashline_service::chart_png(&drawn)?;
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/png"));
    // The service knows only its own chart names, so the name is plain ASCII here.
    if let Ok(value) =
        HeaderValue::from_str(&format!("attachment; filename=\"cashline-{chart}.png\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok((headers, png).into_response())
}
