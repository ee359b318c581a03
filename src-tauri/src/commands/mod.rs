//! The Tauri commands, one module per command group (the same groups as the CLI's commands,
//! the HTTP routes and the UI's API modules). Every command takes its arguments as one
//! `request` object of the service's request types (JS: `invoke('positions', { request })`),
//! calls one service method, and answers with its wire type or `{code, message}`.

use serde::de::DeserializeOwned;

use cashline_service::{ErrorBody, ServiceError};

pub mod audit;
pub mod connections;
pub mod db;
pub mod erp;
pub mod exceptions;
pub mod import;
pub mod payments;
pub mod recon;
pub mod reference;
pub mod settings;
pub mod treasury;
pub mod users;

pub use users::Desk;

/// Every command's answer.
pub type Answer<T> = Result<T, ErrorBody>;

/// Reads a command's `request` argument (absent means all defaults). Deserialised here rather
/// than by Tauri, so a bad date is the same `{code: "bad_request", message}` as over HTTP.
pub fn request<T: DeserializeOwned>(value: Option<serde_json::Value>) -> Answer<T> {
    let value = value.unwrap_or_else(|| serde_json::Value::Object(Default::default()));
    serde_json::from_value(value).map_err(|error| bad_request(error.to_string()))
}

pub fn bad_request(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: "bad_request",
        message: message.into(),
    }
}

/// The body of a service error, logged where it is Cashline's own failure.
pub fn refused(error: ServiceError) -> ErrorBody {
    if !error.is_callers_fault() {
        tracing::error!(%error, "command failed");
    }
    error.body()
}
