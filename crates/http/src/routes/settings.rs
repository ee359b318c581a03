//! This installation's settings.

use std::path::PathBuf;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::SettingsUpdate;
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::Body;
use crate::openapi::JsonBody;
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default().routes(routes!(settings, settings_save))
}

/// This installation's settings.
#[utoipa::path(get, path = "/settings", responses((status = 200, body = wire::Settings)))]
async fn settings(Acting(service): Acting) -> ApiResult<wire::Settings> {
    ok(service.settings().await?)
}

/// Sets the watched inbox folder (on this machine, in full), or stops watching one.
#[utoipa::path(
    put,
    path = "/settings",
    request_body = SettingsUpdate,
    responses((status = 200, body = wire::Settings), JsonBody)
)]
async fn settings_save(
    Acting(service): Acting,
    Body(update): Body<SettingsUpdate>,
) -> ApiResult<wire::Settings> {
    let folder = update.inbox_folder.map(PathBuf::from);
    ok(service.set_inbox_folder(folder.as_deref()).await?)
}
