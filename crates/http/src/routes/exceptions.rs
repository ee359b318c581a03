//! The exception queue and the audit log.

use axum::extract::State;
use axum::routing::get;
use axum::Router;

use cashline_service::request::FilterQuery;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Params;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/exceptions", get(exceptions))
        .route("/audit/verify", get(audit_verify))
}

async fn exceptions(
    State(state): State<AppState>,
    Params(filter): Params<FilterQuery>,
) -> ApiResult<wire::ExceptionsReport> {
    ok(state
        .service
        .exceptions(filter.kind.as_deref(), filter.state.as_deref())
        .await?)
}

async fn audit_verify(State(state): State<AppState>) -> ApiResult<wire::AuditReport> {
    ok(state.service.audit_verify().await?)
}
