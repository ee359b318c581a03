//! The ERP's side: open items and payments, and approving payments.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{
    ApprovalLimitSet, CutoffSet, ExportId, OpenItemsQuery, PaymentCancel, PaymentId,
    PaymentsApprove, PaymentsExport, PaymentsQuery, PaymentsSend,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/open-items", get(open_items))
        .route("/payments", get(payments))
        .route("/payments/approve", post(payments_approve))
        .route("/payments/show", get(payment_show))
        .route("/payments/cancel", post(payments_cancel))
        .route("/payments/runs", get(payment_runs))
        .route("/payments/release", post(payments_release))
        .route("/payments/send", post(payments_send))
        .route("/payments/export", post(payments_export))
        .route("/payments/exports", get(payment_exports))
        .route("/payments/exports/document", get(payment_export_document))
        .route(
            "/payments/limits",
            get(approval_limits).post(approval_limit_set),
        )
        .route("/cutoffs", get(cutoffs).post(cutoff_set))
}

async fn open_items(
    State(state): State<AppState>,
    Params(query): Params<OpenItemsQuery>,
) -> ApiResult<wire::OpenItemsReport> {
    ok(state.service.open_items(&query).await?)
}

async fn payments(
    State(state): State<AppState>,
    Params(query): Params<PaymentsQuery>,
) -> ApiResult<wire::PaymentsReport> {
    ok(state.service.payments_filtered(&query).await?)
}

async fn payments_approve(
    State(state): State<AppState>,
    Body(request): Body<PaymentsApprove>,
) -> ApiResult<wire::PaymentsReport> {
    ok(state.service.payments_approve(&request.ids).await?)
}

async fn payment_show(
    State(state): State<AppState>,
    Params(request): Params<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(state.service.payment_show(&request.id).await?)
}

async fn payments_cancel(
    State(state): State<AppState>,
    Body(request): Body<PaymentCancel>,
) -> ApiResult<wire::Payment> {
    ok(state
        .service
        .payments_cancel(&request.id, &request.reason)
        .await?)
}

async fn payment_runs(State(state): State<AppState>) -> ApiResult<wire::PaymentRunsReport> {
    ok(state.service.payment_runs().await?)
}

async fn payments_release(
    State(state): State<AppState>,
    Body(request): Body<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(state.service.payments_release(&request.id).await?)
}

async fn approval_limits(State(state): State<AppState>) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(state.service.approval_limits().await?)
}

async fn approval_limit_set(
    State(state): State<AppState>,
    Body(request): Body<ApprovalLimitSet>,
) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(state
        .service
        .approval_limit_set(&request.currency, request.amount.as_deref())
        .await?)
}

async fn cutoffs(State(state): State<AppState>) -> ApiResult<wire::CutoffsReport> {
    ok(state.service.cutoffs().await?)
}

async fn cutoff_set(
    State(state): State<AppState>,
    Body(request): Body<CutoffSet>,
) -> ApiResult<wire::CutoffsReport> {
    ok(state.service.cutoff_set(&request).await?)
}

async fn payments_send(
    State(state): State<AppState>,
    Body(request): Body<PaymentsSend>,
) -> ApiResult<wire::PaymentsSent> {
    ok(state.service.payments_send(&request).await?)
}

async fn payments_export(
    State(state): State<AppState>,
    Body(request): Body<PaymentsExport>,
) -> ApiResult<wire::PaymentsExported> {
    ok(state.service.payments_export_here(&request.format).await?)
}

async fn payment_exports(State(state): State<AppState>) -> ApiResult<wire::PaymentExportsReport> {
    ok(state.service.payment_exports().await?)
}

async fn payment_export_document(
    State(state): State<AppState>,
    Params(request): Params<ExportId>,
) -> ApiResult<wire::PaymentExportDocument> {
    ok(state.service.payment_export_document(&request.id).await?)
}
