//! Treasury reads: positions, forecast, history, intraday movements, entries and charts.

use tauri::State;

use cashline_service::request::{
    ChartRequest, EntriesQuery, ForecastRequest, HistoryRequest, IntradayRequest, PositionsRequest,
};
use cashline_service::wire;

use super::{refused, Answer, Desk};

type Request = Option<serde_json::Value>;

#[tauri::command]
pub async fn positions(desk: State<'_, Desk>, request: Request) -> Answer<wire::PositionsReport> {
    let request: PositionsRequest = super::request(request)?;
    desk.service().positions(request).await.map_err(refused)
}

#[tauri::command]
pub async fn forecast(desk: State<'_, Desk>, request: Request) -> Answer<wire::ForecastReport> {
    let request: ForecastRequest = super::request(request)?;
    desk.service().forecast(request).await.map_err(refused)
}

#[tauri::command]
pub async fn history(desk: State<'_, Desk>, request: Request) -> Answer<wire::HistoryReport> {
    let request: HistoryRequest = super::request(request)?;
    desk.service().history(request).await.map_err(refused)
}

#[tauri::command]
pub async fn intraday(desk: State<'_, Desk>, request: Request) -> Answer<wire::IntradayReport> {
    let request: IntradayRequest = super::request(request)?;
    desk.service().intraday(request).await.map_err(refused)
}

#[tauri::command]
pub async fn entries(desk: State<'_, Desk>, request: Request) -> Answer<wire::EntriesReport> {
    let query: EntriesQuery = super::request(request)?;
    desk.service().entries(query).await.map_err(refused)
}

/// A chart as SVG: `balances`, `history`, `forecast`, `entities` or `banks`.
#[tauri::command]
pub async fn chart(desk: State<'_, Desk>, request: Request) -> Answer<String> {
    let chart: ChartRequest = super::request(request)?;
    desk.service().chart_svg(&chart).await.map_err(refused)
}
