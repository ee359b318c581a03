//! Reference data: entities, accounts, FX rates and business-day calendars.

use axum::extract::Path;
use axum::routing::{get, post, put};
use axum::Router;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery, Reveal,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(calendar))
        .route("/entities", get(entities).post(entity_save))
        .route("/accounts", get(accounts))
        .route("/accounts/{account}", put(account_update))
        .route("/fx-rates", get(fx_rates).post(fx_set))
        .route("/reveal", post(reveal))
}

async fn reveal(Acting(service): Acting, Body(request): Body<Reveal>) -> ApiResult<wire::Revealed> {
    ok(service.reveal(&request).await?)
}

async fn calendar(
    Acting(service): Acting,
    Params(request): Params<CalendarRequest>,
) -> ApiResult<wire::CalendarReport> {
    ok(service.calendar(&request)?)
}

async fn entities(Acting(service): Acting) -> ApiResult<wire::EntitiesReport> {
    ok(service.entities().await?)
}

async fn entity_save(
    Acting(service): Acting,
    Body(entity): Body<EntitySave>,
) -> ApiResult<wire::Entity> {
    ok(service
        .entity_save(
            &entity.code,
            &entity.name,
            entity.country.as_deref(),
            entity.reporting_currency.as_deref(),
        )
        .await?)
}

async fn accounts(Acting(service): Acting) -> ApiResult<wire::AccountsReport> {
    ok(service.accounts().await?)
}

async fn account_update(
    Acting(service): Acting,
    Path(account): Path<String>,
    Body(update): Body<AccountUpdate>,
) -> ApiResult<wire::AccountsReport> {
    ok(service.account_update(&account, update).await?)
}

async fn fx_rates(
    Acting(service): Acting,
    Params(query): Params<RatesQuery>,
) -> ApiResult<wire::RatesReport> {
    ok(service.fx_rates(query.date).await?)
}

async fn fx_set(
    Acting(service): Acting,
    Body(rate): Body<RateInput>,
) -> ApiResult<wire::RatesImported> {
    ok(service
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await?)
}
