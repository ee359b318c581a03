//! Open items (receivables and payables) and payments, with their approval.

import type {
  ApprovalLimit, ApprovalLimitSet, Cutoff, CutoffSet, OpenItem, OpenItemsQuery, Payment, PaymentCancel, PaymentCase, PaymentEvent, PaymentId, PaymentIssue,
  PaymentExport, PaymentExportDocument, PaymentRun, PaymentsApprove, PaymentsExport, PaymentsExported, PaymentsQuery, ExportId, RunState,
} from '../generated/wire';
import { arrayOf, bool, count, currency, decimal, decodeDate, instant, listIn, money, nonEmptyText, nullable, record, text } from './decode';
import { ApiError } from './error';
import { call, type Loose } from './transport';

export type { ApprovalLimit, Cutoff, OpenItem, Payment, PaymentCase, PaymentEvent, PaymentExport, PaymentExportDocument, PaymentIssue, PaymentRun, PaymentsExported, RunState };

/** The bank file formats `payments export` writes. */
export const EXPORT_FORMATS = ['pain.001.001.09', 'pain.001.001.03'] as const;

/** Writes the approved, unsent payments as one pain.001 in the data folder's `exports`; they are sent from then on. */
export async function exportPayments(format: string): Promise<PaymentsExported> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new ApiError('bad_request', `Choose a bank file format: ${EXPORT_FORMATS.join(' or ')}.`);
  const request: PaymentsExport = { format };
  const o = record(await call('payments_export', request), 'export');
  return {
    file: nullable(text)(o.file, 'export.file'),
    message_id: nullable(text)(o.message_id, 'export.message_id'),
    payments: count(o.payments, 'export.payments'),
    finished: arrayOf(text)(o.finished, 'export.finished'),
  };
}

/** The bank files written so far, newest first. */
export async function fetchPaymentExports(): Promise<PaymentExport[]> {
  return listIn(await call('payment_exports', {}), 'payment_exports', 'exports', decodeExport);
}

/** An exported file's exact content, to save again after a lost upload (recorded as a re-export). */
export async function fetchPaymentExportDocument(id: string): Promise<PaymentExportDocument> {
  if (id.trim() === '') throw new ApiError('bad_request', 'An export id is empty.');
  const request: ExportId = { id };
  const o = record(await call('payment_export_document', request), 'document');
  return {
    message_id: nonEmptyText(o.message_id, 'document.message_id'),
    format: nonEmptyText(o.format, 'document.format'),
    file_name: nonEmptyText(o.file_name, 'document.file_name'),
    document: nonEmptyText(o.document, 'document.document'),
  };
}

function decodeExport(value: unknown, path: string): PaymentExport {
  const o = record(value, path);
  return {
    id: count(o.id, `${path}.id`),
    message_id: nonEmptyText(o.message_id, `${path}.message_id`),
    format: nonEmptyText(o.format, `${path}.format`),
    file_name: text(o.file_name, `${path}.file_name`),
    payments: count(o.payments, `${path}.payments`),
    digest_sha256: text(o.digest_sha256, `${path}.digest_sha256`),
    created_at: instant(o.created_at, `${path}.created_at`),
    created_by: text(o.created_by, `${path}.created_by`),
    written_at: nullable(instant)(o.written_at, `${path}.written_at`),
  };
}

/** Open items of a kind (`receivable`, `payable`) and a state; all when null. */
export async function fetchOpenItems(kind: string | null = null, state: string | null = null): Promise<OpenItem[]> {
  return fetchOpenItemsWhere({ kind: kind || null, state: state || null });
}

/** Open items by the list's filters (kind, state, due or overdue, counterparty, currency, matched, source); a blank filter is none. */
export async function fetchOpenItemsWhere(query: Loose<OpenItemsQuery>): Promise<OpenItem[]> {
  return listIn(await call('open_items', query), 'open_items', 'items', decodeOpenItem);
}

/** Payments in a state; all when null. */
export async function fetchPayments(state: string | null = null): Promise<Payment[]> {
  return fetchPaymentsWhere({ state: state || null });
}

/** Payments in a state, of a run, overdue or not; each filter left out is no filter. */
export async function fetchPaymentsWhere(query: Loose<PaymentsQuery>): Promise<Payment[]> {
  return (await fetchPaymentsPage(query)).payments;
}

