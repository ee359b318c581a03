//! The Positions screen: group and entity totals, totals per currency, the reconciliation card, accounts (as a list or by bank) with basis and freshness, an account's entries on click (a batch's transactions under it), and the balance charts.

import {
  fetchAccounts,
  fetchEntries,
  fetchPositions,
  type Consolidated,
  type Entry,
  type EntryDetail,
  type Position,
  type Positions,
} from '../api';
import { h, replaceChildren } from '../dom';
import { accountShown, revealButton } from '../reveal';
import { formatInstant, formatMoney, isNegative, maskAccount, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { chartCard } from './chart-card';
import { reconCard } from './recon-card';
import { currencySelect, entityName, entityNamesReady, entitySelect, scope, showCurrencyUsed } from './scope';
import { errorBox, latestLoader, moneyCell, pageHead, type View } from './view';

/** The as-of date chosen on this screen; kept while the window lives so coming back keeps it. */
let asOfChosen: string | null = null;
/** The account whose entries are shown, by full key. */
let accountSelected: string | null = null;
/** How the accounts are laid out. */
let layoutChosen: 'list' | 'bank' = 'list';

/** What each basis means, as a label and a sentence for its tooltip. */
const BASIS: Record<string, [string, string]> = {
  closing_booked: ['closing booked', 'The booked closing balance of the latest end-of-day statement.'],
  interim_booked: ['interim (booked)', 'An intraday booked balance: the end-of-day statement is not in yet.'],
  interim_available: ['interim (available)', 'An intraday available balance: the bank reported no booked figure yet.'],
  rolled_forward: ['rolled forward', 'The last closing balance carried forward with the entries booked since.'],
};

export function basisLabel(basis: string): [string, string] {
  return BASIS[basis] ?? [basis.replace(/_/g, ' '), ''];
}

export const positionsView: View = {
  title: 'Positions',
  mount(container, alive) {
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', { class: 'positions-body' });
    const asOfInput = h('input', { type: 'date', id: 'as-of', 'data-testid': 'as-of', value: asOfChosen ?? '' });
    const entity = entitySelect('positions-entity', () => void load());
    const currency = currencySelect('positions-currency', () => void load());
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'positions-as-of' });

    replaceChildren(
      container,
      pageHead('Positions', subtitle, [['As of', asOfInput], ['Entity', entity], ['Report in', currency], refresh]),
      status,
      body,
    );

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading positions…',
      // Entity names sit beside their codes, so the table waits for them rather than drawing without.
      fetch: async () => {
        const [positions] = await Promise.all([
          fetchPositions(asOfChosen, { entity: scope.entity, reportingCurrency: scope.reportingCurrency }),
          entityNamesReady(),
        ]);
        return positions;
      },
      show: (positions: Positions) => {
        // Reading positions may open freshness exceptions (stale balances, data not received).
        void refreshExceptionCount();
        subtitle.textContent = `As of ${formatInstant(positions.as_of)}${positions.entity ? ` · ${positions.entity}` : ''} · in ${positions.reporting_currency}`;
        // A future day has no positions yet (that is the forecast).
        if (asOfChosen === null) asOfInput.max = positions.as_of_date;
        showCurrencyUsed(currency, positions.reporting_currency);
        renderBody(body, positions, alive);
      },
    });

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
        scope.entity ? `No balances for ${scope.entity} yet — ` : 'No statements imported yet — ',
        h('a', { href: '#/import' }, 'go to Import'),
      ),
      withoutDataCard(positions.accounts_without_data, alive),
    );
    return;
  }

  const entriesSection = h('section', { class: 'card', 'data-testid': 'entries-section', hidden: true });
  const revealStatus = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const accountsBox = h('div', { class: 'table-scroll' });
  const onSelect = (position: Position): void => void showEntries(entriesSection, position, alive);
  const drawAccounts = (): void => {
    replaceChildren(
      accountsBox,
      layoutChosen === 'list'
        ? positionsTable(positions, onSelect)
        : positionsByBank(positions, onSelect),
    );
  };
  const layout = h(
    'div',
    { class: 'segmented', role: 'group', 'aria-label': 'Layout' },
    ...(['list', 'bank'] as const).map((value) => {
      const button = h(
        'button',
        { type: 'button', class: 'segment', 'data-testid': `layout-${value}`, 'aria-pressed': String(layoutChosen === value) },
        value === 'list' ? 'List' : 'By bank',
      );
      button.addEventListener('click', () => {
        layoutChosen = value;
        for (const other of Array.from(layout.children)) other.setAttribute('aria-pressed', String(other === button));
        drawAccounts();
      });
      return button;
    }),
  );
  drawAccounts();

  const pastDay = asOfChosen !== null && asOfChosen < positions.as_of_date;
  const chartScope = { entity: scope.entity, reportingCurrency: scope.reportingCurrency };
  replaceChildren(
    body,
    kpiRow(positions),
    reconCard(alive),
    h(
      'section',
      { class: 'card' },
      h('div', { class: 'section-head' }, h('h2', {}, 'Accounts'), layout, revealButton('positions', revealStatus, drawAccounts)),
      revealStatus,
      accountsBox,
    ),
    entriesSection,
    withoutDataCard(positions.accounts_without_data, alive),
    h(
      'div',
      { class: 'grid' },
      h('section', { class: 'card' }, h('h2', {}, 'Totals by entity'), entitiesTable(positions)),
      chartCard(
        { title: 'Balances by currency', name: 'balances', params: {}, testid: 'balances-chart', label: 'Closing balances per currency over time' },
        alive,
      ),
    ),
    pastDay ? h('p', { class: 'hint' }, 'The charts below show today’s balances, not those of the as-of date.') : null,
    h(
      'div',
      { class: 'grid-2' },
      chartCard(
        { title: 'Balances by entity', name: 'entities', params: chartScope, testid: 'entities-chart', label: `Booked balances by entity, in ${positions.reporting_currency}` },
        alive,
      ),
      chartCard(
        { title: 'Balances by bank', name: 'banks', params: chartScope, testid: 'banks-chart', label: `Booked balances by bank, in ${positions.reporting_currency}` },
        alive,
      ),
    ),
  );

  const selected = positions.accounts.find((p) => p.account === accountSelected);
  if (selected) void showEntries(entriesSection, selected, alive);
}

