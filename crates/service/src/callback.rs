//! The consent's way back: the bank sends the person's browser to a loopback address of ours
//! once they approved (the redirect SCA approach). One listener per consent, on 127.0.0.1 and a
//! port of the system's choosing; it answers the browser with a plain page and hands over the
//! consent id.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Longest request line read from a browser: a redirect is one short GET.
const REQUEST_BYTES_MAX: usize = 8 * 1024;

pub struct ConsentCallback {
    listener: TcpListener,
    url: String,
}

/// What the browser came back with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Returned {
    pub consent_id: Option<String>,
    /// The bank's `result`, where it gives one (`ok`, or why not).
    pub result: Option<String>,
    /// An OAuth2 authorisation server's answer: the code and our `state`, or its `error`.
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
}

impl ConsentCallback {
    pub async fn listen() -> std::io::Result<ConsentCallback> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let url = format!("http://{}/consent", listener.local_addr()?);
        Ok(ConsentCallback { listener, url })
    }

    /// Where the bank sends the browser back.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Waits for the browser up to `timeout`; `None` if it never came.
    pub async fn wait(&self, timeout: Duration) -> Option<Returned> {
        tokio::time::timeout(timeout, async {
            loop {
                let Ok((mut stream, _)) = self.listener.accept().await else {
                    continue;
                };
                // The whole head, however the browser split it: closing on unread bytes would
                // reset the connection before the browser saw the answer.
                let Ok(Some(head)) =
                    tokio::time::timeout(Duration::from_secs(5), read_head(&mut stream)).await
                else {
                    continue;
                };
                let request = String::from_utf8_lossy(&head);
                let Some(returned) = parse_request_line(&request) else {
                    let _ = stream
                        .write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                        .await;
                    continue;
                };
                let page = "<!doctype html><title>Cashline</title><p>The bank has sent you back to Cashline. You may close this window.</p>";
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                return returned;
            }
        })
        .await
        .ok()
    }
}

/// Reads a request's head, up to its blank line; `None` if it is larger than
/// `REQUEST_BYTES_MAX` or the connection ends first.
async fn read_head(stream: &mut tokio::net::TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 || head.len() + read > REQUEST_BYTES_MAX {
            return None;
        }
        head.extend_from_slice(&chunk[..read]);
    }
    Some(head)
}

/// `GET /consent?consentId=…&result=ok HTTP/1.1` → what it says.
fn parse_request_line(request: &str) -> Option<Returned> {
    let line = request.lines().next()?;
    let mut parts = line.split(' ');
    let (method, target) = (parts.next()?, parts.next()?);
    if method != "GET" {
        return None;
    }
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/consent" {
        return None;
    }
    let mut returned = Returned {
        consent_id: None,
        result: None,
        code: None,
        state: None,
        error: None,
    };
    let base = reqwest::Url::parse("http://127.0.0.1/").expect("a URL");
    let url = base.join(&format!("/consent?{query}")).ok()?;
    // Kept exactly as sent: a `state` or a code is compared and handed back to the bank, and
    // masking what looks like an IBAN in it (a random hex state can hold one) would break the
    // authorisation. What is shown or logged of them passes through `shown` there.
    for (key, value) in url.query_pairs() {
        let value = value.into_owned();
        match key.as_ref() {
            "consentId" => returned.consent_id = Some(value),
            "result" => returned.result = Some(value),
            "code" => returned.code = Some(value),
            "state" => returned.state = Some(value),
            "error" => returned.error = Some(value),
            _ => {}
        }
    }
    Some(returned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_browser_brings_the_consent_id_back() {
        assert_eq!(
            parse_request_line("GET /consent?consentId=c-1&result=ok HTTP/1.1\r\nHost: x\r\n"),
            Some(Returned {
                consent_id: Some("c-1".into()),
                result: Some("ok".into()),
                code: None,
                state: None,
                error: None,
            })
        );
        let oauth = parse_request_line("GET /consent?code=code-7&state=ab%20c HTTP/1.1").unwrap();
        assert_eq!(
            (oauth.code.as_deref(), oauth.state.as_deref()),
            (Some("code-7"), Some("ab c"))
        );
        // A random hex state may hold a valid IBAN (BE71 0961 2345 6769): it comes back whole.
        let state = "00be71096123456769ffa1b2c3d4e5f6";
        let oauth =
            parse_request_line(&format!("GET /consent?code=c&state={state} HTTP/1.1")).unwrap();
        assert_eq!(oauth.state.as_deref(), Some(state));
        assert_eq!(parse_request_line("GET /favicon.ico HTTP/1.1"), None);
        assert_eq!(parse_request_line("POST /consent HTTP/1.1"), None);
    }
}
