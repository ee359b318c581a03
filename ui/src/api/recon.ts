//! Reconciliation: runs, matches and the decisions on them, matching by hand, rules, what was learnt, the evaluation and the dashboard figures.

import type {
  AgingBucket,
  EvaluationAuto,
  FalseMatch,
  LearntId,
  ManualMatch,
  MatchId,
  MatchesQuery,
  ReconAlias,
  ReconDecision,
  ReconEvaluate,
  ReconEvaluation,
  ReconLearntReport,
  ReconLine,
  ReconMatch,
  ReconNegative,
  ReconRule,
  ReconRulesReport,
  ReconRun,
  ReconRunReport,
  ReconSummary,
  ReconWorkbench,
  RuleAdd,
  RuleChange,
  UnreconciledTotal,
} from '../generated/wire';
import {
  arrayOf,
  bool,
  count,
  currency,
  decimal,
  decodeDate,
  instant,
  isRecord,
  listIn,
  money,
  nonEmptyText,
  nullable,
  record,
  text,
  texts,
  type Decoder,
} from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type {
  AgingBucket,
  ReconAlias,
  ReconDecision,
  ReconEvaluation,
  ReconLearntReport,
  ReconLine,
  ReconMatch,
  ReconNegative,
  ReconRule,
  ReconRulesReport,
  ReconRunReport,
  ReconSummary,
  ReconWorkbench,
  UnreconciledTotal,
};

/** The states a match moves through (`recon matches --state`). */
export const MATCH_STATES = ['suggested', 'auto', 'confirmed', 'rejected', 'undone'] as const;
/** The names a difference between entries and items may be booked under. */
export const DIFFERENCE_KINDS = ['fee', 'short_payment', 'over_payment', 'instalment', 'rounding', 'other'] as const;
export type DifferenceKind = (typeof DIFFERENCE_KINDS)[number];

// ---------------------------------------------------------------------------------------------
// Limits.

/** Matches asked for at most per list; the engine has its own cap too. */
export const MATCHES_LIMIT_MAX = 500;
/** Lines one manual match may name; more is a selection gone wrong, not a payment. */
export const MANUAL_LINES_MAX = 200;
/** A rule's JSON text, as typed or pasted. */
const RULE_CHARS_MAX = 64 * 1024;

// ---------------------------------------------------------------------------------------------
// Calls.

/** Runs every enabled rule; a dry run answers with what a run would do and writes nothing. */
export async function runRecon(dryRun: boolean): Promise<ReconRunReport> {
  const request: ReconRun = { dry_run: dryRun };
  return decodeRunReport(await call('recon_run', request));
}

/** Matches, newest first, in one state (all when null), at most `limit`. */
export async function fetchMatches(state: string | null = null, limit: number | null = null): Promise<ReconMatch[]> {
  if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1 || limit > MATCHES_LIMIT_MAX)) {
    throw new ApiError('bad_request', `The number of matches must be a whole number from 1 to ${MATCHES_LIMIT_MAX}.`);
  }
  const request: Loose<MatchesQuery> = { state: state || null, limit };
  return listIn(await call('recon_matches', request), 'matches', 'matches', decodeMatch);
}

/** Confirms a suggestion (or an automatic match); its rivals for the same lines are superseded. */
export async function confirmMatch(id: string): Promise<ReconDecision> {
  return decodeDecision(await call('recon_confirm', matchId(id)));
}

/** Rejects a suggestion or an automatic match; the pair is never proposed again. */
export async function rejectMatch(id: string): Promise<ReconDecision> {
  return decodeDecision(await call('recon_reject', matchId(id)));
}

/** Undoes an automatic or confirmed match: its entries and items are open again. */
export async function undoMatch(id: string): Promise<ReconDecision> {
  return decodeDecision(await call('recon_undo', matchId(id)));
}

/** What a person matches by hand: bank references on one side, item and payment ids on the other. */
export interface ManualSelection {
  entries: string[];
  items: string[];
  payments: string[];
  /** How a difference between the two sides is booked; null when they agree. */
  differenceKind?: DifferenceKind | null;
  /** The account of the entries, where a bank reference is on several. */
  account?: string | null;
}

/** Matches entries to items and payments by hand; the match is confirmed at once. */
export async function matchByHand(selection: ManualSelection): Promise<ReconDecision> {
  const { entries, items, payments } = selection;
  if (entries.length === 0 || items.length + payments.length === 0) {
    throw new ApiError('bad_request', 'Choose at least one entry and one open item or payment.');
  }
  if (entries.length + items.length + payments.length > MANUAL_LINES_MAX) {
    throw new ApiError('bad_request', `One match may name at most ${MANUAL_LINES_MAX} lines.`);
  }
  const request: Loose<ManualMatch> = {
    entries,
    items,
    payments,
    difference_kind: selection.differenceKind ?? null,
    account: selection.account || null,
  };
  return decodeDecision(await call('recon_match', request));
}