/** The sentence for a total that cannot be given: never a partial number. */
function missingRatesText(total: Consolidated): string {
  const missing = total.missing_rates.length > 0 ? total.missing_rates.join(', ') : 'some currencies';
  return `no rate for ${missing} into ${total.currency}`;
}

function kpiRow(positions: Positions): HTMLElement {
  const total = positions.consolidated;
  const scopeLabel = positions.entity ? `Total of ${positions.entity}` : 'Group total';
  let group: HTMLElement;
  if (total === null) {
    group = h('div', { class: 'kpi kpi-main' }, h('div', { class: 'kpi-label' }, scopeLabel), h('div', { class: 'kpi-value muted' }, '—'));
  } else if (!total.complete || total.booked === null) {
    group = h(
      'div',
      { class: 'kpi kpi-main kpi-warn', 'data-testid': 'consolidated', 'data-complete': 'false', role: 'status' },
      h('div', { class: 'kpi-label' }, `${scopeLabel} in ${total.currency}`),
      h(
        'div',
        { class: 'kpi-warning', 'data-testid': 'consolidated-incomplete' },
        `No consolidated total: ${missingRatesText(total)}.`,
      ),
      h('div', { class: 'kpi-note' }, 'Enter the missing rates under ', h('a', { href: '#/accounts' }, 'Accounts › FX rates'), '.'),
    );
  } else {
    group = h(
      'div',
      { class: 'kpi kpi-main', 'data-testid': 'consolidated', 'data-complete': 'true', 'data-value': total.booked, 'data-currency': total.currency },
      h('div', { class: 'kpi-label' }, `${scopeLabel} in ${total.currency}`),
      h(
        'div',
        { class: isNegative(total.booked) ? 'kpi-value negative' : 'kpi-value' },
        h('span', { class: 'kpi-currency' }, total.currency),
        ' ',
        formatMoney(total.booked),
      ),
      h('div', { class: 'kpi-note' }, total.rates_date ? `At rates of ${total.rates_date}` : 'No conversion needed'),
    );
  }
  const stale = positions.accounts.filter((p) => p.stale).length;
  return h(
    'section',
    { class: 'kpis', 'aria-label': 'Totals' },
    group,
    h(
      'div',
      { class: 'kpi-group', 'data-testid': 'totals-table' },
      ...positions.totals.map((t) =>
        h(
          'div',
          { class: 'kpi', 'data-testid': 'total-row', 'data-currency': t.currency },
          h('div', { class: 'kpi-label' }, t.currency),
          h(
            'div',
            { class: isNegative(t.booked) ? 'kpi-value small negative' : 'kpi-value small', 'data-field': 'booked', 'data-value': t.booked },
            formatMoney(t.booked),
          ),
          h('div', { class: 'kpi-note', 'data-field': 'accounts' }, plural(t.accounts, 'account', 'accounts')),
        ),
      ),
    ),
    h(
      'div',
      { class: stale > 0 ? 'kpi kpi-fresh warn' : 'kpi kpi-fresh', 'data-testid': 'freshness' },
      h('div', { class: 'kpi-label' }, 'Freshness'),
      h('div', { class: 'kpi-value small' }, stale === 0 ? 'All current' : `${stale} stale`),
      h('div', { class: 'kpi-note' }, plural(positions.accounts.length, 'account', 'accounts')),
    ),
  );
}

