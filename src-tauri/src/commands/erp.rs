//! ERP connections: their health for the ERP screen, adding one (the login tried first),
//! removing, and a sync asked for by a person.

use tauri::State;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn erp_connections(desk: State<'_, Desk>) -> Answer<wire::ErpConnectionsReport> {
    desk.service().erp_connections().await.map_err(refused)
}

#[tauri::command]
pub async fn erp_add(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnection> {
    let request: ErpAdd = super::request(request)?;
    desk.service().erp_add(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn erp_remove(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnectionsReport> {
    let request: ErpName = super::request(request)?;
    desk.service().erp_remove(&request).await.map_err(refused)?;
    desk.service().erp_connections().await.map_err(refused)
}

#[tauri::command]
pub async fn erp_sync(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpSyncReport> {
    let request: ErpSyncRequest = super::request(request)?;
    desk.service().erp_sync(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn erp_show(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnection> {
    let request: ErpName = super::request(request)?;
    desk.service()
        .erp_connection(&request.name)
        .await
        .map_err(refused)
}
