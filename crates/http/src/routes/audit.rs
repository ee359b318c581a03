//! The audit log for people: a filtered page of it, and the whole filtered log as CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::AuditQuery;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::error::ApiError;
use crate::extract::{Acting, Params};
use crate::openapi::BadRequest;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(audit_log))
        .routes(routes!(audit_export))
}

/// Audit records, newest first, filtered, a page at a time.
#[utoipa::path(
    get,
    path = "/audit",
    params(AuditQuery),
    responses((status = 200, body = wire::AuditLog), BadRequest)
)]
async fn audit_log(
    Acting(service): Acting,
    Params(query): Params<AuditQuery>,
) -> ApiResult<wire::AuditLog> {
    ok(service.audit_log(&query).await?)
}

/// Every record the filters take, oldest first, as a CSV download.
#[utoipa::path(
    get,
    path = "/audit/export",
    params(AuditQuery),
    responses(
        (status = 200, description = "The records as CSV", content_type = "text/csv", body = String),
        BadRequest
    )
)]
async fn audit_export(
    Acting(service): Acting,
    Params(query): Params<AuditQuery>,
) -> Result<Response, ApiError> {
    let csv = service.audit_export_csv(&query).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"cashline-audit.csv\"",
            ),
        ],
        csv,
    )
        .into_response())
}