function entitiesTable(positions: Positions): HTMLElement {
  if (positions.entities.length === 0) {
    return h(
      'p',
      { class: 'muted', 'data-testid': 'entities-empty' },
      'No account belongs to an entity yet. Assign accounts under ',
      h('a', { href: '#/accounts' }, 'Accounts'),
      '.',
    );
  }
  return h(
    'table',
    { class: 'data', 'data-testid': 'entity-totals' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Entity'),
        h('th', { scope: 'col', class: 'num' }, `Total (${positions.reporting_currency})`),
        h('th', { scope: 'col', class: 'num' }, 'Rates of'),
      ),
    ),
    h(
      'tbody',
      {},
      ...positions.entities.map((e) => {
        const name = entityName(e.scope);
        return h(
          'tr',
          { 'data-testid': 'entity-total-row', 'data-entity': e.scope, 'data-complete': String(e.complete) },
          h('td', { 'data-field': 'entity', title: name ?? '' }, e.scope, name ? h('span', { class: 'sub' }, name) : null),
          e.complete && e.booked !== null
            ? moneyCell('booked', e.booked)
            : h('td', { 'data-field': 'booked', 'data-value': '', class: 'num warn-text wrap' }, `No total: ${missingRatesText(e)}`),
          h('td', { 'data-field': 'rates_date', class: 'num muted' }, e.rates_date ?? '—'),
        );
      }),
    ),
  );
}

function withoutDataCard(accounts: string[], alive: () => boolean): HTMLElement | null {
  if (accounts.length === 0) return null;
  const list = h(
    'ul',
    { class: 'plain-list' },
    ...accounts.map((a) => h('li', { 'data-testid': 'no-data-account', 'data-account': a }, h('span', { class: 'mono' }, accountShown('positions', a, maskAccount(a))))),
  );
  // Names help recognise an account by more than its last digits; they are a nicety.
  void (async () => {
    try {
      const known = await fetchAccounts();
      if (!alive()) return;
      for (const item of Array.from(list.children) as HTMLElement[]) {
        const found = known.find((k) => k.account === item.dataset.account);
        const label = [found?.name, found?.bank, found?.currency].filter(Boolean).join(' · ');
        if (label) item.append(h('span', { class: 'muted' }, ` ${label}`));
      }
    } catch {
      // The masked keys stay on their own.
    }
  })();
  return h(
    'section',
    { class: 'card', 'data-testid': 'accounts-without-data' },
    h('h2', {}, 'Accounts without data'),
    h('p', { class: 'hint' }, 'Known accounts that have reported no balance yet.'),
    list,
  );
}

