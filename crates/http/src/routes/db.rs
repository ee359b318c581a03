//! The ledger file: whether it is encrypted and its key kept, and its daily backup. Key
//! changes and restores are not here: they need the ledger closed, which a server using it
//! cannot do (`cashline db`).

use axum::routing::{get, post, put};
use axum::Router;

use cashline_service::request::AutoBackupUpdate;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::Body;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/db", get(db))
        .route("/db/auto-backup", put(auto_backup_save))
        .route("/db/backup", post(backup_now))
}

async fn db(Acting(service): Acting) -> ApiResult<wire::DbReport> {
    ok(service.db_report().await?)
}

async fn auto_backup_save(
    Acting(service): Acting,
    Body(update): Body<AutoBackupUpdate>,
) -> ApiResult<wire::DbReport> {
    ok(service.db_auto_backup_save(&update).await?)
}

async fn backup_now(Acting(service): Acting) -> ApiResult<wire::DbReport> {
    ok(service.db_backup_now().await?)
}
