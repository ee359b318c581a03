//! The Open items screen: the receivables and payables Cashline knows of, from CSV files and from each ERP connection, filtered by kind, state, due or overdue, counterparty, currency, matched and source.

import { fetchErpConnections, fetchOpenItemsWhere, type OpenItem } from '../api';
import { h, replaceChildren } from '../dom';
import { humanize, plural } from '../format';
import { latestLoader, moneyCell, pageHead, type View } from './view';

/** Rows drawn at most; the rest are counted. */
const ROWS_SHOWN_MAX = 1000;
/** A counterparty typed is looked up once the typing pauses this long. */
const TYPING_PAUSE_MS = 300;
const COUNTERPARTY_CHARS_MAX = 200;
const ITEM_STATES = ['open', 'partially_matched', 'matched', 'closed'] as const;

/** The filters chosen, kept while the window lives. */
const filter = {
  kind: '',
  state: '',
  due: '',
  counterparty: '',
  currency: '',
  matched: '',
  source: '',
};
type FilterKey = keyof typeof filter;

export const openItemsView: View = {
  title: 'Open items',
  mount(container, alive) {
    const select = (key: FilterKey, all: string, options: [string, string][]): HTMLSelectElement =>
      h(
        'select',
        { id: `open-items-${key}`, class: 'select', 'data-testid': `open-items-${key}` },
        h('option', { value: '' }, all),
        ...options.map(([v, label]) => h('option', { value: v }, label)),
      );
    const kind = select('kind', 'All kinds', [
      ['receivable', 'Receivable'],
      ['payable', 'Payable'],
    ]);
    const state = select('state', 'All states', ITEM_STATES.map((s) => [s, humanize(s)]));
    const due = select('due', 'Any due date', [
      ['overdue', 'Overdue'],
      ['due', 'Due today or later'],
    ]);
    const matched = select('matched', 'Matched or not', [
      // Wholly or in part.
      ['matched', 'Matched'],
      ['unmatched', 'Unmatched'],
    ]);
    // Until the connections have come, a connection chosen before is kept as a choice of its own.
    const sources: [string, string][] = [['csv', 'CSV file']];
    if (filter.source !== '' && filter.source !== 'csv') sources.push([filter.source, filter.source]);
    const source = select('source', 'All sources', sources);
    const counterparty = h('input', {
      type: 'search',
      id: 'open-items-counterparty',
      class: 'input',
      placeholder: 'Any',
      maxlength: COUNTERPARTY_CHARS_MAX,
      autocomplete: 'off',
      'data-testid': 'open-items-counterparty',
    });
    const currencies = h('datalist', { id: 'open-items-currencies' });
    const currency = h('input', {
      type: 'text',
      id: 'open-items-currency',
      class: 'input narrow mono',
      placeholder: 'Any',
      maxlength: 3,
      list: 'open-items-currencies',
      autocomplete: 'off',
      spellcheck: false,
      'data-testid': 'open-items-currency',
    });
    const selects = { kind, state, due, matched, source } as const;
    for (const [key, control] of Object.entries(selects)) control.value = filter[key as keyof typeof selects];
    counterparty.value = filter.counterparty;
    currency.value = filter.currency;

    const clearFilters = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'open-items-clear-filters' }, 'Clear filters');
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'open-items-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'open-items-count' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', {});

    replaceChildren(
      container,
      pageHead('Open items', subtitle, [clearFilters, refresh]),
      h(
        'div',
        { class: 'filters', role: 'search', 'aria-label': 'Filter the open items' },
        filterField('Kind', kind),
        filterField('Due', due),
        filterField('Counterparty', counterparty),
        filterField('Currency', currency),
        currencies,
        filterField('Matched', matched),
        filterField('State', state),
        filterField('Source', source),
      ),
      status,
      body,
    );

    const currenciesSeen = new Set<string>();
    const isFiltered = (): boolean => Object.values(filter).some((v) => v !== '');

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading open items…',
      fetch: async (): Promise<{ items: OpenItem[]; overdue: Set<string> }> => {
        const query = { ...filter };
        if (query.due !== '') {
          const items = await fetchOpenItemsWhere(query);
          return { items, overdue: new Set(query.due === 'overdue' ? items.map((i) => i.id) : []) };
        }
        // Which are overdue is the engine's to say (its date, not this computer's): asked beside the list.
        const [items, overdue] = await Promise.all([fetchOpenItemsWhere(query), fetchOpenItemsWhere({ ...query, due: 'overdue' })]);
        return { items, overdue: new Set(overdue.map((i) => i.id)) };
      },
      show: ({ items, overdue }) => {
        const filtered = isFiltered();
        subtitle.textContent = `${plural(items.length, 'item', 'items')}${filtered ? (items.length === 1 ? ' matches the filters' : ' match the filters') : ''}`;
        subtitle.dataset.count = String(items.length);
        for (const i of items) currenciesSeen.add(i.currency);
        replaceChildren(currencies, ...[...currenciesSeen].sort().map((c) => h('option', { value: c })));
        drawTable(items, overdue, filtered);
      },
    });

    function drawTable(items: OpenItem[], overdue: Set<string>, filtered: boolean): void {
      if (items.length === 0) {
        replaceChildren(
          body,
          filtered
            ? h('div', { class: 'empty', 'data-testid': 'open-items-empty' }, 'No open items match these filters.')
            : h(
                'div',
                { class: 'empty', 'data-testid': 'open-items-empty' },
                'No open items yet: import a file of them on the ',
                h('a', { href: '#/import' }, 'Import'),
                ' screen, or connect your ERP on the ',
                h('a', { href: '#/erp' }, 'ERP'),
                ' screen.',
              ),
        );
        return;
      }
      const shown = items.slice(0, ROWS_SHOWN_MAX);
      const numeric = new Set(['Amount', 'Open amount']);
      replaceChildren(
        body,
        h(
          'section',
          { class: 'card table-scroll' },
          h(
            'table',
            { class: 'data open-items', 'data-testid': 'open-items-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Document', 'Reference', 'Counterparty', 'Kind', 'Due date', 'Amount', 'Open amount', 'Currency', 'State', 'Source'].map((c) =>
                  h('th', { scope: 'col', class: numeric.has(c) ? 'num' : null }, c),
                ),
              ),
            ),
            h('tbody', {}, ...shown.map((i) => itemRow(i, overdue.has(i.id)))),
          ),
          items.length > ROWS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing the first ${ROWS_SHOWN_MAX} of ${items.length}; narrow the filters to see the others.`) : null,
        ),
      );
    }

    const changed = (): void => void load();
    for (const [key, control] of Object.entries(selects)) {
      control.addEventListener('change', () => {
        filter[key as keyof typeof selects] = control.value;
        changed();
      });
    }
    let typing: number | undefined;
    const takeCounterparty = (): void => {
      window.clearTimeout(typing);
      const value = counterparty.value.trim();
      if (value === filter.counterparty) return;
      filter.counterparty = value;
      changed();
    };
    counterparty.addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => {
        if (alive()) takeCounterparty();
      }, TYPING_PAUSE_MS);
    });
    counterparty.addEventListener('change', takeCounterparty);
    const takeCurrency = (): void => {
      const value = currency.value.trim().toUpperCase();
      currency.value = value;
      if (value === filter.currency) return;
      filter.currency = value;
      changed();
    };
    currency.addEventListener('change', takeCurrency);
    clearFilters.addEventListener('click', () => {
      window.clearTimeout(typing);
      for (const k of Object.keys(filter) as FilterKey[]) filter[k] = '';
      for (const control of Object.values(selects)) control.value = '';
      counterparty.value = '';
      currency.value = '';
      changed();
    });
    refresh.addEventListener('click', changed);

    // The sources are CSV files and each ERP connection by name; a failure leaves "CSV file" alone.
    void (async () => {
      let names: string[];
      try {
        names = (await fetchErpConnections()).map((c) => c.name);
      } catch {
        return;
      }
      if (!alive()) return;
      fillSelect(source, 'All sources', [['csv', 'CSV file'], ...names.map((n): [string, string] => [n, n])]);
    })();

    void load();
  },
};

function itemRow(i: OpenItem, overdue: boolean): HTMLTableRowElement {
  const sourceText = i.connection ?? (i.source === 'csv' ? 'CSV file' : humanize(i.source));
  return h(
    'tr',
    {
      'data-testid': 'open-item-row',
      'data-id': i.id,
      'data-kind': i.kind,
      'data-state': i.state,
      'data-currency': i.currency,
      'data-source': i.source,
      'data-overdue': String(overdue),
    },
    h('td', { class: i.document_number ? 'mono' : 'mono muted', 'data-field': 'document_number', title: `Item ${i.id}` }, i.document_number ?? '—'),
    h('td', { class: i.reference ? 'mono' : 'muted', 'data-field': 'reference' }, i.reference ?? '—'),
    h('td', { class: i.counterparty ? 'wrap' : 'muted', 'data-field': 'counterparty', title: i.counterparty_iban ?? null }, i.counterparty ?? '—'),
    h('td', { 'data-field': 'kind' }, h('span', { class: `badge kind-${i.kind}` }, humanize(i.kind))),
    h(
      'td',
      { 'data-field': 'due_date', class: i.due_date ? null : 'muted' },
      i.due_date ?? '—',
      overdue ? h('span', { class: 'badge need-overdue overdue', 'data-testid': 'open-item-overdue' }, 'Overdue') : null,
    ),
    moneyCell('amount', i.amount),
    moneyCell('open_amount', i.open_amount),
    h('td', { 'data-field': 'currency' }, i.currency),
    h('td', { 'data-field': 'state' }, h('span', { class: `badge item-state-${i.state}` }, humanize(i.state))),
    h('td', { 'data-field': 'source', class: i.source === 'csv' ? 'muted' : null }, sourceText),
  );
}

function filterField(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'filter' }, h('label', { for: control.id, class: 'label' }, label), control);
}

function fillSelect(select: HTMLSelectElement, all: string, options: [string, string][]): void {
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '' }, all), ...options.map(([v, label]) => h('option', { value: v }, label)));
  if (chosen && !options.some(([v]) => v === chosen)) select.append(h('option', { value: chosen }, chosen));
  select.value = chosen;
}
