//! A reconciliation run against the ledger: read the entries above the last run's mark and the
//! open ones below it, the items and payments still expecting money, and what earlier decisions
//! taught; decide in memory; write the matches, their effects, the run and its exceptions in
//! one transaction, which also holds the reads, so no decision made meanwhile is written over.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;

use cashline_domain::{Currency, DifferenceKind, ExceptionKind, MatchState, Money};
use cashline_ledger::recon::{self as store, NewMatch, SettleRow};
use cashline_ledger::{audit, exception, setting, time, Ledger};

use super::explanation::{Differences, EvidenceShown, Explanation, Settled};
use super::facts::{DetailFacts, EntryFacts, Memory, Target, TargetId, TargetKind};
use super::matcher::{Matcher, Proposal, Thresholds};
use super::parallel;
use super::rule::{params_of, Rule, RuleKind};
use crate::payment::reconciled;
use crate::EngineError;

/// Settings (in `app_setting`) and their defaults.
pub const SETTING_AUTO_THRESHOLD: &str = "recon.auto_threshold";
pub const SETTING_SUGGEST_THRESHOLD: &str = "recon.suggest_threshold";
pub const SETTING_ENTRY_GRACE_DAYS: &str = "recon.unmatched_entry_grace_days";
pub const SETTING_ITEM_GRACE_DAYS: &str = "recon.unmatched_item_grace_days";
pub const ENTRY_GRACE_DAYS_DEFAULT: i64 = 2;
pub const ITEM_GRACE_DAYS_DEFAULT: i64 = 3;
/// A pending entry not booked this many days after its account's latest closing balance passed
/// its date never will be: its tentative match is dropped.
pub const PENDING_DROP_DAYS: i64 = 2;

#[derive(Debug, Clone)]
pub struct RunOptions<'a> {
    pub dry_run: bool,
    pub user: &'a str,
    pub now: DateTime<Utc>,
    /// The business day the run ages exceptions against.
    pub today: NaiveDate,
}

/// One match as a run reports it.
#[derive(Debug, Clone)]
pub struct RunMatch {
    /// `None` in a dry run.
    pub id: Option<i64>,
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub payments: Vec<String>,
    pub rule: String,
    pub confidence: Decimal,
    pub state: MatchState,
    pub difference: Money,
    pub difference_kind: Option<DifferenceKind>,
    pub tentative: bool,
    /// The explanation as stored: JSON text.
    pub explanation: String,
}

#[derive(Debug, Clone)]
pub struct RunReport {
    pub dry_run: bool,
    pub run_id: Option<i64>,
    pub examined: usize,
    pub auto: usize,
    pub suggested: usize,
    /// Entries left without a live match (suggestions included: a person has yet to decide).
    pub unmatched_entries: usize,
    pub unmatched_items: usize,
    /// Entries matched automatically over entries examined, 2 decimals.
    pub automation_rate: Decimal,
    pub matches: Vec<RunMatch>,
    pub exceptions_opened: usize,
    pub exceptions_resolved: usize,
    pub tentative_final: usize,
    pub tentative_dropped: usize,
}

/// Scores are hundredths; a threshold setting is a decimal such as "0.90".
pub fn threshold_from_text(name: &str, text: &str) -> Result<u8, EngineError> {
    let value: Decimal = text.trim().parse().map_err(|_| {
        EngineError::InvalidRequest(format!(
            "{name} must be a decimal from 0.01 to 0.99, not '{text}'"
        ))
    })?;
    let hundredths = (value * Decimal::ONE_HUNDRED).normalize();
    if !hundredths.fract().is_zero() || hundredths < Decimal::ONE || hundredths > Decimal::from(99)
    {
        return Err(EngineError::InvalidRequest(format!(
            "{name} must be from 0.01 to 0.99 in hundredths, not '{text}'"
        )));
    }
    Ok(u8::try_from(hundredths.mantissa()).expect("1 to 99"))
}

