//! `ApiError`: every answer that is not a success, as `{code, message}` JSON with the status
//! its code implies. A caller's mistake is a 4xx; only Cashline's own failure is a 5xx.

use std::any::Any;

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use cashline_service::{ErrorBody, ServiceError};

#[derive(Debug)]
pub(crate) struct ApiError(StatusCode, ErrorBody);

impl ApiError {
    pub(crate) fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError(
            status,
            ErrorBody {
                code,
                message: message.into(),
            },
        )
    }

    pub(crate) fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "this request has no valid access token; open the URL that `cashline serve` printed",
        )
    }

    pub(crate) fn forbidden_host() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_host",
            "this server answers only to 127.0.0.1 and localhost with its own port",
        )
    }

    pub(crate) fn forbidden_origin() -> ApiError {
        ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden_origin",
            "this server answers only to its own page (Origin http://127.0.0.1 or http://localhost with its port)",
        )
    }

    pub(crate) fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    pub(crate) fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }
}

impl From<ServiceError> for ApiError {
    fn from(error: ServiceError) -> ApiError {
        let status = match error.code() {
            "bad_request" => StatusCode::BAD_REQUEST,
            "not_found" => StatusCode::NOT_FOUND,
            "forbidden" => StatusCode::FORBIDDEN,
            "unavailable" => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        if error.is_callers_fault() {
            tracing::info!(%error, "request refused");
        } else {
            tracing::error!(%error, "request failed");
        }
        ApiError(status, error.body())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(self.1)).into_response()
    }
}

/// A handler that panicked still answers, with a 500 the log records: a dropped connection
/// tells the person nothing.
pub(crate) fn panic_response(panic: Box<dyn Any + Send + 'static>) -> Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("no message");
    tracing::error!(panic = detail, "a request panicked");
    ApiError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "internal",
        "Cashline hit an internal error on this request; it is recorded in the log",
    )
    .into_response()
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use axum::Router;
    use tower::ServiceExt;
    use tower_http::catch_panic::CatchPanicLayer;

    use super::panic_response;

    #[tokio::test]
    async fn a_panic_in_a_request_is_a_500_with_code_and_message_not_a_dropped_connection() {
        async fn panics() -> &'static str {
            panic!("Multiplication overflowed")
        }
        let router = Router::new()
            .route("/boom", get(panics))
            .layer(CatchPanicLayer::custom(panic_response));
        let response = router
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(response.status(), 500);
        let body = axum::body::to_bytes(response.into_body(), 4096)
            .await
            .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["code"], "internal");
        assert!(body["message"].as_str().unwrap().contains("internal error"));
    }
}
