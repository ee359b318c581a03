//! This installation's settings.

use std::path::PathBuf;

use axum::routing::get;
use axum::Router;

use cashline_service::request::SettingsUpdate;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::Body;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings", get(settings).put(settings_save))
}

async fn settings(Acting(service): Acting) -> ApiResult<wire::Settings> {
    ok(service.settings().await?)
}

async fn settings_save(
    Acting(service): Acting,
    Body(update): Body<SettingsUpdate>,
) -> ApiResult<wire::Settings> {
    let folder = update.inbox_folder.map(PathBuf::from);
    ok(service.set_inbox_folder(folder.as_deref()).await?)
}