pub async fn thresholds(ledger: &Ledger) -> Result<Thresholds, EngineError> {
    let mut thresholds = Thresholds::default();
    if let Some(text) = setting::get(ledger.pool(), SETTING_AUTO_THRESHOLD).await? {
        thresholds.auto = threshold_from_text(SETTING_AUTO_THRESHOLD, &text)?;
    }
    if let Some(text) = setting::get(ledger.pool(), SETTING_SUGGEST_THRESHOLD).await? {
        thresholds.suggest = threshold_from_text(SETTING_SUGGEST_THRESHOLD, &text)?;
    }
    if thresholds.suggest > thresholds.auto {
        return Err(EngineError::InvalidRequest(format!(
            "the suggestion threshold ({}) is above the automatic one ({}): change one of the settings",
            thresholds.suggest, thresholds.auto
        )));
    }
    Ok(thresholds)
}

async fn days_setting(ledger: &Ledger, name: &str, default: i64) -> Result<i64, EngineError> {
    match setting::get(ledger.pool(), name).await? {
        None => Ok(default),
        Some(text) => text
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (0..=365).contains(d))
            .ok_or_else(|| {
                EngineError::InvalidRequest(format!(
                    "{name} must be a number of days from 0 to 365, not '{text}'"
                ))
            }),
    }
}

/// The stored rules, each checked; a rule the engine cannot apply is an error naming it.
pub async fn load_rules(ledger: &Ledger) -> Result<Vec<Rule>, EngineError> {
    let rows = store::rules(ledger.pool()).await?;
    rows.into_iter()
        .map(|row| {
            let kind = RuleKind::parse(&row.kind).ok_or_else(|| {
                EngineError::InvalidRequest(format!(
                    "rule '{}' has an unknown kind '{}'",
                    row.name, row.kind
                ))
            })?;
            let json: serde_json::Value = serde_json::from_str(&row.params_json).map_err(|e| {
                EngineError::InvalidRequest(format!(
                    "rule '{}': its stored settings are not JSON: {e}",
                    row.name
                ))
            })?;
            Ok(Rule {
                params: params_of(&row.name, kind, &json)?,
                name: row.name,
                kind,
                position: row.position,
                enabled: row.enabled,
            })
        })
        .collect()
}

fn date(text: Option<&str>) -> Result<Option<NaiveDate>, EngineError> {
    text.map(time::parse_date)
        .transpose()
        .map_err(EngineError::from)
}

fn entry_facts(row: store::EntryToMatch) -> Result<EntryFacts, EngineError> {
    Ok(EntryFacts {
        currency: Currency::from_code(&row.currency)?,
        booking_date: date(row.booking_date.as_deref())?,
        value_date: date(row.value_date.as_deref())?,
        id: row.id,
        bank_ref: row.bank_ref,
        account_id: row.account_id,
        amount_minor: row.amount_minor,
        pending: row.pending,
        end_to_end_id: row.end_to_end_id,
        counterparty_name: row.counterparty_name,
        counterparty_iban: row.counterparty_iban,
        remittance: row.remittance,
        creditor_reference: row.creditor_reference,
        entry_ref: row.entry_ref,
        bank_transaction_code: row.bank_transaction_code,
        details: Vec::new(),
    })
}

fn target(row: store::TargetRow) -> Result<Target, EngineError> {
    let kind = match row.kind.as_str() {
        "receivable" => TargetKind::Receivable,
        "payable" => TargetKind::Payable,
        _ => TargetKind::Payment,
    };
    Ok(Target {
        id: if kind == TargetKind::Payment {
            TargetId::Payment(row.id)
        } else {
            TargetId::Item(row.id)
        },
        kind,
        currency: Currency::from_code(&row.currency)?,
        due_date: date(row.due_date.as_deref())?,
        external_id: row.external_id,
        counterparty_name: row.counterparty_name,
        counterparty_iban: row.counterparty_iban,
        open_minor: row.open_minor,
        reference: row.reference,
        end_to_end_id: row.end_to_end_id,
    })
}

