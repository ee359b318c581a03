//! The Payments screen's other way to the bank: the approved payments sent through a bank connection's API instead of a file, each at most once (a payment whose answer was lost is asked about, never sent again), with what the bank said of each.

import { fetchConnections, fetchPaymentsWhere, sendPayments, type Connection, type PaymentSent } from '../api';
import { h, replaceChildren } from '../dom';
import { humanize, plural } from '../format';
import { errorBox } from './view';

/** The connections a payment can go through: those with a consent in force. */
const SENDING_STATES = new Set(['healthy', 'degraded', 'consent_expiring', 'failing']);

export interface SendCard {
  element: HTMLElement;
  /** Asks again which connections there are and which payments wait. */
  show(): void;
}

/** The card; `sent` runs after a send, to draw the payments (now with the bank) again. */
export function sendCard(sent: () => void): SendCard {
  const via = h('select', { id: 'payments-send-via', class: 'select', 'data-testid': 'payments-send-via' });
  const button = h('button', { type: 'button', class: 'button primary', 'data-testid': 'payments-send' }, 'Send through the bank’s API');
  const waiting = h('span', { class: 'hint', 'data-testid': 'payments-send-waiting' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'payments-send-status' });
  const controls = h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'payments-send-via' }, 'Connection'), via), button, waiting);
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'payments-send-title', 'data-testid': 'payments-send-card' },
    h('h2', { id: 'payments-send-title' }, 'Send through a bank connection'),
    h(
      'p',
      { class: 'hint' },
      'Instead of a file: the approved payments not yet sent go to the bank one by one over PSD2, and follow its status from then on. A payment goes to the bank once; one whose answer was lost is asked about at the next sync, never sent again.',
    ),
    controls,
    status,
  );
  let ids: string[] = [];

  const show = (): void => {
    void Promise.all([fetchConnections(), fetchPaymentsWhere({ state: 'approved' })])
      .then(([connections, approved]) => {
        const usable = connections.filter((c) => SENDING_STATES.has(c.state));
        ids = approved.map((p) => p.id);
        replaceChildren(via, ...usable.map((c: Connection) => h('option', { value: c.name }, c.name)));
        if (usable.length === 0) {
          controls.hidden = true;
          waiting.textContent = '';
          replaceChildren(status, h('p', { class: 'muted', 'data-testid': 'payments-send-none' }, 'No bank connection with a consent in force: add one on the Connections screen to send payments through its API.'));
          return;
        }
        controls.hidden = false;
        button.disabled = ids.length === 0;
        button.textContent = ids.length === 0 ? 'Send through the bank’s API' : `Send ${plural(ids.length, 'approved payment', 'approved payments')}`;
        waiting.textContent = ids.length === 0 ? 'No approved payment waits to be sent.' : '';
      })
      .catch((error: unknown) => replaceChildren(status, errorBox(error)));
  };

  button.addEventListener('click', () => {
    if (ids.length === 0 || via.value === '') return;
    button.disabled = true;
    replaceChildren(status, h('span', { class: 'muted' }, `Sending ${plural(ids.length, 'payment', 'payments')} through ${via.value}…`));
    sendPayments(ids, via.value)
      .then((report) => {
        replaceChildren(status, outcomeTable(report.payments));
        sent();
      })
      .catch((error: unknown) => {
        replaceChildren(status, errorBox(error));
        button.disabled = false;
      });
  });

  return { element, show };
}

const OUTCOME_WORDS: Record<string, string> = {
  answered: 'With the bank',
  unknown: 'No answer yet: asked again at the next sync',
  refused: 'Refused before the bank took it',
  not_sent: 'Not sent',
};

function outcomeTable(payments: PaymentSent[]): HTMLElement {
  const answered = payments.filter((p) => p.outcome === 'answered').length;
  return h(
    'div',
    { 'data-testid': 'payments-send-done' },
    h('p', { class: answered === payments.length ? 'ok' : 'muted' }, `${answered} of ${plural(payments.length, 'payment', 'payments')} with the bank.`),
    h(
      'table',
      { class: 'data' },
      h('thead', {}, h('tr', {}, ...['Payment', 'Outcome', 'Bank status', 'State', 'Bank’s id', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
      h(
        'tbody',
        {},
        ...payments.map((p) =>
          h(
            'tr',
            { 'data-testid': 'payments-send-row', 'data-payment': p.payment, 'data-outcome': p.outcome },
            h('td', { class: 'mono' }, p.payment),
            h('td', {}, OUTCOME_WORDS[p.outcome] ?? humanize(p.outcome)),
            h('td', {}, p.status ?? ''),
            h('td', {}, p.state === null ? '' : humanize(p.state)),
            h('td', { class: 'mono' }, p.bank_payment_id ?? ''),
            h('td', { class: 'wrap' }, p.error ?? ''),
          ),
        ),
      ),
    ),
  );
}
