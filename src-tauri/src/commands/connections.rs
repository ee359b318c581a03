//! Bank connections: their health for the connections screen, adding one (with its consent),
//! renewing a consent, removing, and a sync asked for by a person.

use tauri::State;

use cashline_service::request::{ConnectionAdd, ConnectionName, SyncRequest};
use cashline_service::wire;

use super::{refused, Answer, Desk};

#[tauri::command]
pub async fn connections(desk: State<'_, Desk>) -> Answer<wire::ConnectionsReport> {
    desk.service().connections().await.map_err(refused)
}

/// The bank's approval page opens in the system browser, which the bank then sends back to
/// the loopback callback the service listens on.
#[tauri::command]
pub async fn connection_add(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Connection> {
    let request: ConnectionAdd = super::request(request)?;
    let connection = desk
        .service()
        .connection_add(&request)
        .await
        .map_err(refused)?;
    open_approval(&connection);
    Ok(connection)
}

#[tauri::command]
pub async fn connection_renew(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Connection> {
    let request: ConnectionName = super::request(request)?;
    let connection = desk
        .service()
        .connection_renew(&request)
        .await
        .map_err(refused)?;
    open_approval(&connection);
    Ok(connection)
}

#[tauri::command]
pub async fn connection_remove(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::ConnectionsReport> {
    let request: ConnectionName = super::request(request)?;
    desk.service()
        .connection_remove(&request)
        .await
        .map_err(refused)?;
    desk.service().connections().await.map_err(refused)
}

#[tauri::command]
pub async fn sync(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::SyncReport> {
    let request: SyncRequest = super::request(request)?;
    desk.service().sync(&request).await.map_err(refused)
}

/// Opens a consent's approval page in the system browser; the screen shows the link too, so
/// a browser that does not open is not a dead end.
fn open_approval(connection: &wire::Connection) {
    let Some(link) = connection
        .sca_redirect
        .as_deref()
        .filter(|_| connection.state == "awaiting_consent")
    else {
        return;
    };
    if let Err(error) = open::that_detached(link) {
        tracing::warn!(%error, "could not open the system browser at the bank's approval page");
    }
}
