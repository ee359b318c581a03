//! The exception queue (listing, one case, assigning, commenting, resolving) and the audit log.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{
    ExceptionComment, ExceptionId, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
};
use cashline_service::wire;

use super::{ok, ApiResult};
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
    State(state): State<AppState>,
    Params(query): Params<ExceptionsQuery>,
) -> ApiResult<wire::ExceptionsReport> {
    ok(state.service.exceptions(query).await?)
}

async fn detail(
    State(state): State<AppState>,
    Params(request): Params<ExceptionId>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(state.service.exception_detail(request).await?)
}

async fn assign(
    State(state): State<AppState>,
    Body(request): Body<ExceptionsAssign>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(state.service.exceptions_assign(request).await?)
}

async fn comment(
    State(state): State<AppState>,
    Body(request): Body<ExceptionComment>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(state.service.exception_comment(request).await?)
}

async fn resolve(
    State(state): State<AppState>,
    Body(request): Body<ExceptionsResolve>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(state.service.exceptions_resolve(request).await?)
}

async fn audit_verify(State(state): State<AppState>) -> ApiResult<wire::AuditReport> {
    ok(state.service.audit_verify().await?)
}
