//! ERP connections: their health for the ERP screen, adding one (the login tried first),
//! removing, and a sync asked for by a person.

use axum::extract::State;
use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/erp", get(erp_connections))
        .route("/erp/show", get(erp_show))
        .route("/erp/add", post(erp_add))
        .route("/erp/remove", post(erp_remove))
        .route("/erp/sync", post(erp_sync))
}

async fn erp_connections(State(state): State<AppState>) -> ApiResult<wire::ErpConnectionsReport> {
    ok(state.service.erp_connections().await?)
}

async fn erp_show(
    State(state): State<AppState>,
    Params(request): Params<ErpName>,
) -> ApiResult<wire::ErpConnection> {
    ok(state.service.erp_connection(&request.name).await?)
}

/// The password travels in the body, over the loopback connection the token guards, and goes
/// to the keychain.
async fn erp_add(
    State(state): State<AppState>,
    Body(request): Body<ErpAdd>,
) -> ApiResult<wire::ErpConnection> {
    ok(state.service.erp_add(&request).await?)
}

async fn erp_remove(
    State(state): State<AppState>,
    Body(request): Body<ErpName>,
) -> ApiResult<wire::ErpConnectionsReport> {
    state.service.erp_remove(&request).await?;
    ok(state.service.erp_connections().await?)
}

async fn erp_sync(
    State(state): State<AppState>,
    Body(request): Body<ErpSyncRequest>,
) -> ApiResult<wire::ErpSyncReport> {
    ok(state.service.erp_sync(&request).await?)
}
