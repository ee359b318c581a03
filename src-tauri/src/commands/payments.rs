//! The ERP's side: open items and payments, and approving payments.

use tauri::State;

use cashline_service::request::{
    ApprovalLimitSet, CutoffSet, ExportId, OpenItemsQuery, PaymentCancel, PaymentId,
    PaymentsApprove, PaymentsExport, PaymentsQuery, PaymentsSend,
};
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn open_items(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::OpenItemsReport> {
    let query: OpenItemsQuery = super::request(request)?;
    desk.service().open_items(&query).await.map_err(refused)
}

#[tauri::command]
pub async fn payments(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsReport> {
    let query: PaymentsQuery = super::request(request)?;
    desk.service()
        .payments_filtered(&query)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payments_approve(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsReport> {
    let approve: PaymentsApprove = super::request(request)?;
    desk.service()
        .payments_approve(&approve.ids)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_show(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentId = super::request(request)?;
    desk.service()
        .payment_show(&request.id)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payments_cancel(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentCancel = super::request(request)?;
    desk.service()
        .payments_cancel(&request.id, &request.reason)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_runs(desk: State<'_, Desk>) -> Answer<wire::PaymentRunsReport> {
    desk.service().payment_runs().await.map_err(refused)
}

#[tauri::command]
pub async fn payments_release(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Payment> {
    let request: PaymentId = super::request(request)?;
    desk.service()
        .payments_release(&request.id)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn approval_limits(desk: State<'_, Desk>) -> Answer<wire::ApprovalLimitsReport> {
    desk.service().approval_limits().await.map_err(refused)
}

#[tauri::command]
pub async fn approval_limit_set(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ApprovalLimitsReport> {
    let request: ApprovalLimitSet = super::request(request)?;
    desk.service()
        .approval_limit_set(&request.currency, request.amount.as_deref())
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn cutoffs(desk: State<'_, Desk>) -> Answer<wire::CutoffsReport> {
    desk.service().cutoffs().await.map_err(refused)
}

#[tauri::command]
pub async fn cutoff_set(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::CutoffsReport> {
    let request: CutoffSet = super::request(request)?;
    desk.service().cutoff_set(&request).await.map_err(refused)
}

#[tauri::command]
pub async fn payments_export(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsExported> {
    let request: PaymentsExport = super::request(request)?;
    desk.service()
        .payments_export_here(&request.format)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn payment_exports(desk: State<'_, Desk>) -> Answer<wire::PaymentExportsReport> {
    desk.service().payment_exports().await.map_err(refused)
}

#[tauri::command]
pub async fn payment_export_document(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentExportDocument> {
    let request: ExportId = super::request(request)?;
    desk.service()
        .payment_export_document(&request.id)
        .await
        .map_err(refused)
}

/// Approved payments through a bank connection's API; each goes to the bank at most once.
#[tauri::command]
pub async fn payments_send(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::PaymentsSent> {
    let request: PaymentsSend = super::request(request)?;
    desk.service()
        .payments_send(&request)
        .await
        .map_err(refused)
}
