//! The ledger file: whether it is encrypted and its key kept, and its daily backup (key
//! changes and restores need the window closed: `cashline db`).

use tauri::State;

use cashline_service::request::AutoBackupUpdate;
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn db(desk: State<'_, Desk>) -> Answer<wire::DbReport> {
    desk.service().db_report().await.map_err(refused)
}

#[tauri::command]
pub async fn db_auto_backup_save(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::DbReport> {
    let update: AutoBackupUpdate = super::request(request)?;
    desk.service()
        .db_auto_backup_save(&update)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn db_backup_now(desk: State<'_, Desk>) -> Answer<wire::DbReport> {
    desk.service().db_backup_now().await.map_err(refused)
}
