//! The audit log for people: a filtered page, newest first, and the whole filtered log as CSV.

import type { AuditEntry, AuditLog, AuditQuery } from '../generated/wire';
import { arrayOf, instant, integer, nonEmptyText, nullable, record, text } from './decode';
import { call, type Loose } from './transport';

export type { AuditEntry, AuditLog, AuditQuery };

export async function fetchAuditLog(query: Loose<AuditQuery> = {}): Promise<AuditLog> {
  const o = record(await call('audit_log', query), 'audit');
  return {
    records: arrayOf(decodeEntry)(o.records, 'audit.records'),
    next_before_id: nullable(integer)(o.next_before_id, 'audit.next_before_id'),
    actions: arrayOf(text)(o.actions, 'audit.actions'),
    actors: arrayOf(text)(o.actors, 'audit.actors'),
  };
}

/** Every record the filters take, oldest first, as CSV text. */
export async function exportAuditLog(query: Loose<AuditQuery> = {}): Promise<string> {
  const answer = await call('audit_export', { ...query, before_id: null, limit: null });
  if (typeof answer !== 'string') throw new TypeError('the audit export is not text');
  return answer;
}

function decodeEntry(value: unknown, path: string): AuditEntry {
  const o = record(value, path);
  return {
    id: integer(o.id, `${path}.id`),
    recorded_at: instant(o.recorded_at, `${path}.recorded_at`),
    actor: text(o.actor, `${path}.actor`),
    action: nonEmptyText(o.action, `${path}.action`),
    subject: text(o.subject, `${path}.subject`),
    detail: o.detail as AuditEntry['detail'],
    record_hash: nonEmptyText(o.record_hash, `${path}.record_hash`),
  };
}
