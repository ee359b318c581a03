//! Exceptions (the cases an import, a check or a reconciliation run opened): the queue with its filters, one case's detail, assignment, comments and resolution; and the audit chain's verification.

import type {
  AuditReport,
  Exception,
  ExceptionComment,
  ExceptionDetail,
  ExceptionEvent,
  ExceptionId,
  ExceptionNote,
  ExceptionsAssign,
  ExceptionsChanged,
  ExceptionsQuery,
  ExceptionsResolve,
} from '../generated/wire';
import { arrayOf, bool, count, currency, instant, listIn, money, nonEmptyText, nullable, record, text, texts } from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type ExceptionCase = Exception;
export type { AuditReport, ExceptionDetail, ExceptionEvent, ExceptionNote, ExceptionsChanged };
/** Which cases: kind, state, owner, account, entity, bank and aging bucket; empty fields are no filter. */
export type ExceptionFilter = Loose<ExceptionsQuery>;

/** The states of a case; `written_off` closes it without a fix (it was `dismissed` before). */
export const EXCEPTION_STATES = ['open', 'in_progress', 'resolved', 'written_off'] as const;
/** The aging buckets, in days since a case was opened. */
export const AGE_BUCKETS = ['0-2', '3-7', '8-30', 'over-30'] as const;
/** The states a case can be closed in; both need a resolution. */
export type ClosingState = 'resolved' | 'written_off';

// ---------------------------------------------------------------------------------------------
// Limits.

/** Cases one bulk action may touch; the queue shows at most as many rows. */
export const EXCEPTIONS_BULK_MAX = 1000;
/** A comment or a resolution, as typed. */
export const EXCEPTION_TEXT_CHARS_MAX = 4000;
/** An owner's name. */
export const OWNER_CHARS_MAX = 200;

// ---------------------------------------------------------------------------------------------
// Calls.

export async function fetchExceptions(filter: ExceptionFilter = {}): Promise<ExceptionCase[]> {
  const request: ExceptionFilter = {
    kind: filter.kind || null,
    state: filter.state || null,
    owner: filter.owner?.trim() || null,
    account: filter.account?.trim() || null,
    entity: filter.entity?.trim() || null,
    bank: filter.bank?.trim() || null,
    age: filter.age || null,
  };
  return listIn(await call('exceptions', request), 'exceptions', 'exceptions', decodeException);
}

/** One case with its comments and its history. */
export async function fetchExceptionDetail(id: string): Promise<ExceptionDetail> {
  const request: ExceptionId = { id: caseId(id) };
  return decodeDetail(await call('exception_detail', request));
}

/** Gives the cases to `owner`, or takes them from their owner when it is null. */
export async function assignExceptions(ids: string[], owner: string | null): Promise<ExceptionsChanged> {
  const name = owner?.trim() ?? '';
  if (owner !== null && name === '') throw new ApiError('bad_request', 'Type the name of the owner.');
  if (name.length > OWNER_CHARS_MAX) throw new ApiError('bad_request', `An owner’s name may be at most ${OWNER_CHARS_MAX} characters.`);
  const request: Loose<ExceptionsAssign> = { ids: caseIds(ids), owner: owner === null ? null : name };
  return decodeChanged(await call('exceptions_assign', request));
}

/** Adds a comment to a case; answers with the case as it is now. */
export async function commentException(id: string, comment: string): Promise<ExceptionDetail> {
  const body = comment.trim();
  if (body === '') throw new ApiError('bad_request', 'Type a comment first.');
  if (body.length > EXCEPTION_TEXT_CHARS_MAX) throw new ApiError('bad_request', `A comment may be at most ${EXCEPTION_TEXT_CHARS_MAX} characters.`);
  const request: ExceptionComment = { id: caseId(id), text: body };
  return decodeDetail(await call('exception_comment', request));
}

/** Closes the cases as resolved or written off, saying how; both need a resolution. */
export async function resolveExceptions(ids: string[], state: ClosingState, resolution: string): Promise<ExceptionsChanged> {
  const how = resolution.trim();
  if (how === '') throw new ApiError('bad_request', 'Say how the cases were resolved: a resolution is needed.');
  if (how.length > EXCEPTION_TEXT_CHARS_MAX) throw new ApiError('bad_request', `A resolution may be at most ${EXCEPTION_TEXT_CHARS_MAX} characters.`);
  return moveExceptions(ids, state, how);
}

