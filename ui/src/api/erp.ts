//! ERP connections to a Tryton server: their health, adding one (its login tried first), removing, and a sync asked for by a person.

import type { ErpAdd, ErpConnection, ErpItemCount, ErpName, ErpSyncRequest, ErpSyncRun, ErpWriteback } from '../generated/wire';
import { arrayOf, count, instant, integer, listIn, nonEmptyText, nullable, oneOf, record, text } from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type { ErpConnection, ErpItemCount, ErpSyncRun, ErpWriteback };

/** The states an ERP connection can be in. */
export const ERP_STATES = ['failing', 'never_synced', 'healthy'] as const;
export type ErpState = (typeof ERP_STATES)[number];

/**
 * What became of a write-back: done, failed (tried again on the next sync), refused (a
 * person's to do), or reverted (a match undone in Cashline after it was written back).
 */
export const ERP_WRITEBACK_STATES = ['done', 'failed', 'refused', 'reverted'] as const;

/** Longest connection name the service accepts (the bank connections' limit: they share one list of names). */
export const ERP_NAME_CHARS_MAX = 64;
/** Longest database, user or password the service accepts. */
export const ERP_FIELD_CHARS_MAX = 256;
/** Minutes between scheduled syncs: the service's default and its bounds (a week at most). */
export const ERP_CADENCE_MINUTES_DEFAULT = 60;
export const ERP_CADENCE_MINUTES_MAX = 7 * 24 * 60;

export async function fetchErpConnections(): Promise<ErpConnection[]> {
  return listIn(await call('erp_connections', {}), 'erp_connections', 'connections', decodeErpConnection);
}

/**
 * Adds a Tryton connection. The service logs in first: a wrong password or database is
 * refused with its reason and nothing is stored; the password goes to the keychain.
 */
export async function addErpConnection(request: Loose<ErpAdd>): Promise<ErpConnection> {
  if (request.name.trim() === '') throw new ApiError('bad_request', 'Give the connection a name.');
  if (request.tryton_url.trim() === '') throw new ApiError('bad_request', 'Give the Tryton server’s address (https://…).');
  if (request.database.trim() === '') throw new ApiError('bad_request', 'Give the name of the Tryton database.');
  if (request.user.trim() === '') throw new ApiError('bad_request', 'Give the Tryton user Cashline logs in as.');
  if (request.password === '') throw new ApiError('bad_request', 'Give that user’s password.');
  if ([...request.password].length > ERP_FIELD_CHARS_MAX) throw new ApiError('bad_request', `A password has at most ${ERP_FIELD_CHARS_MAX} characters.`);
  const cadence = request.cadence_minutes;
  if (cadence !== null && cadence !== undefined && (!Number.isInteger(cadence) || cadence < 1 || cadence > ERP_CADENCE_MINUTES_MAX)) {
    throw new ApiError('bad_request', `Sync every 1 to ${ERP_CADENCE_MINUTES_MAX} minutes, as a whole number.`);
  }
  return decodeErpConnection(await call('erp_add', request), 'erp_connection');
}

/** Removes an ERP connection: its password leaves the keychain; the items and payments it brought stay. */
export async function removeErpConnection(name: string): Promise<ErpConnection[]> {
  const request: ErpName = { name };
  return listIn(await call('erp_remove', request), 'erp_connections', 'connections', decodeErpConnection);
}

/** Syncs one ERP connection (or all) now; a run that failed comes back with its error, it does not throw. */
export async function syncErp(connection?: string): Promise<ErpSyncRun[]> {
  const request: Loose<ErpSyncRequest> = { connection };
  return listIn(await call('erp_sync', request), 'erp_sync', 'runs', decodeErpSyncRun);
}

const decodeState = oneOf(ERP_STATES);
const decodeWritebackState = oneOf(ERP_WRITEBACK_STATES);

function decodeErpConnection(value: unknown, path: string): ErpConnection {
  const o = record(value, path);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    url: nonEmptyText(o.url, `${path}.url`),
    database: nonEmptyText(o.database, `${path}.database`),
    user: nonEmptyText(o.user, `${path}.user`),
    state: decodeState(o.state, `${path}.state`),
    state_text: nonEmptyText(o.state_text, `${path}.state_text`),
    cadence_minutes: count(o.cadence_minutes, `${path}.cadence_minutes`),
    last_sync_at: nullable(instant)(o.last_sync_at, `${path}.last_sync_at`),
    last_ok_at: nullable(instant)(o.last_ok_at, `${path}.last_ok_at`),
    last_error: nullable(text)(o.last_error, `${path}.last_error`),
    next_sync_at: nullable(instant)(o.next_sync_at, `${path}.next_sync_at`),
    items: arrayOf(decodeItemCount)(o.items, `${path}.items`),
    payments: count(o.payments, `${path}.payments`),
    writebacks: arrayOf(decodeWriteback)(o.writebacks, `${path}.writebacks`),
    runs: arrayOf(decodeErpSyncRun)(o.runs, `${path}.runs`),
  };
}

function decodeItemCount(value: unknown, path: string): ErpItemCount {
  const o = record(value, path);
  return { state: nonEmptyText(o.state, `${path}.state`), items: count(o.items, `${path}.items`) };
}

function decodeWriteback(value: unknown, path: string): ErpWriteback {
  const o = record(value, path);
  return {
    subject: nonEmptyText(o.subject, `${path}.subject`),
    about: nonEmptyText(o.about, `${path}.about`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    state: decodeWritebackState(o.state, `${path}.state`),
    erp_reference: nullable(text)(o.erp_reference, `${path}.erp_reference`),
    attempts: integer(o.attempts, `${path}.attempts`),
    error: nullable(text)(o.error, `${path}.error`),
    at: instant(o.at, `${path}.at`),
  };
}

function decodeErpSyncRun(value: unknown, path: string): ErpSyncRun {
  const o = record(value, path);
  return {
    connection: nonEmptyText(o.connection, `${path}.connection`),
    started_at: nullable(instant)(o.started_at, `${path}.started_at`),
    // `ok`, `failed`, or `running` for a recorded run not finished yet.
    outcome: nonEmptyText(o.outcome, `${path}.outcome`),
    items_changed: count(o.items_changed, `${path}.items_changed`),
    new_items: count(o.new_items, `${path}.new_items`),
    items_closed: count(o.items_closed, `${path}.items_closed`),
    payments_changed: count(o.payments_changed, `${path}.payments_changed`),
    new_payments: count(o.new_payments, `${path}.new_payments`),
    payments_withdrawn: count(o.payments_withdrawn, `${path}.payments_withdrawn`),
    written_back: count(o.written_back, `${path}.written_back`),
    writeback_failed: count(o.writeback_failed, `${path}.writeback_failed`),
    writeback_refused: count(o.writeback_refused, `${path}.writeback_refused`),
    error: nullable(text)(o.error, `${path}.error`),
    correlation_id: nonEmptyText(o.correlation_id, `${path}.correlation_id`),
  };
}
