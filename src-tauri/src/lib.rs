//! The Cashline desktop shell: a Tauri window over [`cashline_service::Service`].
//!
//! The commands below only convert their arguments and call the service, which the CLI and the
//! HTTP API call unchanged; every error reaches the UI as the service's `{code, message}` body.

use std::path::{Path, PathBuf};

use cashline_service::{wire, EntriesQuery, ErrorBody, Service};
use chrono::NaiveDate;
use tauri::ipc::{InvokeBody, Request};
use tauri::{Manager, RunEvent, Runtime, State};

/// The header that carries the name of a file sent to `import_file`, percent-encoded by the UI
/// (`encodeURIComponent`), since header values are ASCII.
pub const FILE_NAME_HEADER: &str = "x-file-name";
/// The optional header naming the saved CSV mapping to read the file with, percent-encoded.
pub const CSV_MAPPING_HEADER: &str = "x-csv-mapping";

/// Positions as of a date (`YYYY-MM-DD`), or as of now. JS: `invoke('positions', { asOf })`.
#[tauri::command]
async fn positions(
    service: State<'_, Service>,
    as_of: Option<String>,
    entity: Option<String>,
    reporting_currency: Option<String>,
) -> Result<wire::PositionsReport, ErrorBody> {
    let request = cashline_service::PositionsRequest {
        as_of: parse_date("asOf", as_of.as_deref())?,
        entity: entity.filter(|e| !e.is_empty()),
        reporting_currency: reporting_currency.filter(|c| !c.is_empty()),
    };
    service.positions(request).await.map_err(|e| e.body())
}

