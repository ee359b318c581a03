//! The Payments screen's lifecycle funnel: per run, how many payments (and how much, per currency) stand in each state, the way forward first and the ends after; a run's name filters the list to it.

import type { PaymentRun, RunState } from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatMoney, humanize, plural } from '../format';
import { END_STATES, LIFECYCLE_STATES, PAYMENT_STATES } from './payments-common';

/** Runs drawn at most; the engine lists the newest first. */
const RUNS_SHOWN_MAX = 20;

export interface Funnel {
  element: HTMLElement;
  /** Draws the runs; `chosen` is the run the list is filtered to, if any. */
  show(runs: PaymentRun[], chosen: number | null): void;
  /** Marks the run the list is filtered to without drawing the runs again. */
  choose(chosen: number | null): void;
}

/** The funnel card; `onChoose` gets a run's id when its name is pressed, null when pressed again. */
export function funnelCard(onChoose: (run: number | null) => void): Funnel {
  const body = h('div', { class: 'table-scroll', 'data-testid': 'payments-funnel' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'payments-funnel-title' },
    h('h2', { id: 'payments-funnel-title' }, 'Payment runs'),
    h('p', { class: 'hint' }, 'How many payments of each run stand in each state, and for how much. Choose a run to list only its payments.'),
    body,
  );

  const choose = (chosen: number | null): void => {
    for (const row of Array.from(body.querySelectorAll<HTMLElement>('[data-testid="payments-run"]'))) {
      const mine = row.dataset.run === String(chosen);
      row.classList.toggle('selected', mine);
      row.querySelector('button')?.setAttribute('aria-pressed', String(mine));
    }
  };

  const show = (runs: PaymentRun[], chosen: number | null): void => {
    body.dataset.count = String(runs.length);
    if (runs.length === 0) {
      replaceChildren(
        body,
        h('p', { class: 'muted', 'data-testid': 'payments-funnel-empty' }, 'No payment run yet. Import one (the CSV of the ERP or its pain.001) with “cashline payments import FILE”.'),
      );
      return;
    }
    const shown = runs.slice(0, RUNS_SHOWN_MAX);
    replaceChildren(
      body,
      h(
        'table',
        { class: 'data funnel' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Run'),
            ...PAYMENT_STATES.map((s) => h('th', { scope: 'col', class: `num${s === END_STATES[0] ? ' funnel-end' : ''}` }, humanize(s))),
          ),
        ),
        h('tbody', {}, ...shown.map((run) => runRow(run, run.id === chosen, onChoose))),
      ),
      runs.length > RUNS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing the newest ${RUNS_SHOWN_MAX} of ${runs.length} runs.`) : null,
    );
  };

  return { element, show, choose };
}

function runRow(run: PaymentRun, chosen: boolean, onChoose: (run: number | null) => void): HTMLTableRowElement {
  const name = run.name || `Run ${run.id}`;
  const button = h(
    'button',
    { type: 'button', class: 'link-button', 'aria-pressed': String(chosen), 'data-testid': 'payments-run-filter', title: 'List only the payments of this run' },
    name,
  );
  const number = h('span', { class: 'run-number' }, `#${run.id}`);
  button.addEventListener('click', () => onChoose(button.getAttribute('aria-pressed') === 'true' ? null : run.id));
  const byState = new Map<string, RunState[]>();
  for (const s of run.states) byState.set(s.state, [...(byState.get(s.state) ?? []), s]);
  return h(
    'tr',
    { 'data-testid': 'payments-run', 'data-run': String(run.id), 'data-payments': String(run.payments), class: chosen ? 'selected' : null },
    h(
      'th',
      { scope: 'row', class: 'funnel-run' },
      button,
      number,
      h(
        'span',
        { class: 'sub' },
        `${run.source} · ${formatInstant(run.created_at)}${run.imported_by ? ` · by ${run.imported_by}` : ''} · ${plural(run.payments, 'payment', 'payments')}`,
      ),
      progressBar(run, byState),
    ),
    ...PAYMENT_STATES.map((s) => stateCell(s, byState.get(s) ?? [], s === END_STATES[0])),
  );
}

/** One state's count, and its amount per currency under it. */
function stateCell(state: string, lines: RunState[], firstEnd: boolean): HTMLTableCellElement {
  const count = lines.reduce((n, s) => n + s.count, 0);
  return h(
    'td',
    {
      class: `num funnel-cell${count === 0 ? ' none' : ''}${firstEnd ? ' funnel-end' : ''} funnel-${state}`,
      'data-testid': 'payments-run-state',
      'data-state': state,
      'data-count': String(count),
    },
    h('span', { class: 'funnel-count' }, String(count)),
    ...lines.map((s) =>
      h('span', { class: 'sub', 'data-field': 'amount', 'data-currency': s.currency, 'data-value': s.amount }, `${formatMoney(s.amount)} ${s.currency}`),
    ),
  );
}

/** A bar of the run's payments by state, for the eye; the cells beside it carry the numbers. */
function progressBar(run: PaymentRun, byState: Map<string, RunState[]>): HTMLElement {
  const bar = h('span', { class: 'funnel-bar', 'aria-hidden': 'true' });
  if (run.payments === 0) return bar;
  for (const state of [...LIFECYCLE_STATES, ...END_STATES]) {
    const count = (byState.get(state) ?? []).reduce((n, s) => n + s.count, 0);
    if (count === 0) continue;
    const segment = h('span', { class: `funnel-segment funnel-${state}`, title: `${humanize(state)}: ${count}` });
    segment.style.flexGrow = String(count);
    bar.append(segment);
  }
  return bar;
}
