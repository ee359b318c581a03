//! Importing files, and the saved CSV mappings they may be read with.
//!
//! An upload streams to a temporary file as it arrives, with the size limit checked on every
//! chunk, so the server's memory stays flat whatever the file's size (the importer then
//! streams from that file as the CLI does). A client that stalls mid-body is dropped.

use std::time::Duration;

use axum::body::Body as RequestBody;
use axum::extract::Path;
use axum::http::{header, HeaderMap, StatusCode};
use futures_util::StreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use cashline_service::request::ImportOptions;
use cashline_service::{wire, ErrorBody, FILE_BYTES_MAX};

use super::{ok, ApiResult};
use crate::error::ApiError;
use crate::extract::Acting;
use crate::extract::{Body, Params};
use crate::openapi::{BadRequest, Bytes, JsonBody, NotFound};
use crate::AppState;

/// An upload that sends nothing for this long is abandoned.
pub(crate) const UPLOAD_IDLE_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::default()
        .routes(routes!(import))
        .routes(routes!(csv_mappings, csv_mapping_save))
        .routes(routes!(csv_mapping_remove))
}

#[derive(Deserialize)]
struct UploadParams {
    /// The file's name as the person's machine knows it.
    file: Option<String>,
    #[serde(flatten)]
    options: ImportOptions,
}

fn too_large() -> ApiError {
    ApiError::too_large(format!(
        "the file is larger than the {FILE_BYTES_MAX}-byte import limit"
    ))
}

/// Imports one uploaded file (the body, as it is) under its name; a file that fails is a
/// `failed` result in the report, not an error.
#[utoipa::path(
    post,
    path = "/import",
    params(
        ("file" = String, Query, description = "The file's name as the person's machine knows it"),
        ImportOptions,
    ),
    request_body(content = inline(Bytes), content_type = "application/octet-stream", description = "The file's bytes"),
    responses(
        (status = 200, body = wire::ImportReport),
        BadRequest,
        (status = 408, description = "`timeout`: the upload sent nothing for 30 seconds", body = ErrorBody),
        (status = 413, description = "`too_large`: the file is larger than the import limit", body = ErrorBody),
    )
)]
async fn import(
    Acting(service): Acting,
    Params(params): Params<UploadParams>,
    headers: HeaderMap,
    body: RequestBody,
) -> ApiResult<wire::ImportReport> {
    let name = params
        .file
        .filter(|f| !f.trim().is_empty())
        .ok_or_else(|| ApiError::bad_request("the import needs the file's name as ?file=NAME"))?;
    // Refuse a declared oversize before reading a byte of it.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > FILE_BYTES_MAX as u64) {
        return Err(too_large());
    }
    let upload = receive(body).await?;
    ok(service.import_upload(&name, &upload, &params.options).await)
}

/// Streams the body into a temporary file, deleted when the returned handle is dropped.
async fn receive(body: RequestBody) -> Result<tempfile::TempPath, ApiError> {
    let cannot_store = |error: std::io::Error| {
        tracing::error!(%error, "cannot store an upload");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the upload could not be stored in a temporary file: {error}"),
        )
    };
    let temporary = tempfile::Builder::new()
        .prefix("cashline-upload-")
        .tempfile()
        .map_err(cannot_store)?;
    let (file, path) = temporary.into_parts();
    let mut file = tokio::fs::File::from_std(file);
    let mut stream = body.into_data_stream();
    let mut received: usize = 0;
    loop {
        let chunk = match tokio::time::timeout(UPLOAD_IDLE_TIMEOUT, stream.next()).await {
            Err(_) => {
                return Err(ApiError::new(
                    StatusCode::REQUEST_TIMEOUT,
                    "timeout",
                    format!(
                        "the upload sent nothing for {} seconds and was abandoned",
                        UPLOAD_IDLE_TIMEOUT.as_secs()
                    ),
                ))
            }
            Ok(None) => break,
            Ok(Some(Err(error))) => {
                return Err(ApiError::bad_request(format!(
                    "the upload broke off before its end: {error}"
                )))
            }
            Ok(Some(Ok(chunk))) => chunk,
        };
        received = received.saturating_add(chunk.len());
        if received > FILE_BYTES_MAX {
            return Err(too_large());
        }
        file.write_all(&chunk).await.map_err(cannot_store)?;
    }
    file.flush().await.map_err(cannot_store)?;
    Ok(path)
}

/// The saved CSV mappings.
#[utoipa::path(get, path = "/csv-mappings", responses((status = 200, body = wire::CsvMappingsReport)))]
async fn csv_mappings(Acting(service): Acting) -> ApiResult<wire::CsvMappingsReport> {
    ok(service.csv_mappings().await?)
}

/// Saves a CSV mapping: a bank's statement layout or an ERP's export layout, by its name.
#[utoipa::path(
    post,
    path = "/csv-mappings",
    request_body(content = Object, description = "The mapping's definition"),
    responses((status = 200, body = wire::CsvMapping), JsonBody)
)]
async fn csv_mapping_save(
    Acting(service): Acting,
    Body(definition): Body<serde_json::Value>,
) -> ApiResult<wire::CsvMapping> {
    ok(service.csv_mapping_save(definition).await?)
}

/// Removes a saved CSV mapping.
#[utoipa::path(
    delete,
    path = "/csv-mappings/{name}",
    params(("name" = String, Path, description = "The mapping's name")),
    responses((status = 204, description = "Removed"), BadRequest, NotFound)
)]
async fn csv_mapping_remove(
    Acting(service): Acting,
    Path(name): Path<String>,
) -> Result<StatusCode, ApiError> {
    service.csv_mapping_remove(&name).await?;
    Ok(StatusCode::NO_CONTENT)
}