/// What earlier decisions taught, read on `connection`.
pub async fn memory(connection: &mut cashline_ledger::Connection) -> Result<Memory, EngineError> {
    let mut memory = Memory::default();
    for alias in store::aliases(&mut *connection).await? {
        memory.add_alias(&alias.alias, &alias.party);
    }
    for negative in store::negatives(connection).await? {
        let target = match (negative.open_item_id, negative.payment_id) {
            (Some(item), _) => TargetId::Item(item),
            (None, Some(payment)) => TargetId::Payment(payment),
            (None, None) => continue,
        };
        memory.add_negative(negative.entry_id, target);
    }
    Ok(memory)
}

pub(crate) fn settle_row(target: &Target, settled_minor: i64) -> SettleRow {
    match target.id {
        TargetId::Item(id) => SettleRow {
            open_item_id: Some(id),
            payment_id: None,
            settled_minor,
        },
        TargetId::Payment(id) => SettleRow {
            open_item_id: None,
            payment_id: Some(id),
            settled_minor,
        },
    }
}

/// The stored explanation of a match: the rule, the evidence that agreed, what differed, the
/// score and who or what made it.
pub(crate) fn explanation(
    proposal: &Proposal,
    entry: &EntryFacts,
    targets: &[Target],
    made_by: &str,
) -> String {
    Explanation {
        rule: &proposal.rule,
        score: confidence_text(proposal.score),
        evidence: proposal
            .evidence
            .iter()
            .map(|e| EvidenceShown {
                field: e.field,
                entry: e.entry.text(entry, targets),
                item: e.target.text(entry, targets),
            })
            .collect(),
        differences: Differences {
            amount: Money::minor_text(proposal.difference_minor, entry.currency),
            kind: proposal.difference_kind.map(|k| k.as_str()),
            days_apart: proposal.days_apart,
        },
        settles: proposal
            .settles
            .iter()
            .map(|s| {
                let t = &targets[s.target];
                Settled {
                    id: &t.external_id,
                    kind: t.kind.as_str(),
                    settled: Money::minor_text(s.settled_minor, t.currency),
                    open_before: Money::minor_text(t.open_minor, t.currency),
                    companion: s.companion,
                }
            })
            .collect(),
        notes: &proposal.notes,
        made_by,
        tentative: proposal.tentative,
    }
    .to_json()
}

/// `confidence(score)` as text, written without decimal arithmetic (once per match).
pub fn confidence_text(score: u8) -> String {
    format!("{}.{:02}", score / 100, score % 100)
}

pub fn confidence(score: u8) -> Decimal {
    Decimal::new(i64::from(score), 2)
}

