//! The ERP's side: open items and payments, and approving payments.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{
    ApprovalLimitSet, CutoffSet, ExportId, OpenItemsQuery, PaymentCancel, PaymentId,
    PaymentsApprove, PaymentsExport, PaymentsQuery, PaymentsSend,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound, Unavailable};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(open_items))
        .routes(routes!(payments))
        .routes(routes!(payments_approve))
        .routes(routes!(payment_show))
        .routes(routes!(payments_cancel))
        .routes(routes!(payment_runs))
        .routes(routes!(payments_release))
        .routes(routes!(payments_send))
        .routes(routes!(payments_export))
        .routes(routes!(payment_exports))
        .routes(routes!(payment_export_document))
        .routes(routes!(approval_limits, approval_limit_set))
        .routes(routes!(cutoffs, cutoff_set))
}

/// Open items from the ERP, filtered.
#[utoipa::path(
    get,
    path = "/open-items",
    params(OpenItemsQuery),
    responses((status = 200, body = wire::OpenItemsReport), BadRequest)
)]
async fn open_items(
    Acting(service): Acting,
    Params(query): Params<OpenItemsQuery>,
) -> ApiResult<wire::OpenItemsReport> {
    ok(service.open_items(&query).await?)
}

/// Payments, filtered.
#[utoipa::path(
    get,
    path = "/payments",
    params(PaymentsQuery),
    responses((status = 200, body = wire::PaymentsReport), BadRequest)
)]
async fn payments(
    Acting(service): Acting,
    Params(query): Params<PaymentsQuery>,
) -> ApiResult<wire::PaymentsReport> {
    ok(service.payments_filtered(&query).await?)
}

/// Approves payments by their ids, as the person asking.
#[utoipa::path(
    post,
    path = "/payments/approve",
    request_body = PaymentsApprove,
    responses((status = 200, body = wire::PaymentsReport), JsonBody, NotFound)
)]
async fn payments_approve(
    Acting(service): Acting,
    Body(request): Body<PaymentsApprove>,
) -> ApiResult<wire::PaymentsReport> {
    ok(service.payments_approve(&request.ids).await?)
}

/// One payment with its timeline.
#[utoipa::path(
    get,
    path = "/payments/show",
    params(PaymentId),
    responses((status = 200, body = wire::Payment), BadRequest, NotFound)
)]
async fn payment_show(
    Acting(service): Acting,
    Params(request): Params<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(service.payment_show(&request.id).await?)
}

/// Cancels a payment not yet sent, with the reason.
#[utoipa::path(
    post,
    path = "/payments/cancel",
    request_body = PaymentCancel,
    responses((status = 200, body = wire::Payment), JsonBody, NotFound)
)]
async fn payments_cancel(
    Acting(service): Acting,
    Body(request): Body<PaymentCancel>,
) -> ApiResult<wire::Payment> {
    ok(service
        .payments_cancel(&request.id, &request.reason)
        .await?)
}

/// Payment runs and where their payments are.
#[utoipa::path(
    get,
    path = "/payments/runs",
    responses((status = 200, body = wire::PaymentRunsReport))
)]
async fn payment_runs(Acting(service): Acting) -> ApiResult<wire::PaymentRunsReport> {
    ok(service.payment_runs().await?)
}

/// Releases a payment held as a possible duplicate.
#[utoipa::path(
    post,
    path = "/payments/release",
    request_body = PaymentId,
    responses((status = 200, body = wire::Payment), JsonBody, NotFound)
)]
async fn payments_release(
    Acting(service): Acting,
    Body(request): Body<PaymentId>,
) -> ApiResult<wire::Payment> {
    ok(service.payments_release(&request.id).await?)
}

/// The amounts above which a payment needs two approvers.
#[utoipa::path(
    get,
    path = "/payments/limits",
    responses((status = 200, body = wire::ApprovalLimitsReport))
)]
async fn approval_limits(Acting(service): Acting) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(service.approval_limits().await?)
}

/// Sets or removes the two-approver limit of a currency.
#[utoipa::path(
    post,
    path = "/payments/limits",
    request_body = ApprovalLimitSet,
    responses((status = 200, body = wire::ApprovalLimitsReport), JsonBody)
)]
async fn approval_limit_set(
    Acting(service): Acting,
    Body(request): Body<ApprovalLimitSet>,
) -> ApiResult<wire::ApprovalLimitsReport> {
    ok(service
        .approval_limit_set(&request.currency, request.amount.as_deref())
        .await?)
}

/// The banks' cut-off times.
#[utoipa::path(get, path = "/cutoffs", responses((status = 200, body = wire::CutoffsReport)))]
async fn cutoffs(Acting(service): Acting) -> ApiResult<wire::CutoffsReport> {
    ok(service.cutoffs().await?)
}

/// Sets a bank's cut-off for a currency.
#[utoipa::path(
    post,
    path = "/cutoffs",
    request_body = CutoffSet,
    responses((status = 200, body = wire::CutoffsReport), JsonBody)
)]
async fn cutoff_set(
    Acting(service): Acting,
    Body(request): Body<CutoffSet>,
) -> ApiResult<wire::CutoffsReport> {
    ok(service.cutoff_set(&request).await?)
}

/// Sends approved payments through a bank connection's API.
#[utoipa::path(
    post,
    path = "/payments/send",
    request_body = PaymentsSend,
    responses((status = 200, body = wire::PaymentsSent), JsonBody, NotFound, Unavailable)
)]
async fn payments_send(
    Acting(service): Acting,
    Body(request): Body<PaymentsSend>,
) -> ApiResult<wire::PaymentsSent> {
    ok(service.payments_send(&request).await?)
}

/// Writes the approved, unsent payments as one pain.001 in the data folder's `exports`.
#[utoipa::path(
    post,
    path = "/payments/export",
    request_body = PaymentsExport,
    responses((status = 200, body = wire::PaymentsExported), JsonBody)
)]
async fn payments_export(
    Acting(service): Acting,
    Body(request): Body<PaymentsExport>,
) -> ApiResult<wire::PaymentsExported> {
    ok(service.payments_export_here(&request.format).await?)
}

/// The pain.001 files written, newest first.
#[utoipa::path(
    get,
    path = "/payments/exports",
    responses((status = 200, body = wire::PaymentExportsReport))
)]
async fn payment_exports(Acting(service): Acting) -> ApiResult<wire::PaymentExportsReport> {
    ok(service.payment_exports().await?)
}

/// An exported file's exact content.
#[utoipa::path(
    get,
    path = "/payments/exports/document",
    params(ExportId),
    responses((status = 200, body = wire::PaymentExportDocument), BadRequest, NotFound)
)]
async fn payment_export_document(
    Acting(service): Acting,
    Params(request): Params<ExportId>,
) -> ApiResult<wire::PaymentExportDocument> {
    ok(service.payment_export_document(&request.id).await?)
}
