//! Who is working in the window, and the ledger's users. The window starts as the OS user
//! (or `--user`); `login` switches it to another user of the ledger, whom every command then
//! acts as until the next switch.

use std::sync::RwLock;

use tauri::State;

use cashline_service::request::{Login, UserAdd, UserChange};
use cashline_service::{wire, Service};

use super::{refused, Answer};

/// The service acting as whoever is working in the window now.
pub struct Desk {
    acting: RwLock<Service>,
}

impl Desk {
    pub fn new(service: Service) -> Desk {
        Desk {
            acting: RwLock::new(service),
        }
    }

    /// The acting service, cloned so no lock is held across a command's await.
    pub fn service(&self) -> Service {
        self.acting
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
    }

    fn switch(&self, service: Service) {
        *self
            .acting
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = service;
    }
}

#[tauri::command]
pub async fn whoami(desk: State<'_, Desk>) -> Answer<wire::Session> {
    desk.service().whoami().await.map_err(refused)
}

#[tauri::command]
pub async fn login(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::Session> {
    let login: Login = super::request(request)?;
    let acting = desk
        .service()
        .acting_as(&login.user)
        .await
        .map_err(refused)?;
    let session = acting.whoami().await.map_err(refused)?;
    desk.switch(acting);
    Ok(session)
}

#[tauri::command]
pub async fn users(desk: State<'_, Desk>) -> Answer<wire::UsersReport> {
    desk.service().users().await.map_err(refused)
}

#[tauri::command]
pub async fn user_add(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::User> {
    let add: UserAdd = super::request(request)?;
    desk.service().user_add(&add).await.map_err(refused)
}

#[tauri::command]
pub async fn user_change(
    desk: State<'_, Desk>,
    request: Option<serde_json::Value>,
) -> Answer<wire::User> {
    let change: UserChange = super::request(request)?;
    desk.service().user_change(&change).await.map_err(refused)
}
