//! This installation's settings.

use std::path::PathBuf;

use axum::extract::State;
use axum::routing::get;
use axum::Router;

use cashline_service::request::SettingsUpdate;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Body;
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/settings", get(settings).put(settings_save))
}

async fn settings(State(state): State<AppState>) -> ApiResult<wire::Settings> {
    ok(state.service.settings().await?)
}

async fn settings_save(
    State(state): State<AppState>,
    Body(update): Body<SettingsUpdate>,
) -> ApiResult<wire::Settings> {
    let folder = update.inbox_folder.map(PathBuf::from);
    ok(state.service.set_inbox_folder(folder.as_deref()).await?)
}
