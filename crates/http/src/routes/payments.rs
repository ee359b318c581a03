//! The ERP's side: open items and payments, and approving payments.

use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{
    ApprovalLimitSet, CutoffSet, ExportId, OpenItemsQuery, PaymentCancel, PaymentId,
    PaymentsApprove, PaymentsExport, PaymentsQuery, PaymentsSend,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
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
    Acting(service): Acting,
    Params(query): Params<OpenItemsQuery>,
) -> ApiResult<wire::OpenItemsReport> {
    ok(service.open_items(&query).await?)
}

async fn payments(
    Acting(service): Acting,
    Params(query): Params<PaymentsQuery>,
) -> ApiResult<wire::PaymentsReport> {
    ok(service.payments_filtered(&query).await?)
}

async fn payments_approve(
    Acting(service): Acting,
    Body(request): Body<PaymentsApprove>,
) -> ApiResult<wire::PaymentsReport> {
    ok(service.payments_approve(&request.ids).await?)
}

async fn payment_show(
    Acting(service): Acting,
    Params(request): Params<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(service.payment_show(&request.id).await?)
}

async fn payments_cancel(
    Acting(service): Acting,
    Body(request): Body<PaymentCancel>,
) -> ApiResult<wire::Payment> {
    ok(service
        .payments_cancel(&request.id, &request.reason)
        .await?)
}

async fn payment_runs(Acting(service): Acting) -> ApiResult<wire::PaymentRunsReport> {
    ok(service.payment_runs().await?)
}

async fn payments_release(
    Acting(service): Acting,
    Body(request): Body<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(service.payments_release(&request.id).await?)
}

async fn approval_limits(Acting(service): Acting) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(service.approval_limits().await?)
}

async fn approval_limit_set(
    Acting(service): Acting,
    Body(request): Body<ApprovalLimitSet>,
) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(service
        .approval_limit_set(&request.currency, request.amount.as_deref())
        .await?)
}

async fn cutoffs(Acting(service): Acting) -> ApiResult<wire::CutoffsReport> {
    ok(service.cutoffs().await?)
}

async fn cutoff_set(
    Acting(service): Acting,
    Body(request): Body<CutoffSet>,
) -> ApiResult<wire::CutoffsReport> {
    ok(service.cutoff_set(&request).await?)
}

async fn payments_send(
    Acting(service): Acting,
    Body(request): Body<PaymentsSend>,
) -> ApiResult<wire::PaymentsSent> {
    ok(service.payments_send(&request).await?)
}

async fn payments_export(
    Acting(service): Acting,
    Body(request): Body<PaymentsExport>,
) -> ApiResult<wire::PaymentsExported> {
    ok(service.payments_export_here(&request.format).await?)
}

async fn payment_exports(Acting(service): Acting) -> ApiResult<wire::PaymentExportsReport> {
    ok(service.payment_exports().await?)
}

async fn payment_export_document(
    Acting(service): Acting,
    Params(request): Params<ExportId>,
) -> ApiResult<wire::PaymentExportDocument> {
    ok(service.payment_export_document(&request.id).await?)
}
