//! The Exceptions screen: work for a person (balances that do not add up, gaps in statement sequences, missing days), filtered by kind and state.

import { fetchExceptions, type ExceptionCase } from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, humanize, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { latestLoader, pageHead, type View } from './view';

/** The kinds the engine opens (migrations/0001, `exception_case.kind`); others are shown as they come. */
const KINDS = [
  'balance_mismatch',
  'sequence_gap',
  'missing_days',
  'duplicate',
  'unmatched_entry',
  'unmatched_item',
  'payment_rejected',
  'payment_duplicate',
  'cutoff_missed',
  'stale_balance',
  'sync_failed',
  'data_not_received',
] as const;
const STATES = ['open', 'in_progress', 'resolved', 'dismissed'] as const;
/** Rows drawn at most; the newest are shown and the rest counted. */
const ROWS_SHOWN_MAX = 1000;

/** The filters chosen, kept while the window lives. */
let kindChosen = '';
let stateChosen = '';

export const exceptionsView: View = {
  title: 'Exceptions',
  mount(container, alive) {
    const kind = h(
      'select',
      { id: 'exceptions-kind', class: 'select', 'data-testid': 'exceptions-kind' },
      h('option', { value: '' }, 'All kinds'),
      ...KINDS.map((k) => h('option', { value: k }, humanize(k))),
    );
    const state = h(
      'select',
      { id: 'exceptions-state', class: 'select', 'data-testid': 'exceptions-state' },
      h('option', { value: '' }, 'All states'),
      ...STATES.map((s) => h('option', { value: s }, humanize(s))),
    );
    kind.value = kindChosen;
    state.value = stateChosen;
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'exceptions-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'exceptions-count' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', {});

    replaceChildren(
      container,
      pageHead('Exceptions', subtitle, [['Kind', kind], ['State', state], refresh]),
      status,
      body,
    );

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading exceptions…',
      fetch: () => fetchExceptions({ kind: kindChosen, state: stateChosen }),
      show: (exceptions: ExceptionCase[]) => {
        const filtered = kindChosen !== '' || stateChosen !== '';
        subtitle.textContent = `${plural(exceptions.length, 'exception', 'exceptions')}${filtered ? ' match the filters' : ''}`;
        drawTable(body, exceptions, filtered);
      },
    });

    kind.addEventListener('change', () => {
      kindChosen = kind.value;
      void load();
    });
    state.addEventListener('change', () => {
      stateChosen = state.value;
      void load();
    });
    refresh.addEventListener('click', () => {
      void load();
      void refreshExceptionCount();
    });
    void load();
  },
};

function drawTable(body: HTMLElement, exceptions: ExceptionCase[], filtered: boolean): void {
  if (exceptions.length === 0) {
    replaceChildren(
      body,
      h('div', { class: 'empty', 'data-testid': 'exceptions-empty' }, filtered ? 'No exceptions match these filters.' : 'No exceptions. Every imported statement added up.'),
    );
    return;
  }
  // The engine lists the oldest first; the newest are what a person looks at first.
  const newestFirst = [...exceptions].reverse().slice(0, ROWS_SHOWN_MAX);
  replaceChildren(
    body,
    h(
      'section',
      { class: 'card' },
      h(
        'table',
        { class: 'data', 'data-testid': 'exceptions-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col', class: 'num' }, 'Opened'),
            h('th', { scope: 'col' }, 'Kind'),
            h('th', { scope: 'col' }, 'Subject'),
            h('th', { scope: 'col' }, 'Detail'),
            h('th', { scope: 'col' }, 'State'),
            h('th', { scope: 'col' }, 'Owner'),
          ),
        ),
        h(
          'tbody',
          {},
          ...newestFirst.map((e) =>
            h(
              'tr',
              { 'data-testid': 'exception-row', 'data-kind': e.kind, 'data-state': e.state, 'data-id': e.id },
              h('td', { 'data-field': 'opened_at', 'data-value': e.opened_at, class: 'num' }, formatInstant(e.opened_at)),
              h('td', { 'data-field': 'kind' }, h('span', { class: `badge kind kind-${e.kind}` }, humanize(e.kind))),
              h('td', { 'data-field': 'subject', class: 'wrap' }, e.subject),
              h('td', { 'data-field': 'detail', class: 'wrap detail-text' }, e.detail ?? '—'),
              h('td', { 'data-field': 'state' }, h('span', { class: `badge state-${e.state}` }, humanize(e.state))),
              h('td', { 'data-field': 'owner', class: e.owner ? null : 'muted' }, e.owner ?? '—'),
            ),
          ),
        ),
      ),
      exceptions.length > ROWS_SHOWN_MAX
        ? h('p', { class: 'muted' }, `Showing the newest ${ROWS_SHOWN_MAX} of ${exceptions.length}; narrow the filters to see the others.`)
        : null,
    ),
  );
}
