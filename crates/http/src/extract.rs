//! The extractors of the routes: a request type from the query string or from a JSON body,
//! each refusal an `ApiError` (`{code, message}`, 4xx) rather than axum's plain-text reply.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use serde::de::DeserializeOwned;

use cashline_service::Service;

use crate::error::ApiError;

/// A request type read from the query string.
pub(crate) struct Params<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        Query::try_from_uri(&parts.uri)
            .map(|Query(value)| Params(value))
            .map_err(|rejection: QueryRejection| ApiError::bad_request(rejection.body_text()))
    }
}

/// A request type read from a JSON body.
pub(crate) struct Body<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Body(value)),
            Err(rejection) => Err(json_refusal(rejection)),
        }
    }
}

fn json_refusal(rejection: JsonRejection) -> ApiError {
    match rejection.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::too_large(format!(
            "the request body is larger than the {}-byte limit of a command",
            crate::JSON_BODY_BYTES_MAX
        )),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the request body must be JSON, sent with Content-Type: application/json",
        ),
        _ => ApiError::bad_request(format!(
            "the request body is not the JSON expected: {}",
            rejection.body_text()
        )),
    }
}

/// The service acting as the user of this request: the one its session logged in, or the
/// one who started `serve` for a request with the server's own token (see `guard`).
pub(crate) struct Acting(pub Service);

impl<S: Send + Sync> FromRequestParts<S> for Acting {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, ApiError> {
        parts
            .extensions
            .get::<Acting>()
            .map(|acting| Acting(acting.0.clone()))
            .ok_or_else(ApiError::unauthorized)
    }
}

impl Clone for Acting {
    fn clone(&self) -> Acting {
        Acting(self.0.clone())
    }
}