/** The payments the filters let through, at most `limit` of them, and how many there were. */
export async function fetchPaymentsPage(query: Loose<PaymentsQuery>): Promise<{ payments: Payment[]; matching: number }> {
  const answer = await call('payments', query);
  const payments = listIn(answer, 'payments', 'payments', decodePayment);
  return { payments, matching: count(record(answer, 'payments').matching, 'payments.matching') };
}

/** Each bank's cut-off per currency. */
export async function fetchCutoffs(): Promise<Cutoff[]> {
  return listIn(await call('cutoffs', {}), 'cutoffs', 'cutoffs', decodeCutoff);
}

/** Sets a bank's cut-off for a currency (`HH:MM` in an IANA time zone). */
export async function setCutoff(request: CutoffSet): Promise<Cutoff[]> {
  if (!/^\d{2}:\d{2}$/.test(request.time)) throw new ApiError('bad_request', 'A cut-off is a time of day as HH:MM.');
  return listIn(await call('cutoff_set', request), 'cutoffs', 'cutoffs', decodeCutoff);
}

function decodeCutoff(value: unknown, path: string): Cutoff {
  const o = record(value, path);
  return {
    bank_bic: nonEmptyText(o.bank_bic, `${path}.bank_bic`),
    currency: currency(o.currency, `${path}.currency`),
    time: nonEmptyText(o.time, `${path}.time`),
    time_zone: nonEmptyText(o.time_zone, `${path}.time_zone`),
    set_by: text(o.set_by, `${path}.set_by`),
    set_at: instant(o.set_at, `${path}.set_at`),
  };
}

/** Approves the payments with these ids; answers with them as they are now. */
export async function approvePayments(ids: string[]): Promise<Payment[]> {
  if (ids.length === 0) throw new ApiError('bad_request', 'No payment to approve.');
  if (ids.some((id) => id.trim() === '')) throw new ApiError('bad_request', 'A payment id is empty.');
  const request: PaymentsApprove = { ids };
  return listIn(await call('payments_approve', request), 'payments', 'payments', decodePayment);
}

/** One payment with every event of its life. */
export async function fetchPayment(id: string): Promise<Payment> {
  if (id.trim() === '') throw new ApiError('bad_request', 'A payment id is empty.');
  const request: PaymentId = { id };
  return decodePayment(await call('payment_show', request), 'payment');
}

/** Cancels a payment not yet sent; the reason goes on its timeline. */
export async function cancelPayment(id: string, reason: string): Promise<Payment> {
  if (reason.trim() === '') throw new ApiError('bad_request', 'A cancellation needs a reason.');
  const request: PaymentCancel = { id, reason };
  return decodePayment(await call('payments_cancel', request), 'payment');
}

/** Releases a payment held as a possible duplicate: it is a second, real payment. */
export async function releasePayment(id: string): Promise<Payment> {
  if (id.trim() === '') throw new ApiError('bad_request', 'A payment id is empty.');
  const request: PaymentId = { id };
  return decodePayment(await call('payments_release', request), 'payment');
}

/** The amounts above which two people must approve, per currency. */
export async function fetchApprovalLimits(): Promise<ApprovalLimit[]> {
  return listIn(await call('approval_limits', {}), 'approval_limits', 'limits', decodeLimit);
}

/** Sets (or with null removes) the amount above which a payment needs two approvers. */
export async function setApprovalLimit(currencyCode: string, amount: string | null): Promise<ApprovalLimit[]> {
  const request: ApprovalLimitSet = { currency: currencyCode, amount };
  return listIn(await call('approval_limit_set', request), 'approval_limits', 'limits', decodeLimit);
}

function decodeLimit(value: unknown, path: string): ApprovalLimit {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    amount: money(o.amount, `${path}.amount`),
    set_by: text(o.set_by, `${path}.set_by`),
    set_at: instant(o.set_at, `${path}.set_at`),
  };
}

function decodeIssue(value: unknown, path: string): PaymentIssue {
  const o = record(value, path);
  return { field: nonEmptyText(o.field, `${path}.field`), reason: text(o.reason, `${path}.reason`) };
}

function decodeCase(value: unknown, path: string): PaymentCase {
  const o = record(value, path);
  return { kind: nonEmptyText(o.kind, `${path}.kind`), subject: text(o.subject, `${path}.subject`) };
}

/** The payment runs, newest first, with their payments per state. */
export async function fetchPaymentRuns(): Promise<PaymentRun[]> {
  return listIn(await call('payment_runs', {}), 'payment_runs', 'runs', decodeRun);
}

