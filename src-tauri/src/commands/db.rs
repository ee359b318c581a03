//! The ledger file: whether it is encrypted and its key kept, and its daily backup (key
//! changes and restores need the window closed: `cashline db`).

use tauri::State;

use cashline_service::request::AutoBackupUpdate;
use cashline_service::{wire, Service};

use super::{refused, Answer};

#[tauri::command]
pub async fn db(service: State<'_, Service>) -> Answer<wire::DbReport> {
    service.db_report().await.map_err(refused)
}

#[tauri::command]
pub async fn db_auto_backup_save(
    service: State<'_, Service>,
    request: Option<serde_json::Value>,
) -> Answer<wire::DbReport> {
    let update: AutoBackupUpdate = super::request(request)?;
    service.db_auto_backup_save(&update).await.map_err(refused)
}

#[tauri::command]
pub async fn db_backup_now(service: State<'_, Service>) -> Answer<wire::DbReport> {
    service.db_backup_now().await.map_err(refused)
}
