//! Bank connections: their health for the connections screen, adding one (with its consent),
//! renewing a consent, removing, and a sync asked for by a person.

use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{ConnectionAdd, ConnectionName, SyncRequest};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/connections", get(connections))
        .route("/connections/show", get(connection_show))
        .route("/connections/add", post(connection_add))
        .route("/connections/renew", post(connection_renew))
        .route("/connections/remove", post(connection_remove))
        .route("/sync", post(sync))
}

async fn connections(Acting(service): Acting) -> ApiResult<wire::ConnectionsReport> {
    ok(service.connections().await?)
}

async fn connection_show(
    Acting(service): Acting,
    Params(request): Params<ConnectionName>,
) -> ApiResult<wire::Connection> {
    ok(service.connection(&request.name).await?)
}

/// The answer carries the bank's `sca_redirect` link: the browser that asked opens it, and
/// the bank sends it back to the loopback callback `serve` keeps listening on.
async fn connection_add(
    Acting(service): Acting,
    Body(request): Body<ConnectionAdd>,
) -> ApiResult<wire::Connection> {
    ok(service.connection_add(&request).await?)
}

async fn connection_renew(
    Acting(service): Acting,
    Body(request): Body<ConnectionName>,
) -> ApiResult<wire::Connection> {
    ok(service.connection_renew(&request).await?)
}

async fn connection_remove(
    Acting(service): Acting,
    Body(request): Body<ConnectionName>,
) -> ApiResult<wire::ConnectionsReport> {
    service.connection_remove(&request).await?;
    ok(service.connections().await?)
}

async fn sync(
    Acting(service): Acting,
    Body(request): Body<SyncRequest>,
) -> ApiResult<wire::SyncReport> {
    ok(service.sync(&request).await?)
}
