//! Treasury reads: positions, forecast, history, intraday movements, entries and charts.

use tauri::State;

use cashline_service::request::{
    ChartRequest, EntriesQuery, ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest,
};
use cashline_service::{wire, Service};

use super::{refused, Answer};

type Request = Option<serde_json::Value>;

#[tauri::command]
pub async fn positions(
    service: State<'_, Service>,
    request: Request,
) -> Answer<wire::PositionsReport> {
    let request: PositionsRequest = super::request(request)?;
    service.positions(request).await.map_err(refused)
}

#[tauri::command]
pub async fn forecast(
    service: State<'_, Service>,
    request: Request,
) -> Answer<wire::ForecastReport> {
    let request: ForecastRequest = super::request(request)?;
    service.forecast(request).await.map_err(refused)
}

#[tauri::command]
pub async fn history(service: State<'_, Service>, request: Request) -> Answer<wire::HistoryReport> {
    let request: HistoryRequest = super::request(request)?;
    service.history(request).await.map_err(refused)
}

#[tauri::command]
pub async fn intraday(
    service: State<'_, Service>,
    request: Request,
) -> Answer<wire::IntradayReport> {
    let request: IntradayRequest = super::request(request)?;
    service.intraday(request).await.map_err(refused)
}

#[tauri::command]
pub async fn entries(service: State<'_, Service>, request: Request) -> Answer<wire::EntriesReport> {
    let query: EntriesQuery = super::request(request)?;
    service.entries(query).await.map_err(refused)
}

/// A chart as SVG: `balances`, `history`, `forecast`, `entities` or `banks`.
#[tauri::command]
pub async fn chart(service: State<'_, Service>, request: Request) -> Answer<String> {
    let chart: ChartRequest = super::request(request)?;
    service.chart_svg(&chart).await.map_err(refused)
}
