//! The Payments screen's "Needs action": possible duplicates waiting for a decision, payments the bank rejected or returned (with its reason in words), missed cut-offs with the earliest execution date, payments validation found wrong, and overdue ones.

import type { Payment } from '../api';
import { h, replaceChildren } from '../dom';
import { formatMoney, plural } from '../format';
import { caseTitle, codeInWords, reasonInWords, stateBadge } from './payments-common';

/** Rows drawn at most; the rest are counted. */
const ACTION_ROWS_SHOWN_MAX = 200;

/** Why a payment needs a person, in the order they are listed. */
const NEED_ORDER = ['payment_duplicate', 'rejected', 'returned', 'payment_rejected', 'cutoff_missed', 'issues', 'overdue'] as const;
type Need = (typeof NEED_ORDER)[number] | string;

interface NeedRow {
  payment: Payment;
  need: Need;
  title: string;
  words: string;
  detail: string | null;
}

export interface NeedsActionActions {
  open(id: string): void;
  release(button: HTMLButtonElement, payment: Payment): void;
}

export interface NeedsAction {
  element: HTMLElement;
  /** Where the outcome of an action taken here is shown; it outlives the redraw after it. */
  status: HTMLElement;
  show(payments: Payment[], detailOf: (subject: string) => string | null): void;
}

export function needsActionCard(actions: NeedsActionActions): NeedsAction {
  const heading = h('h2', { id: 'payments-action-title' }, 'Needs action');
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'payments-action-status' });
  const body = h('div', { class: 'table-scroll', 'data-testid': 'payments-action' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'payments-action-title' },
    heading,
    h('p', { class: 'hint' }, 'Payments that wait for a person: a decision on a possible duplicate, the bank’s refusal, a missed cut-off, what validation found, or no settlement by the requested date.'),
    status,
    body,
  );

  const show = (payments: Payment[], detailOf: (subject: string) => string | null): void => {
    const rows = payments.flatMap((p) => needsOf(p, detailOf));
    rows.sort((a, b) => rank(a.need) - rank(b.need));
    heading.textContent = rows.length === 0 ? 'Needs action' : `Needs action (${rows.length})`;
    body.dataset.count = String(rows.length);
    if (rows.length === 0) {
      replaceChildren(body, h('p', { class: 'muted', 'data-testid': 'payments-action-empty' }, 'Nothing waits for a decision.'));
      return;
    }
    const shown = rows.slice(0, ACTION_ROWS_SHOWN_MAX);
    replaceChildren(
      body,
      h(
        'table',
        { class: 'data needs-action' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Needs'),
            h('th', { scope: 'col' }, 'Payment'),
            h('th', { scope: 'col', class: 'num' }, 'Amount'),
            h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col' }, 'Why'),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
          ),
        ),
        h('tbody', {}, ...shown.map((row) => needRow(row, actions))),
      ),
      rows.length > ACTION_ROWS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing ${ACTION_ROWS_SHOWN_MAX} of ${rows.length}.`) : null,
    );
  };

  return { element, status, show };
}

function rank(need: Need): number {
  const index = (NEED_ORDER as readonly string[]).indexOf(need);
  return index === -1 ? NEED_ORDER.length : index;
}

/** Each reason a payment needs a person; one payment may have several. */
function needsOf(p: Payment, detailOf: (subject: string) => string | null): NeedRow[] {
  const rows: NeedRow[] = [];
  for (const c of p.cases) {
    // A rejection is listed once, from the payment's own state below, with the bank's words.
    if (c.kind === 'payment_rejected' && (p.status === 'rejected' || p.status === 'returned')) continue;
    rows.push({ payment: p, need: c.kind, title: caseTitle(c.kind), words: c.subject, detail: detailOf(c.subject) });
  }
  if (p.status === 'rejected' || p.status === 'returned') {
    const event = [...p.events].reverse().find((e) => e.applied && e.status === p.status);
    const bank = event ? codeInWords(event.bank_status, event.bank_status_meaning) : null;
    rows.push({
      payment: p,
      need: p.status,
      title: p.status === 'rejected' ? 'Rejected by the bank' : 'Returned',
      words: reasonInWords(p) ?? (event?.reason_text || 'The bank gave no reason.'),
      detail: bank ? `bank status ${bank}` : null,
    });
  }
  // A cancelled payment's issues need nobody any more.
  if (p.issues.length > 0 && p.status !== 'cancelled') {
    rows.push({
      payment: p,
      need: 'issues',
      title: plural(p.issues.length, 'issue', 'issues'),
      words: p.issues.map((i) => i.reason).join('; '),
      detail: 'Put it right in the ERP and import the run again, or cancel it.',
    });
  }
  if (p.overdue) {
    rows.push({ payment: p, need: 'overdue', title: 'Overdue', words: `Not settled although requested for ${p.requested_date}.`, detail: null });
  }
  return rows;
}

function needRow(row: NeedRow, actions: NeedsActionActions): HTMLTableRowElement {
  const p = row.payment;
  const open = h('button', { type: 'button', class: 'button small', 'data-testid': 'payments-action-open', 'aria-label': `Open payment ${p.id}` }, 'Open');
  open.addEventListener('click', () => actions.open(p.id));
  const buttons: HTMLButtonElement[] = [];
  if (row.need === 'payment_duplicate') {
    const release = h(
      'button',
      { type: 'button', class: 'button small primary', 'data-testid': 'payments-action-release', title: 'It is a second, real payment: let it be approved' },
      'Release',
    );
    release.addEventListener('click', () => actions.release(release, p));
    buttons.push(release);
  }
  buttons.push(open);
  return h(
    'tr',
    { 'data-testid': 'payments-action-row', 'data-id': p.id, 'data-need': row.need },
    h('td', { 'data-field': 'need' }, h('span', { class: `badge need need-${row.need}` }, row.title)),
    h('td', { 'data-field': 'payment' }, h('span', { class: 'strong' }, p.id), h('span', { class: 'sub' }, p.creditor_name)),
    h('td', { class: 'num', 'data-field': 'amount', 'data-value': p.amount }, formatMoney(p.amount), h('span', { class: 'muted' }, ` ${p.currency}`)),
    h('td', {}, stateBadge(p.status)),
    h('td', { class: 'wrap', 'data-field': 'why' }, row.words, row.detail ? h('span', { class: 'sub detail-text', 'data-field': 'detail' }, row.detail) : null),
    h('td', {}, h('div', { class: 'row-actions' }, ...buttons)),
  );
}
