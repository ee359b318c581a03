//! Reconciliation: runs, matches and the decisions on them, rules, what was learnt, the
//! evaluation against a labelled truth, and the controller's dashboard figures.

use cashline_domain::Right;
use cashline_domain::{Currency, DifferenceKind, MatchState, Money};
use cashline_engine::recon::decision::{self, Decision, ManualMatch};
use cashline_engine::recon::evaluate::{evaluate, MatchSeen, Truth};
use cashline_engine::recon::rule::{rule_from_text, RuleKind, RuleText};
use cashline_engine::recon::run::{self as recon_run, RunOptions, RunReport};
use cashline_engine::EngineError;
use cashline_ledger::recon as store;
use cashline_ledger::{audit, exception};

use crate::request;
use crate::wire;
use crate::{Service, ServiceError};

/// Matches one answer lists at most.
pub const MATCHES_LIMIT_MAX: u32 = 5_000;
const MATCHES_LIMIT_DEFAULT: u32 = 500;
/// Lines per side of the manual matching screen.
const WORKBENCH_LINES_MAX: usize = 2_000;
/// Largest truth file read, in bytes.
pub const TRUTH_BYTES_MAX: usize = 64 << 20;

fn id_of(text: &str, what: &str) -> Result<i64, ServiceError> {
    text.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| {
            ServiceError::BadRequest(format!(
                "'{}' is not {what} id",
                cashline_domain::shown(text)
            ))
        })
}

fn money(amount_minor: i64, currency: &str) -> Result<String, ServiceError> {
    let currency = Currency::from_code(currency).map_err(EngineError::from)?;
    Ok(Money::from_minor(amount_minor, currency).amount_text())
}

/// A stored explanation, sent on as the JSON text it is.
fn raw_json(text: String) -> Result<Box<serde_json::value::RawValue>, ServiceError> {
    serde_json::value::RawValue::from_string(text)
        .map_err(|e| ServiceError::Corrupt(format!("a stored explanation is not JSON: {e}")))
}

fn decision(d: Decision) -> wire::ReconDecision {
    wire::ReconDecision {
        id: d.match_id.to_string(),
        state: d.state.as_str().to_string(),
        superseded: d.superseded.iter().map(i64::to_string).collect(),
        aliases_learnt: d.aliases_learnt,
        negatives_learnt: d.negatives_learnt,
    }
}

fn run_report(report: RunReport) -> Result<wire::ReconRunReport, ServiceError> {
    Ok(wire::ReconRunReport {
        dry_run: report.dry_run,
        run: report.run_id.map(|id| id.to_string()),
        examined: report.examined,
        auto: report.auto,
        suggested: report.suggested,
        unmatched_entries: report.unmatched_entries,
        unmatched_items: report.unmatched_items,
        automation_rate: report.automation_rate.to_string(),
        exceptions_opened: report.exceptions_opened,
        exceptions_resolved: report.exceptions_resolved,
        matches: report
            .matches
            .into_iter()
            .map(|m| {
                Ok(wire::ReconMatch {
                    id: m.id.map(|id| id.to_string()),
                    entries: m.entries,
                    items: m.items,
                    payments: m.payments,
                    rule: m.rule,
                    confidence: m.confidence.to_string(),
                    state: m.state.as_str().to_string(),
                    currency: m.difference.currency().to_string(),
                    difference: m.difference.amount_text(),
                    difference_kind: m.difference_kind.map(|k| k.as_str().to_string()),
                    tentative: m.tentative,
                    explanation: raw_json(m.explanation)?,
                    decided_by: None,
                    decided_at: None,
                    created_at: None,
                    entry_lines: Vec::new(),
                    item_lines: Vec::new(),
                })
            })
            .collect::<Result<_, ServiceError>>()?,
    })
}

impl Service {
    pub async fn recon_run(
        &self,
        request: request::ReconRun,
    ) -> Result<wire::ReconRunReport, ServiceError> {
        let user = self.allow(Right::Reconcile).await?;
        let options = RunOptions {
            dry_run: request.dry_run,
            user,
            now: self.clock.now(),
            today: self.today(),
        };
        run_report(recon_run::run(&self.ledger, &options).await?)
    }