/** What is left to match on each side: unmatched entries, and open items and payments. */
export async function fetchWorkbench(): Promise<ReconWorkbench> {
  const o = record(await call('recon_workbench'), 'workbench');
  return {
    entries: arrayOf(decodeLine)(o.entries, 'workbench.entries'),
    items: arrayOf(decodeLine)(o.items, 'workbench.items'),
  };
}

export async function fetchRules(): Promise<ReconRulesReport> {
  return decodeRules(await call('recon_rules'));
}

/** Adds a custom rule from its JSON text (`{"name", "criteria": [...], "confidence"}`). */
export async function addRule(ruleJson: string): Promise<ReconRulesReport> {
  if (ruleJson.trim() === '') throw new ApiError('bad_request', 'The rule is empty.');
  if (ruleJson.length > RULE_CHARS_MAX) throw new ApiError('bad_request', `A rule may be at most ${RULE_CHARS_MAX / 1024} KB of text.`);
  const request: RuleAdd = { rule: ruleJson };
  return decodeRules(await call('recon_rule_add', request));
}

/** Sets the confidences (decimals from 0.01 to 0.99) from which matches are automatic and suggested. */
export async function setThresholds(auto: string, suggest: string): Promise<ReconRulesReport> {
  return decodeRules(await call('recon_thresholds_set', { auto, suggest }));
}

export async function enableRule(name: string): Promise<ReconRulesReport> {
  return decodeRules(await call('recon_rule_enable', ruleChange(name)));
}

export async function disableRule(name: string): Promise<ReconRulesReport> {
  return decodeRules(await call('recon_rule_disable', ruleChange(name)));
}

/** Moves a rule to `position` (1 = tried first). */
export async function moveRule(name: string, position: number): Promise<ReconRulesReport> {
  if (!Number.isSafeInteger(position) || position < 1) throw new ApiError('bad_request', 'A rule’s position is a whole number from 1.');
  return decodeRules(await call('recon_rule_move', ruleChange(name, position)));
}

/** Removes a custom rule (the built-in ones can only be disabled). */
export async function removeRule(name: string): Promise<ReconRulesReport> {
  return decodeRules(await call('recon_rule_remove', ruleChange(name)));
}

/** Counterparty aliases learnt from confirmations, and pairs rejected for good. */
export async function fetchLearnt(): Promise<ReconLearntReport> {
  return decodeLearnt(await call('recon_learnt'));
}

export async function removeAlias(id: string): Promise<ReconLearntReport> {
  return decodeLearnt(await call('recon_alias_remove', learntId(id)));
}

/** Forgets a rejection: the pair may be proposed again. */
export async function removeNegative(id: string): Promise<ReconLearntReport> {
  return decodeLearnt(await call('recon_negative_remove', learntId(id)));
}

/** Judges the current matches against a labelled truth file's text. */
export async function evaluateRecon(truth: string): Promise<ReconEvaluation> {
  const request: ReconEvaluate = { truth };
  return decodeEvaluation(await call('recon_evaluate', request));
}

/** The automation rate, what is unreconciled per currency, and open exceptions by age. */
export async function fetchReconSummary(): Promise<ReconSummary> {
  return decodeSummary(await call('recon_summary'));
}

function matchId(id: string): MatchId {
  if (id.trim() === '') throw new ApiError('bad_request', 'No match was chosen.');
  return { id };
}

function learntId(id: string): LearntId {
  if (id.trim() === '') throw new ApiError('bad_request', 'Nothing was chosen to remove.');
  return { id };
}

function ruleChange(name: string, position?: number): RuleChange {
  if (name.trim() === '') throw new ApiError('bad_request', 'No rule was chosen.');
  return position === undefined ? { name } : { name, position };
}

// ---------------------------------------------------------------------------------------------
// The explanation of a match.

/** One piece of evidence: a field, and what the entry and the item said. */
export interface ExplanationEvidence {
  field: string;
  entry: string;
  item: string;
}

/** What an item's share of a match settles. */
export interface ExplanationSettle {
  id: string;
  kind: string | null;
  settled: string | null;
  openBefore: string | null;
}

/** A match's stored explanation, read leniently: a part missing or of another shape is left out. */
export interface MatchExplanation {
  rule: string | null;
  score: string | null;
  evidence: ExplanationEvidence[];
  difference: string | null;
  differenceKind: string | null;
  daysApart: number | null;
  notes: string[];
  settles: ExplanationSettle[];
  madeBy: string | null;
}

