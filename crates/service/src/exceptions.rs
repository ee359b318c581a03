//! The exception queue: cases with their kind, subject, amount, age and owner, filtered and
//! aged into buckets; assignment, comments and resolution, one case or many at once, each
//! change in the case's history and the audit log.

use chrono::NaiveDate;

use cashline_domain::Right;
use cashline_domain::{ExceptionKind, ExceptionState};
use cashline_ledger::exception::{self, ExceptionFilter};
use cashline_ledger::{audit, time};

use crate::request;
use crate::wire;
use crate::{Service, ServiceError};

/// The aging buckets, by whole days since a case was opened.
pub const AGING_BUCKETS: [&str; 4] = ["0-2", "3-7", "8-30", "over-30"];
/// Cases one bulk change may touch.
pub const BULK_MAX: usize = 1_000;
/// Longest comment or resolution, in characters.
pub const TEXT_CHARS_MAX: usize = 4_000;

/// Whole days from the day a case is aged from (see `ExceptionRow::aged_from`) to `today`.
pub fn age_days(aged_from: &str, today: NaiveDate) -> i64 {
    time::parse_date(aged_from).map_or(0, |day| (today - day).num_days().max(0))
}

pub fn age_bucket(days: i64) -> &'static str {
    match days {
        ..=2 => AGING_BUCKETS[0],
        3..=7 => AGING_BUCKETS[1],
        8..=30 => AGING_BUCKETS[2],
        _ => AGING_BUCKETS[3],
    }
}

/// The days a bucket spans, as `(aged from on or before, aged from after)`.
fn bucket_bounds(
    bucket: &str,
    today: NaiveDate,
) -> Result<(Option<String>, Option<String>), ServiceError> {
    let at = |days: i64| Some(time::date_text(today - chrono::Duration::days(days)));
    Ok(match bucket {
        "0-2" => (None, at(3)),
        "3-7" => (at(3), at(8)),
        "8-30" => (at(8), at(31)),
        "over-30" => (at(31), None),
        other => {
            return Err(ServiceError::BadRequest(format!(
                "'{}' is not an aging bucket ({})",
                cashline_domain::shown(other),
                AGING_BUCKETS.join(", ")
            )))
        }
    })
}

fn checked_text(what: &str, text: &str) -> Result<String, ServiceError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(ServiceError::BadRequest(format!(
            "a {what} needs some text"
        )));
    }
    if text.chars().count() > TEXT_CHARS_MAX {
        return Err(ServiceError::BadRequest(format!(
            "a {what} may be at most {TEXT_CHARS_MAX} characters"
        )));
    }
    // Line breaks and tabs are kept; other control characters never reach a screen or a log.
    Ok(text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect())
}

fn ids(list: &[String]) -> Result<Vec<i64>, ServiceError> {
    if list.is_empty() || list.len() > BULK_MAX {
        return Err(ServiceError::BadRequest(format!(
            "name 1 to {BULK_MAX} exceptions"
        )));
    }
    list.iter()
        .map(|id| {
            id.trim()
                .parse::<i64>()
                .ok()
                .filter(|i| *i > 0)
                .ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "'{}' is not an exception id",
                        cashline_domain::shown(id)
                    ))
                })
        })
        .collect()
}

fn owner_name(owner: &str) -> Result<String, ServiceError> {
    let owner = owner.trim();
    if owner.is_empty() || owner.chars().count() > 100 || owner.chars().any(char::is_control) {
        return Err(ServiceError::BadRequest(
            "an owner is a user name of 1 to 100 characters without control characters".into(),
        ));
    }
    Ok(owner.to_string())
}

