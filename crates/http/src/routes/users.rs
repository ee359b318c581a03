//! Users and sessions: who is working, logging in as another user of the ledger, and the
//! users an admin keeps.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::Router;

use cashline_service::request::{Login, UserAdd, UserChange};
use cashline_service::wire;

use super::{ok, ApiResult};
use crate::extract::{Acting, Body};
use crate::AppState;

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", get(whoami).post(login).delete(logout))
        .route("/users", get(users).post(user_add))
        .route("/users/change", post(user_change))
}

async fn whoami(Acting(service): Acting) -> ApiResult<wire::Session> {
    ok(service.whoami().await?)
}

/// Starts a session as `user`, who must be an enabled user of the ledger; the answer's token
/// then acts as them.
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

async fn users(Acting(service): Acting) -> ApiResult<wire::UsersReport> {
    ok(service.users().await?)
}

async fn user_add(Acting(service): Acting, Body(request): Body<UserAdd>) -> ApiResult<wire::User> {
    ok(service.user_add(&request).await?)
}

async fn user_change(
    Acting(service): Acting,
    Body(request): Body<UserChange>,
) -> ApiResult<wire::User> {
    ok(service.user_change(&request).await?)
}
