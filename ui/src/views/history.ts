//! The History screen: daily closing balances per currency and per account over a period, its chart, and one day's entries with running sums.

import { fetchHistory, fetchIntraday, type History, type HistoryDay, type Intraday } from '../api';
import { h, replaceChildren } from '../dom';
import { humanize, maskAccount, plural } from '../format';
import { chartCard } from './chart-card';
import { entitySelect, scope } from './scope';
import { errorBox, latestLoader, moneyCell, pageHead, type View } from './view';

/** The period chosen; null leaves it to the engine (the last 90 days up to today). */
let fromChosen: string | null = null;
let toChosen: string | null = null;
/** The day whose entries are listed; null for the engine's today. */
let intradayChosen: string | null = null;

const CARRIED_TITLE = 'No statement for this day: the last closing balance is carried over.';

export const historyView: View = {
  title: 'History',
  mount(container, alive) {
    const from = h('input', { type: 'date', id: 'history-from', 'data-testid': 'history-from', value: fromChosen ?? '' });
    const to = h('input', { type: 'date', id: 'history-to', 'data-testid': 'history-to', value: toChosen ?? '' });
    const entity = entitySelect('history-entity', () => void load());
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'history-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'history-subtitle' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', {});
    const intraday = h('section', { class: 'card', 'data-testid': 'intraday-section' });

    replaceChildren(
      container,
      pageHead('History', subtitle, [['From', from], ['To', to], ['Entity', entity], refresh]),
      status,
      body,
      intraday,
    );

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading history…',
      fetch: () => fetchHistory(fromChosen, toChosen, scope.entity || null),
      show: (history: History) => {
        // Show the period the engine used, so the pickers say what the table shows.
        from.value = history.from;
        to.value = history.to;
        subtitle.textContent = `${history.from} to ${history.to}${scope.entity ? ` · ${scope.entity}` : ' · all entities'}`;
        renderBody(body, history, alive);
      },
    });

    from.addEventListener('change', () => {
      fromChosen = from.value || null;
      void load();
    });
    to.addEventListener('change', () => {
      toChosen = to.value || null;
      void load();
    });
    refresh.addEventListener('click', () => {
      void load();
      void loadIntraday(intraday, alive);
    });
    void load();
    void loadIntraday(intraday, alive);
  },
};

function renderBody(body: HTMLElement, history: History, alive: () => boolean): void {
  if (history.totals.length === 0 && history.accounts.length === 0) {
    replaceChildren(
      body,
      h('div', { class: 'empty', 'data-testid': 'history-empty' }, 'No closing balances in this period.'),
    );
    return;
  }
  const chart = chartCard(
    {
      title: 'Closing balances',
      name: 'history',
      params: { from: history.from, to: history.to, entity: scope.entity },
      testid: 'history-chart',
      label: `Daily closing balances per currency from ${history.from} to ${history.to}`,
    },
    alive,
  );
  replaceChildren(
    body,
    chart,
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Daily closing'), h('span', { class: 'legend' }, h('span', { class: 'carried-swatch' }), 'carried over, no statement that day')),
      h('div', { class: 'table-scroll history-scroll' }, historyTable(history)),
    ),
  );
}

function byDate(days: HistoryDay[]): Map<string, HistoryDay> {
  return new Map(days.map((d) => [d.date, d]));
}

