//! This installation's settings.

use std::path::PathBuf;

use tauri::State;

use cashline_service::request::SettingsUpdate;
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn settings(desk: State<'_, Desk>) -> Answer<wire::Settings> {
    desk.service().settings().await.map_err(refused)
}

/// Sets or clears the watched inbox folder; the running watcher follows within a few seconds.
#[tauri::command]
pub async fn settings_save(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Settings> {
    let update: SettingsUpdate = super::request(request)?;
    let folder = update.inbox_folder.map(PathBuf::from);
    desk.service()
        .set_inbox_folder(folder.as_deref())
        .await
        .map_err(refused)
}
