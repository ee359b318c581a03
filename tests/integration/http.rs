//! The local HTTP API behind `cashline serve`: loopback only, token required, same commands.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};

use crate::support::{fixture, Workspace};

pub struct Server {
    child: Child,
    /// Kept open: the server may still write to it.
    _stdout: std::io::Lines<BufReader<std::process::ChildStdout>>,
    port: u16,
    pub token: String,
}

impl Server {
    pub fn port(&self) -> u16 {
        self.port
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn start(workspace: &Workspace) -> Server {
    start_with(workspace, &[], Stdio::inherit())
}

/// Starts `serve` with more environment and its stderr sent where the caller wants it.
pub fn start_with(workspace: &Workspace, env: &[(&str, &str)], stderr: Stdio) -> Server {
    start_serving(workspace, &[], env, stderr)
}

/// Starts `serve` with more arguments (`--demo`) and environment; returns once it serves.
pub fn start_serving(
    workspace: &Workspace,
    args: &[&str],
    env: &[(&str, &str)],
    stderr: Stdio,
) -> Server {
    let ui = workspace.stand_in_ui();
    let mut child = workspace
        .command()
        .envs(env.iter().copied())
        .args(["serve", "--port", "0", "--ui"])
        .arg(&ui)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    // The demo says what it loaded before the server says where it listens.
    let line = lines
        .by_ref()
        .map(|line| line.unwrap())
        .find(|line| line.contains("http://127.0.0.1:"))
        .expect("serve prints its URL");
    let url = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a URL")
        .to_string();
    let rest = url
        .strip_prefix("http://127.0.0.1:")
        .expect("bound to 127.0.0.1");
    let (port, token) = rest.split_once("/?token=").unwrap();
    Server {
        child,
        _stdout: lines,
        port: port.parse().unwrap(),
        token: token.to_string(),
    }
}

/// One request on its own connection; the status and the body (de-chunked).
pub fn request(
    server: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let auth = token
        .map(|t| format!("Authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{auth}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

/// The body of a chunked response: each chunk is its size in hex, CRLF, the bytes, CRLF.
fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap().trim(), 16)
            .expect("a chunk size");
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..]
            .strip_prefix("\r\n")
            .expect("CRLF after a chunk");
    }
    body
}

#[test]
fn api_refuses_requests_without_the_token() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    assert_eq!(request(&server, "GET", "/api/positions", None, b"").0, 401);
    assert_eq!(
        request(&server, "GET", "/api/positions", Some("wrong"), b"").0,
        401
    );
    let (status, body) = request(
        &server,
        "GET",
        "/api/positions",
        Some(&server.token.clone()),
        b"",
    );
    assert_eq!(status, 200, "{body}");
    // The UI itself carries no data and loads without the token.
    assert_eq!(request(&server, "GET", "/", None, b"").0, 200);
}

#[test]
fn import_and_positions_over_http_match_the_cli() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    let token = server.token.clone();
    let bytes = std::fs::read(fixture("camt053/demo-single.xml")).unwrap();
    let (status, body) = request(
        &server,
        "POST",
        "/api/import?file=demo-single.xml",
        Some(&token),
        &bytes,
    );
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("\"status\":\"imported\""), "{body}");
    let (_, positions) = request(&server, "GET", "/api/positions", Some(&token), b"");
    assert!(positions.contains("\"booked\":\"12345.67\""), "{positions}");
    let (status, body) = request(
        &server,
        "GET",
        "/api/positions?as_of=not-a-date",
        Some(&token),
        b"",
    );
    assert_eq!(status, 400);
    assert!(body.contains("bad_request"), "{body}");
    let (status, svg) = request(
        &server,
        "GET",
        "/api/charts/balances.svg",
        Some(&token),
        b"",
    );
    assert_eq!(status, 200);
    assert!(svg.contains("<svg"), "{svg}");
}

