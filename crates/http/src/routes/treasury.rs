//! Treasury reads: positions, forecast, history, intraday movements, entries and charts.

use axum::extract::Path;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{
    ChartRequest, EntriesQuery, ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::error::ApiError;
use crate::extract::Acting;
use crate::extract::Params;
use crate::openapi::{BadRequest, Bytes, NotFound};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(positions))
        .routes(routes!(forecast))
        .routes(routes!(history))
        .routes(routes!(intraday))
        .routes(routes!(entries))
        .routes(routes!(chart))
}

/// Positions now, or as they stood at the end of a past day.
#[utoipa::path(
    get,
    path = "/positions",
    params(PositionsRequest),
    responses((status = 200, body = wire::PositionsReport), BadRequest, NotFound)
)]
async fn positions(
    Acting(service): Acting,
    Params(request): Params<PositionsRequest>,
) -> ApiResult<wire::PositionsReport> {
    ok(service.positions(request).await?)
}

/// The forecast over the next business days, consolidated and per currency.
#[utoipa::path(
    get,
    path = "/forecast",
    params(ForecastRequest),
    responses((status = 200, body = wire::ForecastReport), BadRequest, NotFound)
)]
async fn forecast(
    Acting(service): Acting,
    Params(request): Params<ForecastRequest>,
) -> ApiResult<wire::ForecastReport> {
    ok(service.forecast(request).await?)
}

/// Daily closings over a period.
#[utoipa::path(
    get,
    path = "/history",
    params(HistoryRequest),
    responses((status = 200, body = wire::HistoryReport), BadRequest)
)]
async fn history(
    Acting(service): Acting,
    Params(request): Params<HistoryRequest>,
) -> ApiResult<wire::HistoryReport> {
    ok(service.history(request).await?)
}

/// The entries of one day with their running balance.
#[utoipa::path(
    get,
    path = "/intraday",
    params(IntradayRequest),
    responses((status = 200, body = wire::IntradayReport), BadRequest)
)]
async fn intraday(
    Acting(service): Acting,
    Params(request): Params<IntradayRequest>,
) -> ApiResult<wire::IntradayReport> {
    ok(service.intraday(request).await?)
}

/// Bank entries, filtered by account and booking dates.
#[utoipa::path(
    get,
    path = "/entries",
    params(EntriesQuery),
    responses((status = 200, body = wire::EntriesReport), BadRequest)
)]
async fn entries(
    Acting(service): Acting,
    Params(query): Params<EntriesQuery>,
) -> ApiResult<wire::EntriesReport> {
    ok(service.entries(query).await?)
}

/// The charts there are, each as SVG or PNG: the last part of a chart's path. Only the
/// document uses it; the handler reads the name as text and refuses any other.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
enum ChartFile {
    #[schema(rename = "balances.svg")]
    BalancesSvg,
    #[schema(rename = "balances.png")]
    BalancesPng,
    #[schema(rename = "history.svg")]
    HistorySvg,
    #[schema(rename = "history.png")]
    HistoryPng,
    #[schema(rename = "forecast.svg")]
    ForecastSvg,
    #[schema(rename = "forecast.png")]
    ForecastPng,
    #[schema(rename = "entities.svg")]
    EntitiesSvg,
    #[schema(rename = "entities.png")]
    EntitiesPng,
    #[schema(rename = "banks.svg")]
    BanksSvg,
    #[schema(rename = "banks.png")]
    BanksPng,
}

/// `/api/charts/{balances|history|forecast|entities|banks}.{svg|png}` with the scope in the
/// query.
#[utoipa::path(
    get,
    path = "/charts/{name}",
    params(
        ("name" = inline(ChartFile), Path, description = "The chart, then `.svg` or `.png`"),
        ChartRequest,
    ),
    responses(
        (status = 200, description = "The chart, as SVG or PNG as its name asks", content(
            (String = "image/svg+xml"),
            (inline(Bytes) = "image/png"),
        )),
        BadRequest,
        NotFound,
    )
)]
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