/// Runs every enabled rule over what is new or still open.
pub async fn run(ledger: &Ledger, options: &RunOptions<'_>) -> Result<RunReport, EngineError> {
    let rules = load_rules(ledger).await?;
    let thresholds = thresholds(ledger).await?;
    let entry_grace =
        days_setting(ledger, SETTING_ENTRY_GRACE_DAYS, ENTRY_GRACE_DAYS_DEFAULT).await?;
    let item_grace = days_setting(ledger, SETTING_ITEM_GRACE_DAYS, ITEM_GRACE_DAYS_DEFAULT).await?;
    if options.dry_run {
        let mut connection = ledger.acquire().await?;
        let decided = decide(&mut connection, &rules, thresholds).await?;
        let made_by = format!("recon run by {}", options.user);
        let explanations = parallel::map(&decided.proposals, |p| {
            explanation(p, &decided.entries[p.entry], &decided.targets, &made_by)
        });
        return Ok(report(true, &decided, None, Vec::new(), explanations));
    }
    let mut tx = ledger.begin().await?;
    let decided = decide(&mut tx, &rules, thresholds).await?;
    let auto = decided
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
        .count();
    let suggested = decided.proposals.len() - auto;
    let run_id = store::insert_run(
        &mut tx,
        &store::NewRun {
            started_at: options.now,
            run_by: options.user,
            entry_id_through: decided.through,
            entries_examined: i64::try_from(decided.entries.len()).unwrap_or(i64::MAX),
            auto_count: i64::try_from(auto).unwrap_or(i64::MAX),
            suggested_count: i64::try_from(suggested).unwrap_or(i64::MAX),
        },
        options.now,
    )
    .await?;
    let made_by = format!("recon run by {}", options.user);
    // Writing a million explanations is pure work on what the run decided: shared out.
    let new_matches = parallel::map(&decided.proposals, |proposal| {
        let entry = &decided.entries[proposal.entry];
        NewMatch {
            rule: proposal.rule.to_string(),
            confidence_text: confidence_text(proposal.score),
            state: proposal.state,
            difference_minor: proposal.difference_minor,
            difference_kind: proposal.difference_kind.map(|k| k.as_str().to_string()),
            currency: entry.currency.to_string(),
            explanation_json: explanation(proposal, entry, &decided.targets, &made_by),
            decided_by: None,
            tentative: proposal.tentative,
            run_id: Some(run_id),
            entry_ids: vec![entry.id],
            settles: proposal
                .settles
                .iter()
                .map(|s| settle_row(&decided.targets[s.target], s.settled_minor))
                .collect(),
        }
    });
    let ids = store::insert_matches(&mut tx, &new_matches, options.now).await?;
    let live: Vec<(i64, &[i64], &[SettleRow])> = new_matches
        .iter()
        .zip(&ids)
        .filter(|(m, _)| m.state == MatchState::Auto)
        .map(|(m, id)| (*id, m.entry_ids.as_slice(), m.settles.as_slice()))
        .collect();
    store::apply_effects(&mut tx, &live, 1, decided.after, options.now).await?;
    for (m, id) in new_matches.iter().zip(&ids) {
        if m.state == MatchState::Auto && !m.tentative {
            reconciled::settle(&mut tx, *id, &m.settles, options.user, options.now).await?;
        }
    }
    let explained: rustc_hash::FxHashSet<i64> = live
        .iter()
        .flat_map(|(_, entries, _)| entries.iter().copied())
        .collect();
    let left: Vec<i64> = decided
        .entries
        .iter()
        .map(|e| e.id)
        .filter(|id| !explained.contains(id))
        .collect();
    store::open_entries_add(&mut tx, &left, options.now).await?;
    let (final_count, dropped) = settle_tentative(&mut tx, options).await?;
    let (opened, resolved) =
        exceptions(&mut tx, &decided, &ids, entry_grace, item_grace, options).await?;
    audit::append(
        &mut tx,
        &audit::NewAuditRecord {
            actor: options.user,
            action: "recon.run",
            subject: &format!("recon run {run_id}"),
            detail: serde_json::json!({
                "examined": decided.entries.len(), "auto": auto, "suggested": suggested,
                "entry_id_through": decided.through, "tentative_final": final_count, "tentative_dropped": dropped,
                "exceptions_opened": opened, "exceptions_resolved": resolved,
            }),
        },
        options.now,
    )
    .await?;
    tx.commit().await?;
    let explanations = new_matches
        .into_iter()
        .map(|m| m.explanation_json)
        .collect();
    let mut report = report(false, &decided, Some(run_id), ids, explanations);
    report.exceptions_opened = opened;
    report.exceptions_resolved = resolved;
    report.tentative_final = final_count;
    report.tentative_dropped = dropped;
    Ok(report)
}

/// What one pass decided, with what it read.
pub struct Decided {
    pub entries: Vec<EntryFacts>,
    pub targets: Vec<Target>,
    pub proposals: Vec<Proposal>,
    pub unmatched: Vec<usize>,
    /// The mark of the run before: entries above it are seen for the first time.
    pub after: i64,
    pub through: i64,
}

