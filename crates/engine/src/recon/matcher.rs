//! The matcher: every enabled rule, in order, over entries and targets held in memory, and the
//! decision for each entry. Its one bar: a wrong automatic match is worse than none, so two
//! candidates that fit about as well are only ever suggested, and two entries that claim the
//! same item are both only suggested.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::Datelike;

use rustc_hash::FxHashMap;
use smallvec::{smallvec, SmallVec};

use cashline_domain::{CreditorReference, Currency, DifferenceKind, MatchState};

use super::amount::{fit, fit_amount, Fit};
use super::evidence::{span_of, EntryText, Evidence, Shown, TargetText};
use super::facts::{EntryFacts, Memory, Target, TargetKind};
use super::index::{Glance, Index, Postings, NO_GROUP};
use super::parallel::{by_share, threads, PARALLEL_FROM};
use super::rule::{
    CustomParams, Drift, Field, InvoiceParams, Params, Rule, RuleKind, SeveralParams, Test,
    ToleranceParams, WindowParams,
};
use super::subset::subsets_summing_to;
use super::text::{
    compact, compact_cow, compact_into, party_key, party_key_into, push_upper, same_compact,
    same_party_key, tokens, upper_prefix,
};

/// Scores are hundredths: 90 is a confidence of 0.90.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// At or above: matched without a person.
    pub auto: u8,
    /// At or above (and below `auto`): shown as a suggestion. Below: not shown.
    pub suggest: u8,
    /// Another candidate this close to the best makes an entry ambiguous.
    pub tie_margin: u8,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            auto: 90,
            suggest: 60,
            tie_margin: 3,
        }
    }
}

/// What a part of a match settles of one target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settle {
    /// Index into the targets given to the matcher.
    pub target: usize,
    /// Minor units of the target's open amount this match settles (positive).
    pub settled_minor: i64,
    /// A payable settled by the payment that pays it: the same money, counted once.
    pub companion: bool,
}

/// What a proposal settles: nearly always one target, kept inline.
pub type Settles = SmallVec<[Settle; 1]>;

/// A proposal's evidence: nearly always three pieces (the key, the amount, the counterparty),
/// kept inline.
pub type Evidences = SmallVec<[Evidence; 3]>;

/// A decision about one entry.
#[derive(Debug, Clone)]
pub struct Proposal {
    /// Index into the entries given to the matcher.
    pub entry: usize,
    pub settles: Settles,
    /// The rule's name (as stored).
    pub rule: Arc<str>,
    pub score: u8,
    pub state: MatchState,
    /// The entry amount less what the targets expected, signed like the entry.
    pub difference_minor: i64,
    pub difference_kind: Option<DifferenceKind>,
    /// On a pending entry: final once it books.
    pub tentative: bool,
    pub evidence: Evidences,
    /// Value date less due date, where both are known (the first target's).
    pub days_apart: Option<i64>,
    pub notes: Vec<Note>,
}

/// Everything a run decided.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    pub proposals: Vec<Proposal>,
    /// Entries (indices) with no proposal at all.
    pub unmatched: Vec<usize>,
}

/// A candidate before the decision.
#[derive(Debug, Clone)]
struct Candidate {
    settles: Settles,
    rule: usize,
    score: i32,
    difference_minor: i64,
    difference_kind: Option<DifferenceKind>,
    evidence: Evidences,
    notes: Vec<Note>,
}

/// A note on a proposal: most are fixed sentences, which cost nothing to keep.
pub type Note = Cow<'static, str>;

impl Candidate {
    /// Whether both settle the same targets (companions aside).
    fn same_targets(&self, other: &Candidate) -> bool {
        let own = |c: &Candidate| {
            let mut targets = c.settles.iter().filter(|s| !s.companion).map(|s| s.target);
            match (targets.next(), targets.next()) {
                (Some(one), None) => Some(one),
                _ => None,
            }
        };
        match (own(self), own(other)) {
            // Nearly every candidate settles one target: compared without a list.
            (Some(a), Some(b)) => a == b,
            _ => self.key() == other.key(),
        }
    }

    fn key(&self) -> Vec<usize> {
        let mut key: Vec<usize> = self
            .settles
            .iter()
            .filter(|s| !s.companion)
            .map(|s| s.target)
            .collect();
        key.sort_unstable();
        key
    }
}

/// The targets' references and end-to-end ids, compact.
struct References<'a> {
    /// Payments' end-to-end ids.
    by_end_to_end: Index<'a>,
    /// Items' and payments' references.
    by_reference: Index<'a>,
    /// The first three characters of every reference: a run of the remittance text that starts
    /// no reference is not looked up.
    starts: rustc_hash::FxHashSet<[u8; 3]>,
}

fn end_to_end_id(target: &Target) -> Option<&str> {
    target
        .end_to_end_id
        .as_deref()
        .filter(|id| !is_placeholder(id))
}

fn reference(target: &Target) -> Option<&str> {
    target.reference.as_deref()
}

fn iban(target: &Target) -> Option<&str> {
    target.counterparty_iban.as_deref()
}

impl<'a> References<'a> {
    fn build(targets: &'a [Target]) -> References<'a> {
        let payments = targets.iter().filter(|t| t.end_to_end_id.is_some()).count();
        let mut by_end_to_end = Index::new(targets, end_to_end_id, payments, true);
        let mut by_reference = Index::new(targets, reference, targets.len(), true);
        let mut starts = rustc_hash::FxHashSet::default();
        for i in 0..targets.len() {
            if payments > 0 {
                by_end_to_end.push(i);
            }
            if let Some(start) = by_reference.push(i) {
                starts.insert(start);
            }
        }
        References {
            by_end_to_end: by_end_to_end.finish(),
            by_reference: by_reference.finish(),
            starts,
        }
    }
}

/// Who each target is: its party key, worked out once rather than per comparison, and the
/// index by IBAN. Party keys are kept once per party, not once per target: a customer with
/// twenty open invoices is one key.
struct Parties<'a> {
    /// Each target's party (an index into `keys`), or `NO_GROUP`.
    target_party: Vec<u32>,
    keys: Vec<String>,
    /// By party: its targets.
    targets_of: Postings,
    ids: FxHashMap<String, u32>,
    /// Each name as the targets write it → its party (or `NO_GROUP` where it makes no key).
    by_name: FxHashMap<&'a str, u32>,
    /// Compact IBAN → targets.
    by_iban: Index<'a>,
    /// By target.
    glances: Vec<Glance>,
}

/// The index by IBAN and the targets' glances: one half of [`Parties`].
struct Ibans<'a> {
    by_iban: Index<'a>,
    glances: Vec<Glance>,
}

