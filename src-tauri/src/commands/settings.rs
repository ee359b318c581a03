//! This installation's settings.

use std::path::PathBuf;

use tauri::State;

use cashline_service::request::SettingsUpdate;
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn settings(service: State<'_, Service>) -> Answer<wire::Settings> {
    service.settings().await.map_err(refused)
}

/// Sets or clears the watched inbox folder; the running watcher follows within a few seconds.
#[tauri::command]
pub async fn settings_save(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Settings> {
    let update: SettingsUpdate = super::request(request)?;
    let folder = update.inbox_folder.map(PathBuf::from);
    service
        .set_inbox_folder(folder.as_deref())
        .await
        .map_err(refused)
}
