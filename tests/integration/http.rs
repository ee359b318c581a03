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

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(workspace: &Workspace) -> Server {
    start_with(workspace, &[], Stdio::inherit())
}

/// Starts `serve` with more environment and its stderr sent where the caller wants it.
pub fn start_with(workspace: &Workspace, env: &[(&str, &str)], stderr: Stdio) -> Server {
    let ui = workspace.dir.path().join("ui");
    std::fs::create_dir_all(&ui).unwrap();
    std::fs::write(
        ui.join("index.html"),
        "<!doctype html><title>Cashline</title>",
    )
    .unwrap();
    let mut child = workspace
        .command()
        .envs(env.iter().copied())
        .args(["serve", "--port", "0", "--ui"])
        .arg(&ui)
        .stdout(Stdio::piped())
        .stderr(stderr)
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let line = lines.next().expect("serve prints its URL").unwrap();
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