/// A request with every header given, answered as (status, head, body).
fn exchange(server: &Server, head: &str, body: &[u8]) -> (u16, String, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).unwrap();
    let response = String::from_utf8_lossy(&response).into_owned();
    let status = response[9..12].parse().unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((&response, ""));
    (status, head.to_string(), body.to_string())
}

pub fn json_request(server: &Server, method: &str, path: &str, body: &str) -> (u16, String) {
    json_request_as(server, &server.token, method, path, body)
}

/// A JSON request under another token than the server's own (a session's).
pub fn json_request_as(
    server: &Server,
    token: &str,
    method: &str,
    path: &str,
    body: &str,
) -> (u16, String) {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n",
        port = server.port,
        length = body.len()
    );
    let (status, _, body) = exchange(server, &head, body.as_bytes());
    (status, body)
}

/// The peak resident memory of a process, in KiB, from /proc.
fn peak_memory_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/PID/status")
}

#[test]
fn every_route_answers_a_callers_mistake_with_a_4xx_code_and_message() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    let cases: &[(&str, &str, &str, u16)] = &[
        ("GET", "/api/positions?as_of=2026-13-45", "", 400),
        ("GET", "/api/positions?as_of=2999-01-01", "", 400),
        ("GET", "/api/forecast?days=100000", "", 400),
        ("GET", "/api/forecast?days=ten", "", 400),
        ("GET", "/api/history?from=2026-11-20&to=2026-11-01", "", 400),
        ("GET", "/api/history?from=1900-01-01&to=2026-11-01", "", 400),
        ("GET", "/api/history?from=yesterday", "", 400),
        ("GET", "/api/intraday?date=today", "", 400),
        ("GET", "/api/entries?from=2026-11-20&to=2026-11-01", "", 400),
        ("GET", "/api/entries?limit=-1", "", 400),
        ("GET", "/api/charts/forecast.gif", "", 400),
        ("GET", "/api/charts/forecast", "", 400),
        ("GET", "/api/charts/pie.svg", "", 400),
        ("GET", "/api/charts/forecast.svg?days=0", "", 400),
        ("POST", "/api/import", "x", 400),
        ("POST", "/api/csv-mappings", "{\"name\":\"x\"}", 400),
        ("POST", "/api/csv-mappings", "not json", 400),
        ("DELETE", "/api/csv-mappings/no-such-mapping", "", 400),
        ("GET", "/api/calendar?currency=XXX", "", 400),
        (
            "GET",
            "/api/calendar?from=2026-01-01&to=2030-01-01",
            "",
            400,
        ),
        (
            "POST",
            "/api/entities",
            "{\"code\":\"\",\"name\":\"\"}",
            400,
        ),
        ("POST", "/api/entities", "{\"name\":\"no code\"}", 400),
        ("PUT", "/api/accounts/DE00NOSUCHACCOUNT", "{}", 404),
        ("GET", "/api/fx-rates?date=soon", "", 400),
        (
            "POST",
            "/api/fx-rates",
            "{\"base\":\"EUR\",\"quote\":\"USD\",\"date\":\"bad\",\"rate\":\"1\"}",
            400,
        ),
        (
            "POST",
            "/api/fx-rates",
            "{\"base\":\"EUR\",\"quote\":\"USD\",\"date\":\"2026-11-20\",\"rate\":\"abc\"}",
            400,
        ),
        (
            "POST",
            "/api/payments/approve",
            "{\"ids\":[\"no-such\"]}",
            400,
        ),
        ("POST", "/api/payments/approve", "{\"ids\":\"one\"}", 400),
        (
            "POST",
            "/api/payments/export",
            "{\"format\":\"pain.001.001.99\"}",
            400,
        ),
        ("POST", "/api/payments/export", "{}", 400),
        ("GET", "/api/payments/exports/document?id=NO-SUCH", "", 404),
        ("GET", "/api/payments/exports/document", "", 400),
        (
            "PUT",
            "/api/settings",
            "{\"inbox_folder\":\"relative/folder\"}",
            400,
        ),
        ("POST", "/api/recon/run", "{\"dry_run\":\"yes\"}", 400),
        ("GET", "/api/recon/matches?state=maybe", "", 400),
        ("GET", "/api/recon/matches?limit=-3", "", 400),
        ("POST", "/api/recon/confirm", "{\"id\":\"abc\"}", 400),
        ("POST", "/api/recon/reject", "{\"id\":\"99999\"}", 400),
        ("POST", "/api/recon/undo", "{}", 400),
        (
            "POST",
            "/api/recon/match",
            "{\"entries\":[],\"items\":[\"X\"]}",
            400,
        ),
        (
            "POST",
            "/api/recon/match",
            "{\"entries\":[\"NO-SUCH\"],\"items\":[\"X\"],\"difference_kind\":\"tip\"}",
            400,
        ),
        ("POST", "/api/recon/rules", "{\"rule\":\"{}\"}", 400),
        ("POST", "/api/recon/rules/move", "{\"name\":\"batch\"}", 400),
        (
            "POST",
            "/api/recon/rules/enable",
            "{\"name\":\"no-such-rule\"}",
            404,
        ),
        ("POST", "/api/recon/aliases/remove", "{\"id\":\"7\"}", 404),
        ("POST", "/api/recon/evaluate", "{\"truth\":\"[1,2]\"}", 400),
        ("GET", "/api/exceptions?age=ancient", "", 400),
        ("GET", "/api/exceptions?kind=gremlins", "", 400),
        ("GET", "/api/exceptions/detail?id=-1", "", 400),
        ("GET", "/api/exceptions/detail?id=424242", "", 404),
        (
            "POST",
            "/api/exceptions/assign",
            "{\"ids\":[],\"owner\":\"anna\"}",
            400,
        ),
        (
            "POST",
            "/api/exceptions/comment",
            "{\"id\":\"1\",\"text\":\"   \"}",
            400,
        ),
        (
            "POST",
            "/api/exceptions/resolve",
            "{\"ids\":[\"1\"],\"state\":\"vanished\"}",
            400,
        ),
        ("GET", "/api/no-such-route", "", 404),
        ("GET", "/api/", "", 404),
        ("GET", "/api", "", 404),
        ("DELETE", "/api/positions", "", 405),
    ];
    for (method, path, body, expected) in cases {
        let (status, answer) = json_request(&server, method, path, body);
        assert_eq!(status, *expected, "{method} {path}: {answer}");
        let answer: serde_json::Value = serde_json::from_str(&answer)
            .unwrap_or_else(|_| panic!("{method} {path} answered no JSON: {answer}"));
        assert!(
            answer["code"].as_str().is_some_and(|c| !c.is_empty())
                && answer["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{method} {path}: {answer}"
        );
    }
    // An unknown route is behind the token like every other.
    let (status, _) = request(&server, "GET", "/api/no-such-route", None, b"");
    assert_eq!(status, 401);
}

