//! Reference data: entities, accounts, FX rates and business-day calendars.

use tauri::State;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery, Reveal,
};
use cashline_service::wire;

use super::{refused, Answer, Desk};

type Request = Option<serde_json::Value>;

#[tauri::command]
pub async fn calendar(desk: State<'_, Desk>, request: Request) -> Answer<wire::CalendarReport> {
    let request: CalendarRequest = super::request(request)?;
    desk.service().calendar(&request).map_err(refused)
}

#[tauri::command]
pub async fn entities(desk: State<'_, Desk>) -> Answer<wire::EntitiesReport> {
    desk.service().entities().await.map_err(refused)
}

#[tauri::command]
pub async fn entity_save(desk: State<'_, Desk>, request: Request) -> Answer<wire::Entity> {
    let entity: EntitySave = super::request(request)?;
    desk.service()
        .entity_save(
            &entity.code,
            &entity.name,
            entity.country.as_deref(),
            entity.reporting_currency.as_deref(),
        )
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn accounts(desk: State<'_, Desk>) -> Answer<wire::AccountsReport> {
    desk.service().accounts().await.map_err(refused)
}

/// Changes an account. JS: `invoke('account_update', { account, request: { name, … } })`.
#[tauri::command]
pub async fn account_update(
    desk: State<'_, Desk>,
    account: String,
    request: Request,
) -> Answer<wire::AccountsReport> {
    let update: AccountUpdate = super::request(request)?;
    desk.service()
        .account_update(&account, update)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn fx_rates(desk: State<'_, Desk>, request: Request) -> Answer<wire::RatesReport> {
    let query: RatesQuery = super::request(request)?;
    desk.service().fx_rates(query.date).await.map_err(refused)
}

#[tauri::command]
pub async fn fx_set(desk: State<'_, Desk>, request: Request) -> Answer<wire::RatesImported> {
    let rate: RateInput = super::request(request)?;
    desk.service()
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn reveal(desk: State<'_, Desk>, request: Request) -> Answer<wire::Revealed> {
    let request: Reveal = super::request(request)?;
    desk.service().reveal(&request).await.map_err(refused)
}