impl<'a> Ibans<'a> {
    fn build(targets: &'a [Target]) -> Ibans<'a> {
        let mut by_iban = Index::new(targets, iban, targets.len() / 8, false);
        for i in 0..targets.len() {
            by_iban.push(i);
        }
        let glances: Vec<Glance> = targets.iter().map(Glance::of).collect();
        let by_iban = by_iban.finish().with_glances(&glances);
        Ibans { by_iban, glances }
    }
}

impl<'a> Parties<'a> {
    /// The party keys of `targets`, joined to their IBANs worked out beside them.
    fn build(targets: &'a [Target], ibans: impl FnOnce() -> Ibans<'a>) -> Parties<'a> {
        let mut keys: Vec<String> = Vec::new();
        let mut ids: FxHashMap<String, u32> = FxHashMap::default();
        // A party's targets mostly carry its name written the same way: the key is worked
        // out once per spelling, not once per target.
        let mut by_name: FxHashMap<&'a str, u32> = FxHashMap::default();
        let mut key = String::new();
        let mut target_party = Vec::with_capacity(targets.len());
        for target in targets {
            let party = match target.counterparty_name.as_deref() {
                Some(name) => *by_name.entry(name).or_insert_with(|| {
                    party_key_into(name, &mut key);
                    if key.is_empty() {
                        return NO_GROUP;
                    }
                    if let Some(&id) = ids.get(key.as_str()) {
                        return id;
                    }
                    let id = u32::try_from(keys.len()).expect("fewer than 4 billion parties");
                    ids.insert(key.clone(), id);
                    keys.push(key.clone());
                    id
                }),
                None => NO_GROUP,
            };
            target_party.push(party);
        }
        let ibans = ibans();
        let targets_of = Postings::build(&target_party, keys.len()).with_glances(&ibans.glances);
        Parties {
            target_party,
            keys,
            targets_of,
            ids,
            by_name,
            by_iban: ibans.by_iban,
            glances: ibans.glances,
        }
    }

    fn party(&self, target: usize) -> Option<&str> {
        let id = self.target_party[target];
        (id != NO_GROUP).then(|| self.keys[id as usize].as_str())
    }

    /// The targets of the party with this key, with their glances.
    fn glanced(&self, key: &str) -> impl Iterator<Item = (usize, &Glance)> + '_ {
        self.ids
            .get(key)
            .into_iter()
            .flat_map(|&id| self.targets_of.glanced(id))
    }

    /// The party key of a name as an entry writes it: read from the index where a target
    /// wrote the name the same way (a bank and an ERP mostly do), else worked out.
    fn key_of_name(&self, name: &str) -> Cow<'_, str> {
        match self.by_name.get(name) {
            Some(&NO_GROUP) => Cow::Borrowed(""),
            Some(&id) => Cow::Borrowed(&self.keys[id as usize]),
            None => Cow::Owned(party_key(name)),
        }
    }

    /// The targets of the party a name stands for, with their glances.
    fn glanced_by_name(&self, name: &str) -> impl Iterator<Item = (usize, &Glance)> + '_ {
        let id = match self.by_name.get(name) {
            Some(&id) => (id != NO_GROUP).then_some(id),
            None => self.ids.get(party_key(name).as_str()).copied(),
        };
        id.into_iter().flat_map(|id| self.targets_of.glanced(id))
    }
}

/// The targets indexed once per run, then every entry decided against them.
pub struct Matcher<'a> {
    targets: &'a [Target],
    rules: Vec<&'a Rule>,
    /// The enabled rules' names, shared by every proposal a rule makes.
    rule_names: Vec<Arc<str>>,
    memory: &'a Memory,
    thresholds: Thresholds,
    tolerance: Option<ToleranceParams>,
    instalments: bool,
    references: References<'a>,
    parties: Parties<'a>,
    /// Per custom rule (by position in `rules`): the targets its item criteria admit, sorted by
    /// currency and expected entry amount for range scans.
    custom_targets: FxHashMap<usize, Vec<u32>>,
}

/// End-to-end ids banks write when the payer gave none.
fn is_placeholder(id: &str) -> bool {
    let id = id.trim();
    ["NOTPROVIDED", "NONREF", "NOTPROVIDED/", ""]
        .iter()
        .any(|p| id.eq_ignore_ascii_case(p))
}

