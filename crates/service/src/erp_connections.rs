//! ERP connections (Tryton): adding one (the login is tried before anything is stored, the
//! password goes to the keychain), their health for the screen, removal, and syncs, by hand
//! or on their cadence, each reading open items and approved payments and writing back what
//! the bank said.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tracing::{info, warn};

use cashline_domain::shown;
use cashline_domain::Right;
use cashline_engine::erp::{self, ErpSyncOptions, ErpSyncReport};
use cashline_ledger::connection::{self, ConnectionRow, NewConnection};
use cashline_ledger::erp as records;
use cashline_ledger::time::parse_instant;
use cashline_ledger::{audit, sync};
use cashline_psd2::client::check_base_url;
use cashline_tryton::{Login, TrytonClient};

use crate::connections::{connection_name, keystore, keystore_error};
use crate::request::{ErpAdd, ErpName, ErpSyncRequest};
use crate::{wire, Service, ServiceError};

/// The `connection.kind` of a Tryton connection.
const KIND: &str = "tryton";
/// Minutes between scheduled syncs unless told: an ERP has no daily budget, but a small
/// team's server need not be asked more often for open items.
pub const CADENCE_MINUTES_DEFAULT: i64 = 60;
const CADENCE_MINUTES_MAX: i64 = 7 * 24 * 60;
const RUNS_SHOWN: u32 = 10;
const WRITEBACKS_SHOWN: u32 = 20;
/// Longest password, database or user name taken: far beyond any real one.
const FIELD_CHARS_MAX: usize = 256;

/// What a Tryton connection keeps in `connection.parameters_json`: nothing secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct TrytonParameters {
    url: String,
    database: String,
    user: String,
}

impl Service {
    /// Adds a Tryton connection: logs in with the user and password given (a wrong one is
    /// refused and nothing is stored), then keeps the password in the keychain.
    pub async fn erp_add(&self, request: &ErpAdd) -> Result<wire::ErpConnection, ServiceError> {
        let actor = self.allow(Right::Configure).await?;
        let name = connection_name(&request.name)?;
        let url = check_base_url(&request.tryton_url).map_err(ServiceError::BadRequest)?;
        let database = plain_field("database", &request.database)?;
        let user = plain_field("user", &request.user)?;
        if request.password.is_empty() {
            return Err(ServiceError::BadRequest(
                "the user's password is needed".into(),
            ));
        }
        if request.password.chars().count() > FIELD_CHARS_MAX {
            return Err(ServiceError::BadRequest(format!(
                "a password of more than {FIELD_CHARS_MAX} characters is not taken"
            )));
        }
        let cadence = request.cadence_minutes.unwrap_or(CADENCE_MINUTES_DEFAULT);
        if !(1..=CADENCE_MINUTES_MAX).contains(&cadence) {
            return Err(ServiceError::BadRequest(format!(
                "a sync every 1 to {CADENCE_MINUTES_MAX} minutes, not {cadence}"
            )));
        }
        if connection::find(self.ledger.pool(), name).await?.is_some() {
            return Err(ServiceError::BadRequest(format!(
                "a connection named '{}' exists already",
                shown(name)
            )));
        }
        let parameters = TrytonParameters {
            url,
            database: database.to_string(),
            user: user.to_string(),
        };
        let client = client_for(&parameters, &request.password)?;
        let company = client
            .company()
            .await
            .map_err(|e| ServiceError::BadRequest(format!("{}: {e}", parameters.url)))?;
        let now = self.clock.now();
        let reference = format!("erp:{name}:{}", now.timestamp_millis());
        keystore()?
            .put(&reference, &request.password)
            .map_err(keystore_error)?;
        let parameters_json = serde_json::to_string(&parameters)
            .map_err(|e| ServiceError::Corrupt(format!("connection parameters: {e}")))?;
        let stored = async {
            let mut tx = self.ledger.begin().await?;
            connection::insert(
                &mut tx,
                &NewConnection {
                    name,
                    kind: KIND,
                    parameters_json: &parameters_json,
                    secret_ref: Some(&reference),
                    cadence_minutes: Some(cadence),
                },
                now,
            )
            .await?;
            audit::append(
                &mut tx,
                &audit::NewAuditRecord {
                    actor,
                    action: "erp.add",
                    subject: name,
                    detail: serde_json::json!({
                        "kind": KIND,
                        "url": parameters.url,
                        "database": parameters.database,
                        "user": parameters.user,
                        "company": company,
                        "cadence_minutes": cadence,
                    }),
                },
                now,
            )
            .await?;
            tx.commit().await?;
            Ok::<_, ServiceError>(())
        }
        .await;
        if let Err(error) = stored {
            let _ = keystore().map(|k| k.delete(&reference));
            return Err(error);
        }
        info!(connection = %shown(name), "ERP connection added");
        self.erp_connection(name).await
    }