/// Booked entries, filtered by account and booking dates (`YYYY-MM-DD`, both ends included).
#[tauri::command]
async fn entries(
    service: State<'_, Service>,
    account: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<wire::EntriesReport, ErrorBody> {
    let query = EntriesQuery {
        account,
        from: parse_date("from", from.as_deref())?,
        to: parse_date("to", to.as_deref())?,
        limit: None,
    };
    service.entries(query).await.map_err(|e| e.body())
}

/// Imports one file. JS: `invoke('import_file', bytes, { headers: { 'x-file-name':
/// encodeURIComponent(file.name) } })` with `bytes` an `ArrayBuffer` or `Uint8Array`, so the
/// file travels as a raw body and not as a JSON array of numbers.
#[tauri::command]
async fn import_file(
    service: State<'_, Service>,
    request: Request<'_>,
) -> Result<wire::ImportReport, ErrorBody> {
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
    let file_name = decode_file_name(header.as_bytes())?;
    let csv_mapping = match request.headers().get(CSV_MAPPING_HEADER) {
        Some(value) => Some(decode_file_name(value.as_bytes())?),
        None => None,
    };
    let options = cashline_service::ImportOptions { csv_mapping };
    Ok(service.import_bytes(&file_name, bytes, &options).await)
}

#[tauri::command]
async fn forecast(
    service: State<'_, Service>,
    days: Option<usize>,
    entity: Option<String>,
    reporting_currency: Option<String>,
) -> Result<wire::ForecastReport, ErrorBody> {
    let request = cashline_service::ForecastRequest {
        days,
        entity: entity.filter(|e| !e.is_empty()),
        reporting_currency: reporting_currency.filter(|c| !c.is_empty()),
    };
    service.forecast(request).await.map_err(|e| e.body())
}

#[tauri::command]
async fn history(
    service: State<'_, Service>,
    from: Option<String>,
    to: Option<String>,
    entity: Option<String>,
) -> Result<wire::HistoryReport, ErrorBody> {
    let from = parse_date("from", from.as_deref())?;
    let to = parse_date("to", to.as_deref())?;
    let entity = entity.filter(|e| !e.is_empty());
    service
        .history(from, to, entity.as_deref())
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn intraday(
    service: State<'_, Service>,
    date: Option<String>,
) -> Result<wire::IntradayReport, ErrorBody> {
    let date = parse_date("date", date.as_deref())?;
    service.intraday(date).await.map_err(|e| e.body())
}

/// A chart as SVG: `balances`, `history`, `forecast`, `entities` or `banks`.
#[tauri::command]
#[allow(clippy::too_many_arguments)] // Tauri maps each JS argument to one parameter.
async fn chart(
    service: State<'_, Service>,
    name: String,
    entity: Option<String>,
    reporting_currency: Option<String>,
    days: Option<usize>,
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
) -> Result<String, ErrorBody> {
    let request = cashline_service::ChartRequest {
        chart: name,
        entity: entity.filter(|e| !e.is_empty()),
        reporting_currency: reporting_currency.filter(|c| !c.is_empty()),
        days,
        from: parse_date("from", from.as_deref())?,
        to: parse_date("to", to.as_deref())?,
        as_of: parse_date("asOf", as_of.as_deref())?,
    };
    service.chart_svg(&request).await.map_err(|e| e.body())
}

#[tauri::command]
async fn calendar(
    service: State<'_, Service>,
    currency: Option<String>,
    from: Option<String>,
    to: Option<String>,
) -> Result<wire::CalendarReport, ErrorBody> {
    let from = parse_date("from", from.as_deref())?;
    let to = parse_date("to", to.as_deref())?;
    service
        .calendar(currency.as_deref().unwrap_or("EUR"), from, to)
        .map_err(|e| e.body())
}

#[tauri::command]
async fn entities(service: State<'_, Service>) -> Result<wire::EntitiesReport, ErrorBody> {
    service.entities().await.map_err(|e| e.body())
}

#[tauri::command]
async fn entity_save(
    service: State<'_, Service>,
    code: String,
    name: String,
    country: Option<String>,
    reporting_currency: Option<String>,
) -> Result<wire::Entity, ErrorBody> {
    service
        .entity_save(
            &code,
            &name,
            country.as_deref().filter(|c| !c.is_empty()),
            reporting_currency.as_deref().filter(|c| !c.is_empty()),
        )
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn accounts(service: State<'_, Service>) -> Result<wire::AccountsReport, ErrorBody> {
    service.accounts().await.map_err(|e| e.body())
}

/// Changes an account. JS: `invoke('account_update', { account, update: { name, purpose,
/// entity, cadence, statementDueTimeUtc, intradayHours } })`.
#[tauri::command]
async fn account_update(
    service: State<'_, Service>,
    account: String,
    update: AccountUpdateArgs,
) -> Result<wire::AccountsReport, ErrorBody> {
    let update = cashline_service::AccountUpdate {
        name: update.name,
        purpose: update.purpose,
        entity: update.entity,
        cadence: update.cadence,
        statement_due_time_utc: update.statement_due_time_utc,
        intraday_hours: update.intraday_hours,
    };
    service
        .account_update(&account, update)
        .await
        .map_err(|e| e.body())
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct AccountUpdateArgs {
    name: Option<String>,
    purpose: Option<String>,
    entity: Option<String>,
    cadence: Option<String>,
    statement_due_time_utc: Option<String>,
    intraday_hours: Option<i64>,
}

#[tauri::command]
async fn fx_rates(
    service: State<'_, Service>,
    date: Option<String>,
) -> Result<wire::RatesReport, ErrorBody> {
    let date = parse_date("date", date.as_deref())?;
    service.fx_rates(date).await.map_err(|e| e.body())
}

#[tauri::command]
async fn fx_set(
    service: State<'_, Service>,
    base: String,
    quote: String,
    date: String,
    rate: String,
) -> Result<wire::RatesImported, ErrorBody> {
    let date =
        parse_date("date", Some(&date))?.ok_or_else(|| bad_request("a rate needs its date"))?;
    service
        .fx_set(&base, &quote, date, &rate)
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn open_items(
    service: State<'_, Service>,
    kind: Option<String>,
    state: Option<String>,
) -> Result<wire::OpenItemsReport, ErrorBody> {
    service
        .open_items(kind.as_deref(), state.as_deref())
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn payments(
    service: State<'_, Service>,
    state: Option<String>,
) -> Result<wire::PaymentsReport, ErrorBody> {
    service
        .payments(state.as_deref())
        .await
        .map_err(|e| e.body())
}

/// Exceptions, filtered by kind and state.
#[tauri::command]
async fn exceptions(
    service: State<'_, Service>,
    kind: Option<String>,
    state: Option<String>,
) -> Result<wire::ExceptionsReport, ErrorBody> {
    service
        .exceptions(kind.as_deref(), state.as_deref())
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn csv_mappings(service: State<'_, Service>) -> Result<wire::CsvMappingsReport, ErrorBody> {
    service.csv_mappings().await.map_err(|e| e.body())
}

/// Saves a CSV mapping from its JSON definition. JS: `invoke('csv_mapping_save', { definition })`.
#[tauri::command]
async fn csv_mapping_save(
    service: State<'_, Service>,
    definition: serde_json::Value,
) -> Result<wire::CsvMapping, ErrorBody> {
    service
        .csv_mapping_save(definition)
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn csv_mapping_remove(service: State<'_, Service>, name: String) -> Result<(), ErrorBody> {
    service
        .csv_mapping_remove(&name)
        .await
        .map_err(|e| e.body())
}

#[tauri::command]
async fn settings(service: State<'_, Service>) -> Result<wire::Settings, ErrorBody> {
    service.settings().await.map_err(|e| e.body())
}

/// Sets or clears the watched inbox folder. JS: `invoke('settings_save', { inboxFolder })`.
/// The running watcher follows the new setting within a few seconds.
#[tauri::command]
async fn settings_save(
    service: State<'_, Service>,
    inbox_folder: Option<String>,
) -> Result<wire::Settings, ErrorBody> {
    let folder = inbox_folder
        .filter(|f| !f.trim().is_empty())
        .map(PathBuf::from);
    service
        .set_inbox_folder(folder.as_deref())
        .await
        .map_err(|e| e.body())
}

/// The balances chart of the last 30 days, as an SVG document.
#[tauri::command]
async fn balances_chart(service: State<'_, Service>) -> Result<String, ErrorBody> {
    service.balances_chart_svg().await.map_err(|e| e.body())
}

fn bad_request(message: impl Into<String>) -> ErrorBody {
    ErrorBody {
        code: "bad_request",
        message: message.into(),
    }
}

fn parse_date(name: &str, text: Option<&str>) -> Result<Option<NaiveDate>, ErrorBody> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| bad_request(format!("{name}: '{text}' is not a date; use YYYY-MM-DD"))),
    }
}

/// Decodes the percent-encoded `x-file-name` header into the file's name.
pub fn decode_file_name(value: &[u8]) -> Result<String, ErrorBody> {
    let name = percent_encoding::percent_decode(value)
        .decode_utf8()
        .map_err(|_| {
            bad_request(format!(
                "the {FILE_NAME_HEADER} header is not percent-encoded UTF-8"
            ))
        })?;
    if name.trim().is_empty() {
        return Err(bad_request(format!(
            "the {FILE_NAME_HEADER} header is empty"
        )));
    }
    Ok(name.into_owned())
}

/// Adds Cashline's state and commands to a builder: the real app passes
/// `tauri::Builder::default()`, tests pass `tauri::test::mock_builder()`.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>, service: Service) -> tauri::Builder<R> {
    builder
        .manage(service)
        .invoke_handler(tauri::generate_handler![
            positions,
            entries,
            import_file,
            balances_chart,
            exceptions,
            csv_mappings,
            csv_mapping_save,
            csv_mapping_remove,
            settings,
            settings_save,
            forecast,
            history,
            intraday,
            chart,
            calendar,
            entities,
            entity_save,
            accounts,
            account_update,
            fx_rates,
            fx_set,
            open_items,
            payments
        ])
}

/// Builds the app with the window of `tauri.conf.json` and runs it until its last window
/// closes; the ledger is closed cleanly on the way out.
pub fn run_app(builder: tauri::Builder<tauri::Wry>, service: Service) -> tauri::Result<()> {
    // The watched inbox runs beside the window for as long as the app does, following the
    // setting as it changes.
    let watcher_service = service.clone();
    tauri::async_runtime::spawn(async move {
        let forever = std::future::pending::<()>();
        cashline_service::inbox::watch_setting(&watcher_service, |_| (), forever).await;
    });
    let app = app_builder(builder, service).build(tauri::generate_context!())?;
    app.run(|app, event| {
        if let RunEvent::Exit = event {
            let service = app.state::<Service>();
            tauri::async_runtime::block_on(service.close());
            tracing::info!("ledger closed");
        }
    });
    Ok(())
}

/// Where the ledger lives when neither `--db` nor `CASHLINE_DB` says: the user's data folder,
/// `$XDG_DATA_HOME/cashline/ledger.sqlite`, else `~/.local/share/cashline/ledger.sqlite`.
pub fn default_db_path() -> Option<PathBuf> {
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/share")))?;
    Some(data_home.join("cashline").join("ledger.sqlite"))
}

/// Whether a window can be opened at all: without an X11 or Wayland display GTK panics.
pub fn display_available() -> bool {
    ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use cashline_domain::FixedClock;
    use cashline_service::ServiceConfig;
    use chrono::{TimeZone, Utc};
    use tauri::ipc::{CallbackFn, InvokeResponseBody};
    use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
    use tauri::webview::InvokeRequest;

    const CAMT053: &str = include_str!("../../tests/fixtures/camt053/demo-single.xml");

    type MockWebview = tauri::WebviewWindow<tauri::test::MockRuntime>;

    /// An app over a fresh ledger in `dir`, and the webview to invoke its commands from.
    fn app(dir: &Path) -> (tauri::App<tauri::test::MockRuntime>, MockWebview) {
        let service = tauri::async_runtime::block_on(Service::open(ServiceConfig {
            db_path: dir.join("ledger.sqlite"),
            user: "tester".into(),
            clock: Arc::new(FixedClock(
                Utc.with_ymd_and_hms(2026, 11, 21, 9, 0, 0).unwrap(),
            )),
        }))
        .expect("open the service");
        let app = app_builder(mock_builder(), service)
            .build(mock_context(noop_assets()))
            .expect("build the app");
        let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default())
            .build()
            .expect("mock webview");
        (app, webview)
    }

    fn invoke(
        webview: &MockWebview,
        cmd: &str,
        body: InvokeBody,
        headers: &[(&'static str, &str)],
    ) -> Result<serde_json::Value, serde_json::Value> {
        let mut header_map = tauri::http::HeaderMap::new();
        for (name, value) in headers {
            header_map.insert(*name, value.parse().unwrap());
        }
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            // The app's own origin on Linux: custom commands are refused to any other.
            url: "tauri://localhost".parse().unwrap(),
            body,
            headers: header_map,
            invoke_key: INVOKE_KEY.to_string(),
        };
        get_ipc_response(webview, request).map(|body| match body {
            InvokeResponseBody::Json(json) => serde_json::from_str(&json).unwrap(),
            InvokeResponseBody::Raw(bytes) => {
                serde_json::Value::String(String::from_utf8(bytes).unwrap())
            }
        })
    }

    #[test]
    fn import_then_positions_entries_and_chart() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, webview) = app(dir.path());

        let report = invoke(
            &webview,
            "import_file",
            InvokeBody::Raw(CAMT053.as_bytes().to_vec()),
            &[(FILE_NAME_HEADER, "demo%20single%20%C3%A9.xml")],
        )
        .expect("import");
        assert_eq!(report["files"][0]["status"], "imported", "{report}");
        assert_eq!(report["files"][0]["file"], "demo single é.xml");

        let positions = invoke(
            &webview,
            "positions",
            serde_json::json!({ "asOf": "2026-11-20" }).into(),
            &[],
        )
        .expect("positions");
        let account = &positions["accounts"][0];
        assert_eq!(account["account"], "DE89370400440532013000");
        assert_eq!(account["booked"], "12345.67");

        let entries = invoke(
            &webview,
            "entries",
            serde_json::json!({
                "account": "DE89 3704 0044 0532 0130 00",
                "from": "2026-11-01",
                "to": null,
            })
            .into(),
            &[],
        )
        .expect("entries");
        assert_eq!(entries["entries"].as_array().unwrap().len(), 3, "{entries}");

        let svg = invoke(
            &webview,
            "balances_chart",
            serde_json::json!({}).into(),
            &[],
        )
        .expect("chart");
        assert!(svg.as_str().unwrap().contains("<svg"), "{svg}");
    }

    #[test]
    fn errors_are_code_and_message() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, webview) = app(dir.path());

        let error = invoke(
            &webview,
            "positions",
            serde_json::json!({ "asOf": "20.11.2026" }).into(),
            &[],
        )
        .unwrap_err();
        assert_eq!(error["code"], "bad_request");
        assert!(
            error["message"].as_str().unwrap().contains("20.11.2026"),
            "{error}"
        );

        let error = invoke(
            &webview,
            "import_file",
            serde_json::json!({ "bytes": [1, 2, 3] }).into(),
            &[(FILE_NAME_HEADER, "a.xml")],
        )
        .unwrap_err();
        assert_eq!(error["code"], "bad_request");
        assert!(
            error["message"].as_str().unwrap().contains("raw body"),
            "{error}"
        );

        let error =
            invoke(&webview, "import_file", InvokeBody::Raw(b"x".to_vec()), &[]).unwrap_err();
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains(FILE_NAME_HEADER),
            "{error}"
        );

        let error = invoke(
            &webview,
            "entries",
            serde_json::json!({ "from": "2026-11-20", "to": "2026-11-01" }).into(),
            &[],
        )
        .unwrap_err();
        assert_eq!(error["code"], "bad_request", "{error}");
    }

    #[test]
    fn file_names_are_percent_decoded() {
        assert_eq!(
            decode_file_name(b"Konto%C3%BCbersicht%20Nov.xml").unwrap(),
            "Kontoübersicht Nov.xml"
        );
        assert_eq!(decode_file_name(b"plain.xml").unwrap(), "plain.xml");
        assert!(decode_file_name(b"%FF%FE").is_err());
        assert!(decode_file_name(b"").is_err());
    }
}
