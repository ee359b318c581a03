//! Tryton's JSON-RPC: `POST /<database>/rpc/` with `{"method", "params", "id"}`. A login
//! (`common.db.login`) gives a user id and a session, sent after as `Authorization: Session
//! base64(login:user_id:session)`; a session that ended answers 401 and is replaced by a new
//! login, once. Errors come back with HTTP 200 and an `error` member; decimals, dates and
//! instants travel as objects with a `__class__` (see `value`).

use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use serde_json::{json, Value};
use tracing::debug;

use cashline_engine::erp::ErpPortError;

/// How long one call may take: a page of a few hundred move lines is read in well under a
/// second; a server that takes this long is not answering.
const CALL_TIMEOUT: Duration = Duration::from_secs(60);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Longest answer read: a page of records is a few hundred kilobytes.
const ANSWER_BYTES_MAX: usize = 64 * 1024 * 1024;

/// Where and as whom: the server's base URL, its database, a user and password.
#[derive(Clone)]
pub struct Login {
    pub url: String,
    pub database: String,
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("url", &self.url)
            .field("database", &self.database)
            .field("user", &self.user)
            .field("password", &"(held)")
            .finish()
    }
}

struct Session {
    authorization: String,
    /// The user's preferences (company, language): the context of every call.
    context: Value,
}

pub struct Rpc {
    http: reqwest::Client,
    endpoint: String,
    login: Login,
    session: Mutex<Option<std::sync::Arc<Session>>>,
}

impl Rpc {
    pub fn new(login: Login) -> Result<Rpc, ErpPortError> {
        let http = reqwest::Client::builder()
            .timeout(CALL_TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .build()
            .map_err(|e| ErpPortError::Unreachable(format!("the HTTP client: {e}")))?;
        let endpoint = format!(
            "{}/{}/rpc/",
            login.url.trim_end_matches('/'),
            login.database
        );
        Ok(Rpc {
            http,
            endpoint,
            login,
            session: Mutex::new(None),
        })
    }

    pub fn database(&self) -> &str {
        &self.login.database
    }

    /// Calls `method` with `params`, the user's context appended as Tryton expects of every
    /// model method. Logs in first, and again once when the session has ended.
    pub async fn call(&self, method: &str, params: Vec<Value>) -> Result<Value, ErpPortError> {
        self.call_with_context(method, params, &Value::Null).await
    }

    /// As `call`, with `extra` keys added to the user's context (a wizard's active records).
    pub async fn call_with_context(
        &self,
        method: &str,
        params: Vec<Value>,
        extra: &Value,
    ) -> Result<Value, ErpPortError> {
        let mut renewed = false;
        loop {
            let session = self.session().await?;
            let mut with_context = params.clone();
            let mut context = session.context.clone();
            if let (Some(context), Some(extra)) = (context.as_object_mut(), extra.as_object()) {
                context.extend(extra.clone());
            }
            with_context.push(context);
            match self
                .post(method, &with_context, Some(&session.authorization))
                .await
            {
                Err(Call::SessionEnded) if !renewed => {
                    debug!(method, "the Tryton session ended: logging in again");
                    *self.session.lock().expect("session") = None;
                    renewed = true;
                }
                Err(Call::SessionEnded) => {
                    return Err(ErpPortError::Login(
                        "a new session was refused too; the user may have been disabled".into(),
                    ))
                }
                Err(Call::Failed(error)) => return Err(error),
                Ok(value) => return Ok(value),
            }
        }
    }

    async fn session(&self) -> Result<std::sync::Arc<Session>, ErpPortError> {
        if let Some(session) = self.session.lock().expect("session").clone() {
            return Ok(session);
        }
        let answer = self
            .post(
                "common.db.login",
                &[
                    json!(self.login.user),
                    json!({ "password": self.login.password }),
                    json!("en"),
                ],
                None,
            )
            .await
            .map_err(|e| match e {
                Call::SessionEnded => ErpPortError::Login(format!(
                    "user '{}' and the password given are not a login of database '{}'",
                    self.login.user, self.login.database
                )),
                Call::Failed(error) => error,
            })?;
        let (user_id, key) = match answer.as_array().map(Vec::as_slice) {
            Some([user_id, key, ..]) => (user_id.as_i64(), key.as_str()),
            _ => (None, None),
        };
        let (Some(user_id), Some(key)) = (user_id, key) else {
            return Err(ErpPortError::Login(format!(
                "the login of user '{}' was answered with no session",
                self.login.user
            )));
        };
        let token = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{user_id}:{key}", self.login.user));
        let authorization = format!("Session {token}");
        let context = self
            .post(
                "model.res.user.get_preferences",
                &[json!(true), json!({})],
                Some(&authorization),
            )
            .await
            .map_err(|e| match e {
                Call::SessionEnded => ErpPortError::Login("the new session was refused".into()),
                Call::Failed(error) => error,
            })?;
        let session = std::sync::Arc::new(Session {
            authorization,
            context,
        });
        *self.session.lock().expect("session") = Some(session.clone());
        Ok(session)
    }

    async fn post(
        &self,
        method: &str,
        params: &[Value],
        authorization: Option<&str>,
    ) -> Result<Value, Call> {
        let body = json!({ "method": method, "params": params, "id": 1 });
        let mut request = self.http.post(&self.endpoint).json(&body);
        if let Some(authorization) = authorization {
            request = request.header(reqwest::header::AUTHORIZATION, authorization);
        }
        let unreachable = |e: reqwest::Error| {
            Call::Failed(ErpPortError::Unreachable(format!(
                "{}: {}",
                self.login.url,
                error_words(&e)
            )))
        };
        let response = request.send().await.map_err(unreachable)?;
        let status = response.status();
        if status == reqwest::StatusCode::UNAUTHORIZED || status == reqwest::StatusCode::FORBIDDEN {
            return Err(Call::SessionEnded);
        }
        if status == reqwest::StatusCode::NOT_FOUND {
            return Err(Call::Failed(ErpPortError::Answer(format!(
                "there is no database '{}' at {}",
                self.login.database, self.login.url
            ))));
        }
        if !status.is_success() {
            return Err(Call::Failed(ErpPortError::Answer(format!(
                "HTTP {status} to {method}"
            ))));
        }
        if response
            .content_length()
            .is_some_and(|n| n > ANSWER_BYTES_MAX as u64)
        {
            return Err(Call::Failed(ErpPortError::Data(format!(
                "the answer to {method} is larger than {ANSWER_BYTES_MAX} bytes"
            ))));
        }
        let bytes = response.bytes().await.map_err(unreachable)?;
        if bytes.len() > ANSWER_BYTES_MAX {
            return Err(Call::Failed(ErpPortError::Data(format!(
                "the answer to {method} is larger than {ANSWER_BYTES_MAX} bytes"
            ))));
        }
        let mut answer: Value = serde_json::from_slice(&bytes).map_err(|e| {
            Call::Failed(ErpPortError::Data(format!(
                "the answer to {method} is not JSON: {e}"
            )))
        })?;
        if let Some(error) = answer.get("error").filter(|e| !e.is_null()) {
            return Err(Call::Failed(ErpPortError::Answer(error_sentence(error))));
        }
        Ok(answer
            .get_mut("result")
            .map(Value::take)
            .unwrap_or(Value::Null))
    }
}

enum Call {
    /// 401 or 403: the session (or the login) is not accepted.
    SessionEnded,
    Failed(ErpPortError),
}

/// What went wrong on the way, in words: no answer in time, why the connection failed, or
/// reqwest's error with its causes where it is something else.
fn error_words(error: &reqwest::Error) -> String {
    if error.is_timeout() {
        return "no answer in time".to_string();
    }
    if error.is_connect() {
        // The innermost cause says it: refused, no such host, a certificate not trusted.
        let mut innermost: &dyn std::error::Error = error;
        while let Some(cause) = innermost.source() {
            innermost = cause;
        }
        return format!("could not connect: {innermost}");
    }
    let mut words = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let text = cause.to_string();
        if !words.contains(&text) {
            words.push_str(": ");
            words.push_str(&text);
        }
        source = cause.source();
    }
    words
}

