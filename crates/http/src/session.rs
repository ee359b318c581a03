//! Sessions of the local API: a person who opened the page with the server's token logs in
//! as one of the ledger's users and gets a token of their own, so each request carries who
//! is acting. Kept in memory: a restarted server starts without sessions, and the page logs
//! in again.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use rand::distr::{Alphanumeric, SampleString};

/// At most this many sessions at once; the oldest goes first. A page that logs in again and
/// again cannot grow the server without bound.
const SESSIONS_MAX: usize = 256;

#[derive(Clone, Default)]
pub(crate) struct Sessions {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    by_token: HashMap<String, (u64, String)>,
    next: u64,
}

impl Sessions {
    pub(crate) fn start(&self, user: &str) -> String {
        let token = Alphanumeric.sample_string(&mut rand::rng(), crate::TOKEN_CHARS);
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        if inner.by_token.len() >= SESSIONS_MAX {
            let oldest = inner
                .by_token
                .iter()
                .min_by_key(|(_, (n, _))| *n)
                .map(|(t, _)| t.clone());
            if let Some(oldest) = oldest {
                inner.by_token.remove(&oldest);
            }
        }
        let n = inner.next;
        inner.next += 1;
        inner.by_token.insert(token.clone(), (n, user.to_string()));
        token
    }

    /// The user of a session token, compared in constant time like the server's own.
    pub(crate) fn user_of(&self, token: &str) -> Option<String> {
        let inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .by_token
            .iter()
            .find(|(t, _)| crate::token_matches(token, t))
            .map(|(_, (_, user))| user.clone())
    }

    pub(crate) fn end(&self, token: &str) {
        let mut inner = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        inner
            .by_token
            .retain(|t, _| !crate::token_matches(token, t));
    }
}