const COLUMNS_LIST = ['Account', 'Entity', 'Bank', 'Ccy', 'Booked', 'Available', 'Basis', 'As of', 'Source', 'Converted', ''];
const NUMERIC = new Set(['Booked', 'Available', 'As of', 'Converted']);

function headRow(columns: string[], reporting: string): HTMLTableSectionElement {
  return h(
    'thead',
    {},
    h(
      'tr',
      {},
      ...columns.map((c) =>
        h(
          'th',
          { scope: 'col', class: NUMERIC.has(c) ? 'num' : null },
          c === '' ? h('span', { class: 'visually-hidden' }, 'Freshness') : c === 'Converted' ? `In ${reporting}` : c,
        ),
      ),
    ),
  );
}

function positionsTable(positions: Positions, onSelect: (position: Position) => void): HTMLTableElement {
  const table = h('table', { class: 'data', 'data-testid': 'positions-table' }, headRow(COLUMNS_LIST, positions.reporting_currency));
  table.append(h('tbody', {}, ...positions.accounts.map((p) => positionRow(p, true, table, onSelect))));
  return table;
}

/**
 * The accounts grouped by bank: a heading row per bank with the engine's totals per currency,
 * and its accounts below. The UI only groups; it never adds amounts.
 */
function positionsByBank(positions: Positions, onSelect: (position: Position) => void): HTMLTableElement {
  const columns = COLUMNS_LIST.filter((c) => c !== 'Bank');
  const table = h('table', { class: 'data grouped', 'data-testid': 'positions-by-bank' }, headRow(columns, positions.reporting_currency));
  const banks = new Map<string, Position[]>();
  for (const p of positions.accounts) {
    const key = p.bank ?? '';
    banks.set(key, [...(banks.get(key) ?? []), p]);
  }
  const names = [...banks.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)));
  for (const bank of names) {
    const accounts = banks.get(bank) ?? [];
    const totals = positions.banks
      .filter((t) => (t.bank ?? '') === bank)
      .map((t) => `${formatMoney(t.booked)} ${t.currency}`)
      .join(' · ');
    table.append(
      h(
        'tbody',
        { 'data-testid': 'bank-group', 'data-bank': bank },
        h(
          'tr',
          { class: 'group-row' },
          h(
            'th',
            { scope: 'rowgroup', colspan: columns.length },
            bank || 'Bank not known',
            h('span', { class: 'group-note', 'data-testid': 'bank-totals' }, ` · ${plural(accounts.length, 'account', 'accounts')} · ${totals}`),
          ),
        ),
        ...accounts.map((p) => positionRow(p, false, table, onSelect)),
      ),
    );
  }
  return table;
}

