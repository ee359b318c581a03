//! Reference data: entities, accounts, FX rates and business-day calendars.

use tauri::State;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery,
};
use cashline_service::{wire, Service};

use super::{refused, Answer};

type Request = Option<serde_json::Value>;

#[tauri::command]
pub async fn calendar(
    service: State<'_, Service>,
    request: Request,
) -> Answer<wire::CalendarReport> {
    let request: CalendarRequest = super::request(request)?;
    service.calendar(&request).map_err(refused)
}

#[tauri::command]
pub async fn entities(service: State<'_, Service>) -> Answer<wire::EntitiesReport> {
    service.entities().await.map_err(refused)
}

#[tauri::command]
pub async fn entity_save(service: State<'_, Service>, request: Request) -> Answer<wire::Entity> {
    let entity: EntitySave = super::request(request)?;
    service
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
pub async fn accounts(service: State<'_, Service>) -> Answer<wire::AccountsReport> {
    service.accounts().await.map_err(refused)
}

/// Changes an account. JS: `invoke('account_update', { account, request: { name, … } })`.
#[tauri::command]
pub async fn account_update(
    service: State<'_, Service>,
    account: String,
    request: Request,
) -> Answer<wire::AccountsReport> {
    let update: AccountUpdate = super::request(request)?;
    service
        .account_update(&account, update)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn fx_rates(service: State<'_, Service>, request: Request) -> Answer<wire::RatesReport> {
    let query: RatesQuery = super::request(request)?;
    service.fx_rates(query.date).await.map_err(refused)
}

#[tauri::command]
pub async fn fx_set(service: State<'_, Service>, request: Request) -> Answer<wire::RatesImported> {
    let rate: RateInput = super::request(request)?;
    service
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await
        .map_err(refused)
}
