//! Importing files, and the saved CSV mappings they may be read with.

use tauri::ipc::{InvokeBody, Request};
use tauri::State;

use cashline_service::request::ImportOptions;
use cashline_service::wire;

use super::{bad_request, refused, Answer, Desk};

/// The header that carries the name of a file sent to `import_file`, percent-encoded by the UI
/// (`encodeURIComponent`), since header values are ASCII.
pub const FILE_NAME_HEADER: &str = "x-file-name";
/// The optional header naming the saved CSV mapping to read the file with, percent-encoded.
pub const CSV_MAPPING_HEADER: &str = "x-csv-mapping";

/// Imports one file. JS: `invoke('import_file', bytes, { headers: { 'x-file-name':
/// encodeURIComponent(file.name) } })` with `bytes` an `ArrayBuffer` or `Uint8Array`, so the
/// file travels as a raw body and not as a JSON array of numbers.
#[tauri::command]
pub async fn import_file(
    desk: State<'_, Desk>,
    request: Request<'_>,
) -> Answer<wire::ImportReport> {
    let InvokeBody::Raw(bytes) = request.body() else {
        return Err(bad_request(
            "import_file takes the file's bytes as a raw body (an ArrayBuffer or Uint8Array), \
             not JSON",
        ));
    };
    let header = request.headers().get(FILE_NAME_HEADER).ok_or_else(|| {
        bad_request(format!(
            "import_file needs the file's name in the {FILE_NAME_HEADER} header"
        ))
    })?;
    let file_name = decode_header(FILE_NAME_HEADER, header.as_bytes())?;
    let csv_mapping = match request.headers().get(CSV_MAPPING_HEADER) {
        Some(value) => Some(decode_header(CSV_MAPPING_HEADER, value.as_bytes())?),
        None => None,
    };
    let options = ImportOptions { csv_mapping };
    Ok(desk
        .service()
        .import_bytes(&file_name, bytes, &options)
        .await)
}

/// Decodes a percent-encoded header (a file's or a mapping's name).
pub fn decode_header(header: &str, value: &[u8]) -> Answer<String> {
    let name = percent_encoding::percent_decode(value)
        .decode_utf8()
        .map_err(|_| bad_request(format!("the {header} header is not percent-encoded UTF-8")))?;
    if name.trim().is_empty() {
        return Err(bad_request(format!("the {header} header is empty")));
    }
    Ok(name.into_owned())
}

#[tauri::command]
pub async fn csv_mappings(desk: State<'_, Desk>) -> Answer<wire::CsvMappingsReport> {
    desk.service().csv_mappings().await.map_err(refused)
}

/// Saves a CSV mapping from its JSON definition. JS: `invoke('csv_mapping_save', { request })`.
#[tauri::command]
pub async fn csv_mapping_save(
    desk: State<'_, Desk>,
    request: serde_json::Value,
) -> Answer<wire::CsvMapping> {
    desk.service()
        .csv_mapping_save(request)
        .await
        .map_err(refused)
}

#[tauri::command]
pub async fn csv_mapping_remove(desk: State<'_, Desk>, name: String) -> Answer<()> {
    desk.service()
        .csv_mapping_remove(&name)
        .await
        .map_err(refused)
}
