//! Users and sessions: who is working, logging in as another user of the ledger, and the
//! users an admin keeps.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::{Login, UserAdd, UserChange};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Acting, Body};
use crate::openapi::{JsonBody, NotFound};
use crate::AppState;

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(whoami, login, logout))
        .routes(routes!(users, user_add))
        .routes(routes!(user_change))
}

/// Who this request acts as, their role and its rights.
#[utoipa::path(get, path = "/session", responses((status = 200, body = wire::Session)))]
async fn whoami(Acting(service): Acting) -> ApiResult<wire::Session> {
    ok(service.whoami().await?)
}

/// Starts a session as `user`, who must be an enabled user of the ledger; the answer's token
/// then acts as them.
#[utoipa::path(
    post,
    path = "/session",
    request_body = Login,
    responses((status = 200, body = wire::SessionStarted), JsonBody)
)]
async fn login(
    State(state): State<AppState>,
    Acting(service): Acting,
    Body(request): Body<Login>,
) -> ApiResult<wire::SessionStarted> {
    let acting = service.acting_as(&request.user).await?;
    let session = acting.whoami().await?;
    let token = state.sessions.start(&session.user);
    ok(wire::SessionStarted { token, session })
}

/// Ends the session whose token the request carries (the server's own token has none).
#[utoipa::path(delete, path = "/session", responses((status = 204, description = "Ended")))]
async fn logout(State(state): State<AppState>, headers: HeaderMap) -> StatusCode {
    if let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().split_once(' '))
        .map(|(_, token)| token.trim())
    {
        state.sessions.end(token);
    }
    StatusCode::NO_CONTENT
}

/// The ledger's users and their roles.
#[utoipa::path(get, path = "/users", responses((status = 200, body = wire::UsersReport)))]
async fn users(Acting(service): Acting) -> ApiResult<wire::UsersReport> {
    ok(service.users().await?)
}

/// Adds a user in one of the roles (an admin's).
#[utoipa::path(
    post,
    path = "/users",
    request_body = UserAdd,
    responses((status = 200, body = wire::User), JsonBody)
)]
async fn user_add(Acting(service): Acting, Body(request): Body<UserAdd>) -> ApiResult<wire::User> {
    ok(service.user_add(&request).await?)
}

/// Gives a user another role, or disables or enables them (an admin's).
#[utoipa::path(
    post,
    path = "/users/change",
    request_body = UserChange,
    responses((status = 200, body = wire::User), JsonBody, NotFound)
)]
async fn user_change(
    Acting(service): Acting,
    Body(request): Body<UserChange>,
) -> ApiResult<wire::User> {
    ok(service.user_change(&request).await?)
}