#[test]
fn a_request_from_another_sites_page_is_refused_by_its_origin_even_with_the_token() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    let port = server.port;
    for (origin, expected) in [
        ("https://evil.example".to_string(), 403),
        (format!("http://evil.example:{port}"), 403),
        (format!("http://127.0.0.1:{}", port.wrapping_add(1)), 403),
        ("null".to_string(), 403),
        (format!("https://127.0.0.1:{port}"), 403),
        (format!("http://127.0.0.1:{port}"), 200),
        (format!("http://localhost:{port}"), 200),
    ] {
        let head = format!(
            "GET /api/positions HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: {origin}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            server.token
        );
        let (status, _, body) = exchange(&server, &head, b"");
        assert_eq!(status, expected, "Origin: {origin}: {body}");
        if expected == 403 {
            assert!(body.contains("forbidden_origin"), "{body}");
        }
    }
    // A write from another site's page changes nothing either.
    let before = workspace.json(&["entities", "list", "--json"]);
    let body = br#"{"code":"EV","name":"Evil"}"#;
    let head = format!(
        "POST /api/entities HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nOrigin: https://evil.example\r\nAuthorization: Bearer {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.token,
        body.len()
    );
    let (status, _, _) = exchange(&server, &head, body);
    assert_eq!(status, 403);
    assert_eq!(workspace.json(&["entities", "list", "--json"]), before);
}