impl<'a> Matcher<'a> {
    pub fn new(
        targets: &'a [Target],
        rules: &'a [Rule],
        memory: &'a Memory,
        thresholds: Thresholds,
    ) -> Matcher<'a> {
        let mut enabled: Vec<&Rule> = rules.iter().filter(|r| r.enabled).collect();
        enabled.sort_by_key(|r| r.position);
        let tolerance = enabled.iter().find_map(|r| match &r.params {
            Params::Tolerance(t) if r.kind == RuleKind::AmountTolerance => Some(*t),
            _ => None,
        });
        let instalments = enabled.iter().any(|r| r.kind == RuleKind::SeveralItems);
        // The indexes read the same targets and share nothing: the IBANs (the costliest, a
        // million keys into a few thousand lists) are built beside the references and the
        // party keys.
        let (references, parties) = if targets.len() >= PARALLEL_FROM && threads() > 1 {
            std::thread::scope(|scope| {
                let ibans = scope.spawn(|| Ibans::build(targets));
                let references = References::build(targets);
                let parties =
                    Parties::build(targets, || ibans.join().expect("indexing does not panic"));
                (references, parties)
            })
        } else {
            (
                References::build(targets),
                Parties::build(targets, || Ibans::build(targets)),
            )
        };
        let mut matcher = Matcher {
            targets,
            rule_names: enabled.iter().map(|r| Arc::from(r.name.as_str())).collect(),
            rules: enabled,
            memory,
            thresholds,
            tolerance,
            instalments,
            references,
            parties,
            custom_targets: FxHashMap::default(),
        };
        for (position, rule) in matcher.rules.iter().enumerate() {
            if let Params::Custom(custom) = &rule.params {
                let mut admitted: Vec<u32> = (0..targets.len())
                    .filter(|&i| {
                        custom
                            .criteria
                            .iter()
                            .filter(|c| c.field.is_item())
                            .all(|c| item_passes(c.field, &c.test, &targets[i]))
                    })
                    .map(|i| u32::try_from(i).expect("bounded"))
                    .collect();
                admitted.sort_by_key(|&i| {
                    (
                        targets[i as usize].currency,
                        targets[i as usize].expected_entry_minor(),
                    )
                });
                matcher.custom_targets.insert(position, admitted);
            }
        }
        matcher
    }

    /// Decides every entry, then settles the conflicts between entries. Entries are decided
    /// one by one against targets nobody changes, so the cores share them out; the proposals
    /// come back in the entries' order whatever the number of cores.
    pub fn run(&self, entries: &[EntryFacts]) -> Outcome {
        // The first share's proposals are the run's: it has room for all of them, so the
        // others are appended rather than every proposal copied into fresh memory once more.
        let parts = by_share(entries, |part, first| {
            let room = if first == 0 { entries.len() } else { 0 };
            self.decide_all(part, first, room)
        });
        let mut parts = parts.into_iter();
        let mut outcome = parts.next().unwrap_or_default();
        for part in parts {
            outcome.proposals.extend(part.proposals);
            outcome.unmatched.extend(part.unmatched);
        }
        self.settle_conflicts(&mut outcome.proposals);
        outcome
    }

    /// Decides `entries`, the first of which is entry `first` of the run, with room for
    /// `room` proposals at least.
    fn decide_all(&self, entries: &[EntryFacts], first: usize, room: usize) -> Outcome {
        let mut outcome = Outcome {
            proposals: Vec::with_capacity(room.max(entries.len())),
            unmatched: Vec::new(),
        };
        let mut buffer = String::new();
        let mut candidates = Vec::new();
        for (n, entry) in entries.iter().enumerate() {
            let before = outcome.proposals.len();
            self.decide(
                first + n,
                entry,
                &mut buffer,
                &mut candidates,
                &mut outcome.proposals,
            );
            if outcome.proposals.len() == before {
                outcome.unmatched.push(first + n);
            }
        }
        outcome
    }

    /// Adds the entry's proposals, if any, to `proposals`.
    fn decide(
        &self,
        index: usize,
        entry: &EntryFacts,
        buffer: &mut String,
        candidates: &mut Vec<Candidate>,
        proposals: &mut Vec<Proposal>,
    ) {
        candidates.clear();
        for (position, rule) in self.rules.iter().enumerate() {
            let before = candidates.len();
            self.apply(position, rule, entry, buffer, candidates);
            if candidates.len() > before {
                // A rule earlier in the order that settles the entry beyond doubt ends the search.
                self.drop_negatives(entry, candidates);
                if self.decisive(candidates) {
                    break;
                }
            }
        }
        self.drop_negatives(entry, candidates);
        if candidates.is_empty() {
            return;
        }
        merge(candidates);
        let best = candidates[0].score;
        let margin = i32::from(self.thresholds.tie_margin);
        let contenders = candidates
            .iter()
            .filter(|c| c.score >= best - margin)
            .count();
        let auto = i32::from(self.thresholds.auto);
        let suggest = i32::from(self.thresholds.suggest);
        if contenders > 1 {
            for candidate in candidates
                .drain(..)
                .take_while(|c| c.score >= best - margin)
                .filter(|c| c.score >= suggest)
                .take(5)
            {
                let mut candidate = candidate;
                candidate.notes.push(Cow::Owned(format!("ambiguous: {contenders} candidates fit about as well, so none is matched without a person")));
                candidate.score = candidate.score.min(auto - 1);
                proposals.push(self.proposal(index, entry, candidate, MatchState::Suggested));
            }
        } else {
            let candidate = candidates.swap_remove(0);
            if candidate.score >= auto {
                proposals.push(self.proposal(index, entry, candidate, MatchState::Auto));
            } else if candidate.score >= suggest {
                proposals.push(self.proposal(index, entry, candidate, MatchState::Suggested));
            }
        }
    }

    /// Drops the candidates that pair the entry with a target a person rejected for it.
    fn drop_negatives(&self, entry: &EntryFacts, candidates: &mut Vec<Candidate>) {
        if !self.memory.has_negatives() {
            return;
        }
        candidates.retain(|c| {
            !c.settles
                .iter()
                .any(|s| self.memory.is_negative(entry.id, self.targets[s.target].id))
        });
    }

    fn decisive(&self, candidates: &[Candidate]) -> bool {
        let Some(best) = candidates.iter().map(|c| c.score).max() else {
            return false;
        };
        let margin = i32::from(self.thresholds.tie_margin);
        let mut contenders = candidates.iter().filter(|c| c.score >= best - margin);
        let first = contenders.next().expect("the best is a contender");
        best >= i32::from(self.thresholds.auto) && contenders.all(|c| c.same_targets(first))
    }

    fn proposal(
        &self,
        index: usize,
        entry: &EntryFacts,
        candidate: Candidate,
        state: MatchState,
    ) -> Proposal {
        let days_apart = candidate
            .settles
            .first()
            .and_then(|s| Some((entry.date()? - self.targets[s.target].due_date?).num_days()));
        Proposal {
            entry: index,
            rule: Arc::clone(&self.rule_names[candidate.rule]),
            score: u8::try_from(candidate.score.clamp(0, 99)).expect("clamped"),
            state,
            difference_minor: candidate.difference_minor,
            difference_kind: candidate.difference_kind,
            tentative: entry.pending,
            evidence: candidate.evidence,
            days_apart,
            notes: candidate.notes,
            settles: candidate.settles,
        }
    }

    /// Two automatic matches that together settle more of a target than it has open: neither
    /// is safe, both become suggestions.
    fn settle_conflicts(&self, proposals: &mut [Proposal]) {
        // By target: what the automatic matches settle of it, and how many claim it.
        let mut claimed: Vec<(i64, u32)> = vec![(0, 0); self.targets.len()];
        for proposal in proposals.iter().filter(|p| p.state == MatchState::Auto) {
            for settle in &proposal.settles {
                let claim = &mut claimed[settle.target];
                claim.0 += settle.settled_minor;
                claim.1 += 1;
            }
        }
        let over: Vec<bool> = claimed
            .iter()
            .zip(&self.parties.glances)
            .map(|((sum, count), g)| *count > 1 && *sum > g.open_minor)
            .collect();
        if !over.contains(&true) {
            return;
        }
        let auto = self.thresholds.auto;
        for proposal in proposals.iter_mut().filter(|p| p.state == MatchState::Auto) {
            if proposal.settles.iter().any(|s| over[s.target]) {
                proposal.state = MatchState::Suggested;
                proposal.score = proposal.score.min(auto - 1);
                proposal.notes.push(
                    "another entry claims the same item, so neither is matched without a person"
                        .into(),
                );
            }
        }
    }

    fn apply(
        &self,
        position: usize,
        rule: &Rule,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        match (&rule.kind, &rule.params) {
            (RuleKind::EndToEndId, _) => self.end_to_end(position, entry, buffer, out),
            (RuleKind::CreditorReference, _) => {
                self.creditor_reference(position, entry, buffer, out)
            }
            (RuleKind::InvoiceNumber, Params::InvoiceNumber(params)) => {
                self.invoice_number(position, params, entry, buffer, out)
            }
            (RuleKind::IbanAmountDate, Params::Window(window)) => {
                self.iban_amount_date(position, window, entry, buffer, out)
            }
            (RuleKind::SeveralItems, Params::SeveralItems(params)) => {
                self.several_items(position, params, entry, buffer, out)
            }
            (RuleKind::Batch, _) => self.batch(position, entry, buffer, out),
            (RuleKind::Custom, Params::Custom(params)) => self.custom(position, params, entry, out),
            // The tolerance rule shapes how the others compare amounts; it proposes nothing.
            _ => {}
        }
    }

    /// A candidate for one target found by a reference, if the amounts fit.
    fn single(
        &self,
        position: usize,
        entry: &EntryFacts,
        target: usize,
        base: i32,
        evidence: Evidence,
    ) -> Option<Candidate> {
        let t = &self.targets[target];
        if t.currency != entry.currency {
            return None;
        }
        let (settled, difference_minor, difference_kind, penalty, note) = match fit(
            entry.amount_minor,
            t,
            self.tolerance.as_ref(),
            self.instalments,
        ) {
            Fit::Exact => (t.open_minor, 0, None, 0, None),
            Fit::Within {
                difference_minor,
                kind,
                penalty,
            } => (t.open_minor, difference_minor, Some(kind), penalty, None),
            Fit::Part => (
                entry.amount_minor.abs(),
                0,
                Some(DifferenceKind::Instalment),
                5,
                Some(Cow::Owned(format!(
                    "an instalment: {} of {} open",
                    amount_text(entry.amount_minor.abs(), t.currency),
                    amount_text(t.open_minor, t.currency)
                ))),
            ),
            Fit::Wrong => return None,
        };
        let mut candidate = Candidate {
            settles: smallvec![Settle {
                target,
                settled_minor: settled,
                companion: false,
            }],
            rule: position,
            score: base - penalty,
            difference_minor,
            difference_kind,
            evidence: smallvec![evidence],
            notes: note.into_iter().collect(),
        };
        if difference_kind.is_none() {
            candidate.evidence.push(Evidence {
                field: "amount",
                entry: Shown::Amount(entry.amount_minor, entry.currency),
                target: Shown::Amount(t.expected_entry_minor(), t.currency),
            });
        }
        self.weigh_counterparty(entry, target, &mut candidate);
        self.add_companion(target, &mut candidate);
        Some(candidate)
    }

    /// Counterparty agreement raises a score and disagreement lowers it.
    fn weigh_counterparty(&self, entry: &EntryFacts, target: usize, candidate: &mut Candidate) {
        match self.counterparty(entry, target) {
            Agreement::Iban(evidence) => {
                candidate.score += 5;
                candidate.evidence.push(evidence);
            }
            Agreement::Name(evidence) => {
                candidate.score += 3;
                candidate.evidence.push(evidence);
            }
            Agreement::Differs => {
                candidate.score -= 15;
                candidate
                    .notes
                    .push("the counterparty differs from the item's".into());
            }
            Agreement::Unknown => {}
        }
    }

    fn counterparty(&self, entry: &EntryFacts, target: usize) -> Agreement {
        let entry_iban = entry.counterparty_iban.as_deref();
        let target_iban = self.targets[target].counterparty_iban.as_deref();
        if let (Some(a), Some(b)) = (entry_iban, target_iban) {
            // Written alike (nearly always) is one comparison; else compared compact.
            if same_compact(a, b) {
                return Agreement::Iban(Evidence {
                    field: "counterparty_iban",
                    entry: Shown::Entry(EntryText::CounterpartyIban),
                    target: Shown::target(target, TargetText::Iban),
                });
            }
        }
        // Only now: most entries agree by IBAN, and the party is one more read of memory.
        let party = self.parties.party(target);
        let aliased = |alias: &str| {
            party.is_some_and(|p| self.memory.parties_of(alias).iter().any(|q| q == p))
        };
        if !self.memory.is_empty() {
            if let Some(a) = &entry.counterparty_iban {
                if aliased(a) {
                    return Agreement::Iban(Evidence {
                        field: "counterparty_alias",
                        entry: Shown::Entry(EntryText::CounterpartyIban),
                        target: Shown::target(target, TargetText::Name),
                    });
                }
            }
        }
        let entry_party = entry
            .counterparty_name
            .as_deref()
            .map(|name| self.parties.key_of_name(name))
            .filter(|p| !p.is_empty());
        if let (Some(a), Some(b)) = (&entry_party, party) {
            if same_party_key(a, b) {
                return Agreement::Name(Evidence {
                    field: "counterparty_name",
                    entry: Shown::Entry(EntryText::CounterpartyName),
                    target: Shown::target(target, TargetText::Name),
                });
            }
            if let Some(name) = entry
                .counterparty_name
                .as_deref()
                .filter(|_| !self.memory.is_empty())
            {
                if aliased(name) {
                    return Agreement::Name(Evidence {
                        field: "counterparty_alias",
                        entry: Shown::Entry(EntryText::CounterpartyName),
                        target: Shown::target(target, TargetText::Name),
                    });
                }
            }
        }
        match (entry_iban, target_iban) {
            (Some(_), Some(_)) => Agreement::Differs,
            _ if entry_party.is_some() && party.is_some() => Agreement::Differs,
            _ => Agreement::Unknown,
        }
    }

    /// A payment that pays a payable settles both: the payable with the payment's reference,
    /// amount and creditor, when exactly one fits.
    fn add_companion(&self, target: usize, candidate: &mut Candidate) {
        let payment = &self.targets[target];
        if payment.kind != TargetKind::Payment {
            return;
        }
        let Some(reference) = &payment.reference else {
            return;
        };
        let fitting: Vec<usize> =
            Self::lookup(&self.references.by_reference, &compact_cow(reference))
                .filter(|&i| {
                    let p = &self.targets[i];
                    p.kind == TargetKind::Payable
                        && p.currency == payment.currency
                        && p.open_minor == payment.open_minor
                        && match (
                            p.counterparty_iban.as_deref(),
                            payment.counterparty_iban.as_deref(),
                        ) {
                            (Some(a), Some(b)) => same_compact(a, b),
                            _ => self
                                .parties
                                .party(i)
                                .zip(self.parties.party(target))
                                .is_some_and(|(a, b)| same_party_key(a, b)),
                        }
                })
                .collect();
        if let [payable] = fitting[..] {
            candidate.settles.push(Settle {
                target: payable,
                settled_minor: self.targets[payable].open_minor,
                companion: true,
            });
            candidate.notes.push(Cow::Owned(format!(
                "the payment pays payable {}",
                self.targets[payable].external_id
            )));
        }
    }

    fn lookup<'i>(index: &'i Index<'_>, key: &str) -> impl Iterator<Item = usize> + 'i {
        index.get(key).iter().map(|&i| i as usize)
    }

    /// What an end-to-end id may name: a payment's end-to-end id, or an item's reference.
    fn end_to_end_targets<'i>(&'i self, key: &str) -> impl Iterator<Item = usize> + 'i {
        Self::lookup(&self.references.by_end_to_end, key).chain(
            Self::lookup(&self.references.by_reference, key)
                .filter(|&t| self.targets[t].kind != TargetKind::Payment),
        )
    }

    fn end_to_end(
        &self,
        position: usize,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        let Some(id) = entry
            .end_to_end_id
            .as_deref()
            .filter(|id| !is_placeholder(id))
        else {
            return;
        };
        compact_into(id, buffer);
        for target in self.end_to_end_targets(buffer) {
            let evidence = Evidence {
                field: "end_to_end_id",
                entry: Shown::Entry(EntryText::EndToEndId),
                target: Shown::target(target, TargetText::EndToEndIdOrReference),
            };
            out.extend(self.single(position, entry, target, 97, evidence));
        }
    }

    fn creditor_reference(
        &self,
        position: usize,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        let mut keys: Vec<(Cow<'_, str>, Shown, bool)> = Vec::new();
        for (text, shown) in [
            (&entry.creditor_reference, EntryText::CreditorReference),
            (&entry.entry_ref, EntryText::EntryRef),
        ] {
            let Some(text) = text else { continue };
            let valid_rf = CreditorReference::parse(text).is_some();
            // An RF reference with wrong check digits is a typo, never evidence.
            if !valid_rf && looks_like_rf(text) {
                continue;
            }
            keys.push((Cow::Borrowed(text), Shown::Entry(shown), valid_rf));
        }
        if let Some(remittance) = &entry.remittance {
            for rf in CreditorReference::find_all(remittance) {
                let rf = rf.to_string();
                let shown = Shown::made(rf.clone());
                keys.push((Cow::Owned(rf), shown, true));
            }
        }
        let mut seen: Vec<usize> = Vec::new();
        for (key, shown, valid_rf) in keys {
            compact_into(&key, buffer);
            for target in Self::lookup(&self.references.by_reference, buffer) {
                if seen.contains(&target) {
                    continue;
                }
                seen.push(target);
                let evidence = Evidence {
                    field: if valid_rf {
                        "creditor_reference_rf"
                    } else {
                        "creditor_reference"
                    },
                    entry: shown.clone(),
                    target: Shown::target(target, TargetText::Reference),
                };
                out.extend(self.single(
                    position,
                    entry,
                    target,
                    if valid_rf { 96 } else { 93 },
                    evidence,
                ));
            }
        }
    }

    /// The targets whose reference the remittance text names, in order of appearance.
    fn named_targets(
        &self,
        params: &InvoiceParams,
        text: &str,
        buffer: &mut String,
    ) -> Vec<(usize, EntryText)> {
        let mut found: Vec<(usize, EntryText)> = Vec::new();
        let runs: SmallVec<[&str; 24]> = tokens(text).collect();
        let note = |key: &str, shown: EntryText, found: &mut Vec<(usize, EntryText)>| {
            for target in Self::lookup(&self.references.by_reference, key) {
                if !found.iter().any(|(t, _)| *t == target) {
                    found.push((target, shown));
                }
            }
        };
        for start in 0..runs.len() {
            let window = &runs[start..runs.len().min(start + params.runs_max)];
            // No reference starts like the runs from here: nothing from here can be one, and
            // most starts are ruled out so, before any run is copied.
            match upper_prefix(window) {
                Some(prefix) if self.references.starts.contains(&prefix) => {}
                _ => continue,
            }
            buffer.clear();
            let first = runs[start];
            for run in window {
                push_upper(run, buffer);
                if buffer.len() >= 4 && self.references.by_reference.may_contain(buffer) {
                    // The words as written, from the first run to this one.
                    let begin = span_of(text, first);
                    let end = span_of(text, run);
                    let shown = match (begin, end) {
                        (
                            EntryText::Remittance { start, .. },
                            EntryText::Remittance { end, .. },
                        ) => EntryText::Remittance { start, end },
                        _ => begin,
                    };
                    note(buffer, shown, &mut found);
                }
                if buffer.len() > 35 {
                    break;
                }
            }
        }
        for pattern in &params.patterns {
            for captures in pattern.captures_iter(text).take(50) {
                let Some(matched) = captures.get(1).or_else(|| captures.get(0)) else {
                    continue;
                };
                let key = compact(matched.as_str());
                let shown = EntryText::Remittance {
                    start: u32::try_from(matched.start()).unwrap_or(0),
                    end: u32::try_from(matched.end()).unwrap_or(0),
                };
                note(&key, shown, &mut found);
            }
        }
        found
    }

    fn invoice_number(
        &self,
        position: usize,
        params: &InvoiceParams,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        let Some(text) = &entry.remittance else {
            return;
        };
        let named: Vec<(usize, EntryText)> = self
            .named_targets(params, text, buffer)
            .into_iter()
            .filter(|(t, _)| {
                let t = &self.targets[*t];
                t.currency == entry.currency && t.kind.entry_sign() == entry.amount_minor.signum()
            })
            .collect();
        match named.len() {
            0 => {}
            1 => {
                let (target, shown) = &named[0];
                let evidence = Evidence {
                    field: "remittance",
                    entry: Shown::Entry(*shown),
                    target: Shown::target(*target, TargetText::Reference),
                };
                out.extend(self.single(position, entry, *target, 88, evidence));
            }
            _ if self.instalments => self.named_several(position, entry, &named, out),
            _ => {
                for (target, shown) in &named {
                    let evidence = Evidence {
                        field: "remittance",
                        entry: Shown::Entry(*shown),
                        target: Shown::target(*target, TargetText::Reference),
                    };
                    out.extend(self.single(position, entry, *target, 85, evidence));
                }
            }
        }
    }

    /// The remittance names several items: all of them if their sum fits, else the subsets of
    /// them that sum to the entry exactly.
    fn named_several(
        &self,
        position: usize,
        entry: &EntryFacts,
        named: &[(usize, EntryText)],
        out: &mut Vec<Candidate>,
    ) {
        let evidence_of = |set: &[usize]| -> Evidences {
            set.iter()
                .filter_map(|&t| {
                    let (_, shown) = named.iter().find(|(n, _)| *n == t)?;
                    Some(Evidence {
                        field: "remittance",
                        entry: Shown::Entry(*shown),
                        target: Shown::target(t, TargetText::Reference),
                    })
                })
                .collect()
        };
        let all: Vec<usize> = named.iter().map(|(t, _)| *t).collect();
        if let Some(candidate) = self.set_candidate(position, entry, &all, 88, evidence_of(&all)) {
            out.push(candidate);
            return;
        }
        let amounts: Vec<i64> = all.iter().map(|&t| self.targets[t].open_minor).collect();
        let found = subsets_summing_to(&amounts, entry.amount_minor.abs(), 1, all.len(), 50_000, 3);
        for subset in found.sets {
            let set: Vec<usize> = subset.iter().map(|&i| all[i]).collect();
            if let Some(mut candidate) =
                self.set_candidate(position, entry, &set, 84, evidence_of(&set))
            {
                candidate.notes.push(Cow::Owned(format!(
                    "the remittance names {} items; these {} sum to the entry",
                    all.len(),
                    set.len()
                )));
                out.push(candidate);
            }
        }
    }

    /// A candidate settling every target of `set` whole, if their sum fits the entry.
    fn set_candidate(
        &self,
        position: usize,
        entry: &EntryFacts,
        set: &[usize],
        base: i32,
        evidence: Evidences,
    ) -> Option<Candidate> {
        let first = &self.targets[*set.first()?];
        if set.iter().any(|&t| {
            self.targets[t].currency != entry.currency
                || self.targets[t].kind.entry_sign() != first.kind.entry_sign()
        }) {
            return None;
        }
        let total: i64 = set.iter().map(|&t| self.targets[t].open_minor).sum();
        let (difference_minor, difference_kind, penalty) = match fit_amount(
            entry.amount_minor,
            first.kind,
            first.currency,
            total,
            self.tolerance.as_ref(),
            false,
        ) {
            Fit::Exact => (0, None, 0),
            Fit::Within {
                difference_minor,
                kind,
                penalty,
            } => (difference_minor, Some(kind), penalty),
            Fit::Part | Fit::Wrong => return None,
        };
        let mut candidate = Candidate {
            settles: set
                .iter()
                .map(|&t| Settle {
                    target: t,
                    settled_minor: self.targets[t].open_minor,
                    companion: false,
                })
                .collect(),
            rule: position,
            score: base - penalty,
            difference_minor,
            difference_kind,
            evidence,
            notes: Vec::new(),
        };
        // Every item must belong to the entry's counterparty where that is known.
        let agreements: Vec<Agreement> = set.iter().map(|&t| self.counterparty(entry, t)).collect();
        if agreements.iter().any(|a| matches!(a, Agreement::Differs)) {
            candidate.score -= 15;
            candidate
                .notes
                .push("an item's counterparty differs from the entry's".into());
        } else if let Some(Agreement::Iban(e) | Agreement::Name(e)) = agreements
            .into_iter()
            .find(|a| matches!(a, Agreement::Iban(_) | Agreement::Name(_)))
        {
            candidate.score += 4;
            candidate.evidence.push(e);
        }
        Some(candidate)
    }

    fn iban_amount_date(
        &self,
        position: usize,
        window: &WindowParams,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        let Some(iban) = &entry.counterparty_iban else {
            return;
        };
        let Some(date) = entry.date() else {
            return;
        };
        compact_into(iban, buffer);
        let day = date.num_days_from_ce();
        let by_iban = self
            .parties
            .by_iban
            .glanced(buffer)
            .map(|(t, g)| (t, g, "counterparty_iban"));
        let aliased = self
            .memory
            .parties_of(iban)
            .iter()
            .flat_map(|party| self.parties.glanced(party))
            .map(|(t, g)| (t, g, "counterparty_alias"));
        let mut seen = Vec::new();
        let mut entry_party: Option<Cow<'_, str>> = None;
        for (target, g, field) in by_iban.chain(aliased) {
            if g.currency != entry.currency
                || g.expected_minor != entry.amount_minor
                || seen.contains(&target)
            {
                continue;
            }
            seen.push(target);
            let Some(days) = g.days_after_due(day) else {
                continue;
            };
            if days < -window.days_before || days > window.days_after {
                continue;
            }
            let t = &self.targets[target];
            let Some(due) = t.due_date else { continue };
            let mut candidate = Candidate {
                settles: smallvec![Settle {
                    target,
                    settled_minor: t.open_minor,
                    companion: false,
                }],
                rule: position,
                score: if field == "counterparty_iban" { 80 } else { 78 },
                difference_minor: 0,
                difference_kind: None,
                evidence: smallvec![
                    Evidence {
                        field,
                        entry: Shown::Entry(EntryText::CounterpartyIban),
                        target: Shown::target(target, TargetText::IbanOrName),
                    },
                    Evidence {
                        field: "amount",
                        entry: Shown::Amount(entry.amount_minor, entry.currency),
                        target: Shown::Amount(t.expected_entry_minor(), t.currency),
                    },
                    Evidence {
                        field: "value_date",
                        entry: Shown::Date(date),
                        target: Shown::Date(due),
                    },
                ],
                notes: Vec::new(),
            };
            // The target's party key was worked out when it was indexed; the entry's, once
            // for all its candidates.
            let entry_party = entry_party.get_or_insert_with(|| {
                entry
                    .counterparty_name
                    .as_deref()
                    .map(|name| self.parties.key_of_name(name))
                    .unwrap_or_default()
            });
            if let Some(b) = self.parties.party(target) {
                if same_party_key(entry_party, b) {
                    candidate.score += 3;
                    candidate.evidence.push(Evidence {
                        field: "counterparty_name",
                        entry: Shown::Entry(EntryText::CounterpartyName),
                        target: Shown::target(target, TargetText::Name),
                    });
                }
            }
            self.add_companion(target, &mut candidate);
            out.push(candidate);
        }
    }

    /// One entry paying several items of one counterparty, none named: the subsets of that
    /// counterparty's items (nearest due first) that sum to the entry exactly.
    fn several_items(
        &self,
        position: usize,
        params: &SeveralParams,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        let paid = entry.amount_minor.abs();
        let fits = |g: &Glance| {
            g.currency == entry.currency
                && g.kind.entry_sign() == entry.amount_minor.signum()
                && g.open_minor < paid
        };
        // The counterparty's targets that could be part of the sum, read with their glances.
        let mut pool: Vec<(usize, Glance)> = Vec::new();
        let mut add = |found: &mut dyn Iterator<Item = (usize, &Glance)>| {
            pool.extend(found.filter(|(_, g)| fits(g)).map(|(t, g)| (t, *g)));
        };
        if let Some(iban) = &entry.counterparty_iban {
            compact_into(iban, buffer);
            add(&mut self.parties.by_iban.glanced(buffer));
            for party in self.memory.parties_of(iban) {
                add(&mut self.parties.glanced(party));
            }
        }
        if let Some(name) = &entry.counterparty_name {
            add(&mut self.parties.glanced_by_name(name));
            for party in self.memory.parties_of(name) {
                add(&mut self.parties.glanced(party));
            }
        }
        pool.sort_unstable_by_key(|(t, _)| *t);
        pool.dedup_by_key(|(t, _)| *t);
        if pool.len() < 2 {
            return;
        }
        if let Some(date) = entry.date() {
            let day = date.num_days_from_ce();
            pool.sort_by_key(|(_, g)| g.days_after_due(day).map_or(i64::MAX, i64::abs));
        }
        pool.truncate(params.candidates_max);
        let amounts: Vec<i64> = pool.iter().map(|(_, g)| g.open_minor).collect();
        let pool: Vec<usize> = pool.into_iter().map(|(t, _)| t).collect();
        let found =
            subsets_summing_to(&amounts, paid, 2, params.items_max, params.search_budget, 2);
        if found.exhausted {
            return;
        }
        for subset in found.sets {
            let set: Vec<usize> = subset.iter().map(|&i| pool[i]).collect();
            let evidence = smallvec![Evidence {
                field: "sum_of_items",
                entry: Shown::Amount(paid, entry.currency),
                target: Shown::made(
                    set.iter()
                        .map(|&t| self.targets[t].external_id.as_str())
                        .collect::<Vec<_>>()
                        .join(" + "),
                ),
            }];
            if let Some(mut candidate) = self.set_candidate(position, entry, &set, 72, evidence) {
                candidate.notes.push(Cow::Owned(format!(
                    "{} items of the counterparty sum to the entry",
                    set.len()
                )));
                out.push(candidate);
            }
        }
    }

    /// A batch entry: each transaction detail settles one target by its end-to-end id or
    /// reference, at the detail's own amount.
    fn batch(
        &self,
        position: usize,
        entry: &EntryFacts,
        buffer: &mut String,
        out: &mut Vec<Candidate>,
    ) {
        if entry.details.len() < 2 {
            return;
        }
        let mut settles = Settles::new();
        let mut evidence = Evidences::new();
        let mut unmatched = 0_usize;
        let mut unmatched_minor = 0_i64;
        for (position_in_batch, detail) in entry.details.iter().enumerate() {
            let mut found: Vec<(usize, &'static str, EntryText)> = Vec::new();
            if let Some(id) = detail
                .end_to_end_id
                .as_deref()
                .filter(|id| !is_placeholder(id))
            {
                compact_into(id, buffer);
                found.extend(
                    self.end_to_end_targets(buffer)
                        .map(|t| (t, "end_to_end_id", EntryText::EndToEndId)),
                );
            }
            if found.is_empty() {
                for reference in detail.creditor_reference.iter() {
                    compact_into(reference, buffer);
                    found.extend(
                        Self::lookup(&self.references.by_reference, buffer)
                            .map(|t| (t, "creditor_reference", EntryText::CreditorReference)),
                    );
                }
            }
            if found.is_empty() {
                // A bill number in the transaction's own remittance, as the invoice rule reads it.
                if let Some(text) = &detail.remittance {
                    let plain = InvoiceParams {
                        patterns: Vec::new(),
                        runs_max: 4,
                    };
                    found.extend(
                        self.named_targets(&plain, text, buffer)
                            .into_iter()
                            .map(|(t, shown)| (t, "remittance", shown)),
                    );
                }
            }
            let amount = detail.amount_minor;
            found.retain(|(index, _, _)| {
                let t = &self.targets[*index];
                t.currency == entry.currency
                    && t.kind.entry_sign() == entry.amount_minor.signum()
                    && amount.is_none_or(|a| a.abs() == t.open_minor)
                    && !settles.iter().any(|s| s.target == *index)
            });
            found.dedup_by_key(|(t, _, _)| *t);
            match found.as_slice() {
                [(target, field, value)] => {
                    settles.push(Settle {
                        target: *target,
                        settled_minor: self.targets[*target].open_minor,
                        companion: false,
                    });
                    evidence.push(Evidence {
                        field,
                        entry: Shown::detail(position_in_batch, *value),
                        target: Shown::target(*target, TargetText::ExternalId),
                    });
                }
                _ => {
                    unmatched += 1;
                    unmatched_minor += amount.unwrap_or(0);
                }
            }
        }
        if settles.is_empty() {
            return;
        }
        let expected: i64 = settles
            .iter()
            .map(|s| self.targets[s.target].expected_entry_minor())
            .sum();
        let difference_minor = entry.amount_minor - expected;
        let mut candidate = Candidate {
            rule: position,
            score: if unmatched == 0 && difference_minor == 0 {
                95
            } else {
                65
            },
            difference_minor,
            difference_kind: (difference_minor != 0).then_some(DifferenceKind::Other),
            evidence,
            notes: vec![Cow::Owned(format!(
                "{} of {} transactions of the batch matched",
                settles.len(),
                entry.details.len()
            ))],
            settles,
        };
        if unmatched > 0 {
            candidate.notes.push(Cow::Owned(format!(
                "{unmatched} transactions ({} {}) found nothing",
                amount_text(unmatched_minor, entry.currency),
                entry.currency
            )));
        }
        out.push(candidate);
    }

    fn custom(
        &self,
        position: usize,
        params: &CustomParams,
        entry: &EntryFacts,
        out: &mut Vec<Candidate>,
    ) {
        if !params
            .criteria
            .iter()
            .filter(|c| c.field.is_entry())
            .all(|c| entry_passes(c.field, &c.test, entry))
        {
            return;
        }
        let Some(admitted) = self.custom_targets.get(&position) else {
            return;
        };
        let drift = params.criteria.iter().find_map(|c| match c.test {
            Test::WithinAmount(d) => Some(d),
            _ => None,
        });
        let days = params.criteria.iter().find_map(|c| match c.test {
            Test::WithinDays(n) => Some(n),
            _ => None,
        });
        // The admitted targets are sorted by currency and expected amount: scan only the range
        // the amount criterion allows (the exact amount without one).
        let (low, high) = amount_range(entry.amount_minor, entry.currency, drift);
        let key = |i: &u32| {
            (
                self.targets[*i as usize].currency,
                self.targets[*i as usize].expected_entry_minor(),
            )
        };
        let start = admitted.partition_point(|i| key(i) < (entry.currency, low));
        for &i in admitted[start..]
            .iter()
            .take_while(|i| key(i) <= (entry.currency, high))
            .take(50)
        {
            let target = i as usize;
            let t = &self.targets[target];
            if t.kind.entry_sign() != entry.amount_minor.signum() {
                continue;
            }
            if let Some(drift) = drift {
                if !within_drift(entry.amount_minor, t, drift) {
                    continue;
                }
            }
            let mut evidence: Evidences = params
                .criteria
                .iter()
                .map(|c| Evidence {
                    field: criterion_field(c.field),
                    entry: Shown::made(String::new()),
                    target: Shown::made(format!("{:?}", c.operator).to_lowercase()),
                })
                .collect();
            if let Some(days) = days {
                let (Some(date), Some(due)) = (entry.date(), t.due_date) else {
                    continue;
                };
                if (date - due).num_days().abs() > days {
                    continue;
                }
                evidence.push(Evidence {
                    field: "value_date",
                    entry: Shown::Date(date),
                    target: Shown::Date(due),
                });
            }
            let difference_minor = entry.amount_minor - t.expected_entry_minor();
            out.push(Candidate {
                settles: smallvec![Settle {
                    target,
                    settled_minor: t.open_minor,
                    companion: false,
                }],
                rule: position,
                score: i32::from(params.confidence),
                difference_minor,
                difference_kind: (difference_minor != 0).then_some(DifferenceKind::Other),
                evidence,
                notes: Vec::new(),
            });
        }
    }
}

/// Money as evidence shows it: with the currency's minor units.
fn amount_text(amount_minor: i64, currency: Currency) -> String {
    cashline_domain::Money::minor_text(amount_minor, currency)
}

enum Agreement {
    Iban(Evidence),
    Name(Evidence),
    Differs,
    Unknown,
}

/// An `RF` text of the right shape whose check digits are wrong.
fn looks_like_rf(text: &str) -> bool {
    let c = compact(text);
    c.len() >= 5
        && c.starts_with("RF")
        && c.as_bytes()[2].is_ascii_digit()
        && c.as_bytes()[3].is_ascii_digit()
}

/// One candidate per target set, the best score kept (the earlier rule on a tie), sorted best
/// first.
fn merge(candidates: &mut Vec<Candidate>) {
    if candidates.len() < 2 {
        return;
    }
    let mut kept = 0;
    for next in 0..candidates.len() {
        match (0..kept).find(|&k| candidates[k].same_targets(&candidates[next])) {
            Some(k) => {
                if candidates[next].score > candidates[k].score {
                    candidates.swap(k, next);
                }
            }
            None => {
                candidates.swap(kept, next);
                kept += 1;
            }
        }
    }
    candidates.truncate(kept);
    // Stable, so candidates of one score and rule keep the order they were found in.
    candidates.sort_by(|a, b| b.score.cmp(&a.score).then(a.rule.cmp(&b.rule)));
}

fn criterion_field(field: Field) -> &'static str {
    match field {
        Field::EntryCounterpartyName => "entry.counterparty_name",
        Field::EntryCounterpartyIban => "entry.counterparty_iban",
        Field::EntryRemittance => "entry.remittance",
        Field::EntryEndToEndId => "entry.end_to_end_id",
        Field::EntryCreditorReference => "entry.creditor_reference",
        Field::EntryBankTransactionCode => "entry.bank_transaction_code",
        Field::ItemCounterpartyName => "item.counterparty_name",
        Field::ItemCounterpartyIban => "item.counterparty_iban",
        Field::ItemReference => "item.reference",
        Field::ItemKind => "item.kind",
        Field::Date => "date",
        Field::Amount => "amount",
    }
}

