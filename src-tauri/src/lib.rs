//! The Cashline desktop shell: a Tauri window over [`cashline_service::Service`].
//!
//! The commands (`commands/`, one module per group) only convert their arguments and call the
//! service, which the CLI and the HTTP API call unchanged; every error reaches the UI as the
//! service's `{code, message}` body.

use std::path::{Path, PathBuf};

use cashline_service::Service;
use tauri::{Manager, RunEvent, Runtime};

pub mod commands;

pub use commands::import::{decode_header, CSV_MAPPING_HEADER, FILE_NAME_HEADER};

/// Adds Cashline's state and commands to a builder: the real app passes
/// `tauri::Builder::default()`, tests pass `tauri::test::mock_builder()`.
pub fn app_builder<R: Runtime>(builder: tauri::Builder<R>, service: Service) -> tauri::Builder<R> {
    builder
        .manage(commands::Desk::new(service.clone()))
        .manage(service)
        .invoke_handler(tauri::generate_handler![
            commands::treasury::positions,
            commands::treasury::forecast,
            commands::treasury::history,
            commands::treasury::intraday,
            commands::treasury::entries,
            commands::treasury::chart,
            commands::import::import_file,
            commands::import::csv_mappings,
            commands::import::csv_mapping_save,
            commands::import::csv_mapping_remove,
            commands::exceptions::exceptions,
            commands::exceptions::exception_detail,
            commands::exceptions::exceptions_assign,
            commands::exceptions::exception_comment,
            commands::exceptions::exceptions_resolve,
            commands::exceptions::audit_verify,
            commands::reference::calendar,
            commands::reference::entities,
            commands::reference::entity_save,
            commands::reference::accounts,
            commands::reference::account_update,
            commands::reference::fx_rates,
            commands::reference::fx_set,
            commands::payments::open_items,
            commands::payments::payments,
            commands::payments::payments_approve,
            commands::payments::payment_show,
            commands::payments::payments_cancel,
            commands::payments::payment_runs,
            commands::payments::payments_release,
            commands::payments::payments_export,
            commands::payments::payment_exports,
            commands::payments::payment_export_document,
            commands::payments::approval_limits,
            commands::payments::approval_limit_set,
            commands::payments::cutoffs,
            commands::payments::cutoff_set,
            commands::recon::recon_run,
            commands::recon::recon_matches,
            commands::recon::recon_confirm,
            commands::recon::recon_reject,
            commands::recon::recon_undo,
            commands::recon::recon_match,
            commands::recon::recon_workbench,
            commands::recon::recon_rules,
            commands::recon::recon_rule_add,
            commands::recon::recon_thresholds_set,
            commands::recon::recon_rule_enable,
            commands::recon::recon_rule_disable,
            commands::recon::recon_rule_move,
            commands::recon::recon_rule_remove,
            commands::recon::recon_learnt,
            commands::recon::recon_alias_remove,
            commands::recon::recon_negative_remove,
            commands::recon::recon_evaluate,
            commands::recon::recon_summary,
            commands::settings::settings,
            commands::settings::settings_save,
            commands::db::db,
            commands::db::db_auto_backup_save,
            commands::db::db_backup_now,
            commands::connections::connections,
            commands::connections::connection_add,
            commands::connections::connection_renew,
            commands::connections::connection_remove,
            commands::connections::sync,
            commands::erp::erp_connections,
            commands::erp::erp_show,
            commands::erp::erp_add,
            commands::erp::erp_remove,
            commands::erp::erp_sync,
            commands::payments::payments_send,
            commands::reference::reveal,
            commands::audit::audit_log,
            commands::audit::audit_export,
            commands::users::whoami,
            commands::users::login,
            commands::users::users,
            commands::users::user_add,
            commands::users::user_change,
        ])
}