#[test]
fn a_request_under_another_host_name_is_refused_against_dns_rebinding() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    for (host, expected) in [
        (format!("evil.example:{}", server.port), 403),
        (format!("127.0.0.1.evil.example:{}", server.port), 403),
        (format!("localhost:{}", server.port.wrapping_add(1)), 403),
        (format!("localhost:{}", server.port), 200),
        (format!("127.0.0.1:{}", server.port), 200),
    ] {
        let head = format!(
            "GET /api/positions HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
            server.token
        );
        let (status, _, body) = exchange(&server, &head, b"");
        assert_eq!(status, expected, "Host: {host}: {body}");
        if expected == 403 {
            assert!(body.contains("forbidden_host"), "{body}");
        }
    }
}

#[test]
fn the_bearer_scheme_is_matched_case_insensitively() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let head = format!(
            "GET /api/positions HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: {scheme} {}\r\nConnection: close\r\n\r\n",
            server.port, server.token
        );
        let (status, _, body) = exchange(&server, &head, b"");
        assert_eq!(status, 200, "{scheme}: {body}");
    }
}

#[test]
fn a_connection_whose_headers_never_finish_is_closed() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream
        .write_all(b"GET /api/positions HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        .unwrap();
    // Bounded: the server's header timeout is 10 s; a server that never closes fails here.
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(40)))
        .unwrap();
    let mut rest = Vec::new();
    let outcome = stream.read_to_end(&mut rest);
    assert!(
        outcome.is_ok(),
        "the server kept a connection with unfinished headers open: {outcome:?}"
    );
}

#[test]
fn an_upload_larger_than_the_limit_is_refused_before_it_is_read() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    let head = format!(
        "POST /api/import?file=huge.xml HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        server.port,
        server.token,
        600u64 * 1024 * 1024
    );
    let (status, _, body) = exchange(&server, &head, b"");
    assert_eq!(status, 413, "{body}");
    assert!(body.contains("too_large"), "{body}");
}

#[test]
fn a_500_mb_upload_keeps_the_server_under_200_mb() {
    const UPLOAD_BYTES: usize = 500 * 1024 * 1024;
    const SERVER_KIB_MAX: u64 = 200 * 1024;
    let workspace = Workspace::new();
    let server = start(&workspace);
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    let head = format!(
        "POST /api/import?file=big.xml HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n\
         Content-Length: {UPLOAD_BYTES}\r\nConnection: close\r\n\r\n",
        server.port, server.token
    );
    stream.write_all(head.as_bytes()).unwrap();
    // Sent in pieces, so the test itself holds 1 MiB at a time, as a browser would.
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..UPLOAD_BYTES / chunk.len() {
        stream.write_all(&chunk).unwrap();
    }
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"status\":\"failed\""), "{response}");
    let peak_kib = peak_memory_kib(server.child.id());
    eprintln!(
        "serve peak memory after a 500 MiB upload: {} MiB",
        peak_kib / 1024
    );
    assert!(
        peak_kib < SERVER_KIB_MAX,
        "the server peaked at {} MiB for a 500 MiB upload",
        peak_kib / 1024
    );
}