/**
 * Reads the explanation the engine stored with a match. It is free-form JSON on the wire
 * (older matches may lack parts), so this never throws: what does not fit is left out, and
 * every text stays text for the screen to put in as such.
 */
export function readExplanation(explanation: Record<string, unknown>): MatchExplanation {
  const textOr = (value: unknown): string | null => (typeof value === 'string' ? value : null);
  const scalarText = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const differences = isRecord(explanation.differences) ? explanation.differences : {};
  const days = differences.days_apart;
  return {
    rule: textOr(explanation.rule),
    score: textOr(explanation.score),
    evidence: list(explanation.evidence)
      .filter(isRecord)
      .map((e) => ({ field: scalarText(e.field), entry: scalarText(e.entry), item: scalarText(e.item) })),
    difference: textOr(differences.amount),
    differenceKind: textOr(differences.kind),
    daysApart: typeof days === 'number' && Number.isSafeInteger(days) ? days : null,
    notes: list(explanation.notes).filter((n): n is string => typeof n === 'string'),
    settles: list(explanation.settles)
      .filter(isRecord)
      .map((s) => ({ id: scalarText(s.id), kind: textOr(s.kind), settled: textOr(s.settled), openBefore: textOr(s.open_before) })),
    madeBy: textOr(explanation.made_by),
  };
}

// ---------------------------------------------------------------------------------------------
// Decoders.

/** Ids are text on the wire; a number is accepted and written as text. */
function id(value: unknown, path: string): string {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : nonEmptyText(value, path);
}

