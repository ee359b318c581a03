//! The `/api` routes, one module per command group (the same groups as the CLI's commands,
//! the Tauri commands and the UI's API modules). Each handler turns its request into one
//! service call and the result into JSON.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;

use crate::error::ApiError;
use crate::AppState;

mod audit;
mod connections;
mod db;
mod erp;
mod exceptions;
mod import;
mod payments;
mod recon;
mod reference;
mod settings;
mod treasury;
mod users;

pub(crate) type ApiResult<T> = Result<Json<T>, ApiError>;

pub(crate) fn ok<T: Serialize>(value: T) -> ApiResult<T> {
    Ok(Json(value))
}

/// Every documented route, each module contributing its own with their paths in the
/// OpenAPI document (`crate::openapi`), grouped under the module's name. A module hands back
/// an `OpenApiRouter` built only through `utoipa_axum::routes!`, which takes nothing but
/// handlers with a `#[utoipa::path]`; a test in `crate::openapi` holds the router and the
/// document equal.
pub(crate) fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .merge(tagged("treasury", treasury::routes()))
        .merge(tagged("import", import::routes()))
        .merge(tagged("exceptions", exceptions::routes()))
        .merge(tagged("reference", reference::routes()))
        .merge(tagged("payments", payments::routes()))
        .merge(tagged("recon", recon::routes()))
        .merge(tagged("settings", settings::routes()))
        .merge(tagged("db", db::routes()))
        .merge(tagged("connections", connections::routes()))
        .merge(tagged("erp", erp::routes()))
        .merge(tagged("users", users::routes()))
        .merge(tagged("audit", audit::routes()))
        .routes(utoipa_axum::routes!(crate::openapi::openapi_json))
}

/// `api()` as the server runs it: with the answers to an unknown route and an unknown method.
pub(crate) fn router() -> Router<AppState> {
    let (router, _) = api().split_for_parts();
    router
        // `/api` itself, which the nested fallback does not see.
        .route("/", any(unknown_route))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(unknown_route)
}

/// Puts every operation of a module under its group's tag.
fn tagged(tag: &str, mut routes: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    for item in routes.get_openapi_mut().paths.paths.values_mut() {
        for operation in crate::openapi::operations(item) {
            operation.tags = Some(vec![tag.to_string()]);
        }
    }
    routes
}

/// An unknown `/api/…` path is an API answer, not the UI's `index.html`.
pub(crate) async fn unknown_route() -> Response {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        "there is no such API route",
    )
    .into_response()
}

async fn method_not_allowed() -> Response {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this API route does not take that method",
    )
    .into_response()
}
