//! A person's decisions about matches: confirm, reject, undo, and a match made by hand. Each
//! checks the state it starts from inside the writer's transaction, applies or reverts what the
//! match settles, learns from it (an alias on a confirmation, a hard negative on a rejection),
//! and appends its audit record in the same transaction.

use chrono::{DateTime, Utc};
use rustc_hash::FxHashSet;

use cashline_domain::{Currency, DifferenceKind, ExceptionKind, MatchState, Money};
use cashline_ledger::recon::{self as store, NewMatch, SettleRow};
use cashline_ledger::{audit, exception, Ledger, Tx};

use super::explanation::{Differences, EvidenceShown, Explanation, Settled};
use crate::payment::reconciled;
use crate::EngineError;

/// What a decision did, for the caller's answer.
#[derive(Debug, Clone)]
pub struct Decision {
    pub match_id: i64,
    pub state: MatchState,
    /// Other suggestions for the same entries, set aside by a confirmation.
    pub superseded: Vec<i64>,
    pub aliases_learnt: usize,
    pub negatives_learnt: usize,
}

fn not_found(id: i64) -> EngineError {
    EngineError::InvalidRequest(format!("there is no match {id}"))
}

async fn current(
    tx: &mut Tx<'_>,
    id: i64,
) -> Result<(store::MatchRow, Vec<i64>, Vec<SettleRow>, MatchState), EngineError> {
    let (row, entries, settles) = store::match_in(tx, id)
        .await?
        .ok_or_else(|| not_found(id))?;
    let state = MatchState::parse(&row.state).ok_or_else(|| {
        EngineError::InvalidRequest(format!("match {id} has an unknown state '{}'", row.state))
    })?;
    Ok((row, entries, settles, state))
}

async fn record(
    tx: &mut Tx<'_>,
    user: &str,
    action: &str,
    id: i64,
    detail: serde_json::Value,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    audit::append(
        tx,
        &audit::NewAuditRecord {
            actor: user,
            action,
            subject: &format!("recon match {id}"),
            detail,
        },
        now,
    )
    .await?;
    Ok(())
}

/// Resolves the unmatched-entry and unmatched-item cases a live match now answers.
async fn resolve_cases(
    tx: &mut Tx<'_>,
    entries: &[i64],
    settles: &[SettleRow],
    user: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let entries: FxHashSet<i64> = entries.iter().copied().collect();
    let items: FxHashSet<i64> = settles.iter().filter_map(|s| s.open_item_id).collect();
    let mut cases = Vec::new();
    for (id, entry, _) in exception::open_about_subjects(tx, ExceptionKind::UnmatchedEntry).await? {
        if entry.is_some_and(|e| entries.contains(&e)) {
            cases.push(id);
        }
    }
    for (id, _, item) in exception::open_about_subjects(tx, ExceptionKind::UnmatchedItem).await? {
        if item.is_some_and(|i| items.contains(&i)) {
            cases.push(id);
        }
    }
    exception::resolve_about(tx, &cases, &format!("matched by {user}"), now).await?;
    Ok(())
}

