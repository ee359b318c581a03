//! ERP connections: their health for the ERP screen, adding one (the login tried first),
//! removing, and a sync asked for by a person.

use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
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

async fn erp_connections(Acting(service): Acting) -> ApiResult<wire::ErpConnectionsReport> {
    ok(service.erp_connections().await?)
}

async fn erp_show(
    Acting(service): Acting,
    Params(request): Params<ErpName>,
) -> ApiResult<wire::ErpConnection> {
    ok(service.erp_connection(&request.name).await?)
}

/// The password travels in the body, over the loopback connection the token guards, and goes
/// to the keychain.
async fn erp_add(
    Acting(service): Acting,
    Body(request): Body<ErpAdd>,
) -> ApiResult<wire::ErpConnection> {
    ok(service.erp_add(&request).await?)
}

async fn erp_remove(
    Acting(service): Acting,
    Body(request): Body<ErpName>,
) -> ApiResult<wire::ErpConnectionsReport> {
    service.erp_remove(&request).await?;
    ok(service.erp_connections().await?)
}

async fn erp_sync(
    Acting(service): Acting,
    Body(request): Body<ErpSyncRequest>,
) -> ApiResult<wire::ErpSyncReport> {
    ok(service.erp_sync(&request).await?)
}