function historyTable(history: History): HTMLTableElement {
  const totals = history.totals.map((t) => ({ currency: t.currency, days: byDate(t.days) }));
  const accounts = history.accounts.map((a) => ({ ...a, byDay: byDate(a.days) }));
  const dates = new Set<string>();
  for (const t of history.totals) for (const d of t.days) dates.add(d.date);
  for (const a of history.accounts) for (const d of a.days) dates.add(d.date);
  // The newest day first: that is the one a treasurer checks.
  const ordered = [...dates].sort().reverse();

  const cell = (day: HistoryDay | undefined, attributes: Record<string, string>): HTMLTableCellElement => {
    if (!day) return h('td', { ...attributes, class: 'num muted' }, '');
    const td = moneyCell('closing', day.closing, { ...attributes, 'data-reported': String(day.reported) });
    if (!day.reported) {
      td.classList.add('carried');
      td.title = CARRIED_TITLE;
    }
    return td;
  };

  return h(
    'table',
    { class: 'data history', 'data-testid': 'history-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'num' }, 'Date'),
        ...totals.map((t, i) =>
          h('th', { scope: 'col', class: i === totals.length - 1 ? 'num group-end' : 'num' }, `Total ${t.currency}`),
        ),
        ...accounts.map((a) =>
          h(
            'th',
            { scope: 'col', class: 'num', title: `${a.account}${a.entity ? ` · ${a.entity}` : ''}` },
            `${a.account_masked} ${a.currency}`,
          ),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...ordered.map((date) =>
        h(
          'tr',
          { 'data-testid': 'history-day', 'data-date': date },
          h('td', { 'data-field': 'date', class: 'num' }, date),
          ...totals.map((t, i) => {
            const td = cell(t.days.get(date), { 'data-total': t.currency });
            if (i === totals.length - 1) td.classList.add('group-end');
            return td;
          }),
          ...accounts.map((a) => cell(a.byDay.get(date), { 'data-account': a.account })),
        ),
      ),
    ),
  );
}

async function loadIntraday(section: HTMLElement, alive: () => boolean): Promise<void> {
  const picker = h('input', { type: 'date', id: 'intraday-date', 'data-testid': 'intraday-date', value: intradayChosen ?? '' });
  const content = h('div', { class: 'status' }, 'Loading the day’s entries…');
  const heading = h('h2', {}, intradayChosen ? `Entries of ${intradayChosen}` : 'Today’s entries');
  replaceChildren(
    section,
    h('div', { class: 'section-head' }, heading, h('div', { class: 'toolbar' }, h('label', { for: 'intraday-date' }, 'Day'), picker)),
    content,
  );
  picker.addEventListener('change', () => {
    intradayChosen = picker.value || null;
    void loadIntraday(section, alive);
  });

  let day: Intraday;
  try {
    day = await fetchIntraday(intradayChosen);
  } catch (error) {
    if (alive()) replaceChildren(content, errorBox(error));
    return;
  }
  if (!alive()) return;
  picker.value = day.date;
  heading.textContent = intradayChosen ? `Entries of ${day.date}` : `Today’s entries (${day.date})`;
  if (day.entries.length === 0) {
    content.className = 'muted';
    replaceChildren(content, h('p', { 'data-testid': 'intraday-empty' }, `No entries reported for ${day.date} yet.`));
    return;
  }
  content.className = 'table-scroll';
  replaceChildren(
    content,
    h('p', { class: 'hint' }, `${plural(day.entries.length, 'entry', 'entries')}; the running sum is each account’s movement so far that day.`),
    intradayTable(day),
  );
}

function intradayTable(day: Intraday): HTMLTableElement {
  return h(
    'table',
    { class: 'data', 'data-testid': 'intraday-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Account'),
        h('th', { scope: 'col' }, 'Counterparty'),
        h('th', { scope: 'col' }, 'Remittance'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col', class: 'num' }, 'Amount'),
        h('th', { scope: 'col' }, 'Ccy'),
        h('th', { scope: 'col', class: 'num' }, 'Running'),
      ),
    ),
    h(
      'tbody',
      {},
      ...day.entries.map((e) =>
        h(
          'tr',
          { 'data-testid': 'intraday-entry', 'data-account': e.account, 'data-status': e.status },
          h('td', { 'data-field': 'account', class: 'mono', title: e.account }, maskAccount(e.account)),
          h('td', { 'data-field': 'counterparty', class: e.counterparty ? null : 'muted' }, e.counterparty ?? '—'),
          h('td', { 'data-field': 'remittance', class: 'wrap' }, e.remittance ?? ''),
          h('td', { 'data-field': 'status' }, e.status === 'booked' ? 'Booked' : h('span', { class: 'badge' }, humanize(e.status))),
          moneyCell('amount', e.amount),
          h('td', { 'data-field': 'currency' }, e.currency),
          moneyCell('running', e.running),
        ),
      ),
    ),
  );
}