async fn decide(
    connection: &mut cashline_ledger::Connection,
    rules: &[Rule],
    thresholds: Thresholds,
) -> Result<Decided, EngineError> {
    let after = store::cursor(&mut *connection).await?;
    let through = store::max_entry_id(&mut *connection).await?;
    let mut entries = store::entries_to_match(&mut *connection, after)
        .await?
        .into_iter()
        .map(entry_facts)
        .collect::<Result<Vec<_>, _>>()?;
    // Batch entries carry their transactions, one by one, for the batch rule.
    let details = store::details_to_match(&mut *connection, after).await?;
    if !details.is_empty() {
        let position: FxHashMap<i64, usize> =
            entries.iter().enumerate().map(|(i, e)| (e.id, i)).collect();
        for d in details {
            if let Some(&i) = position.get(&d.entry_id) {
                entries[i].details.push(DetailFacts {
                    amount_minor: d.amount_minor,
                    end_to_end_id: d.end_to_end_id,
                    counterparty_name: d.counterparty_name,
                    counterparty_iban: d.counterparty_iban,
                    remittance: d.remittance,
                    creditor_reference: d.creditor_reference,
                });
            }
        }
    }
    let targets = store::targets(&mut *connection)
        .await?
        .into_iter()
        .map(target)
        .collect::<Result<Vec<_>, _>>()?;
    let memory = memory(connection).await?;
    let outcome = Matcher::new(&targets, rules, &memory, thresholds).run(&entries);
    Ok(Decided {
        entries,
        targets,
        proposals: outcome.proposals,
        unmatched: outcome.unmatched,
        after,
        through: through.max(after),
    })
}

fn report(
    dry_run: bool,
    decided: &Decided,
    run_id: Option<i64>,
    ids: Vec<i64>,
    explanations: Vec<String>,
) -> RunReport {
    let auto_entries: rustc_hash::FxHashSet<usize> = decided
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
        .map(|p| p.entry)
        .collect();
    let settled: FxHashMap<usize, i64> = decided
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
        .flat_map(|p| p.settles.iter())
        .fold(FxHashMap::default(), |mut sums, s| {
            *sums.entry(s.target).or_default() += s.settled_minor;
            sums
        });
    let unmatched_items = decided
        .targets
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            t.kind != TargetKind::Payment && settled.get(i).copied().unwrap_or(0) < t.open_minor
        })
        .count();
    let examined = decided.entries.len();
    let rate = if examined == 0 {
        Decimal::ZERO
    } else {
        (Decimal::from(auto_entries.len()) / Decimal::from(examined)).round_dp(2)
    };
    let mut automation_rate = rate;
    automation_rate.rescale(2);
    let matches = decided
        .proposals
        .iter()
        .zip(explanations)
        .enumerate()
        .map(|(i, (p, explanation))| {
            let entry = &decided.entries[p.entry];
            let (payments, items): (Vec<&Target>, Vec<&Target>) = p
                .settles
                .iter()
                .map(|s| &decided.targets[s.target])
                .partition(|t| t.kind == TargetKind::Payment);
            RunMatch {
                id: ids.get(i).copied(),
                entries: vec![entry.bank_ref.clone()],
                items: items.iter().map(|t| t.external_id.clone()).collect(),
                payments: payments.iter().map(|t| t.external_id.clone()).collect(),
                rule: p.rule.to_string(),
                confidence: confidence(p.score),
                state: p.state,
                difference: Money::from_minor(p.difference_minor, entry.currency),
                difference_kind: p.difference_kind,
                tentative: p.tentative,
                explanation,
            }
        })
        .collect();
    RunReport {
        dry_run,
        run_id,
        examined,
        auto: decided
            .proposals
            .iter()
            .filter(|p| p.state == MatchState::Auto)
            .count(),
        suggested: decided
            .proposals
            .iter()
            .filter(|p| p.state == MatchState::Suggested)
            .count(),
        unmatched_entries: examined - auto_entries.len(),
        unmatched_items,
        automation_rate,
        matches,
        exceptions_opened: 0,
        exceptions_resolved: 0,
        tentative_final: 0,
        tentative_dropped: 0,
    }
}

