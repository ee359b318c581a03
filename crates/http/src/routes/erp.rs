//! ERP connections: their health for the ERP screen, adding one (the login tried first),
//! removing, and a sync asked for by a person.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{ErpAdd, ErpName, ErpSyncRequest};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound, Unavailable};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(erp_connections))
        .routes(routes!(erp_show))
        .routes(routes!(erp_add))
        .routes(routes!(erp_remove))
        .routes(routes!(erp_sync))
}

/// Every ERP connection with its health.
#[utoipa::path(get, path = "/erp", responses((status = 200, body = wire::ErpConnectionsReport)))]
async fn erp_connections(Acting(service): Acting) -> ApiResult<wire::ErpConnectionsReport> {
    ok(service.erp_connections().await?)
}

/// One ERP connection, by name.
#[utoipa::path(
    get,
    path = "/erp/show",
    params(ErpName),
    responses((status = 200, body = wire::ErpConnection), BadRequest, NotFound)
)]
async fn erp_show(
    Acting(service): Acting,
    Params(request): Params<ErpName>,
) -> ApiResult<wire::ErpConnection> {
    ok(service.erp_connection(&request.name).await?)
}

/// The password travels in the body, over the loopback connection the token guards, and goes
/// to the keychain.
#[utoipa::path(
    post,
    path = "/erp/add",
    request_body = ErpAdd,
    responses((status = 200, body = wire::ErpConnection), JsonBody, Unavailable)
)]
async fn erp_add(
    Acting(service): Acting,
    Body(request): Body<ErpAdd>,
) -> ApiResult<wire::ErpConnection> {
    ok(service.erp_add(&request).await?)
}

/// Removes an ERP connection (its password from the keychain); the connections left.
#[utoipa::path(
    post,
    path = "/erp/remove",
    request_body = ErpName,
    responses((status = 200, body = wire::ErpConnectionsReport), JsonBody, NotFound, Unavailable)
)]
async fn erp_remove(
    Acting(service): Acting,
    Body(request): Body<ErpName>,
) -> ApiResult<wire::ErpConnectionsReport> {
    service.erp_remove(&request).await?;
    ok(service.erp_connections().await?)
}

/// Syncs every ERP connection, or the one named, now.
#[utoipa::path(
    post,
    path = "/erp/sync",
    request_body = ErpSyncRequest,
    responses((status = 200, body = wire::ErpSyncReport), JsonBody, NotFound, Unavailable)
)]
async fn erp_sync(
    Acting(service): Acting,
    Body(request): Body<ErpSyncRequest>,
) -> ApiResult<wire::ErpSyncReport> {
    ok(service.erp_sync(&request).await?)
}