    /// Removes an ERP connection: its password leaves the keychain; the items and payments
    /// it brought stay in the ledger, and no longer sync.
    pub async fn erp_remove(&self, request: &ErpName) -> Result<(), ServiceError> {
        let user = self.allow(Right::Configure).await?;
        let row = self.erp_row(&request.name).await?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        connection::remove(&mut tx, row.id, now).await?;
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "erp.remove",
                subject: &row.name,
                detail: serde_json::json!({ "kind": row.kind }),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        if let Some(reference) = &row.secret_ref {
            keystore()?.delete(reference).map_err(keystore_error)?;
        }
        Ok(())
    }

    pub async fn erp_connections(&self) -> Result<wire::ErpConnectionsReport, ServiceError> {
        let mut connections = Vec::new();
        for row in connection::list(self.ledger.pool(), KIND).await? {
            connections.push(self.erp_describe(&row).await?);
        }
        Ok(wire::ErpConnectionsReport { connections })
    }

    pub async fn erp_connection(&self, name: &str) -> Result<wire::ErpConnection, ServiceError> {
        let row = self.erp_row(name).await?;
        self.erp_describe(&row).await
    }

    /// Syncs every ERP connection, or the one named, now.
    pub async fn erp_sync(
        &self,
        request: &ErpSyncRequest,
    ) -> Result<wire::ErpSyncReport, ServiceError> {
        let rows = match &request.connection {
            Some(name) => vec![self.erp_row(name).await?],
            None => connection::list(self.ledger.pool(), KIND).await?,
        };
        let mut runs = Vec::with_capacity(rows.len());
        for row in rows {
            runs.push(self.erp_sync_one(&row, "user").await?);
        }
        Ok(wire::ErpSyncReport { runs })
    }

    /// Syncs the ERP connections whose cadence says a sync is due: what `serve` and the
    /// desktop app run every minute, beside the bank connections' schedule.
    pub async fn erp_sync_due(&self) -> Result<wire::ErpSyncReport, ServiceError> {
        let now = self.clock.now();
        let mut runs = Vec::new();
        for row in connection::list(self.ledger.pool(), KIND).await? {
            let last = sync::runs(self.ledger.pool(), row.id, 1).await?;
            let last_start = last.first().and_then(|r| parse_instant(&r.started_at).ok());
            if is_due(now, last_start, cadence_of(&row)) {
                let added_by = audit::last_actor(self.ledger.pool(), "erp.add", &row.name).await?;
                match self.acting_for(added_by).await {
                    Ok(acting) => runs.push(acting.erp_sync_one(&row, "scheduled").await?),
                    Err(error) => {
                        warn!(%error, connection = %shown(&row.name), "the scheduled ERP sync did not run")
                    }
                }
            }
        }
        Ok(wire::ErpSyncReport { runs })
    }

    async fn erp_sync_one(
        &self,
        row: &ConnectionRow,
        trigger: &str,
    ) -> Result<wire::ErpSyncRun, ServiceError> {
        let user = self.allow(Right::Import).await?;
        let options = ErpSyncOptions {
            user,
            now: self.clock.now(),
            trigger,
        };
        let client = match self.erp_client(row) {
            Ok(client) => client,
            Err(error) => {
                let report =
                    erp::sync::record_unstarted(&self.ledger, row, &error.to_string(), &options)
                        .await?;
                return Ok(run_of(&report));
            }
        };
        let report = erp::sync_erp(&self.ledger, &client, row, &options).await?;
        Ok(run_of(&report))
    }

