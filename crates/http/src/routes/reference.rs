//! Reference data: entities, accounts, FX rates and business-day calendars.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::Router;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Body, Params};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/calendar", get(calendar))
        .route("/entities", get(entities).post(entity_save))
        .route("/accounts", get(accounts))
        .route("/accounts/{account}", put(account_update))
        .route("/fx-rates", get(fx_rates).post(fx_set))
}

async fn calendar(
    State(state): State<AppState>,
    Params(request): Params<CalendarRequest>,
) -> ApiResult<wire::CalendarReport> {
    ok(state.service.calendar(&request)?)
}

async fn entities(State(state): State<AppState>) -> ApiResult<wire::EntitiesReport> {
    ok(state.service.entities().await?)
}

async fn entity_save(
    State(state): State<AppState>,
    Body(entity): Body<EntitySave>,
) -> ApiResult<wire::Entity> {
    ok(state
        .service
        .entity_save(
            &entity.code,
            &entity.name,
            entity.country.as_deref(),
            entity.reporting_currency.as_deref(),
        )
        .await?)
}

async fn accounts(State(state): State<AppState>) -> ApiResult<wire::AccountsReport> {
    ok(state.service.accounts().await?)
}

async fn account_update(
    State(state): State<AppState>,
    Path(account): Path<String>,
    Body(update): Body<AccountUpdate>,
) -> ApiResult<wire::AccountsReport> {
    ok(state.service.account_update(&account, update).await?)
}

async fn fx_rates(
    State(state): State<AppState>,
    Params(query): Params<RatesQuery>,
) -> ApiResult<wire::RatesReport> {
    ok(state.service.fx_rates(query.date).await?)
}

async fn fx_set(
    State(state): State<AppState>,
    Body(rate): Body<RateInput>,
) -> ApiResult<wire::RatesImported> {
    ok(state
        .service
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await?)
}
