//! The audit log for people: a filtered page of it, and the whole filtered log as CSV text
//! (the window saves it where the person chooses).

use tauri::State;

use cashline_service::request::AuditQuery;
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn audit_log(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::AuditLog> {
    let query: AuditQuery = super::request(request)?;
    desk.service().audit_log(&query).await.map_err(refused)
}

#[tauri::command]
pub async fn audit_export(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<String> {
    let query: AuditQuery = super::request(request)?;
    desk.service()
        .audit_export_csv(&query)
        .await
        .map_err(refused)
}