    async fn erp_row(&self, name: &str) -> Result<ConnectionRow, ServiceError> {
        connection::find(self.ledger.pool(), name)
            .await?
            .filter(|row| row.kind == KIND)
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "there is no ERP connection named '{}'",
                    shown(name)
                ))
            })
    }

    fn erp_client(&self, row: &ConnectionRow) -> Result<TrytonClient, ServiceError> {
        let parameters = parameters_of(row)?;
        let reference = row.secret_ref.as_deref().ok_or_else(|| {
            ServiceError::Corrupt(format!(
                "connection '{}' holds no password",
                shown(&row.name)
            ))
        })?;
        let password = keystore()?
            .get(reference)
            .map_err(keystore_error)?
            .ok_or_else(|| {
                ServiceError::Unavailable(format!(
                    "the password of connection '{}' is not in the keychain any more: remove \
                     the connection and add it again",
                    shown(&row.name)
                ))
            })?;
        client_for(&parameters, &password)
    }

    async fn erp_describe(&self, row: &ConnectionRow) -> Result<wire::ErpConnection, ServiceError> {
        let pool = self.ledger.pool();
        let parameters = parameters_of(row)?;
        let runs = sync::runs(pool, row.id, RUNS_SHOWN).await?;
        let last_ok = sync::last_ok(pool, row.id).await?;
        let cadence = cadence_of(row);
        let when = |at: &str| {
            parse_instant(at)
                .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                .unwrap_or_else(|_| at.to_string())
        };
        let (state, state_text) = match runs.first() {
            None => (
                "never_synced",
                "Not synced yet: the next scheduled sync, or Sync now, reads it.".to_string(),
            ),
            Some(run) if run.outcome.as_deref() == Some("failed") => (
                "failing",
                format!(
                    "The sync at {} failed: {}.",
                    when(&run.started_at),
                    run.error
                        .as_deref()
                        .unwrap_or("no reason given")
                        .trim_end_matches('.')
                ),
            ),
            Some(run) => (
                "healthy",
                format!("Synced well at {}.", when(&run.started_at)),
            ),
        };
        // Never synced: due at once, on the schedule's next tick.
        let next_sync_at = runs
            .first()
            .and_then(|r| parse_instant(&r.started_at).ok())
            .map(|at| at + chrono::Duration::minutes(cadence))
            .unwrap_or_else(|| self.clock.now())
            .max(self.clock.now())
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let items = records::item_counts(pool, row.id)
            .await?
            .into_iter()
            .map(|(state, items)| wire::ErpItemCount { state, items })
            .collect();
        let payments = records::payment_ids(pool, row.id).await?.len() as i64;
        let writebacks = records::writebacks(pool, row.id, WRITEBACKS_SHOWN)
            .await?
            .into_iter()
            .map(|w| wire::ErpWriteback {
                about: match (&w.payment, w.match_id) {
                    (Some(payment), _) => format!(
                        "payment {payment} {}",
                        w.subject.rsplit(':').next().unwrap_or_default()
                    ),
                    (None, Some(id)) => format!("match {id}"),
                    (None, None) => w.subject.clone(),
                },
                subject: w.subject,
                kind: w.kind,
                state: w.state,
                erp_reference: w.erp_reference,
                attempts: w.attempts,
                error: w.error,
                at: w.last_tried_at,
            })
            .collect();
        Ok(wire::ErpConnection {
            name: row.name.clone(),
            kind: row.kind.clone(),
            url: parameters.url,
            database: parameters.database,
            user: parameters.user,
            state: state.into(),
            state_text,
            cadence_minutes: cadence,
            last_sync_at: runs.first().map(|r| r.started_at.clone()),
            last_ok_at: last_ok.map(|r| r.ended_at.unwrap_or(r.started_at)),
            last_error: runs.first().and_then(|r| r.error.clone()),
            next_sync_at: Some(next_sync_at),
            items,
            payments,
            writebacks,
            runs: runs.iter().map(|r| run_of_row(&row.name, r)).collect(),
        })
    }
}

/// The background ERP syncs of a long-running front, one step of its schedule.
pub async fn sync_due_logged(service: &Service) {
    match service.erp_sync_due().await {
        Ok(report) => {
            for run in &report.runs {
                info!(connection = %shown(&run.connection), outcome = %run.outcome, items = run.items_changed, payments = run.new_payments, correlation = %run.correlation_id, "scheduled ERP sync");
            }
        }
        Err(error) => warn!(%error, "the ERP sync schedule could not run"),
    }
}