function decodeRunState(value: unknown, path: string): RunState {
  const o = record(value, path);
  return {
    state: nonEmptyText(o.state, `${path}.state`),
    currency: currency(o.currency, `${path}.currency`),
    count: count(o.count, `${path}.count`),
    amount: money(o.amount, `${path}.amount`),
  };
}

function decodeRun(value: unknown, path: string): PaymentRun {
  const o = record(value, path);
  return {
    id: count(o.id, `${path}.id`),
    source: nonEmptyText(o.source, `${path}.source`),
    name: text(o.name, `${path}.name`),
    message_id: nullable(text)(o.message_id, `${path}.message_id`),
    created_at: instant(o.created_at, `${path}.created_at`),
    imported_by: text(o.imported_by, `${path}.imported_by`),
    payments: count(o.payments, `${path}.payments`),
    states: arrayOf(decodeRunState)(o.states, `${path}.states`),
  };
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
    open_amount: money(o.open_amount, `${path}.open_amount`),
    currency: currency(o.currency, `${path}.currency`),
    due_date: nullable(decodeDate)(o.due_date, `${path}.due_date`),
    reference: nullable(text)(o.reference, `${path}.reference`),
    document_number: nullable(text)(o.document_number, `${path}.document_number`),
    probability: nullable(decimal)(o.probability, `${path}.probability`),
    state: nonEmptyText(o.state, `${path}.state`),
    source: text(o.source, `${path}.source`),
    connection: nullable(text)(o.connection, `${path}.connection`),
    entity: nullable(text)(o.entity, `${path}.entity`),
  };
}

function decodePaymentEvent(value: unknown, path: string): PaymentEvent {
  const o = record(value, path);
  return {
    status: nonEmptyText(o.status, `${path}.status`),
    from: nullable(text)(o.from, `${path}.from`),
    applied: bool(o.applied, `${path}.applied`),
    refusal: nullable(text)(o.refusal, `${path}.refusal`),
    at: instant(o.at, `${path}.at`),
    source: text(o.source, `${path}.source`),
    source_file: nullable(text)(o.source_file, `${path}.source_file`),
    bank_status: nullable(text)(o.bank_status, `${path}.bank_status`),
    bank_status_meaning: nullable(text)(o.bank_status_meaning, `${path}.bank_status_meaning`),
    status_at: nullable(instant)(o.status_at, `${path}.status_at`),
    reason: nullable(text)(o.reason, `${path}.reason`),
    reason_meaning: nullable(text)(o.reason_meaning, `${path}.reason_meaning`),
    reason_text: nullable(text)(o.reason_text, `${path}.reason_text`),
    correlation_id: text(o.correlation_id, `${path}.correlation_id`),
    recorded_by: text(o.recorded_by, `${path}.recorded_by`),
  };
}

function decodePayment(value: unknown, path: string): Payment {
  const o = record(value, path);
  return {
    id: nonEmptyText(o.id, `${path}.id`),
    end_to_end_id: text(o.end_to_end_id, `${path}.end_to_end_id`),
    status: nonEmptyText(o.status, `${path}.status`),
    reason: nullable(text)(o.reason, `${path}.reason`),
    debtor_iban: text(o.debtor_iban, `${path}.debtor_iban`),
    creditor_name: text(o.creditor_name, `${path}.creditor_name`),
    creditor_iban: text(o.creditor_iban, `${path}.creditor_iban`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    requested_date: decodeDate(o.requested_date, `${path}.requested_date`),
    reference: nullable(text)(o.reference, `${path}.reference`),
    prepared_by: text(o.prepared_by, `${path}.prepared_by`),
    approved_by: nullable(text)(o.approved_by, `${path}.approved_by`),
    run: nullable(count)(o.run, `${path}.run`),
    payment_info_id: nullable(text)(o.payment_info_id, `${path}.payment_info_id`),
    issues: nullable(arrayOf(decodeIssue))(o.issues, `${path}.issues`) ?? [],
    approvals: nullable(arrayOf(text))(o.approvals, `${path}.approvals`) ?? [],
    cases: nullable(arrayOf(decodeCase))(o.cases, `${path}.cases`) ?? [],
    overdue: bool(o.overdue, `${path}.overdue`),
    // Older engines leave out the history; absent means none recorded.
    events: nullable(arrayOf(decodePaymentEvent))(o.events, `${path}.events`) ?? [],
  };
}
