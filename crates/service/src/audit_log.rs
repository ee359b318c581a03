//! The audit log as people read it: filtered pages for the audit screen, and the whole
//! filtered log as CSV for an auditor. Account numbers in subjects and details are masked to
//! their last four characters, the ledger's own by value and any other IBAN by its checksum.

use chrono::{Duration, NaiveDate};

use cashline_domain::{mask::mask_account, shown};
use cashline_ledger::{account, audit, user};

use crate::request::AuditQuery;
use crate::{wire, Service, ServiceError};

const PAGE_DEFAULT: u32 = 200;
const PAGE_MAX: u32 = 5_000;
/// An export reads the log in pages of this many records.
const EXPORT_PAGE: u32 = 2_000;

fn day_start(day: NaiveDate) -> String {
    format!("{day}T00:00:00Z")
}

fn filter_of(query: &AuditQuery) -> Result<audit::AuditFilter, ServiceError> {
    if let (Some(from), Some(to)) = (query.from, query.to) {
        if from > to {
            return Err(ServiceError::BadRequest(format!(
                "from {from} is after to {to}"
            )));
        }
    }
    let limit = query.limit.unwrap_or(PAGE_DEFAULT);
    if !(1..=PAGE_MAX).contains(&limit) {
        return Err(ServiceError::BadRequest(format!(
            "limit {limit}: ask for 1 to {PAGE_MAX} records"
        )));
    }
    Ok(audit::AuditFilter {
        actor: query.actor.clone(),
        action: query.action.clone(),
        subject: query.subject.clone(),
        from: query.from.map(day_start),
        before: query
            .to
            .and_then(|to| to.checked_add_signed(Duration::days(1)))
            .map(day_start),
        before_id: query.before_id,
        limit,
    })
}

/// Shortest account key masked by value: shorter ones (a test's `A1`) would mask parts of
/// dates and amounts.
const KEY_CHARS_MIN: usize = 6;

/// Masks the ledger's own account numbers wherever a record quotes them, whatever their kind:
/// `shown` finds IBANs by their checksum, but a national account number (a US or a bank's
/// internal one) looks like any other digits unless it is known to be an account.
struct Masker {
    keys: Vec<(String, String)>,
}

impl Masker {
    async fn of(service: &Service) -> Result<Masker, ServiceError> {
        let mut keys: Vec<(String, String)> = account::list(service.ledger.pool())
            .await?
            .into_iter()
            .map(|a| a.account_key)
            .filter(|k| k.chars().count() >= KEY_CHARS_MIN)
            .map(|k| {
                let masked = mask_account(&k);
                (k, masked)
            })
            .collect();
        // Longest first, so a key inside a longer one is not masked half-way.
        keys.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
        Ok(Masker { keys })
    }

    fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (key, masked) in &self.keys {
            if out.contains(key.as_str()) {
                out = out.replace(key.as_str(), masked);
            }
        }
        shown(&out)
    }

    /// A detail as stored is JSON Cashline wrote; its text is masked like a subject, then
    /// read back (masking replaces an account number's characters, which only ever stand
    /// inside a string).
    fn entry(&self, row: audit::AuditRow) -> wire::AuditEntry {
        let masked = self.text(&row.detail_json);
        let detail = serde_json::from_str(&masked).unwrap_or(serde_json::Value::String(masked));
        wire::AuditEntry {
            id: row.id,
            recorded_at: row.recorded_at,
            actor: row.actor,
            action: row.action,
            subject: self.text(&row.subject),
            detail,
            record_hash: row.record_hash,
        }
    }
}

/// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled; one
/// that a spreadsheet would run as a formula is prefixed with an apostrophe.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl Service {
    pub async fn audit_log(&self, query: &AuditQuery) -> Result<wire::AuditLog, ServiceError> {
        let filter = filter_of(query)?;
        let rows = audit::list(self.ledger.pool(), &filter).await?;
        let masker = Masker::of(self).await?;
        let next_before_id = (rows.len() == filter.limit as usize)
            .then(|| rows.last().map(|r| r.id))
            .flatten();
        let mut actors: Vec<String> = user::list(self.ledger.pool())
            .await?
            .into_iter()
            .map(|u| u.name)
            .collect();
        actors.sort();
        Ok(wire::AuditLog {
            records: rows.into_iter().map(|r| masker.entry(r)).collect(),
            next_before_id,
            actions: audit::actions(self.ledger.pool()).await?,
            actors,
        })
    }

    /// The filtered log, oldest first, as CSV (`id,recorded_at,actor,action,subject,detail,
    /// record_hash`): every record the filters take, however many pages that is.
    pub async fn audit_export_csv(&self, query: &AuditQuery) -> Result<String, ServiceError> {
        let mut filter = filter_of(&AuditQuery {
            limit: Some(EXPORT_PAGE),
            before_id: None,
            ..query.clone()
        })?;
        let mut pages = Vec::new();
        loop {
            let rows = audit::list(self.ledger.pool(), &filter).await?;
            let last = rows.last().map(|r| r.id);
            let full = rows.len() == EXPORT_PAGE as usize;
            pages.push(rows);
            match last {
                Some(id) if full => filter.before_id = Some(id),
                _ => break,
            }
        }
        let masker = Masker::of(self).await?;
        let mut out = String::from("id,recorded_at,actor,action,subject,detail,record_hash\n");
        for row in pages.into_iter().flatten().rev() {
            let entry = masker.entry(row);
            let fields = [
                entry.id.to_string(),
                entry.recorded_at,
                entry.actor,
                entry.action,
                entry.subject,
                entry.detail.to_string(),
                entry.record_hash,
            ];
            let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
            out.push_str(&line.join(","));
            out.push('\n');
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_csv_field_is_quoted_and_cannot_run_as_a_formula() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
        assert_eq!(csv_field("-7.50"), "'-7.50");
    }
}