/** Moves the cases back to open or on to in progress (no resolution needed). */
export async function reopenExceptions(ids: string[], state: 'open' | 'in_progress'): Promise<ExceptionsChanged> {
  return moveExceptions(ids, state, null);
}

async function moveExceptions(ids: string[], state: string, resolution: string | null): Promise<ExceptionsChanged> {
  const request: Loose<ExceptionsResolve> = { ids: caseIds(ids), state, resolution };
  return decodeChanged(await call('exceptions_resolve', request));
}

/** Re-reads the audit chain and checks its length against the anchor kept outside the ledger: how many records, and the first one that does not hold, with why. */
export async function auditVerify(): Promise<AuditReport> {
  const o = record(await call('audit_verify'), 'audit');
  return {
    records: count(o.records, 'audit.records'),
    ok: bool(o.ok, 'audit.ok'),
    first_bad: nullable(text)(o.first_bad, 'audit.first_bad'),
    problem: nullable(text)(o.problem, 'audit.problem'),
    anchored: bool(o.anchored, 'audit.anchored'),
    anchor_note: nullable(text)(o.anchor_note, 'audit.anchor_note'),
    unrecorded: nullable(texts)(o.unrecorded, 'audit.unrecorded') ?? [],
  };
}

function caseId(id: string): string {
  if (id.trim() === '') throw new ApiError('bad_request', 'No exception was chosen.');
  return id;
}

function caseIds(ids: string[]): string[] {
  if (ids.length === 0) throw new ApiError('bad_request', 'Choose at least one exception.');
  if (ids.length > EXCEPTIONS_BULK_MAX) throw new ApiError('bad_request', `One action may change at most ${EXCEPTIONS_BULK_MAX} exceptions.`);
  return ids.map(caseId);
}

// ---------------------------------------------------------------------------------------------
// Decoders.

/** Ids are text on the wire; a number is accepted and written as text. */
function decodeId(value: unknown, path: string): string {
  return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : nonEmptyText(value, path);
}

function decodeException(value: unknown, path: string): ExceptionCase {
  const o = record(value, path);
  return {
    id: decodeId(o.id, `${path}.id`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    subject: text(o.subject, `${path}.subject`),
    detail: nullable(text)(o.detail, `${path}.detail`),
    state: nonEmptyText(o.state, `${path}.state`),
    owner: nullable(text)(o.owner, `${path}.owner`),
    opened_at: instant(o.opened_at, `${path}.opened_at`),
    closed_at: nullable(instant)(o.closed_at, `${path}.closed_at`),
    resolution: nullable(text)(o.resolution, `${path}.resolution`),
    amount: nullable(money)(o.amount, `${path}.amount`),
    currency: nullable(currency)(o.currency, `${path}.currency`),
    account: nullable(text)(o.account, `${path}.account`),
    entity: nullable(text)(o.entity, `${path}.entity`),
    bank: nullable(text)(o.bank, `${path}.bank`),
    age_days: count(o.age_days, `${path}.age_days`),
    age_bucket: nonEmptyText(o.age_bucket, `${path}.age_bucket`),
    notes: count(o.notes, `${path}.notes`),
    match_id: nullable(decodeId)(o.match_id, `${path}.match_id`),
  };
}

function decodeDetail(value: unknown): ExceptionDetail {
  const o = record(value, 'detail');
  return {
    exception: decodeException(o.exception, 'detail.exception'),
    notes: arrayOf(decodeNote)(o.notes, 'detail.notes'),
    history: arrayOf(decodeEvent)(o.history, 'detail.history'),
  };
}

function decodeNote(value: unknown, path: string): ExceptionNote {
  const o = record(value, path);
  return {
    author: text(o.author, `${path}.author`),
    text: text(o.text, `${path}.text`),
    written_at: instant(o.written_at, `${path}.written_at`),
  };
}

function decodeEvent(value: unknown, path: string): ExceptionEvent {
  const o = record(value, path);
  return {
    action: nonEmptyText(o.action, `${path}.action`),
    detail: nullable(text)(o.detail, `${path}.detail`),
    actor: text(o.actor, `${path}.actor`),
    at: instant(o.at, `${path}.at`),
  };
}

function decodeChanged(value: unknown): ExceptionsChanged {
  const o = record(value, 'changed');
  return { changed: count(o.changed, 'changed.changed') };
}
