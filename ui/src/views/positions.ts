//! The Positions screen: balances by account, totals per currency, the balances chart, and an account's entries on click.

import {
  fetchBalancesChart,
  fetchEntries,
  fetchPositions,
  parseSvg,
  type Entry,
  type Position,
  type Positions,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatMoney, isNegative, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { errorBox, type View } from './view';

/** The as-of date chosen on this screen; kept while the window lives so coming back keeps it. */
let asOfChosen: string | null = null;
/** The account whose entries are shown, by full key. */
let accountSelected: string | null = null;

export const positionsView: View = {
  title: 'Positions',
  mount(container, alive) {
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', { class: 'positions-body' });
    const asOfInput = h('input', { type: 'date', id: 'as-of', 'data-testid': 'as-of', value: asOfChosen ?? '' });
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'positions-as-of' });

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h('div', {}, h('h1', {}, 'Positions'), subtitle),
        h(
          'div',
          { class: 'toolbar' },
          h('label', { for: 'as-of' }, 'As of'),
          asOfInput,
          refresh,
        ),
      ),
      status,
      body,
    );

    async function load(): Promise<void> {
      status.textContent = 'Loading positions…';
      let positions: Positions;
      try {
        positions = await fetchPositions(asOfChosen);
      } catch (error) {
        if (!alive()) return;
        replaceChildren(status, errorBox(error));
        replaceChildren(body);
        return;
      }
      if (!alive()) return;
      // Reading positions may open freshness exceptions (stale balances, data not received).
      void refreshExceptionCount();
      status.textContent = '';
      subtitle.textContent = `As of ${formatInstant(positions.as_of)}`;
      renderBody(body, positions, alive);
    }

    asOfInput.addEventListener('change', () => {
      asOfChosen = asOfInput.value === '' ? null : asOfInput.value;
      void load();
    });
    refresh.addEventListener('click', () => void load());
    void load();
  },
};

function renderBody(body: HTMLElement, positions: Positions, alive: () => boolean): void {
  if (positions.accounts.length === 0) {
    replaceChildren(
      body,
      h(
        'div',
        { class: 'empty', 'data-testid': 'positions-empty' },
        'No statements imported yet — ',
        h('a', { href: '#/import' }, 'go to Import'),
      ),
    );
    return;
  }

  const entriesSection = h('section', { class: 'card', 'data-testid': 'entries-section', hidden: true });
  const chart = h('div', { class: 'chart', 'data-testid': 'balances-chart', 'aria-busy': 'true' }, 'Loading chart…');

  replaceChildren(
    body,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Accounts'),
      positionsTable(positions.accounts, (position) => void showEntries(entriesSection, position, alive)),
    ),
    entriesSection,
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Totals by currency'), totalsTable(positions)),
      h('section', { class: 'card' }, h('h2', {}, 'Balances'), chart),
    ),
  );

  const selected = positions.accounts.find((p) => p.account === accountSelected);
  if (selected) void showEntries(entriesSection, selected, alive);
  void loadChart(chart, alive);
}

async function loadChart(chart: HTMLElement, alive: () => boolean): Promise<void> {
  try {
    const svg = parseSvg(await fetchBalancesChart());
    if (!alive()) return;
    svg.setAttribute('role', 'img');
    if (!svg.hasAttribute('aria-label')) svg.setAttribute('aria-label', 'Balances by account over time');
    replaceChildren(chart, svg);
  } catch (error) {
    if (!alive()) return;
    replaceChildren(chart, errorBox(error));
  } finally {
    chart.removeAttribute('aria-busy');
  }
}