function positionRow(p: Position, withBank: boolean, table: HTMLTableElement, onSelect: (position: Position) => void): HTMLTableRowElement {
  const [basis, basisMeaning] = basisLabel(p.basis);
  const isSelected = p.account === accountSelected;
  const entity = p.entity ? entityName(p.entity) : null;
  const row = h(
    'tr',
    {
      'data-testid': 'position-row',
      'data-account': p.account,
      'data-currency': p.currency,
      'data-stale': String(p.stale),
      class: `selectable${isSelected ? ' selected' : ''}${p.stale ? ' stale' : ''}`,
      tabindex: 0,
      'aria-selected': String(isSelected),
      title: 'Show entries',
    },
    h(
      'td',
      { 'data-field': 'account', 'data-value': p.account },
      h('span', { class: 'mono', 'data-testid': 'account-number' }, accountShown('positions', p.account, p.account_masked)),
      p.name ? h('span', { class: 'sub' }, p.name) : null,
    ),
    h('td', { 'data-field': 'entity', 'data-value': p.entity ?? '', title: entity ?? '', class: p.entity ? null : 'muted' }, p.entity ?? '—'),
    withBank ? h('td', { 'data-field': 'bank', 'data-value': p.bank ?? '' }, p.bank ?? '—') : null,
    h('td', { 'data-field': 'currency', 'data-value': p.currency }, p.currency),
    moneyCell('booked', p.booked),
    p.available === null
      ? h('td', { 'data-field': 'available', 'data-value': '', class: 'num muted' }, '—')
      : moneyCell('available', p.available),
    h(
      'td',
      { 'data-field': 'basis', 'data-value': p.basis, title: basisMeaning },
      h('span', { class: `basis basis-${p.basis}` }, basis),
    ),
    h(
      'td',
      { 'data-field': 'as_of', 'data-value': p.as_of, class: 'num', title: p.expected_date ? `Statement expected for ${p.expected_date}` : '' },
      h('span', { 'data-field': 'booked_date', 'data-value': p.booked_date }, p.booked_date),
      h('span', { class: 'sub' }, `reported ${formatInstant(p.as_of)}`),
    ),
    h('td', { 'data-field': 'source', 'data-value': p.source }, p.source),
    convertedCell(p),
    h(
      'td',
      { 'data-field': 'stale', 'data-value': String(p.stale) },
      p.stale
        ? h(
            'span',
            {
              class: 'badge warn',
              'data-testid': 'stale-marker',
              title: p.stale_reason ?? 'This balance is older than expected.',
              'aria-label': `Stale: ${p.stale_reason ?? 'this balance is older than expected'}`,
            },
            'Stale',
          )
        : '',
    ),
  );
  const select = (): void => {
    accountSelected = p.account;
    for (const other of Array.from(table.querySelectorAll('[data-testid="position-row"]'))) {
      const mine = other.getAttribute('data-account') === p.account;
      other.classList.toggle('selected', mine);
      other.setAttribute('aria-selected', String(mine));
    }
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
}

function convertedCell(p: Position): HTMLTableCellElement {
  const c = p.converted;
  if (c === null) {
    return h(
      'td',
      { 'data-field': 'converted', 'data-value': '', class: 'num warn-text', title: `No ${p.currency} rate is known for this date.` },
      'no rate',
    );
  }
  const tooltip =
    c.rate === null
      ? `Already in ${c.currency}`
      : `1 ${p.currency} = ${c.rate} ${c.currency}${c.rate_source ? ` · ${c.rate_source}` : ''}${c.rate_date ? ` · ${c.rate_date}` : ''}`;
  return h(
    'td',
    { 'data-field': 'converted', 'data-value': c.amount, 'data-rate': c.rate ?? '', class: isNegative(c.amount) ? 'num negative' : 'num', title: tooltip },
    formatMoney(c.amount),
  );
}

async function showEntries(section: HTMLElement, position: Position, alive: () => boolean): Promise<void> {
  section.hidden = false;
  const heading = h('h2', {}, `Entries — ${accountShown('positions', position.account, position.account_masked)}`, position.name ? ` · ${position.name}` : '', position.bank ? ` · ${position.bank}` : '');
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
  section.scrollIntoView({ block: 'nearest' });

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
    h('tbody', {}, ...entries.flatMap((e, index) => entryRows(e, index))),
  );
}

/**
 * The transactions worth rows of their own: every one of a batch, and the one of a single
 * transfer only when it says more than the entry's row (a return, a mandate, an instruction).
 */
function shownDetails(e: Entry): EntryDetail[] {
  if (e.details.length > 1) return e.details;
  return e.details.filter((d) => d.return_reason !== null || d.mandate_id !== null || d.instruction_id !== null);
}

