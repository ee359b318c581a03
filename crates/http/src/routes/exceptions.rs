//! The exception queue (listing, one case, assigning, commenting, resolving) and the audit log.

use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{
    ExceptionComment, ExceptionId, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/exceptions", get(exceptions))
        .route("/exceptions/detail", get(detail))
        .route("/exceptions/assign", post(assign))
        .route("/exceptions/comment", post(comment))
        .route("/exceptions/resolve", post(resolve))
        .route("/audit/verify", get(audit_verify))
}

async fn exceptions(
    Acting(service): Acting,
    Params(query): Params<ExceptionsQuery>,
) -> ApiResult<wire::ExceptionsReport> {
    ok(service.exceptions(query).await?)
}

async fn detail(
    Acting(service): Acting,
    Params(request): Params<ExceptionId>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(service.exception_detail(request).await?)
}

async fn assign(
    Acting(service): Acting,
    Body(request): Body<ExceptionsAssign>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(service.exceptions_assign(request).await?)
}

async fn comment(
    Acting(service): Acting,
    Body(request): Body<ExceptionComment>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(service.exception_comment(request).await?)
}

async fn resolve(
    Acting(service): Acting,
    Body(request): Body<ExceptionsResolve>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(service.exceptions_resolve(request).await?)
}

async fn audit_verify(Acting(service): Acting) -> ApiResult<wire::AuditReport> {
    ok(service.audit_verify().await?)
}