/// Tentative matches whose pending entry has booked become final; those whose entry is still
/// pending well after its account closed past its date are dropped, and their items reopened.
async fn settle_tentative(
    tx: &mut cashline_ledger::Tx<'_>,
    options: &RunOptions<'_>,
) -> Result<(usize, usize), EngineError> {
    let rows = store::tentative(&mut *tx).await?;
    let (mut final_count, mut dropped) = (0, 0);
    for row in rows {
        if row.status == "booked" {
            store::set_match_final(tx, row.match_id).await?;
            // A suggestion still waits for its person; a live match now settles its payments.
            if let Some((held, _, settles)) = store::match_in(tx, row.match_id).await? {
                if MatchState::parse(&held.state).is_some_and(|s| s.is_live()) {
                    reconciled::settle(tx, row.match_id, &settles, options.user, options.now)
                        .await?;
                }
            }
            final_count += 1;
            continue;
        }
        let (Some(entry_date), Some(closed)) = (
            date(row.entry_date.as_deref())?,
            date(row.closed_through.as_deref())?,
        ) else {
            continue;
        };
        if (closed - entry_date).num_days() >= PENDING_DROP_DAYS {
            super::decision::drop_match(
                tx,
                row.match_id,
                "the pending entry never booked",
                options.now,
            )
            .await?;
            dropped += 1;
        }
    }
    Ok((final_count, dropped))
}

/// A case a run opens, gathered first and written in one go.
#[derive(Default)]
struct Case {
    kind: Option<ExceptionKind>,
    subject: String,
    detail: String,
    account_id: Option<i64>,
    entry_id: Option<i64>,
    open_item_id: Option<i64>,
    match_id: Option<i64>,
    amount_minor: Option<i64>,
    currency: Option<Currency>,
    about_date: Option<NaiveDate>,
}

