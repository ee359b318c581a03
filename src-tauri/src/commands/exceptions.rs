//! The exception queue (listing, one case, assigning, commenting, resolving) and the audit log.

use tauri::State;

use cashline_service::request::{
    ExceptionComment, ExceptionId, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
};
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn exceptions(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsReport> {
    let r: ExceptionsQuery = super::request(request)?;
    desk.service().exceptions(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exception_detail(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionDetail> {
    let r: ExceptionId = super::request(request)?;
    desk.service().exception_detail(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exceptions_assign(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsChanged> {
    let r: ExceptionsAssign = super::request(request)?;
    desk.service().exceptions_assign(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exception_comment(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionDetail> {
    let r: ExceptionComment = super::request(request)?;
    desk.service().exception_comment(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exceptions_resolve(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsChanged> {
    let r: ExceptionsResolve = super::request(request)?;
    desk.service().exceptions_resolve(r).await.map_err(refused)
}

#[tauri::command]
pub async fn audit_verify(desk: State<'_, Desk>) -> Answer<wire::AuditReport> {
    desk.service().audit_verify().await.map_err(refused)
}
