//! Reference data: entities, accounts, FX rates and business-day calendars.

use axum::extract::Path;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{
    AccountUpdate, CalendarRequest, EntitySave, RateInput, RatesQuery, Reveal,
};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::Acting;
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
        .routes(routes!(reveal))
}

/// The business days of a currency over a period.
#[utoipa::path(
    get,
    path = "/calendar",
    params(CalendarRequest),
    responses((status = 200, body = wire::CalendarReport), BadRequest)
)]
async fn calendar(
    Acting(service): Acting,
    Params(request): Params<CalendarRequest>,
) -> ApiResult<wire::CalendarReport> {
    ok(service.calendar(&request)?)
}

/// The group's entities.
#[utoipa::path(get, path = "/entities", responses((status = 200, body = wire::EntitiesReport)))]
async fn entities(Acting(service): Acting) -> ApiResult<wire::EntitiesReport> {
    ok(service.entities().await?)
}

/// Creates an entity, or changes one by its code.
#[utoipa::path(
    post,
    path = "/entities",
    request_body = EntitySave,
    responses((status = 200, body = wire::Entity), JsonBody)
)]
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

/// The bank accounts.
#[utoipa::path(get, path = "/accounts", responses((status = 200, body = wire::AccountsReport)))]
async fn accounts(Acting(service): Acting) -> ApiResult<wire::AccountsReport> {
    ok(service.accounts().await?)
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
    Acting(service): Acting,
    Path(account): Path<String>,
    Body(update): Body<AccountUpdate>,
) -> ApiResult<wire::AccountsReport> {
    ok(service.account_update(&account, update).await?)
}

/// The FX rates known on a day (the latest by default).
#[utoipa::path(
    get,
    path = "/fx-rates",
    params(RatesQuery),
    responses((status = 200, body = wire::RatesReport), BadRequest)
)]
async fn fx_rates(
    Acting(service): Acting,
    Params(query): Params<RatesQuery>,
) -> ApiResult<wire::RatesReport> {
    ok(service.fx_rates(query.date).await?)
}

/// A rate entered by hand.
#[utoipa::path(
    post,
    path = "/fx-rates",
    request_body = RateInput,
    responses((status = 200, body = wire::RatesImported), JsonBody)
)]
async fn fx_set(
    Acting(service): Acting,
    Body(rate): Body<RateInput>,
) -> ApiResult<wire::RatesImported> {
    ok(service
        .fx_set(&rate.base, &rate.quote, rate.date, &rate.rate)
        .await?)
}

/// Shows full account numbers on one screen to a role that may (recorded in the audit log).
#[utoipa::path(
    post,
    path = "/reveal",
    request_body = Reveal,
    responses((status = 200, body = wire::Revealed), JsonBody)
)]
async fn reveal(Acting(service): Acting, Body(request): Body<Reveal>) -> ApiResult<wire::Revealed> {
    ok(service.reveal(&request).await?)
}
