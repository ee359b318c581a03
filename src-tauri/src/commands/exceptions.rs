//! The exception queue (listing, one case, assigning, commenting, resolving) and the audit log.

use tauri::State;

use cashline_service::request::{
    ExceptionComment, ExceptionId, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
};
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn exceptions(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsReport> {
    let r: ExceptionsQuery = super::request(request)?;
    service.exceptions(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exception_detail(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionDetail> {
    let r: ExceptionId = super::request(request)?;
    service.exception_detail(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exceptions_assign(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsChanged> {
    let r: ExceptionsAssign = super::request(request)?;
    service.exceptions_assign(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exception_comment(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionDetail> {
    let r: ExceptionComment = super::request(request)?;
    service.exception_comment(r).await.map_err(refused)
}

#[tauri::command]
pub async fn exceptions_resolve(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsChanged> {
    let r: ExceptionsResolve = super::request(request)?;
    service.exceptions_resolve(r).await.map_err(refused)
}

#[tauri::command]
pub async fn audit_verify(service: State<'_, Service>) -> Answer<wire::AuditReport> {
    service.audit_verify().await.map_err(refused)
}
