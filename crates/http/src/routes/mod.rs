//! The `/api` routes, one module per command group (the same groups as the CLI's commands,
//! the Tauri commands and the UI's API modules). Each handler turns its request into one
//! service call and the result into JSON.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::any;
use axum::{Json, Router};
use serde::Serialize;

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

pub(crate) fn api() -> Router<AppState> {
    Router::new()
        .merge(treasury::routes())
        .merge(import::routes())
        .merge(exceptions::routes())
        .merge(reference::routes())
        .merge(payments::routes())
        .merge(recon::routes())
        .merge(settings::routes())
        .merge(db::routes())
        .merge(connections::routes())
        .merge(erp::routes())
        .merge(users::routes())
        .merge(audit::routes())
        // `/api` itself, which the nested fallback does not see.
        .route("/", any(unknown_route))
        .method_not_allowed_fallback(method_not_allowed)
        .fallback(unknown_route)
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
