//! Exceptions (the cases an import or a check opened) and the audit chain's verification.

import type { AuditReport, Exception, FilterQuery } from '../generated/wire';
import { bool, count, instant, listIn, money, nonEmptyText, nullable, record, text } from './decode';
import { call, type Loose } from './transport';

export type ExceptionCase = Exception;
export type { AuditReport };
/** Which cases: a kind (e.g. balance_mismatch) and a state (open, in_progress, resolved, dismissed). */
export type ExceptionFilter = Loose<FilterQuery>;

export async function fetchExceptions(filter: ExceptionFilter = {}): Promise<ExceptionCase[]> {
  const raw = await call('exceptions', { kind: filter.kind || null, state: filter.state || null });
  return listIn(raw, 'exceptions', 'exceptions', decodeException);
}

/** Re-reads the audit chain: how many records, and the first one that does not chain, if any. */
export async function auditVerify(): Promise<AuditReport> {
  const o = record(await call('audit_verify'), 'audit');
  return {
    records: count(o.records, 'audit.records'),
    ok: bool(o.ok, 'audit.ok'),
    first_bad: nullable(text)(o.first_bad, 'audit.first_bad'),
  };
}

function decodeException(value: unknown, path: string): ExceptionCase {
  const o = record(value, path);
  // Ids are text on the wire; a number is accepted and written as text.
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) ? String(o.id) : nonEmptyText(o.id, `${path}.id`);
  return {
    id,
    kind: nonEmptyText(o.kind, `${path}.kind`),
    subject: text(o.subject, `${path}.subject`),
    detail: nullable(text)(o.detail, `${path}.detail`),
    state: nonEmptyText(o.state, `${path}.state`),
    owner: nullable(text)(o.owner, `${path}.owner`),
    opened_at: instant(o.opened_at, `${path}.opened_at`),
    closed_at: nullable(instant)(o.closed_at, `${path}.closed_at`),
    resolution: nullable(text)(o.resolution, `${path}.resolution`),
    amount: nullable(money)(o.amount, `${path}.amount`),
    currency: nullable(text)(o.currency, `${path}.currency`),
    account: nullable(text)(o.account, `${path}.account`),
    entity: nullable(text)(o.entity, `${path}.entity`),
    bank: nullable(text)(o.bank, `${path}.bank`),
    age_days: count(o.age_days, `${path}.age_days`),
    age_bucket: nonEmptyText(o.age_bucket, `${path}.age_bucket`),
    notes: count(o.notes, `${path}.notes`),
    match_id: nullable(text)(o.match_id, `${path}.match_id`),
  };
}