/// Opens `unmatched_entry` (past each account's grace), `unmatched_item` (past due and grace)
/// and `difference` (short and over payments) cases, and resolves those the run explained.
async fn exceptions(
    tx: &mut cashline_ledger::Tx<'_>,
    decided: &Decided,
    ids: &[i64],
    entry_grace: i64,
    item_grace: i64,
    options: &RunOptions<'_>,
) -> Result<(usize, usize), EngineError> {
    let grace: FxHashMap<i64, i64> = store::grace_days(&mut *tx).await?.into_iter().collect();
    let (mut opened, mut resolved) = (0, 0);
    let mut cases: Vec<Case> = Vec::new();
    let auto_entries: rustc_hash::FxHashSet<usize> = decided
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
        .map(|p| p.entry)
        .collect();
    let held_entries: rustc_hash::FxHashSet<usize> =
        decided.proposals.iter().map(|p| p.entry).collect();
    let open_entries = exception::open_about_subjects(tx, ExceptionKind::UnmatchedEntry).await?;
    let by_entry: FxHashMap<i64, i64> = open_entries
        .iter()
        .filter_map(|(id, entry, _)| Some(((*entry)?, *id)))
        .collect();
    let mut to_resolve = Vec::new();
    for (index, entry) in decided.entries.iter().enumerate() {
        let case = by_entry.get(&entry.id).copied();
        if auto_entries.contains(&index) {
            to_resolve.extend(case);
            continue;
        }
        if held_entries.contains(&index) || case.is_some() {
            continue;
        }
        let days = grace.get(&entry.account_id).copied().unwrap_or(entry_grace);
        let Some(day) = entry.date() else { continue };
        if (options.today - day).num_days() <= days {
            continue;
        }
        let amount = Money::minor_text(entry.amount_minor, entry.currency);
        let subject = format!(
            "entry {} of {} {} on {day}",
            cashline_domain::shown(&entry.bank_ref),
            amount,
            entry.currency
        );
        let detail = format!(
            "no open item or payment explains it after {days} days{}",
            entry
                .counterparty_name
                .as_deref()
                .map(|n| format!(" (from {})", cashline_domain::shown(n)))
                .unwrap_or_default()
        );
        cases.push(Case {
            kind: Some(ExceptionKind::UnmatchedEntry),
            subject,
            detail,
            account_id: Some(entry.account_id),
            entry_id: Some(entry.id),
            amount_minor: Some(entry.amount_minor),
            currency: Some(entry.currency),
            about_date: Some(day),
            ..Case::default()
        });
    }
    let open_items = exception::open_about_subjects(tx, ExceptionKind::UnmatchedItem).await?;
    let by_item: FxHashMap<i64, i64> = open_items
        .iter()
        .filter_map(|(id, _, item)| Some(((*item)?, *id)))
        .collect();
    let mut settled: FxHashMap<usize, i64> = FxHashMap::default();
    for proposal in decided
        .proposals
        .iter()
        .filter(|p| p.state == MatchState::Auto)
    {
        for s in &proposal.settles {
            *settled.entry(s.target).or_default() += s.settled_minor;
        }
    }
    // This run's suggestions are written already, so the ledger's list holds them too.
    let suggested: rustc_hash::FxHashSet<i64> =
        store::suggested_item_ids(tx).await?.into_iter().collect();
    for (index, target) in decided.targets.iter().enumerate() {
        let TargetId::Item(item_id) = target.id else {
            continue;
        };
        if suggested.contains(&item_id) {
            continue;
        }
        let case = by_item.get(&item_id).copied();
        let now_settled = settled.get(&index).copied().unwrap_or(0) >= target.open_minor;
        if now_settled {
            to_resolve.extend(case);
            continue;
        }
        let Some(due) = target.due_date else { continue };
        if case.is_some() || (options.today - due).num_days() <= item_grace {
            continue;
        }
        let open = Money::minor_text(target.open_minor, target.currency);
        let subject = format!(
            "{} {} of {} {} due {due}",
            target.kind.as_str(),
            cashline_domain::shown(&target.external_id),
            open,
            target.currency
        );
        let detail = format!(
            "no bank entry settles it {} days after its due date{}",
            (options.today - due).num_days(),
            target
                .counterparty_name
                .as_deref()
                .map(|n| format!(" ({})", cashline_domain::shown(n)))
                .unwrap_or_default()
        );
        cases.push(Case {
            kind: Some(ExceptionKind::UnmatchedItem),
            subject,
            detail,
            open_item_id: Some(item_id),
            amount_minor: Some(target.expected_entry_minor()),
            currency: Some(target.currency),
            about_date: Some(due),
            ..Case::default()
        });
    }
    for (proposal, id) in decided.proposals.iter().zip(ids) {
        if proposal.state != MatchState::Auto
            || !matches!(
                proposal.difference_kind,
                Some(DifferenceKind::ShortPayment | DifferenceKind::OverPayment)
            )
        {
            continue;
        }
        let entry = &decided.entries[proposal.entry];
        let difference = Money::minor_text(proposal.difference_minor, entry.currency);
        let kind = proposal
            .difference_kind
            .map(|k| k.as_str())
            .unwrap_or_default();
        let subject = format!(
            "{kind} of {} {} on entry {}",
            difference,
            entry.currency,
            cashline_domain::shown(&entry.bank_ref)
        );
        cases.push(Case {
                kind: Some(ExceptionKind::Difference),
                subject,
                detail: "matched automatically; the difference needs a decision (chase, refund or write off)".to_string(),
                account_id: Some(entry.account_id),
                entry_id: Some(entry.id),
                match_id: Some(*id),
                amount_minor: Some(proposal.difference_minor),
                currency: Some(entry.currency),
                ..Case::default()
        });
    }
    let news: Vec<exception::NewException<'_>> = cases
        .iter()
        .map(|c| exception::NewException {
            kind: c.kind,
            subject: &c.subject,
            detail: Some(&c.detail),
            account_id: c.account_id,
            entry_id: c.entry_id,
            open_item_id: c.open_item_id,
            match_id: c.match_id,
            amount_minor: c.amount_minor,
            currency: c.currency.as_ref().map(Currency::code),
            about_date: c.about_date,
            statement_id: None,
            payment_id: None,
        })
        .collect();
    opened += exception::open_many(tx, &news, options.now).await?;
    resolved += to_resolve.len();
    exception::resolve_about(
        tx,
        &to_resolve,
        "matched by a reconciliation run",
        options.now,
    )
    .await?;
    Ok((opened, resolved))
}
