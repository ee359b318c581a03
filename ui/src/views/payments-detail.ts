//! One payment opened under its row: its facts, what validation found, its open cases, who approved it, every event of its timeline with the bank's words, and the actions its state allows.

import type { Payment, PaymentEvent } from '../api';
import { h } from '../dom';
import { formatInstant, formatMoney, humanize, maskAccount } from '../format';
import { CANCELLABLE_STATES, caseTitle, codeInWords, stateBadge } from './payments-common';

/** The longest cancellation reason accepted as typed; it goes on the payment's timeline. */
export const CANCEL_REASON_CHARS_MAX = 500;

/** What the panel's buttons do; each runs the action, shows its outcome and reloads the screen. */
export interface DetailActions {
  approve(button: HTMLButtonElement, payment: Payment): void;
  release(button: HTMLButtonElement, payment: Payment): void;
  cancel(button: HTMLButtonElement, payment: Payment, reason: string): void;
}

/**
 * The panel of one payment. `notice` is the outcome of the last action on it (kept across the
 * reload the action caused); `detailOf` gives the words of an open case where the queue has them.
 */
export function detailPanel(
  payment: Payment,
  actions: DetailActions,
  notice: HTMLElement | null,
  detailOf: (subject: string) => string | null,
  runName: (run: number) => string | null,
): HTMLElement {
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'payment-detail-status' }, notice);
  const fact = (label: string, field: string, value: HTMLElement | string | null): HTMLElement | null =>
    value === null || value === '' ? null : h('div', { class: 'fact', 'data-field': field }, h('dt', {}, label), h('dd', {}, value));

  return h(
    'div',
    { class: 'case-detail payment-detail', 'data-testid': 'payment-detail', 'data-id': payment.id, 'data-status': payment.status },
    h(
      'dl',
      { class: 'facts' },
      fact('State', 'status', h('span', {}, stateBadge(payment.status), payment.overdue ? overdueBadge() : null)),
      fact('Amount', 'amount', `${formatMoney(payment.amount)} ${payment.currency}`),
      fact('Creditor', 'creditor', payment.creditor_name),
      fact('Creditor account', 'creditor_iban', payment.creditor_iban ? h('span', { class: 'mono' }, maskAccount(payment.creditor_iban)) : null),
      fact('Requested', 'requested_date', payment.requested_date),
      fact('Reference', 'reference', payment.reference),
      fact('End-to-end id', 'end_to_end_id', h('span', { class: 'mono' }, payment.end_to_end_id)),
      fact('Payment information', 'payment_info_id', payment.payment_info_id ? h('span', { class: 'mono' }, payment.payment_info_id) : null),
      fact('Run', 'run', payment.run === null ? null : (runName(payment.run) ?? `Run ${payment.run}`)),
      fact('Prepared by', 'prepared_by', payment.prepared_by),
      fact('Approved by', 'approvals', approvalsText(payment)),
    ),
    status,
    actionsBar(payment, actions),
    payment.issues.length > 0
      ? h(
          'div',
          { class: 'payment-block' },
          h('h3', {}, 'What validation found'),
          h(
            'ul',
            { class: 'issue-list', 'data-testid': 'payment-issues' },
            ...payment.issues.map((i) =>
              h('li', { 'data-testid': 'payment-issue', 'data-field': i.field }, h('span', { class: 'strong' }, humanize(i.field)), `: ${i.reason}`),
            ),
          ),
          h('p', { class: 'hint' }, 'A payment with issues stays imported: put it right in the ERP and import the run again, or cancel it.'),
        )
      : null,
    payment.cases.length > 0
      ? h(
          'div',
          { class: 'payment-block' },
          h('h3', {}, 'Open cases'),
          h(
            'ul',
            { class: 'issue-list', 'data-testid': 'payment-cases' },
            ...payment.cases.map((c) => {
              const detail = detailOf(c.subject);
              return h(
                'li',
                { 'data-testid': 'payment-case', 'data-kind': c.kind },
                h('span', { class: `badge kind kind-${c.kind}` }, caseTitle(c.kind)),
                ' ',
                c.subject,
                detail ? h('span', { class: 'sub detail-text' }, detail) : null,
              );
            }),
          ),
        )
      : null,
    h('div', { class: 'payment-block' }, h('h3', {}, `Timeline (${payment.events.length})`), timeline(payment.events)),
  );
}

/** The marker of a payment on its way and not settled after its requested date. */
export function overdueBadge(): HTMLElement {
  return h('span', { class: 'badge warn overdue', 'data-testid': 'payment-overdue', title: 'On its way and still not settled after its requested date' }, 'Overdue');
}

function approvalsText(payment: Payment): string | null {
  if (payment.approvals.length === 0) return payment.status === 'validated' ? 'nobody yet' : null;
  const names = payment.approvals.join(', ');
  // Validated with an approval means the currency's limit asks for a second person.
  return payment.status === 'validated' ? `${names}; waiting for a second approver` : names;
}

