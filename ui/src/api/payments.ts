//! Open items (receivables and payables) and payments, with their approval.

import type { FilterQuery, OpenItem, Payment, PaymentEvent, PaymentsApprove } from '../generated/wire';
import { arrayOf, currency, decimal, decodeDate, instant, listIn, money, nonEmptyText, nullable, record, text } from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type { OpenItem, Payment, PaymentEvent };

/** Open items of a kind (`receivable`, `payable`) and a state; all when null. */
export async function fetchOpenItems(kind: string | null = null, state: string | null = null): Promise<OpenItem[]> {
  const request: Loose<FilterQuery> = { kind: kind || null, state: state || null };
  return listIn(await call('open_items', request), 'open_items', 'items', decodeOpenItem);
}

/** Payments in a state; all when null. */
export async function fetchPayments(state: string | null = null): Promise<Payment[]> {
  const request: Loose<FilterQuery> = { state: state || null };
  return listIn(await call('payments', request), 'payments', 'payments', decodePayment);
}

/** Approves the payments with these ids; answers with them as they are now. */
export async function approvePayments(ids: string[]): Promise<Payment[]> {
  if (ids.length === 0) throw new ApiError('bad_request', 'No payment to approve.');
  if (ids.some((id) => id.trim() === '')) throw new ApiError('bad_request', 'A payment id is empty.');
  const request: PaymentsApprove = { ids };
  return listIn(await call('payments_approve', request), 'payments', 'payments', decodePayment);
}

function decodeOpenItem(value: unknown, path: string): OpenItem {
  const o = record(value, path);
  return {
    id: nonEmptyText(o.id, `${path}.id`),
    // `receivable` or `payable`.
    kind: nonEmptyText(o.kind, `${path}.kind`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    counterparty_iban: nullable(text)(o.counterparty_iban, `${path}.counterparty_iban`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    due_date: nullable(decodeDate)(o.due_date, `${path}.due_date`),
    reference: nullable(text)(o.reference, `${path}.reference`),
    probability: nullable(decimal)(o.probability, `${path}.probability`),
    state: nonEmptyText(o.state, `${path}.state`),
    source: text(o.source, `${path}.source`),
    entity: nullable(text)(o.entity, `${path}.entity`),
  };
}

function decodePaymentEvent(value: unknown, path: string): PaymentEvent {
  const o = record(value, path);
  return {
    status: nonEmptyText(o.status, `${path}.status`),
    at: instant(o.at, `${path}.at`),
    source: text(o.source, `${path}.source`),
    reason: nullable(text)(o.reason, `${path}.reason`),
  };
}

function decodePayment(value: unknown, path: string): Payment {
  const o = record(value, path);
  return {
    id: nonEmptyText(o.id, `${path}.id`),
    end_to_end_id: text(o.end_to_end_id, `${path}.end_to_end_id`),
    status: nonEmptyText(o.status, `${path}.status`),
    reason: nullable(text)(o.reason, `${path}.reason`),
    creditor_name: text(o.creditor_name, `${path}.creditor_name`),
    creditor_iban: text(o.creditor_iban, `${path}.creditor_iban`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    requested_date: decodeDate(o.requested_date, `${path}.requested_date`),
    reference: nullable(text)(o.reference, `${path}.reference`),
    prepared_by: text(o.prepared_by, `${path}.prepared_by`),
    approved_by: nullable(text)(o.approved_by, `${path}.approved_by`),
    // Older engines leave out the history; absent means none recorded.
    events: nullable(arrayOf(decodePaymentEvent))(o.events, `${path}.events`) ?? [],
  };
}
