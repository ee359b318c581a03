//! Request decoding, on arbitrary bytes: every request type (`crates/request`, which every front
//! names `cashline_service::request`) read as the HTTP layer reads it, as a JSON body (axum's
//! `Json`, serde_json through serde_path_to_error) and as a query string (axum's `Query`,
//! serde_urlencoded), and the refusal each extractor then answers with. Never a panic; a value
//! or a refusal.
#![no_main]

use axum::extract::Query;
use axum::http::Uri;
use axum::Json;
use libfuzzer_sys::fuzz_target;
use serde::de::DeserializeOwned;

use cashline_request as request;

/// What `crates/http/src/extract.rs` does with the bytes, both ways: `Body<T>` and `Params<T>`.
fn decode<T: DeserializeOwned>(data: &[u8]) {
    if let Err(rejection) = Json::<T>::from_bytes(data) {
        let _ = (rejection.status(), rejection.body_text());
    }
    // The query string as axum's `Query` reads it off the URI, where the bytes make one…
    if let Ok(query) = std::str::from_utf8(data) {
        if let Ok(uri) = format!("/api/route?{query}").parse::<Uri>() {
            if let Err(rejection) = Query::<T>::try_from_uri(&uri) {
                let _ = (rejection.status(), rejection.body_text());
            }
        }
    }
    // …and as serde_urlencoded reads any bytes, for the inputs no URI can carry.
    let _ = serde_urlencoded::from_bytes::<T>(data);
}

macro_rules! decode_as_every {
    ($data:expr, $($request:ident),* $(,)?) => {
        $( decode::<request::$request>($data); )*
    };
}

fuzz_target!(|data: &[u8]| {
    decode_as_every!(
        data,
        PositionsRequest,
        ForecastRequest,
        HistoryRequest,
        IntradayRequest,
        EntriesQuery,
        FilterQuery,
        OpenItemsQuery,
        ChartRequest,
        CalendarRequest,
        EntitySave,
        AccountUpdate,
        RatesQuery,
        RateInput,
        PaymentsApprove,
        PaymentsQuery,
        CutoffSet,
        PaymentsExport,
        ExportId,
        PaymentId,
        ApprovalLimitSet,
        PaymentCancel,
        SettingsUpdate,
        AutoBackupUpdate,
        ImportOptions,
        ReconRun,
        MatchesQuery,
        MatchId,
        ManualMatch,
        RuleChange,
        RuleAdd,
        LearntId,
        ReconEvaluate,
        ExceptionsQuery,
        ExceptionId,
        ExceptionsAssign,
        ExceptionComment,
        ExceptionsResolve,
        ConnectionAdd,
        ConnectionName,
        SyncRequest,
        PaymentsSend,
        ErpAdd,
        ErpName,
        ErpSyncRequest,
    );
});