#[test]
fn a_bank_file_is_written_beside_the_ledger_and_saved_again_byte_for_byte() {
    let workspace = Workspace::new();
    workspace.json(&[
        "import",
        fixture("camt053/demo-single.xml").to_str().unwrap(),
        "--json",
    ]);
    let run = workspace.write(
        "run.csv",
        b"id,end_to_end_id,debtor_iban,creditor_name,creditor_iban,creditor_bic,amount,currency,requested_date,reference\n\
          H1,E2E-H1,DE89370400440532013000,Fabrikam,NL91ABNA0417164300,,42.00,EUR,2026-11-24,INV-H1\n",
    );
    workspace.json(&["payments", "import", run.to_str().unwrap(), "--json"]);
    let approved = workspace
        .command_as("approver")
        .args(["payments", "approve", "H1"])
        .output()
        .unwrap();
    assert!(approved.status.success());
    let server = start(&workspace);
    let token = server.token.clone();
    let (status, body) = json_request(
        &server,
        "POST",
        "/api/payments/export",
        "{\"format\":\"pain.001.001.03\"}",
    );
    assert_eq!(status, 200, "{body}");
    let done: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(done["payments"], 1, "{done}");
    let file = std::path::PathBuf::from(done["file"].as_str().unwrap());
    assert_eq!(
        file.parent().unwrap(),
        workspace.dir.path().join("exports"),
        "beside the ledger"
    );
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains("<EndToEndId>E2E-H1</EndToEndId>"));
    // Nothing is left to send: a second export writes nothing.
    let (_, again) = json_request(
        &server,
        "POST",
        "/api/payments/export",
        "{\"format\":\"pain.001.001.09\"}",
    );
    assert!(again.contains("\"payments\":0"), "{again}");
    let (_, list) = request(&server, "GET", "/api/payments/exports", Some(&token), b"");
    let list: serde_json::Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list["exports"].as_array().unwrap().len(), 1, "{list}");
    let message = done["message_id"].as_str().unwrap();
    assert_eq!(list["exports"][0]["message_id"], message);
    let (status, document) = request(
        &server,
        "GET",
        &format!("/api/payments/exports/document?id={message}"),
        Some(&token),
        b"",
    );
    assert_eq!(status, 200, "{document}");
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(
        document["document"].as_str().unwrap(),
        written,
        "the same bytes"
    );
    assert_eq!(
        document["file_name"].as_str().unwrap(),
        file.file_name().unwrap().to_str().unwrap()
    );
}

#[test]
fn a_json_body_larger_than_the_command_limit_is_refused_and_changes_nothing() {
    const BODY_BYTES: usize = 2 * 1024 * 1024;
    let workspace = Workspace::new();
    let server = start(&workspace);
    let before = workspace.json(&["entities", "list", "--json"]);
    // A well-formed entity whose name alone is over the 1 MiB limit of a command.
    let name = "N".repeat(BODY_BYTES);
    let body = format!("{{\"code\":\"BIG\",\"name\":\"{name}\"}}");
    let head = format!(
        "POST /api/entities HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        server.port,
        server.token,
        body.len()
    );
    let mut stream = TcpStream::connect(("127.0.0.1", server.port)).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    // The server may answer and close before the whole body is sent: that is the refusal.
    let _ = stream.write_all(body.as_bytes());
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let response = String::from_utf8_lossy(&response);
    assert!(response.starts_with("HTTP/1.1 413"), "{response}");
    assert!(response.contains("too_large"), "{response}");
    assert_eq!(workspace.json(&["entities", "list", "--json"]), before);
}

#[test]
fn the_openapi_document_is_served_behind_the_token() {
    let workspace = Workspace::new();
    let server = start(&workspace);
    assert_eq!(
        request(&server, "GET", "/api/openapi.json", None, b"").0,
        401
    );
    let (status, body) = request(
        &server,
        "GET",
        "/api/openapi.json",
        Some(&server.token.clone()),
        b"",
    );
    assert_eq!(status, 200, "{body}");
    let document: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert!(document["paths"]["/api/positions"]["get"].is_object());
    assert_eq!(
        document["components"]["securitySchemes"]["token"]["scheme"],
        "bearer"
    );
}
