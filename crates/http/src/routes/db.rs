//! The ledger file: whether it is encrypted and its key kept, and its daily backup. Key
//! changes and restores are not here: they need the ledger closed, which a server using it
//! cannot do (`cashline db`).

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::AutoBackupUpdate;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::Body;
use crate::openapi::{BadRequest, JsonBody, Unavailable};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(db))
        .routes(routes!(auto_backup_save))
        .routes(routes!(backup_now))
}

/// The ledger file and its daily backup.
#[utoipa::path(get, path = "/db", responses((status = 200, body = wire::DbReport)))]
async fn db(Acting(service): Acting) -> ApiResult<wire::DbReport> {
    ok(service.db_report().await?)
}

/// Sets the daily backup: its folder (on this machine, in full) and how many to keep.
#[utoipa::path(
    put,
    path = "/db/auto-backup",
    request_body = AutoBackupUpdate,
    responses((status = 200, body = wire::DbReport), JsonBody)
)]
async fn auto_backup_save(
    Acting(service): Acting,
    Body(update): Body<AutoBackupUpdate>,
) -> ApiResult<wire::DbReport> {
    ok(service.db_auto_backup_save(&update).await?)
}

/// Today's backup into the daily backup's folder now, if it is not there yet.
#[utoipa::path(
    post,
    path = "/db/backup",
    responses((status = 200, body = wire::DbReport), BadRequest, Unavailable)
)]
async fn backup_now(Acting(service): Acting) -> ApiResult<wire::DbReport> {
    ok(service.db_backup_now().await?)
}
