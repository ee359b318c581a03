//! The exception queue and the audit log.

use tauri::State;

use cashline_service::request::FilterQuery;
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn exceptions(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ExceptionsReport> {
    let filter: FilterQuery = super::request(request)?;
    service
        .exceptions(filter.kind.as_deref(), filter.state.as_deref())
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn audit_verify(service: State<'_, Service>) -> Answer<wire::AuditReport> {
    service.audit_verify().await.map_err(refused)
}