impl Service {
    pub async fn exceptions(
        &self,
        query: request::ExceptionsQuery,
    ) -> Result<wire::ExceptionsReport, ServiceError> {
        let kind = query
            .kind
            .as_deref()
            .map(|kind| {
                ExceptionKind::parse(kind).ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "'{}' is not a kind of exception",
                        cashline_domain::shown(kind)
                    ))
                })
            })
            .transpose()?;
        let state = query
            .state
            .as_deref()
            .map(|state| {
                ExceptionState::parse(state).ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "'{}' is not an exception state (open, in_progress, resolved, written_off)",
                        cashline_domain::shown(state)
                    ))
                })
            })
            .transpose()?;
        let today = self.today();
        let (aged_from_by, aged_from_after) = match &query.age {
            Some(bucket) => bucket_bounds(bucket, today)?,
            None => (None, None),
        };
        let filter = ExceptionFilter {
            kind,
            state,
            owner: query.owner.as_deref(),
            account: query.account.as_deref(),
            entity: query.entity.as_deref(),
            bank: query.bank.as_deref(),
            aged_from_by: aged_from_by.as_deref(),
            aged_from_after: aged_from_after.as_deref(),
            id: None,
        };
        let rows = exception::list_filtered(self.ledger.pool(), &filter).await?;
        Ok(wire::ExceptionsReport {
            exceptions: rows
                .into_iter()
                .map(|row| exception_wire(row, today))
                .collect::<Result<_, _>>()?,
        })
    }

    pub async fn exception_detail(
        &self,
        request: request::ExceptionId,
    ) -> Result<wire::ExceptionDetail, ServiceError> {
        let id = ids(std::slice::from_ref(&request.id))?[0];
        let rows = exception::list_filtered(
            self.ledger.pool(),
            &ExceptionFilter {
                id: Some(id),
                ..ExceptionFilter::default()
            },
        )
        .await?;
        let row = rows
            .into_iter()
            .next()
            .ok_or_else(|| ServiceError::NotFound(format!("there is no exception {id}")))?;
        let notes = exception::notes(self.ledger.pool(), id).await?;
        let history = exception::events(self.ledger.pool(), id).await?;
        Ok(wire::ExceptionDetail {
            exception: exception_wire(row, self.today())?,
            notes: notes
                .into_iter()
                .map(|n| wire::ExceptionNote {
                    author: n.author,
                    text: n.body,
                    written_at: n.written_at,
                })
                .collect(),
            history: history
                .into_iter()
                .map(|e| wire::ExceptionEvent {
                    action: e.action,
                    detail: e.detail,
                    actor: e.actor,
                    at: e.occurred_at,
                })
                .collect(),
        })
    }

    pub async fn exceptions_assign(
        &self,
        request: request::ExceptionsAssign,
    ) -> Result<wire::ExceptionsChanged, ServiceError> {
        let user = self.allow(Right::WorkExceptions).await?;
        let ids = ids(&request.ids)?;
        let owner = request.owner.as_deref().map(owner_name).transpose()?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        for id in &ids {
            let (state, _) = exception::state_of(&mut tx, *id)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("there is no exception {id}")))?;
            if ExceptionState::parse(&state).is_some_and(|s| s.is_closed()) {
                return Err(ServiceError::BadRequest(format!(
                    "exception {id} is {state}: reopen it before assigning it"
                )));
            }
            exception::assign(&mut tx, *id, owner.as_deref(), user, now).await?;
        }
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "exceptions.assign",
                subject: &format!("{} exceptions", ids.len()),
                detail: serde_json::json!({"ids": ids, "owner": owner}),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(wire::ExceptionsChanged { changed: ids.len() })
    }

    pub async fn exception_comment(
        &self,
        request: request::ExceptionComment,
    ) -> Result<wire::ExceptionDetail, ServiceError> {
        let user = self.allow(Right::WorkExceptions).await?;
        let id = ids(std::slice::from_ref(&request.id))?[0];
        let text = checked_text("comment", &request.text)?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        exception::state_of(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no exception {id}")))?;
        exception::comment(&mut tx, id, user, &text, now).await?;
        tx.commit().await?;
        self.exception_detail(request::ExceptionId { id: id.to_string() })
            .await
    }

    /// Moves cases to a state; an end needs a resolution in words. Resolved and written-off
    /// cases are audited, as they close work a controller answers for.
    pub async fn exceptions_resolve(
        &self,
        request: request::ExceptionsResolve,
    ) -> Result<wire::ExceptionsChanged, ServiceError> {
        let user = self.allow(Right::WorkExceptions).await?;
        let ids = ids(&request.ids)?;
        let state_text = request.state.as_deref().unwrap_or("resolved");
        let state = ExceptionState::parse(state_text).ok_or_else(|| {
            ServiceError::BadRequest(format!(
                "'{}' is not an exception state (open, in_progress, resolved, written_off)",
                cashline_domain::shown(state_text)
            ))
        })?;
        let resolution = match (&request.resolution, state.is_closed()) {
            (Some(text), _) => Some(checked_text("resolution", text)?),
            (None, true) => {
                return Err(ServiceError::BadRequest(format!(
                    "say how the exception was {}: a resolution is needed",
                    state.as_str().replace('_', " ")
                )))
            }
            (None, false) => None,
        };
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        for id in &ids {
            let (current, _) = exception::state_of(&mut tx, *id)
                .await?
                .ok_or_else(|| ServiceError::NotFound(format!("there is no exception {id}")))?;
            if current == state.as_str() {
                continue;
            }
            exception::set_state(&mut tx, *id, state, resolution.as_deref(), user, now).await?;
        }
        audit::append(&mut tx, &audit::NewAuditRecord { actor: user, action: "exceptions.state", subject: &format!("{} exceptions", ids.len()), detail: serde_json::json!({"ids": ids, "state": state.as_str(), "resolution": resolution}) }, now).await?;
        tx.commit().await?;
        Ok(wire::ExceptionsChanged { changed: ids.len() })
    }
}

fn exception_wire(
    row: exception::ExceptionRow,
    today: NaiveDate,
) -> Result<wire::Exception, ServiceError> {
    let days = age_days(&row.aged_from, today);
    let amount = match (row.amount_minor, &row.currency) {
        (Some(minor), Some(currency)) => {
            let currency = cashline_domain::Currency::from_code(currency)
                .map_err(cashline_engine::EngineError::from)?;
            Some(cashline_domain::Money::from_minor(minor, currency).amount_text())
        }
        _ => None,
    };
    Ok(wire::Exception {
        id: row.id.to_string(),
        kind: row.kind.as_str().to_string(),
        subject: row.subject,
        detail: row.detail,
        state: row.state.as_str().to_string(),
        owner: row.owner,
        opened_at: row.opened_at,
        closed_at: row.closed_at,
        resolution: row.resolution,
        amount,
        currency: row.currency,
        account: row.account_key,
        entity: row.entity_code,
        bank: row.bank_name,
        age_days: days,
        age_bucket: age_bucket(days).to_string(),
        notes: row.notes,
        match_id: row.match_id.map(|id| id.to_string()),
    })
}