/// A suggestion (or an automatic match) confirmed by a person. The counterparty's name and
/// IBAN as the bank wrote them are remembered as aliases of the item's party.
pub async fn confirm(
    ledger: &Ledger,
    id: i64,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Decision, EngineError> {
    let mut tx = ledger.begin().await?;
    let (row, entries, settles, state) = current(&mut tx, id).await?;
    if !matches!(state, MatchState::Suggested | MatchState::Auto) {
        return Err(EngineError::InvalidRequest(format!(
            "match {id} is {state}: only a suggested or automatic match can be confirmed"
        )));
    }
    if state == MatchState::Suggested {
        for entry in &entries {
            if store::entry_is_held(&mut tx, *entry).await? {
                return Err(EngineError::InvalidRequest(format!(
                    "an entry of match {id} is matched already: undo that match first"
                )));
            }
        }
        // Two suggestions may name one item (two entries claiming it): the second confirmed
        // must not settle what the first already did.
        for settle in &settles {
            if let Some(item) = settle.open_item_id {
                let (name, open) = store::item_open_minor(&mut tx, item)
                    .await?
                    .unwrap_or_default();
                if open < settle.settled_minor {
                    return Err(EngineError::InvalidRequest(format!(
                        "item '{}' is settled by another match already: undo that one first, or reject this one",
                        cashline_domain::shown(&name)
                    )));
                }
            }
            if let Some(payment) = settle.payment_id {
                if let Some((name, true)) = store::payment_settled(&mut tx, payment).await? {
                    return Err(EngineError::InvalidRequest(format!(
                        "payment '{}' is settled by another entry already: undo that match first, or reject this one",
                        cashline_domain::shown(&name)
                    )));
                }
            }
        }
        store::apply_effects(&mut tx, &[(id, &entries, &settles)], 1, i64::MAX, now).await?;
        if !row.tentative {
            reconciled::settle(&mut tx, id, &settles, user, now).await?;
        }
    }
    store::set_match_state(&mut tx, id, MatchState::Confirmed, user, now).await?;
    let superseded = store::other_suggestions(&mut tx, id).await?;
    for other in &superseded {
        store::set_match_state(&mut tx, *other, MatchState::Undone, user, now).await?;
    }
    let aliases_learnt = learn_aliases(&mut tx, id, user, now).await?;
    resolve_cases(&mut tx, &entries, &settles, user, now).await?;
    record(&mut tx, user, "recon.confirm", id, serde_json::json!({"from": state.as_str(), "superseded": superseded, "aliases_learnt": aliases_learnt}), now).await?;
    tx.commit().await?;
    Ok(Decision {
        match_id: id,
        state: MatchState::Confirmed,
        superseded,
        aliases_learnt,
        negatives_learnt: 0,
    })
}

/// The counterparty of each entry, as the bank writes it, stands for the party of the items it
/// settled, where the two differ (an equal name or IBAN teaches nothing).
async fn learn_aliases(
    tx: &mut Tx<'_>,
    id: i64,
    user: &str,
    now: DateTime<Utc>,
) -> Result<usize, EngineError> {
    let pairs = store::alias_pairs(tx, id).await?;
    let mut learnt = 0;
    for pair in pairs {
        let Some(party) = pair.party.filter(|p| !p.trim().is_empty()) else {
            continue;
        };
        let party_iban = pair.party_iban.as_deref().map(super::text::compact);
        if let Some(iban) = pair
            .entry_iban
            .filter(|i| party_iban.as_deref() != Some(super::text::compact(i).as_str()))
        {
            learnt += usize::from(
                store::alias_add(
                    tx,
                    "iban",
                    &super::text::compact(&iban),
                    &party,
                    id,
                    user,
                    now,
                )
                .await?,
            );
        }
        if let Some(name) = pair.entry_name.filter(|n| {
            !super::text::same_party(n, &party) && !super::text::party_key(n).is_empty()
        }) {
            learnt += usize::from(
                store::alias_add(tx, "name", name.trim(), &party, id, user, now).await?,
            );
        }
    }
    Ok(learnt)
}

/// A suggestion or automatic match rejected: what an automatic one settled is reverted, and each
/// of its entry–item pairs is remembered as a hard negative, never proposed again.
pub async fn reject(
    ledger: &Ledger,
    id: i64,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Decision, EngineError> {
    let mut tx = ledger.begin().await?;
    let (_, entries, settles, state) = current(&mut tx, id).await?;
    if !matches!(state, MatchState::Suggested | MatchState::Auto) {
        return Err(EngineError::InvalidRequest(format!("match {id} is {state}: only a suggested or automatic match can be rejected (undo a confirmed one)")));
    }
    if state == MatchState::Auto {
        store::apply_effects(&mut tx, &[(id, &entries, &settles)], -1, i64::MAX, now).await?;
        reconciled::unsettle(&mut tx, id, &settles, user, now).await?;
    }
    store::set_match_state(&mut tx, id, MatchState::Rejected, user, now).await?;
    let mut negatives_learnt = 0;
    for entry in &entries {
        for settle in &settles {
            store::negative_add(
                &mut tx,
                *entry,
                settle.open_item_id,
                settle.payment_id,
                id,
                user,
                now,
            )
            .await?;
            negatives_learnt += 1;
        }
    }
    record(
        &mut tx,
        user,
        "recon.reject",
        id,
        serde_json::json!({"from": state.as_str(), "negatives_learnt": negatives_learnt}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Decision {
        match_id: id,
        state: MatchState::Rejected,
        superseded: Vec::new(),
        aliases_learnt: 0,
        negatives_learnt,
    })
}

/// An automatic or confirmed match undone: its items are open again and its entries go back to
/// the next run. Nothing is learnt: undoing is not saying the pair was wrong.
pub async fn undo(
    ledger: &Ledger,
    id: i64,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Decision, EngineError> {
    let mut tx = ledger.begin().await?;
    let (_, entries, settles, state) = current(&mut tx, id).await?;
    if !state.is_live() {
        return Err(EngineError::InvalidRequest(format!(
            "match {id} is {state}: only an automatic or confirmed match can be undone"
        )));
    }
    store::apply_effects(&mut tx, &[(id, &entries, &settles)], -1, i64::MAX, now).await?;
    reconciled::unsettle(&mut tx, id, &settles, user, now).await?;
    store::set_match_state(&mut tx, id, MatchState::Undone, user, now).await?;
    record(
        &mut tx,
        user,
        "recon.undo",
        id,
        serde_json::json!({"from": state.as_str()}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Decision {
        match_id: id,
        state: MatchState::Undone,
        superseded: Vec::new(),
        aliases_learnt: 0,
        negatives_learnt: 0,
    })
}

/// A tentative match whose pending entry never booked, dropped by a run.
pub(crate) async fn drop_match(
    tx: &mut Tx<'_>,
    id: i64,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<(), EngineError> {
    let (_, entries, settles, state) = current(tx, id).await?;
    if state.is_live() {
        store::apply_effects(tx, &[(id, &entries, &settles)], -1, i64::MAX, now).await?;
        reconciled::unsettle(tx, id, &settles, "cashline", now).await?;
    }
    store::set_match_state(tx, id, MatchState::Undone, "cashline", now).await?;
    record(
        tx,
        "cashline",
        "recon.drop",
        id,
        serde_json::json!({"from": state.as_str(), "reason": reason}),
        now,
    )
    .await?;
    Ok(())
}

/// A match made by hand: entries (by bank reference) against items and payments (by their ERP
/// ids). A difference must be named; an instalment settles part of one item.
#[derive(Debug, Clone, Default)]
pub struct ManualMatch {
    pub entries: Vec<String>,
    pub items: Vec<String>,
    pub payments: Vec<String>,
    pub difference_kind: Option<DifferenceKind>,
    /// Which account an entry's bank reference is on, where several accounts share it.
    pub account: Option<String>,
}

/// Entries and items per manual match, far above any real case and below SQLite's limits.
pub const MANUAL_LINES_MAX: usize = 500;

pub async fn manual(
    ledger: &Ledger,
    request: &ManualMatch,
    user: &str,
    now: DateTime<Utc>,
) -> Result<Decision, EngineError> {
    let invalid = |m: String| EngineError::InvalidRequest(m);
    if request.entries.is_empty() || request.items.len() + request.payments.len() == 0 {
        return Err(invalid(
            "a match needs at least one entry and one item or payment".into(),
        ));
    }
    if request.entries.len() > MANUAL_LINES_MAX
        || request.items.len() + request.payments.len() > MANUAL_LINES_MAX
    {
        return Err(invalid(format!(
            "a match may hold at most {MANUAL_LINES_MAX} entries and {MANUAL_LINES_MAX} items"
        )));
    }
    let mut tx = ledger.begin().await?;
    let mut entry_ids = Vec::new();
    let mut entry_total: i64 = 0;
    let mut currency: Option<String> = None;
    let mut pending = false;
    for bank_ref in &request.entries {
        let mut found = store::entries_by_ref(&mut tx, bank_ref).await?;
        if let Some(account) = &request.account {
            found.retain(|e| &e.account_key == account);
        }
        let entry = match found.as_slice() {
            [one] => one.clone(),
            [] => {
                return Err(invalid(format!(
                    "there is no booked or pending entry '{}'",
                    cashline_domain::shown(bank_ref)
                )))
            }
            _ => {
                return Err(invalid(format!(
                    "{} entries have the reference '{}': name the account",
                    found.len(),
                    cashline_domain::shown(bank_ref)
                )))
            }
        };
        if store::entry_is_held(&mut tx, entry.id).await? {
            return Err(invalid(format!(
                "entry '{}' is matched already: undo that match first",
                cashline_domain::shown(bank_ref)
            )));
        }
        if entry_ids.contains(&entry.id) {
            return Err(invalid(format!(
                "entry '{}' is named twice",
                cashline_domain::shown(bank_ref)
            )));
        }
        if currency.as_ref().is_some_and(|c| c != &entry.currency) {
            return Err(invalid("the entries are in different currencies".into()));
        }
        currency = Some(entry.currency.clone());
        pending |= entry.status == "pending";
        entry_total = entry_total
            .checked_add(entry.amount_minor)
            .ok_or_else(|| EngineError::OutOfRange("the entries' sum is too large".into()))?;
        entry_ids.push(entry.id);
    }
    let currency_code = currency.expect("at least one entry");
    let currency = Currency::from_code(&currency_code)?;
    // Each target with its still-open amount and the sign of the entry that settles it.
    let mut targets: Vec<(SettleRow, i64, i64, String)> = Vec::new();
    for id in &request.items {
        let item = store::item_to_settle(&mut tx, id).await?.ok_or_else(|| {
            invalid(format!(
                "there is no open item '{}'",
                cashline_domain::shown(id)
            ))
        })?;
        let (item_id, kind, open, item_currency, state) = (
            item.id,
            item.kind,
            item.open_minor,
            item.currency,
            item.state,
        );
        if !matches!(state.as_str(), "open" | "partially_matched") {
            return Err(invalid(format!(
                "item '{}' is {state}",
                cashline_domain::shown(id)
            )));
        }
        if item_currency != currency_code {
            return Err(invalid(format!(
                "item '{}' is in {item_currency}, the entries in {currency_code}",
                cashline_domain::shown(id)
            )));
        }
        let sign = if kind == "receivable" { 1 } else { -1 };
        targets.push((
            SettleRow {
                open_item_id: Some(item_id),
                payment_id: None,
                settled_minor: open,
            },
            open,
            sign,
            id.clone(),
        ));
    }
    for id in &request.payments {
        let payment = store::payment_to_settle(&mut tx, id)
            .await?
            .ok_or_else(|| {
                invalid(format!(
                    "there is no payment '{}'",
                    cashline_domain::shown(id)
                ))
            })?;
        let (payment_id, amount, payment_currency, settled) = (
            payment.id,
            payment.amount_minor,
            payment.currency,
            payment.settled_by_entry_id,
        );
        if settled.is_some() {
            return Err(invalid(format!(
                "payment '{}' is settled by another entry already",
                cashline_domain::shown(id)
            )));
        }
        if payment_currency != currency_code {
            return Err(invalid(format!(
                "payment '{}' is in {payment_currency}, the entries in {currency_code}",
                cashline_domain::shown(id)
            )));
        }
        targets.push((
            SettleRow {
                open_item_id: None,
                payment_id: Some(payment_id),
                settled_minor: amount,
            },
            amount,
            -1,
            id.clone(),
        ));
    }
    let expected: i64 = targets.iter().map(|(_, open, sign, _)| open * sign).sum();
    let difference_minor = entry_total - expected;
    let instalment = request.difference_kind == Some(DifferenceKind::Instalment);
    if instalment {
        let [(settle, open, sign, id)] = targets.as_mut_slice() else {
            return Err(invalid(
                "an instalment settles part of exactly one item".into(),
            ));
        };
        let paid = entry_total * *sign;
        if paid <= 0 || paid >= *open {
            return Err(invalid(format!(
                "an instalment pays part of item '{}': more than nothing and less than its {} open",
                cashline_domain::shown(id),
                Money::from_minor(*open, currency).amount_text()
            )));
        }
        settle.settled_minor = paid;
    } else if difference_minor != 0 && request.difference_kind.is_none() {
        return Err(invalid(format!(
            "the entries and the items differ by {} {currency}: name the difference (fee, short_payment, over_payment, rounding, other) or choose other lines",
            Money::from_minor(difference_minor, currency).amount_text()
        )));
    }
    let difference_kind = if instalment || difference_minor != 0 {
        request.difference_kind
    } else {
        None
    };
    let settles: Vec<SettleRow> = targets.iter().map(|(s, _, _, _)| *s).collect();
    let settled_shown: Vec<(String, String)> = targets
        .iter()
        .map(|(s, open, _, _)| {
            (
                Money::from_minor(s.settled_minor, currency).amount_text(),
                Money::from_minor(*open, currency).amount_text(),
            )
        })
        .collect();
    let explanation = Explanation {
        rule: "manual",
        score: "1.00".into(),
        evidence: vec![EvidenceShown {
            field: "person",
            entry: user.into(),
            item: "matched by hand".into(),
        }],
        differences: Differences {
            amount: Money::from_minor(if instalment { 0 } else { difference_minor }, currency)
                .amount_text(),
            kind: difference_kind.map(|k| k.as_str()),
            days_apart: None,
        },
        settles: targets
            .iter()
            .zip(&settled_shown)
            .map(|((s, _, _, id), (settled, open_before))| Settled {
                id,
                kind: if s.payment_id.is_some() {
                    "payment"
                } else {
                    "item"
                },
                settled: settled.clone(),
                open_before: open_before.clone(),
                companion: false,
            })
            .collect(),
        notes: &[],
        made_by: user,
        tentative: pending,
    };
    let new = NewMatch {
        rule: "manual".into(),
        confidence_text: "1.00".into(),
        state: MatchState::Confirmed,
        difference_minor: if instalment { 0 } else { difference_minor },
        difference_kind: difference_kind.map(|k| k.as_str().to_string()),
        currency: currency_code,
        explanation_json: explanation.to_json(),
        decided_by: Some(user.to_string()),
        tentative: pending,
        run_id: None,
        entry_ids: entry_ids.clone(),
        settles: settles.clone(),
    };
    let id = store::insert_matches(&mut tx, std::slice::from_ref(&new), now).await?[0];
    store::apply_effects(&mut tx, &[(id, &entry_ids, &settles)], 1, i64::MAX, now).await?;
    if !pending {
        reconciled::settle(&mut tx, id, &settles, user, now).await?;
    }
    // Suggestions held for these entries are answered by this match.
    let mut superseded = Vec::new();
    for other in store::other_suggestions(&mut tx, id).await? {
        store::set_match_state(&mut tx, other, MatchState::Undone, user, now).await?;
        superseded.push(other);
    }
    resolve_cases(&mut tx, &entry_ids, &settles, user, now).await?;
    record(
        &mut tx,
        user,
        "recon.match",
        id,
        serde_json::json!({"entries": request.entries, "items": request.items, "payments": request.payments, "difference_minor": difference_minor, "difference_kind": difference_kind.map(|k| k.as_str())}),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Decision {
        match_id: id,
        state: MatchState::Confirmed,
        superseded,
        aliases_learnt: 0,
        negatives_learnt: 0,
    })
}