fn text_passes(test: &Test, value: Option<&str>) -> bool {
    let Some(value) = value else {
        return false;
    };
    match test {
        Test::Equals(expected) => value.trim().to_uppercase() == *expected,
        Test::Contains(part) => value.to_uppercase().contains(part.as_str()),
        Test::Regex(pattern) => pattern.is_match(value),
        Test::WithinDays(_) | Test::WithinAmount(_) => true,
    }
}

fn entry_passes(field: Field, test: &Test, entry: &EntryFacts) -> bool {
    let value = match field {
        Field::EntryCounterpartyName => entry.counterparty_name.as_deref(),
        Field::EntryCounterpartyIban => entry.counterparty_iban.as_deref(),
        Field::EntryRemittance => entry.remittance.as_deref(),
        Field::EntryEndToEndId => entry.end_to_end_id.as_deref(),
        Field::EntryCreditorReference => entry.creditor_reference.as_deref(),
        Field::EntryBankTransactionCode => entry.bank_transaction_code.as_deref(),
        _ => return true,
    };
    text_passes(test, value)
}

fn item_passes(field: Field, test: &Test, target: &Target) -> bool {
    let value = match field {
        Field::ItemCounterpartyName => target.counterparty_name.as_deref(),
        Field::ItemCounterpartyIban => target.counterparty_iban.as_deref(),
        Field::ItemReference => target.reference.as_deref(),
        Field::ItemKind => Some(target.kind.as_str()),
        _ => return true,
    };
    text_passes(test, value)
}

/// The expected entry amounts a drift admits around `amount_minor` (wide enough for a share
/// of the item's amount, which `within_drift` then checks exactly).
fn amount_range(amount_minor: i64, currency: Currency, drift: Option<Drift>) -> (i64, i64) {
    match drift {
        None => (amount_minor, amount_minor),
        Some(Drift::Fixed(value)) => {
            let d = super::amount::minor_units(value, currency);
            (
                amount_minor.saturating_sub(d),
                amount_minor.saturating_add(d),
            )
        }
        Some(Drift::Percent(_)) => {
            // At most 100 %: an item up to twice the entry, down to zero, of the same sign.
            let reach = amount_minor.saturating_abs();
            (
                amount_minor.saturating_sub(reach),
                amount_minor.saturating_add(reach),
            )
        }
    }
}

fn within_drift(entry_minor: i64, target: &Target, drift: Drift) -> bool {
    let gap = entry_minor.abs_diff(target.expected_entry_minor());
    let allowed = match drift {
        Drift::Fixed(value) => super::amount::minor_units(value, target.currency),
        Drift::Percent(percent) => super::amount::share(target.open_minor, percent),
    };
    gap <= allowed.unsigned_abs()
}
