//! The audit log for people: a filtered page of it, and the whole filtered log as CSV.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use cashline_service::request::AuditQuery;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::error::ApiError;
use crate::extract::{Acting, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/audit", get(audit_log))
        .route("/audit/export", get(audit_export))
}

async fn audit_log(
    Acting(service): Acting,
    Params(query): Params<AuditQuery>,
) -> ApiResult<wire::AuditLog> {
    ok(service.audit_log(&query).await?)
}

/// A CSV download, named so a browser saves it rather than shows it.
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
