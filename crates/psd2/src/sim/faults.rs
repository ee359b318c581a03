//! Faults the simulator injects on request, from a SPEC such as
//! `timeout:accounts*1,500:balances*2,malformed:transactions,consent-expired,lost-response:payments`.
//!
//! Grammar: faults separated by commas; each is `KIND[:ENDPOINT][*COUNT]`.
//! - KIND: `timeout` (the answer comes after the client has given up), `500` (an internal
//!   error), `malformed` (a body that is not the contract), `rate-limit` (429 with
//!   `Retry-After: 1`), `consent-expired`, `consent-revoked`, `changed-ids` (every account gets a
//!   new resource id, as after a reconnect; the old ids are unknown from then on), and
//!   `lost-response` (the bank does the work, a payment is created, but its answer never
//!   arrives).
//! - ENDPOINT: `consents`, `accounts`, `balances`, `transactions`, `payments`, `status`; without
//!   it, any endpoint.
//! - COUNT: how many calls it hits; without it, every call until the faults are replaced.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    Timeout,
    ServerError,
    Malformed,
    RateLimit,
    ConsentExpired,
    ConsentRevoked,
    ChangedIds,
    LostResponse,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Endpoint {
    Consents,
    Accounts,
    Balances,
    Transactions,
    Payments,
    Status,
}

impl Endpoint {
    fn parse(text: &str) -> Option<Endpoint> {
        Some(match text {
            "consents" => Endpoint::Consents,
            "accounts" => Endpoint::Accounts,
            "balances" => Endpoint::Balances,
            "transactions" => Endpoint::Transactions,
            "payments" => Endpoint::Payments,
            "status" => Endpoint::Status,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub endpoint: Option<Endpoint>,
    /// Calls left; `None`: every call.
    pub remaining: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError(pub String);

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for SpecError {}

/// The faults in force, in the order given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Faults {
    faults: Vec<Fault>,
}

impl Faults {
    pub fn parse(spec: &str) -> Result<Faults, SpecError> {
        let mut faults = Vec::new();
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (body, remaining) = match part.split_once('*') {
                Some((body, count)) => {
                    let count: u32 = count.parse().map_err(|_| {
                        SpecError(format!("fault '{part}': '{count}' is not a count"))
                    })?;
                    (body, Some(count))
                }
                None => (part, None),
            };
            let (kind, endpoint) = match body.split_once(':') {
                Some((kind, endpoint)) => (
                    kind,
                    Some(Endpoint::parse(endpoint).ok_or_else(|| {
                        SpecError(format!(
                            "fault '{part}': '{endpoint}' is not an endpoint (consents, accounts, balances, transactions, payments, status)"
                        ))
                    })?),
                ),
                None => (body, None),
            };
            let kind = match kind {
                "timeout" => FaultKind::Timeout,
                "500" => FaultKind::ServerError,
                "malformed" => FaultKind::Malformed,
                "rate-limit" => FaultKind::RateLimit,
                "consent-expired" => FaultKind::ConsentExpired,
                "consent-revoked" => FaultKind::ConsentRevoked,
                "changed-ids" => FaultKind::ChangedIds,
                "lost-response" => FaultKind::LostResponse,
                other => {
                    return Err(SpecError(format!(
                        "fault '{part}': '{other}' is not a fault (timeout, 500, malformed, rate-limit, consent-expired, consent-revoked, changed-ids, lost-response)"
                    )))
                }
            };
            faults.push(Fault {
                kind,
                endpoint,
                remaining,
            });
        }
        Ok(Faults { faults })
    }

    /// The fault that hits this call, if any, counted down.
    pub fn take(&mut self, endpoint: Endpoint) -> Option<FaultKind> {
        let fault = self
            .faults
            .iter_mut()
            .find(|f| f.endpoint.is_none_or(|e| e == endpoint) && f.remaining != Some(0))?;
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
        }
        Some(fault.kind)
    }

    pub fn is_empty(&self) -> bool {
        self.faults.iter().all(|f| f.remaining == Some(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_names_kind_endpoint_and_count() {
        let mut faults =
            Faults::parse("timeout:accounts*1, 500:balances*2,consent-expired").unwrap();
        assert_eq!(faults.take(Endpoint::Accounts), Some(FaultKind::Timeout));
        assert_eq!(
            faults.take(Endpoint::Accounts),
            Some(FaultKind::ConsentExpired)
        );
        assert_eq!(
            faults.take(Endpoint::Balances),
            Some(FaultKind::ServerError)
        );
        assert_eq!(
            faults.take(Endpoint::Balances),
            Some(FaultKind::ServerError)
        );
        assert_eq!(
            faults.take(Endpoint::Balances),
            Some(FaultKind::ConsentExpired)
        );
        assert!(!faults.is_empty());
    }

    #[test]
    fn a_bad_spec_says_which_part() {
        assert_eq!(
            Faults::parse("timeout:nowhere").unwrap_err().0,
            "fault 'timeout:nowhere': 'nowhere' is not an endpoint (consents, accounts, balances, transactions, payments, status)"
        );
        assert!(Faults::parse("melt").is_err());
        assert!(Faults::parse("500*x").is_err());
        assert!(Faults::parse("").unwrap().is_empty());
    }
}