/// Tryton's error member as a sentence: `["UserError", ["message", "description", …]]`, or
/// `["<exception>", "text"]` for an error of the server's own.
pub fn error_sentence(error: &Value) -> String {
    let parts: Vec<&Value> = match error {
        Value::Array(parts) => parts.iter().collect(),
        other => vec![other],
    };
    let name = parts.first().and_then(|v| v.as_str()).unwrap_or("error");
    let mut words: Vec<String> = Vec::new();
    for part in parts.iter().skip(1) {
        match part {
            Value::String(text) if !text.trim().is_empty() => words.push(text.trim().to_string()),
            Value::Array(items) => words.extend(
                items
                    .iter()
                    .filter_map(|i| i.as_str())
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            ),
            _ => {}
        }
    }
    let words = words.join(" ");
    match name {
        "UserError"
        | "UserWarning"
        | "AccessError"
        | "ValidationError"
        | "RequiredValidationError"
        | "DomainValidationError"
        | "SelectionValidationError" => words,
        _ if words.is_empty() => format!("an error of the server's ({name})"),
        _ => format!("{words} ({name})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_error_is_its_message_and_description() {
        let error = json!([
            "UserError",
            ["You cannot post.", "The period is closed.", null]
        ]);
        assert_eq!(
            error_sentence(&error),
            "You cannot post. The period is closed."
        );
    }

    #[test]
    fn a_server_error_names_itself() {
        assert_eq!(
            error_sentence(&json!(["KeyError", "'res.user'"])),
            "'res.user' (KeyError)"
        );
        assert_eq!(
            error_sentence(&json!(["KeyError", ""])),
            "an error of the server's (KeyError)"
        );
    }

    #[test]
    fn the_password_is_never_in_the_debug_form() {
        let login = Login {
            url: "http://127.0.0.1:8000".into(),
            database: "acme".into(),
            user: "admin".into(),
            password: "s3cret-pass".into(),
        };
        assert!(!format!("{login:?}").contains("s3cret"));
    }
}
