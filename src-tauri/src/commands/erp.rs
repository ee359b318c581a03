//! ERP connections: their health for the ERP screen, adding one (the login tried first),
//! removing, and a sync asked for by a person.

use tauri::State;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn erp_connections(service: State<'_, Service>) -> Answer<wire::ErpConnectionsReport> {
    service.erp_connections().await.map_err(refused)
}

#[tauri::command]
pub async fn erp_add(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnection> {
    let request: ErpAdd = super::request(request)?;
    service.erp_add(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn erp_remove(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnectionsReport> {
    let request: ErpName = super::request(request)?;
    service.erp_remove(&request).await.map_err(refused)?;
    service.erp_connections().await.map_err(refused)
}

#[tauri::command]
pub async fn erp_sync(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpSyncReport> {
    let request: ErpSyncRequest = super::request(request)?;
    service.erp_sync(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn erp_show(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ErpConnection> {
    let request: ErpName = super::request(request)?;
    service.erp_connection(&request.name).await.map_err(refused)
}