/** An entry's row, then its transactions' rows, folded until its toggle opens them. */
function entryRows(e: Entry, index: number): HTMLTableRowElement[] {
  const details = shownDetails(e);
  const idOf = (d: EntryDetail): string => `entry-${index}-detail-${d.position}`;
  const counterparty = h('td', { 'data-field': 'counterparty', title: e.counterparty_iban ?? '' }, e.counterparty ?? e.counterparty_iban ?? (details.length > 1 ? '' : '—'));
  const row = h(
    'tr',
    { 'data-testid': 'entry-row', 'data-bank-ref': e.bank_ref ?? '', 'data-status': e.status, 'data-details': String(e.details.length) },
    h('td', { 'data-field': 'booking_date', class: 'num' }, e.booking_date ?? '—'),
    h('td', { 'data-field': 'value_date', class: 'num' }, e.value_date ?? '—'),
    moneyCell('amount', e.amount),
    h('td', { 'data-field': 'currency' }, e.currency),
    h(
      'td',
      { 'data-field': 'status' },
      e.status === 'booked' ? 'Booked' : h('span', { class: 'badge' }, e.status.charAt(0).toUpperCase() + e.status.slice(1)),
    ),
    counterparty,
    h('td', { 'data-field': 'remittance', class: 'wrap' }, e.remittance ?? e.creditor_reference ?? ''),
    h('td', { 'data-field': 'bank_ref', class: 'mono', title: references(e.entry_ref ? `Entry ref: ${e.entry_ref}` : null, e.end_to_end_id ? `End-to-end ID: ${e.end_to_end_id}` : null) }, e.bank_ref ?? '—'),
  );
  if (details.length === 0) return [row];
  const detailRows = details.map((d) => detailRow(d, e.details.length, idOf(d)));
  const toggle = h(
    'button',
    { type: 'button', class: 'button subtle detail-toggle', 'data-testid': 'entry-details-toggle', 'aria-expanded': 'false', 'aria-controls': details.map(idOf).join(' ') },
    details.length > 1 ? plural(details.length, 'transaction', 'transactions') : 'Transaction details',
  );
  toggle.addEventListener('click', () => {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    for (const detail of detailRows) detail.hidden = !open;
  });
  counterparty.append(toggle);
  row.classList.add('has-details');
  return [row, ...detailRows];
}

/** One transaction under its entry: amount, counterparty, remittance and its references. */
function detailRow(d: EntryDetail, of: number, id: string): HTMLTableRowElement {
  return h(
    'tr',
    { class: 'entry-detail', id, hidden: true, 'data-testid': 'entry-detail-row', 'data-position': String(d.position), 'data-end-to-end-id': d.end_to_end_id ?? '' },
    h('td', { colspan: 2, class: 'detail-position muted', 'data-field': 'position' }, `Transaction ${d.position} of ${of}`),
    d.amount === null ? h('td', { 'data-field': 'amount', class: 'num muted' }, '—') : moneyCell('amount', d.amount),
    h('td', { 'data-field': 'currency' }, d.currency ?? ''),
    h('td', { 'data-field': 'return_reason' }, d.return_reason ? h('span', { class: 'badge warn', title: 'Returned; ISO reason code' }, `Returned ${d.return_reason}`) : ''),
    h('td', { 'data-field': 'counterparty', title: d.counterparty_iban ?? '' }, d.counterparty ?? d.counterparty_iban ?? '—'),
    h('td', { 'data-field': 'remittance', class: 'wrap' }, d.remittance ?? d.creditor_reference ?? ''),
    h(
      'td',
      {
        'data-field': 'end_to_end_id',
        class: 'mono',
        title: references(
          d.end_to_end_id ? `End-to-end ID: ${d.end_to_end_id}` : null,
          d.instruction_id ? `Instruction ID: ${d.instruction_id}` : null,
          d.bank_ref ? `Bank ref: ${d.bank_ref}` : null,
          d.mandate_id ? `Mandate: ${d.mandate_id}` : null,
          d.creditor_reference ? `Creditor reference: ${d.creditor_reference}` : null,
        ),
      },
      d.end_to_end_id ?? d.bank_ref ?? d.instruction_id ?? '—',
    ),
  );
}

/** The references a cell's tooltip lists, one a line. */
function references(...lines: (string | null)[]): string {
  return lines.filter((line) => line !== null).join('\n');
}