    pub async fn recon_matches(
        &self,
        query: request::MatchesQuery,
    ) -> Result<wire::ReconMatchesReport, ServiceError> {
        if let Some(state) = &query.state {
            if MatchState::parse(state).is_none() {
                return Err(ServiceError::BadRequest(format!(
                    "'{}' is not a match state (auto, suggested, confirmed, rejected, undone)",
                    cashline_domain::shown(state)
                )));
            }
        }
        let limit = query
            .limit
            .unwrap_or(MATCHES_LIMIT_DEFAULT)
            .clamp(1, MATCHES_LIMIT_MAX);
        self.matches_read(query.state.as_deref(), None, limit).await
    }

    async fn matches_read(
        &self,
        state: Option<&str>,
        ids: Option<&[i64]>,
        limit: u32,
    ) -> Result<wire::ReconMatchesReport, ServiceError> {
        let (rows, entries, items) =
            store::matches(self.ledger.pool(), state, ids, i64::from(limit)).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let entry_lines = entries
                .iter()
                .filter(|e| e.match_id == row.id)
                .map(|e| {
                    Ok(wire::ReconLine {
                        id: e.bank_ref.clone(),
                        kind: "entry".into(),
                        account: Some(e.account_key.clone()),
                        counterparty: e.counterparty_name.clone(),
                        amount: money(e.amount_minor, &e.currency)?,
                        open: money(e.amount_minor, &e.currency)?,
                        currency: e.currency.clone(),
                        date: e.value_date.clone().or_else(|| e.booking_date.clone()),
                        reference: None,
                        remittance: e.remittance.clone(),
                        status: Some(e.status.clone()),
                    })
                })
                .collect::<Result<Vec<_>, ServiceError>>()?;
            let item_rows: Vec<&store::MatchItemRow> =
                items.iter().filter(|i| i.match_id == row.id).collect();
            let item_lines = item_rows
                .iter()
                .map(|i| {
                    let sign = if i.kind == "receivable" { 1 } else { -1 };
                    Ok(wire::ReconLine {
                        id: i.external_id.clone(),
                        kind: i.kind.clone(),
                        account: None,
                        counterparty: i.counterparty_name.clone(),
                        amount: money(sign * i.amount_minor, &i.currency)?,
                        open: money(sign * i.settled_minor, &i.currency)?,
                        currency: i.currency.clone(),
                        date: i.due_date.clone(),
                        reference: i.reference.clone(),
                        remittance: None,
                        status: None,
                    })
                })
                .collect::<Result<Vec<_>, ServiceError>>()?;
            out.push(wire::ReconMatch {
                id: Some(row.id.to_string()),
                entries: entry_lines.iter().map(|e| e.id.clone()).collect(),
                items: item_rows
                    .iter()
                    .filter(|i| i.open_item_id.is_some())
                    .map(|i| i.external_id.clone())
                    .collect(),
                payments: item_rows
                    .iter()
                    .filter(|i| i.payment_id.is_some())
                    .map(|i| i.external_id.clone())
                    .collect(),
                rule: row.rule,
                confidence: row.confidence_text,
                state: row.state,
                difference: money(row.difference_minor, &row.currency)?,
                difference_kind: row.difference_kind,
                currency: row.currency,
                tentative: row.tentative,
                explanation: raw_json(row.explanation_json)?,
                decided_by: row.decided_by,
                decided_at: row.decided_at,
                created_at: Some(row.created_at),
                entry_lines,
                item_lines,
            });
        }
        Ok(wire::ReconMatchesReport { matches: out })
    }

    pub async fn recon_confirm(
        &self,
        request: request::MatchId,
    ) -> Result<wire::ReconDecision, ServiceError> {
        let user = self.allow(Right::Reconcile).await?;
        let id = id_of(&request.id, "a match")?;
        Ok(decision(
            decision::confirm(&self.ledger, id, user, self.clock.now()).await?,
        ))
    }

    pub async fn recon_reject(
        &self,
        request: request::MatchId,
    ) -> Result<wire::ReconDecision, ServiceError> {
        let user = self.allow(Right::Reconcile).await?;
        let id = id_of(&request.id, "a match")?;
        Ok(decision(
            decision::reject(&self.ledger, id, user, self.clock.now()).await?,
        ))
    }

    pub async fn recon_undo(
        &self,
        request: request::MatchId,
    ) -> Result<wire::ReconDecision, ServiceError> {
        let user = self.allow(Right::Reconcile).await?;
        let id = id_of(&request.id, "a match")?;
        Ok(decision(
            decision::undo(&self.ledger, id, user, self.clock.now()).await?,
        ))
    }

    pub async fn recon_match(
        &self,
        request: request::ManualMatch,
    ) -> Result<wire::ReconDecision, ServiceError> {
        let user = self.allow(Right::Reconcile).await?;
        let difference_kind = request
            .difference_kind
            .as_deref()
            .map(|k| {
                DifferenceKind::parse(k).ok_or_else(|| {
                    ServiceError::BadRequest(format!(
                        "'{}' is not a kind of difference (fee, short_payment, over_payment, instalment, rounding, other)",
                        cashline_domain::shown(k)
                    ))
                })
            })
            .transpose()?;
        let manual = ManualMatch {
            entries: request.entries,
            items: request.items,
            payments: request.payments,
            difference_kind,
            account: request.account,
        };
        Ok(decision(
            decision::manual(&self.ledger, &manual, user, self.clock.now()).await?,
        ))
    }

    /// What is left to match on each side, for the manual matching screen.
    pub async fn recon_workbench(&self) -> Result<wire::ReconWorkbench, ServiceError> {
        let mut connection = self.ledger.acquire().await?;
        let after = store::cursor(&mut connection).await?;
        let entries = store::entries_to_match(&mut connection, after).await?;
        let targets = store::targets(&mut connection).await?;
        drop(connection);
        let keys = store::account_keys(self.ledger.pool()).await?;
        let entries = entries
            .into_iter()
            .take(WORKBENCH_LINES_MAX)
            .map(|e| {
                Ok(wire::ReconLine {
                    id: e.bank_ref.clone(),
                    kind: "entry".into(),
                    account: keys.get(&e.account_id).cloned(),
                    counterparty: e.counterparty_name.clone(),
                    amount: money(e.amount_minor, &e.currency)?,
                    open: money(e.amount_minor, &e.currency)?,
                    currency: e.currency.clone(),
                    date: e.value_date.clone().or(e.booking_date.clone()),
                    reference: e.end_to_end_id.clone().or(e.creditor_reference.clone()),
                    remittance: e.remittance.clone(),
                    status: Some(if e.pending {
                        "pending".into()
                    } else {
                        "booked".into()
                    }),
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        let items = targets
            .into_iter()
            .take(WORKBENCH_LINES_MAX)
            .map(|t| {
                let sign = if t.kind == "receivable" { 1 } else { -1 };
                Ok(wire::ReconLine {
                    id: t.external_id.clone(),
                    kind: t.kind.clone(),
                    account: None,
                    counterparty: t.counterparty_name.clone(),
                    amount: money(sign * t.open_minor, &t.currency)?,
                    open: money(sign * t.open_minor, &t.currency)?,
                    currency: t.currency.clone(),
                    date: t.due_date.clone(),
                    reference: t.reference.clone().or(t.end_to_end_id.clone()),
                    remittance: None,
                    status: None,
                })
            })
            .collect::<Result<Vec<_>, ServiceError>>()?;
        Ok(wire::ReconWorkbench { entries, items })
    }

    pub async fn recon_rules(&self) -> Result<wire::ReconRulesReport, ServiceError> {
        let thresholds = recon_run::thresholds(&self.ledger).await?;
        let rows = store::rules(self.ledger.pool()).await?;
        Ok(wire::ReconRulesReport {
            rules: rows
                .into_iter()
                .map(|row| wire::ReconRule {
                    description: RuleKind::parse(&row.kind)
                        .map(|k| k.describe().to_string())
                        .unwrap_or_default(),
                    params: serde_json::from_str(&row.params_json)
                        .unwrap_or(serde_json::Value::Null),
                    name: row.name,
                    kind: row.kind,
                    position: row.position,
                    enabled: row.enabled,
                    created_by: row.created_by,
                })
                .collect(),
            auto_threshold: recon_run::confidence(thresholds.auto).to_string(),
            suggest_threshold: recon_run::confidence(thresholds.suggest).to_string(),
        })
    }

    /// Sets the confidence from which a match is made automatically, and from which one is
    /// suggested; the suggestion threshold may not be above the automatic one.
    pub async fn recon_thresholds_set(
        &self,
        request: &request::ThresholdsSet,
    ) -> Result<wire::ReconRulesReport, ServiceError> {
        self.allow(Right::Rules).await?;
        let before = recon_run::thresholds(&self.ledger).await?;
        let parse = |name: &str, text: &Option<String>, default: u8| match text {
            Some(text) => recon_run::threshold_from_text(name, text),
            None => Ok(default),
        };
        let auto = parse("the automatic threshold", &request.auto, before.auto)?;
        let suggest = parse("the suggestion threshold", &request.suggest, before.suggest)?;
        if suggest > auto {
            return Err(ServiceError::BadRequest(format!(
                "the suggestion threshold ({}) may not be above the automatic one ({})",
                recon_run::confidence(suggest),
                recon_run::confidence(auto)
            )));
        }
        let mut write = self.write(Right::Rules).await?;
        let user = write.actor().to_string();
        let now = write.now;
        for (name, value) in [
            (recon_run::SETTING_AUTO_THRESHOLD, auto),
            (recon_run::SETTING_SUGGEST_THRESHOLD, suggest),
        ] {
            let text = recon_run::confidence_text(value);
            cashline_ledger::setting::set(&mut write.tx, name, Some(&text), &user, now).await?;
        }
        let detail = serde_json::json!({
            "auto": { "from": recon_run::confidence_text(before.auto), "to": recon_run::confidence_text(auto) },
            "suggest": { "from": recon_run::confidence_text(before.suggest), "to": recon_run::confidence_text(suggest) },
        });
        write
            .commit("recon.thresholds", "recon thresholds", detail)
            .await?;
        self.recon_rules().await
    }

    pub async fn recon_rule_add(
        &self,
        request: request::RuleAdd,
    ) -> Result<wire::ReconRulesReport, ServiceError> {
        let user = self.allow(Right::Rules).await?;
        let text: RuleText = serde_json::from_str(&request.rule).map_err(|e| {
            ServiceError::BadRequest(format!(
                "the rule is not valid JSON: line {}, column {}: {e}",
                e.line(),
                e.column()
            ))
        })?;
        let (kind, params) = rule_from_text(&text)?;
        let name = text.name.trim();
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        if store::rule_find(&mut tx, name).await?.is_some() {
            return Err(ServiceError::BadRequest(format!(
                "there is a rule named '{}' already",
                cashline_domain::shown(name)
            )));
        }
        store::rule_add(
            &mut tx,
            name,
            kind.as_str(),
            &params.to_string(),
            text.enabled.unwrap_or(true),
            user,
            now,
        )
        .await?;
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "recon.rule_add",
                subject: &format!("recon rule {name}"),
                detail: serde_json::json!({"kind": kind.as_str(), "params": params}),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.recon_rules().await
    }

    /// Enables, disables, moves or removes a rule, audited.
    pub async fn recon_rule_change(
        &self,
        request: request::RuleChange,
        change: RuleEdit,
    ) -> Result<wire::ReconRulesReport, ServiceError> {
        let user = self.allow(Right::Rules).await?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        let rule = store::rule_find(&mut tx, request.name.trim())
            .await?
            .ok_or_else(|| {
                ServiceError::NotFound(format!(
                    "there is no rule named '{}'",
                    cashline_domain::shown(&request.name)
                ))
            })?;
        let detail = match change {
            RuleEdit::Enable | RuleEdit::Disable => {
                store::rule_set_enabled(&mut tx, rule.id, change == RuleEdit::Enable).await?;
                serde_json::json!({"enabled": change == RuleEdit::Enable})
            }
            RuleEdit::Move => {
                let position = request.position.filter(|p| *p >= 1).ok_or_else(|| {
                    ServiceError::BadRequest("a move needs a position from 1 (first)".into())
                })?;
                store::rule_move(
                    &mut tx,
                    rule.id,
                    usize::try_from(position).unwrap_or(usize::MAX),
                )
                .await?;
                serde_json::json!({"from": rule.position, "to": position})
            }
            RuleEdit::Remove => {
                if rule.kind != RuleKind::Custom.as_str() {
                    return Err(ServiceError::BadRequest(format!(
                        "'{}' is a built-in rule: disable it instead",
                        rule.name
                    )));
                }
                store::rule_remove(&mut tx, rule.id).await?;
                serde_json::json!({"removed": true})
            }
        };
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: change.action(),
                subject: &format!("recon rule {}", rule.name),
                detail,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.recon_rules().await
    }

    pub async fn recon_learnt(&self) -> Result<wire::ReconLearntReport, ServiceError> {
        let mut connection = self.ledger.acquire().await?;
        let aliases = store::aliases(&mut connection).await?;
        let negatives = store::negatives(&mut connection).await?;
        Ok(wire::ReconLearntReport {
            aliases: aliases
                .into_iter()
                .map(|a| wire::ReconAlias {
                    id: a.id.to_string(),
                    kind: a.alias_kind,
                    alias: a.alias,
                    party: a.party,
                    created_by: a.created_by,
                    created_at: a.created_at,
                })
                .collect(),
            negatives: negatives
                .into_iter()
                .map(|n| wire::ReconNegative {
                    id: n.id.to_string(),
                    entry: n.bank_ref,
                    target: n.target,
                    created_by: n.created_by,
                    created_at: n.created_at,
                })
                .collect(),
        })
    }

    pub async fn recon_alias_remove(
        &self,
        request: request::LearntId,
    ) -> Result<wire::ReconLearntReport, ServiceError> {
        let user = self.allow(Right::Rules).await?;
        let id = id_of(&request.id, "an alias")?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        let removed = store::alias_remove(&mut tx, id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("there is no alias {id}")))?;
        audit::append(&mut tx, &audit::NewAuditRecord { actor: user, action: "recon.alias_remove", subject: &format!("recon alias {id}"), detail: serde_json::json!({"kind": removed.alias_kind, "alias": removed.alias, "party": removed.party}) }, now).await?;
        tx.commit().await?;
        self.recon_learnt().await
    }

    pub async fn recon_negative_remove(
        &self,
        request: request::LearntId,
    ) -> Result<wire::ReconLearntReport, ServiceError> {
        let user = self.allow(Right::Rules).await?;
        let id = id_of(&request.id, "a hard negative")?;
        let now = self.clock.now();
        let mut tx = self.ledger.begin().await?;
        if !store::negative_remove(&mut tx, id).await? {
            return Err(ServiceError::NotFound(format!(
                "there is no hard negative {id}"
            )));
        }
        audit::append(
            &mut tx,
            &audit::NewAuditRecord {
                actor: user,
                action: "recon.negative_remove",
                subject: &format!("recon negative {id}"),
                detail: serde_json::json!({}),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        self.recon_learnt().await
    }

    /// The current matches judged against a labelled truth (`file` names it in errors).
    pub async fn recon_evaluate(
        &self,
        file: &str,
        request: request::ReconEvaluate,
    ) -> Result<wire::ReconEvaluation, ServiceError> {
        if request.truth.len() > TRUTH_BYTES_MAX {
            return Err(ServiceError::BadRequest(format!(
                "{file}: a truth file may be at most {} MB",
                TRUTH_BYTES_MAX >> 20
            )));
        }
        let truth = Truth::parse(file, &request.truth)?;
        let (rows, entries, items) =
            store::matches(self.ledger.pool(), None, None, i64::MAX).await?;
        let seen: Vec<MatchSeen> = rows
            .iter()
            .filter_map(|row| {
                Some(MatchSeen {
                    state: MatchState::parse(&row.state)?,
                    entries: entries
                        .iter()
                        .filter(|e| e.match_id == row.id)
                        .map(|e| e.bank_ref.clone())
                        .collect(),
                    items: items
                        .iter()
                        .filter(|i| i.match_id == row.id)
                        .map(|i| i.external_id.clone())
                        .collect(),
                    rule: row.rule.clone(),
                })
            })
            .collect();
        let report = evaluate(&truth, &seen);
        Ok(wire::ReconEvaluation {
            auto: wire::EvaluationAuto {
                matches: report.auto_matches,
                right: report.auto_right,
                precision: report.precision.to_string(),
            },
            recall: report.recall.to_string(),
            labelled: report.labelled,
            found: report.found,
            false_matches: report
                .false_matches
                .into_iter()
                .map(|f| wire::FalseMatch {
                    entries: f.entries,
                    items: f.items,
                    rule: f.rule,
                    state: f.state.as_str().to_string(),
                })
                .collect(),
        })
    }

    /// The dashboard's reconciliation figures.
    pub async fn recon_summary(&self) -> Result<wire::ReconSummary, ServiceError> {
        let summary = store::summary(self.ledger.pool()).await?;
        let totals = store::unreconciled_totals(self.ledger.pool()).await?;
        let open = exception::list(self.ledger.pool(), None, None).await?;
        let today = self.today();
        let mut buckets: Vec<wire::AgingBucket> = crate::exceptions::AGING_BUCKETS
            .iter()
            .map(|b| wire::AgingBucket {
                bucket: b.to_string(),
                count: 0,
            })
            .collect();
        for row in open
            .iter()
            .filter(|r| matches!(r.state.as_str(), "open" | "in_progress"))
        {
            let bucket =
                crate::exceptions::age_bucket(crate::exceptions::age_days(&row.aged_from, today));
            if let Some(b) = buckets.iter_mut().find(|b| b.bucket == bucket) {
                b.count += 1;
            }
        }
        let rate = if summary.entries_examined == 0 {
            rust_decimal::Decimal::ZERO
        } else {
            (rust_decimal::Decimal::from(summary.auto_matched_entries)
                / rust_decimal::Decimal::from(summary.entries_examined))
            .round_dp(2)
        };
        let mut rate = rate;
        rate.rescale(2);
        let last_run_at = store::last_run_at(self.ledger.pool()).await?;
        Ok(wire::ReconSummary {
            automation_rate: rate.to_string(),
            entries_examined: summary.entries_examined,
            auto_matched: summary.auto_matched_entries,
            confirmed: summary.confirmed_entries,
            suggestions: summary.suggested,
            unmatched_entries: summary.unmatched_entries,
            unreconciled: totals
                .into_iter()
                .map(|t| {
                    Ok(wire::UnreconciledTotal {
                        credits: money(t.credits_minor, &t.currency)?,
                        debits: money(t.debits_minor, &t.currency)?,
                        currency: t.currency,
                        entries: t.entries,
                    })
                })
                .collect::<Result<Vec<_>, ServiceError>>()?,
            open_exceptions: buckets,
            last_run_at,
        })
    }
}

/// A change to one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleEdit {
    Enable,
    Disable,
    Move,
    Remove,
}

impl RuleEdit {
    fn action(self) -> &'static str {
        match self {
            RuleEdit::Enable => "recon.rule_enable",
            RuleEdit::Disable => "recon.rule_disable",
            RuleEdit::Move => "recon.rule_move",
            RuleEdit::Remove => "recon.rule_remove",
        }
    }
}
