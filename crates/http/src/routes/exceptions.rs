//! The exception queue (listing, one case, assigning, commenting, resolving) and the audit log.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{
    ExceptionComment, ExceptionId, ExceptionsAssign, ExceptionsQuery, ExceptionsResolve,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(exceptions))
        .routes(routes!(detail))
        .routes(routes!(assign))
        .routes(routes!(comment))
        .routes(routes!(resolve))
        .routes(routes!(audit_verify))
}

/// The exception queue, filtered.
#[utoipa::path(
    get,
    path = "/exceptions",
    params(ExceptionsQuery),
    responses((status = 200, body = wire::ExceptionsReport), BadRequest)
)]
async fn exceptions(
    Acting(service): Acting,
    Params(query): Params<ExceptionsQuery>,
) -> ApiResult<wire::ExceptionsReport> {
    ok(service.exceptions(query).await?)
}

/// One case with its notes and history.
#[utoipa::path(
    get,
    path = "/exceptions/detail",
    params(ExceptionId),
    responses((status = 200, body = wire::ExceptionDetail), BadRequest, NotFound)
)]
async fn detail(
    Acting(service): Acting,
    Params(request): Params<ExceptionId>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(service.exception_detail(request).await?)
}

/// Gives cases to an owner, or none.
#[utoipa::path(
    post,
    path = "/exceptions/assign",
    request_body = ExceptionsAssign,
    responses((status = 200, body = wire::ExceptionsChanged), JsonBody, NotFound)
)]
async fn assign(
    Acting(service): Acting,
    Body(request): Body<ExceptionsAssign>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(service.exceptions_assign(request).await?)
}

/// A comment on a case.
#[utoipa::path(
    post,
    path = "/exceptions/comment",
    request_body = ExceptionComment,
    responses((status = 200, body = wire::ExceptionDetail), JsonBody, NotFound)
)]
async fn comment(
    Acting(service): Acting,
    Body(request): Body<ExceptionComment>,
) -> ApiResult<wire::ExceptionDetail> {
    ok(service.exception_comment(request).await?)
}

/// Moves cases to a state, with the resolution in words.
#[utoipa::path(
    post,
    path = "/exceptions/resolve",
    request_body = ExceptionsResolve,
    responses((status = 200, body = wire::ExceptionsChanged), JsonBody, NotFound)
)]
async fn resolve(
    Acting(service): Acting,
    Body(request): Body<ExceptionsResolve>,
) -> ApiResult<wire::ExceptionsChanged> {
    ok(service.exceptions_resolve(request).await?)
}

/// Checks the audit log's chain, and its length against the anchor outside the ledger.
#[utoipa::path(get, path = "/audit/verify", responses((status = 200, body = wire::AuditReport)))]
async fn audit_verify(Acting(service): Acting) -> ApiResult<wire::AuditReport> {
    ok(service.audit_verify().await?)
}
