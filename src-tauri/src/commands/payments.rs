//! The ERP's side: open items and payments, and approving payments.

use tauri::State;

use cashline_service::request::{
    ApprovalLimitSet, CutoffSet, ExportId, OpenItemsQuery, PaymentCancel, PaymentId,
    PaymentsApprove, PaymentsExport, PaymentsQuery, PaymentsSend,
};
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn open_items(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::OpenItemsReport> {
    let query: OpenItemsQuery = super::request(request)?;
    service.open_items(&query).await.map_err(refused)
}

#[tauri::command]
pub async fn payments(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsReport> {
    let query: PaymentsQuery = super::request(request)?;
    service.payments_filtered(&query).await.map_err(refused)
}

#[tauri::command]
pub async fn payments_approve(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsReport> {
    let approve: PaymentsApprove = super::request(request)?;
    service
        .payments_approve(&approve.ids)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_show(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentId = super::request(request)?;
    service.payment_show(&request.id).await.map_err(refused)
}

#[tauri::command]
pub async fn payments_cancel(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentCancel = super::request(request)?;
    service
        .payments_cancel(&request.id, &request.reason)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_runs(service: State<'_, Service>) -> Answer<wire::PaymentRunsReport> {
    service.payment_runs().await.map_err(refused)
}

#[tauri::command]
pub async fn payments_release(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentId = super::request(request)?;
    service.payments_release(&request.id).await.map_err(refused)
}

#[tauri::command]
pub async fn approval_limits(service: State<'_, Service>) -> Answer<wire::ApprovalLimitsReport> {
    service.approval_limits().await.map_err(refused)
}

#[tauri::command]
pub async fn approval_limit_set(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ApprovalLimitsReport> {
    let request: ApprovalLimitSet = super::request(request)?;
    service
        .approval_limit_set(&request.currency, request.amount.as_deref())
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn cutoffs(service: State<'_, Service>) -> Answer<wire::CutoffsReport> {
    service.cutoffs().await.map_err(refused)
}

#[tauri::command]
pub async fn cutoff_set(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::CutoffsReport> {
    let request: CutoffSet = super::request(request)?;
    service.cutoff_set(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn payments_export(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsExported> {
    let request: PaymentsExport = super::request(request)?;
    service
        .payments_export_here(&request.format)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_exports(service: State<'_, Service>) -> Answer<wire::PaymentExportsReport> {
    service.payment_exports().await.map_err(refused)
}

#[tauri::command]
pub async fn payment_export_document(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentExportDocument> {
    let request: ExportId = super::request(request)?;
    service
        .payment_export_document(&request.id)
        .await
        .map_err(refused)
}

/// Approved payments through a bank connection's API; each goes to the bank at most once.
#[tauri::command]
pub async fn payments_send(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsSent> {
    let request: PaymentsSend = super::request(request)?;
    service.payments_send(&request).await.map_err(refused)
}
