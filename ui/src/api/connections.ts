//! Bank connections over PSD2: their health, adding one with its consent, renewing, removing, a sync asked for by a person, and payments sent through a bank's API.

import type { Connection, ConnectionAccount, ConnectionAdd, ConnectionName, ConnectionRun, PaymentSent, PaymentsSend, PaymentsSent, SyncReport, SyncRequest, SyncRun } from '../generated/wire';
import { arrayOf, count, currency, decodeDate, instant, integer, listIn, nonEmptyText, nullable, oneOf, record, text } from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type { Connection, ConnectionAccount, ConnectionRun, PaymentSent, PaymentsSent, SyncReport, SyncRun };

/** The states a connection can be in, worst first where the screen sorts by them. */
export const CONNECTION_STATES = ['failing', 'expired', 'awaiting_consent', 'consent_expiring', 'degraded', 'healthy'] as const;
export type ConnectionState = (typeof CONNECTION_STATES)[number];

/** Longest connection name the service accepts. */
export const CONNECTION_NAME_CHARS_MAX = 64;

export async function fetchConnections(): Promise<Connection[]> {
  return listIn(await call('connections', {}), 'connections', 'connections', decodeConnection);
}

/**
 * Adds a connection and asks the bank for a consent to read every account. The answer's
 * `sca_redirect` is where the person approves it; the bank sends the browser back to
 * Cashline, which records the approval.
 */
export async function addConnection(request: Loose<ConnectionAdd>): Promise<Connection> {
  if (request.name.trim() === '') throw new ApiError('bad_request', 'Give the connection a name.');
  if (request.psd2_url.trim() === '') throw new ApiError('bad_request', 'Give the bank’s PSD2 address (https://…).');
  return decodeConnection(await call('connection_add', request), 'connection');
}

/** Asks the bank for a new consent; the one in force stays until the new one is approved. */
export async function renewConnection(name: string): Promise<Connection> {
  const request: ConnectionName = { name };
  return decodeConnection(await call('connection_renew', request), 'connection');
}

/** Removes a connection: its consent is withdrawn, its accounts and entries stay. */
export async function removeConnection(name: string): Promise<Connection[]> {
  const request: ConnectionName = { name };
  return listIn(await call('connection_remove', request), 'connections', 'connections', decodeConnection);
}

/** Syncs one connection (or all) now, as a person's refresh: it does not use the daily budget. */
export async function syncNow(connection?: string): Promise<SyncRun[]> {
  const request: Loose<SyncRequest> = { connection };
  return listIn(await call('sync', request), 'sync', 'runs', decodeSyncRun);
}

/** Sends approved payments through a connection's API; each goes to the bank at most once. */
export async function sendPayments(ids: string[], via: string): Promise<PaymentsSent> {
  if (ids.length === 0) throw new ApiError('bad_request', 'Choose the payments to send.');
  const request: PaymentsSend = { ids, via };
  const o = record(await call('payments_send', request), 'sent');
  return {
    connection: nonEmptyText(o.connection, 'sent.connection'),
    payments: arrayOf(decodeSent)(o.payments, 'sent.payments'),
  };
}

const decodeState = oneOf(CONNECTION_STATES);

function decodeConnection(value: unknown, path: string): Connection {
  const o = record(value, path);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    kind: nonEmptyText(o.kind, `${path}.kind`),
    url: nonEmptyText(o.url, `${path}.url`),
    state: decodeState(o.state, `${path}.state`),
    state_text: nonEmptyText(o.state_text, `${path}.state_text`),
    consent_status: nullable(text)(o.consent_status, `${path}.consent_status`),
    consent_valid_until: nullable(decodeDate)(o.consent_valid_until, `${path}.consent_valid_until`),
    consent_days_left: nullable(integer)(o.consent_days_left, `${path}.consent_days_left`),
    sca_redirect: nullable(nonEmptyText)(o.sca_redirect, `${path}.sca_redirect`),
    accounts: arrayOf(decodeAccount)(o.accounts, `${path}.accounts`),
    last_sync_at: nullable(instant)(o.last_sync_at, `${path}.last_sync_at`),
    last_ok_at: nullable(instant)(o.last_ok_at, `${path}.last_ok_at`),
    last_error: nullable(text)(o.last_error, `${path}.last_error`),
    next_sync_at: nullable(instant)(o.next_sync_at, `${path}.next_sync_at`),
    reads_per_day: nullable(count)(o.reads_per_day, `${path}.reads_per_day`),
    reads_left_today: nullable(count)(o.reads_left_today, `${path}.reads_left_today`),
    runs: arrayOf(decodeRun)(o.runs, `${path}.runs`),
  };
}

function decodeAccount(value: unknown, path: string): ConnectionAccount {
  const o = record(value, path);
  return { account: nonEmptyText(o.account, `${path}.account`), currency: currency(o.currency, `${path}.currency`) };
}

function decodeRun(value: unknown, path: string): ConnectionRun {
  const o = record(value, path);
  return {
    started_at: instant(o.started_at, `${path}.started_at`),
    outcome: nullable(text)(o.outcome, `${path}.outcome`),
    trigger: nonEmptyText(o.trigger, `${path}.trigger`),
    accounts: count(o.accounts, `${path}.accounts`),
    new_entries: count(o.new_entries, `${path}.new_entries`),
    retries: count(o.retries, `${path}.retries`),
    error: nullable(text)(o.error, `${path}.error`),
    correlation_id: text(o.correlation_id, `${path}.correlation_id`),
  };
}

function decodeSyncRun(value: unknown, path: string): SyncRun {
  const o = record(value, path);
  return {
    connection: nonEmptyText(o.connection, `${path}.connection`),
    outcome: nonEmptyText(o.outcome, `${path}.outcome`),
    accounts: count(o.accounts, `${path}.accounts`),
    new_entries: count(o.new_entries, `${path}.new_entries`),
    error: nullable(text)(o.error, `${path}.error`),
    correlation_id: text(o.correlation_id, `${path}.correlation_id`),
  };
}

function decodeSent(value: unknown, path: string): PaymentSent {
  const o = record(value, path);
  return {
    payment: nonEmptyText(o.payment, `${path}.payment`),
    outcome: nonEmptyText(o.outcome, `${path}.outcome`),
    status: nullable(text)(o.status, `${path}.status`),
    state: nullable(text)(o.state, `${path}.state`),
    bank_payment_id: nullable(text)(o.bank_payment_id, `${path}.bank_payment_id`),
    request_id: nullable(text)(o.request_id, `${path}.request_id`),
    error: nullable(text)(o.error, `${path}.error`),
  };
}