fn is_due(now: DateTime<Utc>, last_start: Option<DateTime<Utc>>, cadence_minutes: i64) -> bool {
    last_start.is_none_or(|at| now - at >= chrono::Duration::minutes(cadence_minutes))
}

fn cadence_of(row: &ConnectionRow) -> i64 {
    row.cadence_minutes.unwrap_or(CADENCE_MINUTES_DEFAULT)
}

fn parameters_of(row: &ConnectionRow) -> Result<TrytonParameters, ServiceError> {
    serde_json::from_str(&row.parameters_json).map_err(|e| {
        ServiceError::Corrupt(format!(
            "the parameters of connection '{}': {e}",
            shown(&row.name)
        ))
    })
}

fn client_for(parameters: &TrytonParameters, password: &str) -> Result<TrytonClient, ServiceError> {
    TrytonClient::new(Login {
        url: parameters.url.clone(),
        database: parameters.database.clone(),
        user: parameters.user.clone(),
        password: password.to_string(),
    })
    .map_err(|e| ServiceError::Unavailable(e.to_string()))
}

/// A database or user name: no control characters, no surrounding blanks, not absurdly long.
fn plain_field<'a>(field: &str, value: &'a str) -> Result<&'a str, ServiceError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(ServiceError::BadRequest(format!("the {field} is needed")));
    }
    if value.chars().any(char::is_control) || value.contains('/') {
        return Err(ServiceError::BadRequest(format!(
            "the {field} '{}' has characters a Tryton {field} cannot have",
            shown(value)
        )));
    }
    if value.chars().count() > FIELD_CHARS_MAX {
        return Err(ServiceError::BadRequest(format!(
            "a {field} of more than {FIELD_CHARS_MAX} characters is not taken"
        )));
    }
    Ok(value)
}

fn run_of(report: &ErpSyncReport) -> wire::ErpSyncRun {
    wire::ErpSyncRun {
        connection: report.connection.clone(),
        started_at: None,
        outcome: if report.ok { "ok" } else { "failed" }.into(),
        items_changed: report.items_changed as u64,
        new_items: report.new_items as u64,
        items_closed: report.items_closed,
        payments_changed: report.payments_changed as u64,
        new_payments: report.new_payments as u64,
        payments_withdrawn: report.payments_withdrawn as u64,
        written_back: report.written_back.written_back as u64,
        writeback_failed: report.written_back.writeback_failed as u64,
        writeback_refused: report.written_back.writeback_refused as u64,
        error: report.error.clone(),
        correlation_id: report.correlation_id.clone(),
    }
}

/// A recorded run, with the counts its JSON kept.
fn run_of_row(connection: &str, run: &sync::RunRow) -> wire::ErpSyncRun {
    let counts: serde_json::Value = run
        .erp_counts_json
        .as_deref()
        .and_then(|j| serde_json::from_str(j).ok())
        .unwrap_or_default();
    let count = |key: &str| counts.get(key).and_then(|v| v.as_u64()).unwrap_or(0);
    wire::ErpSyncRun {
        connection: connection.to_string(),
        started_at: Some(run.started_at.clone()),
        outcome: run.outcome.clone().unwrap_or_else(|| "running".into()),
        items_changed: count("items_changed"),
        new_items: count("new_items"),
        items_closed: count("items_closed"),
        payments_changed: count("payments_changed"),
        new_payments: count("new_payments"),
        payments_withdrawn: count("payments_withdrawn"),
        written_back: count("written_back"),
        writeback_failed: count("writeback_failed"),
        writeback_refused: count("writeback_refused"),
        error: run.error.clone(),
        correlation_id: run.correlation_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sync_is_due_once_its_cadence_has_passed() {
        let now = "2026-11-23T10:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert!(is_due(now, None, 60));
        assert!(!is_due(now, Some(now - chrono::Duration::minutes(59)), 60));
        assert!(is_due(now, Some(now - chrono::Duration::minutes(60)), 60));
    }

    #[test]
    fn a_database_name_with_a_slash_or_control_characters_is_refused() {
        assert!(plain_field("database", "acme/../x").is_err());
        assert!(plain_field("database", "ac\u{1b}[2Jme").is_err());
        assert_eq!(plain_field("database", " acme ").unwrap(), "acme");
    }
}