/** The buttons the payment's state allows; none are shown that the service would refuse by state. */
function actionsBar(payment: Payment, actions: DetailActions): HTMLElement | null {
  const items: HTMLElement[] = [];
  const duplicate = payment.cases.some((c) => c.kind === 'payment_duplicate');
  // A payment held as a possible duplicate is approved only after its release.
  if (payment.status === 'validated' && !duplicate) {
    const approve = h('button', { type: 'button', class: 'button primary', 'data-testid': 'payment-approve' }, 'Approve');
    approve.addEventListener('click', () => actions.approve(approve, payment));
    items.push(approve);
  }
  if (duplicate) {
    const release = h(
      'button',
      { type: 'button', class: 'button', 'data-testid': 'payment-release', title: 'It is a second, real payment: let it be approved' },
      'Release: not a duplicate',
    );
    release.addEventListener('click', () => actions.release(release, payment));
    items.push(release);
  }
  if (CANCELLABLE_STATES.includes(payment.status)) {
    const inputId = `payment-cancel-reason-${payment.id}`;
    const reason = h('input', {
      type: 'text',
      id: inputId,
      class: 'input wide',
      placeholder: duplicate ? 'e.g. a duplicate of the earlier payment' : 'Why it must not be paid',
      maxlength: CANCEL_REASON_CHARS_MAX,
      required: true,
      autocomplete: 'off',
      'data-testid': 'payment-cancel-reason',
    });
    const cancel = h('button', { type: 'submit', class: 'button', 'data-testid': 'payment-cancel' }, 'Cancel payment');
    const form = h('form', { class: 'inline-form', novalidate: true }, h('label', { for: inputId }, 'Reason'), reason, cancel);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      if (reason.value.trim() === '') {
        reason.setAttribute('aria-invalid', 'true');
        reason.focus();
        return;
      }
      reason.removeAttribute('aria-invalid');
      actions.cancel(cancel, payment, reason.value.trim());
    });
    items.push(form);
  }
  if (items.length === 0) return null;
  return h('div', { class: 'payment-actions', role: 'group', 'aria-label': `Act on payment ${payment.id}` }, ...items);
}

/** Every event in the order it was recorded; a refused move is marked with why it was refused. */
function timeline(events: PaymentEvent[]): HTMLElement {
  if (events.length === 0) return h('p', { class: 'muted' }, 'No event recorded.');
  return h(
    'table',
    { class: 'data timeline', 'data-testid': 'payment-timeline' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'When'),
        h('th', { scope: 'col' }, 'Move'),
        h('th', { scope: 'col' }, 'Source'),
        h('th', { scope: 'col' }, 'Bank status'),
        h('th', { scope: 'col' }, 'Reason'),
        h('th', { scope: 'col' }, 'Recorded by'),
      ),
    ),
    h('tbody', {}, ...events.map(eventRow)),
  );
}

function eventRow(e: PaymentEvent): HTMLTableRowElement {
  const bank = codeInWords(e.bank_status, e.bank_status_meaning);
  const reason = codeInWords(e.reason, e.reason_meaning);
  return h(
    'tr',
    {
      'data-testid': 'payment-event',
      'data-status': e.status,
      'data-applied': String(e.applied),
      'data-source': e.source,
      class: e.applied ? null : 'refused',
    },
    h(
      'td',
      { 'data-field': 'at' },
      formatInstant(e.at),
      e.status_at && e.status_at !== e.at ? h('span', { class: 'sub', title: 'The bank’s time of the status' }, `bank: ${formatInstant(e.status_at)}`) : null,
    ),
    h(
      'td',
      { 'data-field': 'move', class: 'wrap' },
      e.from ? h('span', { class: 'muted' }, `${humanize(e.from)} → `) : null,
      stateBadge(e.status),
      e.applied
        ? null
        : h(
            'span',
            { class: 'sub refusal', 'data-field': 'refusal' },
            h('span', { class: 'badge refused-badge' }, 'Refused'),
            ' ',
            e.refusal ?? 'the move was not allowed',
          ),
    ),
    h(
      'td',
      { 'data-field': 'source', class: 'wrap' },
      e.source || '—',
      e.source_file ? h('span', { class: 'sub mono', 'data-field': 'source_file' }, e.source_file) : null,
    ),
    h('td', { 'data-field': 'bank_status', class: bank ? 'wrap' : 'muted' }, bank ?? '—'),
    h(
      'td',
      { 'data-field': 'reason', class: reason || e.reason_text ? 'wrap' : 'muted' },
      reason ?? (e.reason_text ? null : '—'),
      e.reason_text ? h('span', { class: reason ? 'sub' : null, 'data-field': 'reason_text' }, e.reason_text) : null,
    ),
    h(
      'td',
      { 'data-field': 'recorded_by' },
      e.recorded_by || '—',
      e.correlation_id ? h('span', { class: 'sub mono', title: 'The correlation id of the run or file' }, e.correlation_id) : null,
    ),
  );
}