/// Builds the app with the window of `tauri.conf.json` and runs it until its last window
/// closes; the ledger is closed cleanly on the way out.
pub fn run_app(builder: tauri::Builder<tauri::Wry>, service: Service) -> tauri::Result<()> {
    // The watched inbox, the connections' scheduled syncs and the audit log's anchor run
    // beside the window for as long as the app does, the inbox following its setting.
    let watcher_service = service.clone();
    tauri::async_runtime::spawn(async move {
        tokio::join!(
            cashline_service::inbox::watch_setting(
                &watcher_service,
                |_| (),
                std::future::pending()
            ),
            cashline_service::connections::run_schedule(&watcher_service, std::future::pending()),
            cashline_service::anchor::keep(&watcher_service, std::future::pending()),
        );
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

    use tauri::ipc::InvokeBody;

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
        // A plain ledger opens without a key: these tests need no keychain.
        tauri::async_runtime::block_on(async {
            cashline_ledger::Ledger::open(&dir.join("ledger.sqlite"))
                .await
                .expect("make the ledger")
                .close()
                .await;
        });
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
            serde_json::json!({ "request": { "as_of": "2026-11-20" } }).into(),
            &[],
        )
        .expect("positions");
        let account = &positions["accounts"][0];
        assert_eq!(account["account"], "DE89370400440532013000");
        assert_eq!(account["booked"], "12345.67");

        let entries = invoke(
            &webview,
            "entries",
            serde_json::json!({ "request": {
                "account": "DE89 3704 0044 0532 0130 00",
                "from": "2026-11-01",
                "to": null,
            }})
            .into(),
            &[],
        )
        .expect("entries");
        assert_eq!(entries["entries"].as_array().unwrap().len(), 3, "{entries}");

        let svg = invoke(
            &webview,
            "chart",
            serde_json::json!({ "request": { "chart": "balances" } }).into(),
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
            serde_json::json!({ "request": { "as_of": "20.11.2026" } }).into(),
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
            serde_json::json!({ "request": { "from": "2026-11-20", "to": "2026-11-01" } }).into(),
            &[],
        )
        .unwrap_err();
        assert_eq!(error["code"], "bad_request", "{error}");
    }

    #[test]
    fn file_names_are_percent_decoded() {
        let decode = |bytes: &[u8]| decode_header(FILE_NAME_HEADER, bytes);
        assert_eq!(
            decode(b"Konto%C3%BCbersicht%20Nov.xml").unwrap(),
            "Kontoübersicht Nov.xml"
        );
        assert_eq!(decode(b"plain.xml").unwrap(), "plain.xml");
        assert!(decode(b"%FF%FE").is_err());
        assert!(decode(b"").is_err());
    }

    #[test]
    fn an_uploaded_path_keeps_only_its_base_name_as_over_http() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, webview) = app(dir.path());
        let report = invoke(
            &webview,
            "import_file",
            InvokeBody::Raw(CAMT053.as_bytes().to_vec()),
            &[(FILE_NAME_HEADER, "C%3A%5CUsers%5Cana%5Cstatement.xml")],
        )
        .expect("import");
        assert_eq!(report["files"][0]["file"], "statement.xml", "{report}");
    }

    #[test]
    fn an_empty_account_filter_is_no_filter_as_over_http() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, webview) = app(dir.path());
        invoke(
            &webview,
            "import_file",
            InvokeBody::Raw(CAMT053.as_bytes().to_vec()),
            &[(FILE_NAME_HEADER, "a.xml")],
        )
        .expect("import");
        let entries = invoke(
            &webview,
            "entries",
            serde_json::json!({ "request": { "account": "" } }).into(),
            &[],
        )
        .expect("entries");
        assert_eq!(entries["entries"].as_array().unwrap().len(), 3, "{entries}");
    }

    #[test]
    fn payments_can_be_approved_from_the_window() {
        let dir = tempfile::tempdir().unwrap();
        let (_app, webview) = app(dir.path());
        let error = invoke(
            &webview,
            "payments_approve",
            serde_json::json!({ "request": { "ids": ["no-such-payment"] } }).into(),
            &[],
        )
        .unwrap_err();
        assert!(error["code"].is_string(), "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .contains("no-such-payment"),
            "{error}"
        );
    }
}