function decodeLine(value: unknown, path: string): ReconLine {
  const o = record(value, path);
  return {
    id: nonEmptyText(o.id, `${path}.id`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    account: nullable(text)(o.account, `${path}.account`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    amount: money(o.amount, `${path}.amount`),
    open: money(o.open, `${path}.open`),
    currency: currency(o.currency, `${path}.currency`),
    date: nullable(decodeDate)(o.date, `${path}.date`),
    reference: nullable(text)(o.reference, `${path}.reference`),
    remittance: nullable(text)(o.remittance, `${path}.remittance`),
    status: nullable(text)(o.status, `${path}.status`),
  };
}

const lines: Decoder<ReconLine[]> = arrayOf(decodeLine);

function decodeMatch(value: unknown, path: string): ReconMatch {
  const o = record(value, path);
  return {
    id: nullable(id)(o.id, `${path}.id`),
    entries: texts(o.entries, `${path}.entries`),
    items: texts(o.items, `${path}.items`),
    payments: texts(o.payments, `${path}.payments`),
    rule: nonEmptyText(o.rule, `${path}.rule`),
    confidence: decimal(o.confidence, `${path}.confidence`),
    state: nonEmptyText(o.state, `${path}.state`),
    difference: money(o.difference, `${path}.difference`),
    difference_kind: nullable(text)(o.difference_kind, `${path}.difference_kind`),
    currency: currency(o.currency, `${path}.currency`),
    tentative: bool(o.tentative, `${path}.tentative`),
    explanation: nullable(record)(o.explanation, `${path}.explanation`) ?? {},
    decided_by: nullable(text)(o.decided_by, `${path}.decided_by`),
    decided_at: nullable(instant)(o.decided_at, `${path}.decided_at`),
    created_at: nullable(instant)(o.created_at, `${path}.created_at`),
    // A run's answer leaves the lines out; the matches list has them.
    entry_lines: nullable(lines)(o.entry_lines, `${path}.entry_lines`) ?? [],
    item_lines: nullable(lines)(o.item_lines, `${path}.item_lines`) ?? [],
  };
}

function decodeRunReport(value: unknown): ReconRunReport {
  const o = record(value, 'run');
  return {
    dry_run: bool(o.dry_run, 'run.dry_run'),
    run: nullable(id)(o.run, 'run.run'),
    examined: count(o.examined, 'run.examined'),
    auto: count(o.auto, 'run.auto'),
    suggested: count(o.suggested, 'run.suggested'),
    unmatched_entries: count(o.unmatched_entries, 'run.unmatched_entries'),
    unmatched_items: count(o.unmatched_items, 'run.unmatched_items'),
    automation_rate: decimal(o.automation_rate, 'run.automation_rate'),
    exceptions_opened: count(o.exceptions_opened, 'run.exceptions_opened'),
    exceptions_resolved: count(o.exceptions_resolved, 'run.exceptions_resolved'),
    matches: arrayOf(decodeMatch)(o.matches, 'run.matches'),
  };
}

function decodeDecision(value: unknown): ReconDecision {
  const o = record(value, 'decision');
  return {
    id: id(o.id, 'decision.id'),
    state: nonEmptyText(o.state, 'decision.state'),
    superseded: arrayOf(id)(o.superseded, 'decision.superseded'),
    aliases_learnt: count(o.aliases_learnt, 'decision.aliases_learnt'),
    negatives_learnt: count(o.negatives_learnt, 'decision.negatives_learnt'),
  };
}

function decodeRule(value: unknown, path: string): ReconRule {
  const o = record(value, path);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    position: count(o.position, `${path}.position`),
    enabled: bool(o.enabled, `${path}.enabled`),
    description: text(o.description, `${path}.description`),
    params: nullable(record)(o.params, `${path}.params`) ?? {},
    created_by: text(o.created_by, `${path}.created_by`),
  };
}

function decodeRules(value: unknown): ReconRulesReport {
  const o = record(value, 'rules');
  return {
    rules: arrayOf(decodeRule)(o.rules, 'rules.rules'),
    auto_threshold: decimal(o.auto_threshold, 'rules.auto_threshold'),
    suggest_threshold: decimal(o.suggest_threshold, 'rules.suggest_threshold'),
  };
}

function decodeAlias(value: unknown, path: string): ReconAlias {
  const o = record(value, path);
  return {
    id: id(o.id, `${path}.id`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    alias: text(o.alias, `${path}.alias`),
    party: text(o.party, `${path}.party`),
    created_by: text(o.created_by, `${path}.created_by`),
    created_at: instant(o.created_at, `${path}.created_at`),
  };
}

function decodeNegative(value: unknown, path: string): ReconNegative {
  const o = record(value, path);
  return {
    id: id(o.id, `${path}.id`),
    entry: text(o.entry, `${path}.entry`),
    target: text(o.target, `${path}.target`),
    created_by: text(o.created_by, `${path}.created_by`),
    created_at: instant(o.created_at, `${path}.created_at`),
  };
}

function decodeLearnt(value: unknown): ReconLearntReport {
  return {
    aliases: listIn(value, 'learnt', 'aliases', decodeAlias),
    negatives: listIn(value, 'learnt', 'negatives', decodeNegative),
  };
}

function decodeEvaluation(value: unknown): ReconEvaluation {
  const o = record(value, 'evaluation');
  const auto = record(o.auto, 'evaluation.auto');
  const decodedAuto: EvaluationAuto = {
    matches: count(auto.matches, 'evaluation.auto.matches'),
    right: count(auto.right, 'evaluation.auto.right'),
    precision: decimal(auto.precision, 'evaluation.auto.precision'),
  };
  const falseMatch = (v: unknown, path: string): FalseMatch => {
    const f = record(v, path);
    return {
      entries: texts(f.entries, `${path}.entries`),
      items: texts(f.items, `${path}.items`),
      rule: text(f.rule, `${path}.rule`),
      state: text(f.state, `${path}.state`),
    };
  };
  return {
    auto: decodedAuto,
    recall: decimal(o.recall, 'evaluation.recall'),
    labelled: count(o.labelled, 'evaluation.labelled'),
    found: count(o.found, 'evaluation.found'),
    false_matches: arrayOf(falseMatch)(o.false_matches, 'evaluation.false_matches'),
  };
}

function decodeUnreconciled(value: unknown, path: string): UnreconciledTotal {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    entries: count(o.entries, `${path}.entries`),
    credits: money(o.credits, `${path}.credits`),
    debits: money(o.debits, `${path}.debits`),
  };
}

function decodeAgingBucket(value: unknown, path: string): AgingBucket {
  const o = record(value, path);
  return { bucket: nonEmptyText(o.bucket, `${path}.bucket`), count: count(o.count, `${path}.count`) };
}

function decodeSummary(value: unknown): ReconSummary {
  const o = record(value, 'summary');
  return {
    automation_rate: decimal(o.automation_rate, 'summary.automation_rate'),
    entries_examined: count(o.entries_examined, 'summary.entries_examined'),
    auto_matched: count(o.auto_matched, 'summary.auto_matched'),
    confirmed: count(o.confirmed, 'summary.confirmed'),
    suggestions: count(o.suggestions, 'summary.suggestions'),
    unmatched_entries: count(o.unmatched_entries, 'summary.unmatched_entries'),
    unreconciled: arrayOf(decodeUnreconciled)(o.unreconciled, 'summary.unreconciled'),
    open_exceptions: arrayOf(decodeAgingBucket)(o.open_exceptions, 'summary.open_exceptions'),
    last_run_at: nullable(instant)(o.last_run_at, 'summary.last_run_at'),
  };
}
