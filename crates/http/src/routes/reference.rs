//! Reference data: entities, accounts, FX rates and business-day calendars.

use axum::extract::{Path, State};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, JsonBody, NotFound};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(calendar))
        .routes(routes!(entities, entity_save))
        .routes(routes!(accounts))
        .routes(routes!(account_update))
        .routes(routes!(fx_rates, fx_set))
}

/// The business days of a currency over a period.
#[utoipa::path(
    get,
    path = "/calendar",
    params(CalendarRequest),
    responses((status = 200, body = wire::CalendarReport), BadRequest)
)]
async fn calendar(
    State(state): State<AppState>,
    Params(request): Params<CalendarRequest>,
) -> ApiResult<wire::CalendarReport> {
    ok(state.service.calendar(&request)?)
}

/// The group's entities.
#[utoipa::path(get, path = "/entities", responses((status = 200, body = wire::EntitiesReport)))]
async fn entities(State(state): State<AppState>) -> ApiResult<wire::EntitiesReport> {
    ok(state.service.entities().await?)
}

/// Creates an entity, or changes one by its code.
#[utoipa::path(
    post,
    path = "/entities",
    request_body = EntitySave,
    responses((status = 200, body = wire::Entity), JsonBody)
)]
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

/// The bank accounts.
#[utoipa::path(get, path = "/accounts", responses((status = 200, body = wire::AccountsReport)))]
async fn accounts(State(state): State<AppState>) -> ApiResult<wire::AccountsReport> {
    ok(state.service.accounts().await?)
}

/// Changes an account; an absent field stays as it is.
#[utoipa::path(
    put,
    path = "/accounts/{account}",
    params(("account" = String, Path, description = "The account's IBAN or number")),
    request_body = AccountUpdate,
    responses((status = 200, body = wire::AccountsReport), JsonBody, NotFound)
)]
async fn account_update(
    State(state): State<AppState>,
    Path(account): Path<String>,
    Body(update): Body<AccountUpdate>,
) -> ApiResult<wire::AccountsReport> {
    ok(state.service.account_update(&account, update).await?)
}

/// The FX rates known on a day (the latest by default).
#[utoipa::path(
    get,
    path = "/fx-rates",
    params(RatesQuery),
    responses((status = 200, body = wire::RatesReport), BadRequest)
)]
async fn fx_rates(
    State(state): State<AppState>,
    Params(query): Params<RatesQuery>,
) -> ApiResult<wire::RatesReport> {
    ok(state.service.fx_rates(query.date).await?)
}

/// A rate entered by hand.
#[utoipa::path(
    post,
    path = "/fx-rates",
    request_body = RateInput,
    responses((status = 200, body = wire::RatesImported), JsonBody)
)]
async fn fx_set(
    State(state): State<AppState>,
    Body(rate): Body<RateInput>,
) -> ApiResult<wire::RatesImported> {
    ok(state
        .service
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await?)
}