function positionsTable(accounts: Position[], onSelect: (position: Position) => void): HTMLTableElement {
  const rows = accounts.map((p) => {
    const row = h(
      'tr',
      {
        'data-testid': 'position-row',
        'data-account': p.account,
        class: p.account === accountSelected ? 'selectable selected' : 'selectable',
        tabindex: 0,
        'aria-selected': p.account === accountSelected ? 'true' : 'false',
        title: 'Show entries',
      },
      h('td', { 'data-field': 'account', 'data-value': p.account, title: p.account }, p.account_masked),
      h('td', { 'data-field': 'bank', 'data-value': p.bank ?? '' }, p.bank ?? '—'),
      h('td', { 'data-field': 'currency', 'data-value': p.currency }, p.currency),
      moneyCell('booked', p.booked),
      p.available === null
        ? h('td', { 'data-field': 'available', 'data-value': '', class: 'num muted' }, '—')
        : moneyCell('available', p.available),
      h('td', { 'data-field': 'booked_date', 'data-value': p.booked_date, class: 'num' }, p.booked_date),
      h('td', { 'data-field': 'as_of', 'data-value': p.as_of, class: 'num' }, formatInstant(p.as_of)),
      h('td', { 'data-field': 'source', 'data-value': p.source }, p.source),
      h(
        'td',
        { 'data-field': 'stale', 'data-value': String(p.stale) },
        p.stale ? h('span', { class: 'badge warn', title: 'This balance is older than expected' }, 'Stale') : '',
      ),
    );
    const select = (): void => {
      accountSelected = p.account;
      for (const other of Array.from(row.parentElement?.children ?? [])) {
        other.classList.remove('selected');
        other.setAttribute('aria-selected', 'false');
      }
      row.classList.add('selected');
      row.setAttribute('aria-selected', 'true');
      onSelect(p);
    };
    row.addEventListener('click', select);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        select();
      }
    });
    return row;
  });

  return h(
    'table',
    { class: 'data', 'data-testid': 'positions-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Account'),
        h('th', { scope: 'col' }, 'Bank'),
        h('th', { scope: 'col' }, 'Currency'),
        h('th', { scope: 'col', class: 'num' }, 'Booked'),
        h('th', { scope: 'col', class: 'num' }, 'Available'),
        h('th', { scope: 'col', class: 'num' }, 'Booked date'),
        h('th', { scope: 'col', class: 'num' }, 'As of'),
        h('th', { scope: 'col' }, 'Source'),
        h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Freshness')),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

function totalsTable(positions: Positions): HTMLElement {
  const table = h(
    'table',
    { class: 'data', 'data-testid': 'totals-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Currency'),
        h('th', { scope: 'col', class: 'num' }, 'Booked'),
        h('th', { scope: 'col', class: 'num' }, 'Accounts'),
      ),
    ),
    h(
      'tbody',
      {},
      ...positions.totals.map((t) =>
        h(
          'tr',
          { 'data-testid': 'total-row', 'data-currency': t.currency },
          h('td', { 'data-field': 'currency', 'data-value': t.currency }, t.currency),
          moneyCell('booked', t.booked),
          h('td', { 'data-field': 'accounts', class: 'num' }, t.accounts === null ? '—' : String(t.accounts)),
        ),
      ),
    ),
  );
  const consolidated = positions.consolidated;
  return h(
    'div',
    {},
    table,
    consolidated
      ? h(
          'p',
          { class: 'consolidated', 'data-testid': 'consolidated', 'data-value': consolidated.booked },
          `Consolidated: ${consolidated.currency} `,
          h('span', { class: isNegative(consolidated.booked) ? 'num negative' : 'num' }, formatMoney(consolidated.booked)),
          consolidated.rates_date ? ` at rates of ${consolidated.rates_date}` : '',
        )
      : null,
  );
}

async function showEntries(section: HTMLElement, position: Position, alive: () => boolean): Promise<void> {
  section.hidden = false;
  const heading = h('h2', {}, `Entries — ${position.account_masked}`, position.bank ? ` · ${position.bank}` : '');
  heading.title = position.account;
  const close = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'entries-close' }, 'Close');
  close.addEventListener('click', () => {
    accountSelected = null;
    section.hidden = true;
    for (const row of Array.from(document.querySelectorAll('[data-testid="position-row"].selected'))) {
      row.classList.remove('selected');
      row.setAttribute('aria-selected', 'false');
    }
  });
  const content = h('div', { class: 'status' }, 'Loading entries…');
  replaceChildren(section, h('div', { class: 'section-head' }, heading, close), content);
  section.dataset.account = position.account;

  let entries: Entry[];
  try {
    entries = await fetchEntries({ account: position.account, to: asOfChosen });
  } catch (error) {
    if (!alive() || section.dataset.account !== position.account) return;
    replaceChildren(content, errorBox(error));
    return;
  }
  // A later click may have asked for another account meanwhile.
  if (!alive() || section.dataset.account !== position.account) return;
  if (entries.length === 0) {
    replaceChildren(content, 'No entries for this account.');
    return;
  }
  content.className = 'table-scroll';
  replaceChildren(
    content,
    h('p', { class: 'subtitle' }, plural(entries.length, 'entry', 'entries')),
    entriesTable(entries),
  );
}

function entriesTable(entries: Entry[]): HTMLTableElement {
  return h(
    'table',
    { class: 'data', 'data-testid': 'entries-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'num' }, 'Booking date'),
        h('th', { scope: 'col', class: 'num' }, 'Value date'),
        h('th', { scope: 'col', class: 'num' }, 'Amount'),
        h('th', { scope: 'col' }, 'Ccy'),
        h('th', { scope: 'col' }, 'Status'),
        h('th', { scope: 'col' }, 'Counterparty'),
        h('th', { scope: 'col' }, 'Remittance'),
        h('th', { scope: 'col' }, 'Bank ref'),
      ),
    ),
    h(
      'tbody',
      {},
      ...entries.map((e) =>
        h(
          'tr',
          { 'data-testid': 'entry-row', 'data-bank-ref': e.bank_ref, 'data-status': e.status },
          h('td', { 'data-field': 'booking_date', class: 'num' }, e.booking_date),
          h('td', { 'data-field': 'value_date', class: 'num' }, e.value_date ?? '—'),
          moneyCell('amount', e.amount),
          h('td', { 'data-field': 'currency' }, e.currency),
          h('td', { 'data-field': 'status' }, e.status === 'pending' ? h('span', { class: 'badge' }, 'Pending') : 'Booked'),
          h(
            'td',
            { 'data-field': 'counterparty', title: e.counterparty_iban ?? '' },
            e.counterparty ?? e.counterparty_iban ?? '—',
          ),
          h('td', { 'data-field': 'remittance', class: 'wrap' }, e.remittance ?? e.creditor_reference ?? ''),
          h('td', { 'data-field': 'bank_ref', class: 'mono', title: e.end_to_end_id ? `End-to-end ID: ${e.end_to_end_id}` : '' }, e.bank_ref),
        ),
      ),
    ),
  );
}

function moneyCell(field: string, amount: string): HTMLTableCellElement {
  return h(
    'td',
    { 'data-field': field, 'data-value': amount, class: isNegative(amount) ? 'num negative' : 'num' },
    formatMoney(amount),
  );
}
