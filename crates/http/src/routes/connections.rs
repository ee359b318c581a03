//! Bank connections: their health for the connections screen, adding one (with its consent),
//! renewing a consent, removing, and a sync asked for by a person.

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{ConnectionAdd, ConnectionName, SyncRequest};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound, Unavailable};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(connections))
        .routes(routes!(connection_show))
        .routes(routes!(connection_add))
        .routes(routes!(connection_renew))
        .routes(routes!(connection_remove))
        .routes(routes!(sync))
}

/// Every bank connection with its health.
#[utoipa::path(get, path = "/connections", responses((status = 200, body = wire::ConnectionsReport)))]
async fn connections(Acting(service): Acting) -> ApiResult<wire::ConnectionsReport> {
    ok(service.connections().await?)
}

/// One bank connection, by name.
#[utoipa::path(
    get,
    path = "/connections/show",
    params(ConnectionName),
    responses((status = 200, body = wire::Connection), BadRequest, NotFound)
)]
async fn connection_show(
    Acting(service): Acting,
    Params(request): Params<ConnectionName>,
) -> ApiResult<wire::Connection> {
    ok(service.connection(&request.name).await?)
}

/// The answer carries the bank's `sca_redirect` link: the browser that asked opens it, and
/// the bank sends it back to the loopback callback `serve` keeps listening on.
#[utoipa::path(
    post,
    path = "/connections/add",
    request_body = ConnectionAdd,
    responses((status = 200, body = wire::Connection), JsonBody, Unavailable)
)]
async fn connection_add(
    Acting(service): Acting,
    Body(request): Body<ConnectionAdd>,
) -> ApiResult<wire::Connection> {
    ok(service.connection_add(&request).await?)
}

/// A new consent for a connection, to be approved at the bank.
#[utoipa::path(
    post,
    path = "/connections/renew",
    request_body = ConnectionName,
    responses((status = 200, body = wire::Connection), JsonBody, NotFound, Unavailable)
)]
async fn connection_renew(
    Acting(service): Acting,
    Body(request): Body<ConnectionName>,
) -> ApiResult<wire::Connection> {
    ok(service.connection_renew(&request).await?)
}

/// Removes a connection (its secrets from the keychain); the connections left.
#[utoipa::path(
    post,
    path = "/connections/remove",
    request_body = ConnectionName,
    responses((status = 200, body = wire::ConnectionsReport), JsonBody, NotFound, Unavailable)
)]
async fn connection_remove(
    Acting(service): Acting,
    Body(request): Body<ConnectionName>,
) -> ApiResult<wire::ConnectionsReport> {
    service.connection_remove(&request).await?;
    ok(service.connections().await?)
}

/// Syncs every connection, or the one named, now.
#[utoipa::path(
    post,
    path = "/sync",
    request_body = SyncRequest,
    responses((status = 200, body = wire::SyncReport), JsonBody, NotFound, Unavailable)
)]
async fn sync(
    Acting(service): Acting,
    Body(request): Body<SyncRequest>,
) -> ApiResult<wire::SyncReport> {
    ok(service.sync(&request).await?)
}
