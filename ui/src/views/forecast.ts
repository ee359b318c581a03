//! The Forecast screen: the projected balance for the coming business days, consolidated and per currency, each day opening to the payments and open items behind it.

import {
  FORECAST_DAYS_MAX,
  fetchForecast,
  fetchOpenItems,
  fetchPayments,
  type Forecast,
  type ForecastComponent,
  type ForecastDay,
  type OpenItem,
  type Payment,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatProbability, humanize, plural } from '../format';
import { chartCard } from './chart-card';
import { currencySelect, entitySelect, scope, showCurrencyUsed } from './scope';
import { errorBox, latestLoader, moneyCell, pageHead, type View } from './view';

const DAYS_DEFAULT = 10;
/** Rows drawn at most in the payments and open items lists; the rest are counted. */
const INPUT_ROWS_MAX = 500;

/** Kept while the window lives. */
let daysChosen = DAYS_DEFAULT;
/** Days opened to their components, by table and date, so a reload keeps them open. */
const expanded = new Set<string>();

export const forecastView: View = {
  title: 'Forecast',
  mount(container, alive) {
    const days = h('input', {
      type: 'number',
      id: 'forecast-days',
      class: 'input narrow',
      min: 1,
      max: FORECAST_DAYS_MAX,
      step: 1,
      value: daysChosen,
      'data-testid': 'forecast-days',
    });
    const entity = entitySelect('forecast-entity', () => void load());
    const currency = currencySelect('forecast-currency', () => void load());
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'forecast-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'forecast-subtitle' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const body = h('div', {});

    replaceChildren(
      container,
      pageHead('Forecast', subtitle, [['Business days', days], ['Entity', entity], ['Report in', currency], refresh]),
      status,
      body,
    );

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading the forecast…',
      fetch: () => fetchForecast(daysChosen, { entity: scope.entity, reportingCurrency: scope.reportingCurrency }),
      show: (forecast: Forecast) => {
        showCurrencyUsed(currency, forecast.currency);
        const first = forecast.currencies[0]?.days[0]?.date ?? forecast.days[0]?.date;
        subtitle.textContent = `${plural(daysChosen, 'business day', 'business days')}${first ? ` from ${first}` : ''}${scope.entity ? ` · ${scope.entity}` : ''} · in ${forecast.currency}`;
        renderBody(body, forecast, alive);
      },
    });

    days.addEventListener('change', () => {
      const value = Number(days.value);
      if (!Number.isSafeInteger(value) || value < 1 || value > FORECAST_DAYS_MAX) {
        replaceChildren(
          status,
          h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'bad_request' }, `Business days run from 1 to ${FORECAST_DAYS_MAX}.`),
        );
        return;
      }
      daysChosen = value;
      void load();
    });
    refresh.addEventListener('click', () => void load());
    void load();
  },
};

function renderBody(body: HTMLElement, forecast: Forecast, alive: () => boolean): void {
  if (forecast.currencies.length === 0) {
    replaceChildren(
      body,
      h(
        'div',
        { class: 'empty', 'data-testid': 'forecast-empty' },
        'No balances to project from yet — ',
        h('a', { href: '#/import' }, 'import a statement'),
        ' first.',
      ),
    );
    return;
  }
  // With one currency that is the reporting currency, the per-currency table says nothing new.
  const onlyReporting = forecast.complete && forecast.currencies.length === 1 && forecast.currencies[0]?.currency === forecast.currency;
  replaceChildren(
    body,
    forecast.complete
      ? null
      : h(
          'div',
          { class: 'warn-box', role: 'status', 'data-testid': 'forecast-incomplete' },
          `No consolidated forecast in ${forecast.currency}: no rate for ${forecast.missing_rates.join(', ') || 'some currencies'} into ${forecast.currency}. `,
          'The forecasts per currency below are complete. Enter the missing rates under ',
          h('a', { href: '#/accounts' }, 'Accounts › FX rates'),
          '.',
        ),
    forecast.complete
      ? h(
          'section',
          { class: 'card' },
          h('h2', {}, `Consolidated in ${forecast.currency}`),
          h('p', { class: 'hint' }, 'Open a day to see the payments and open items behind it. Receivables count at their probability.'),
          forecastTable(forecast.days, 'forecast-table', `all-${forecast.currency}`),
        )
      : null,
    chartCard(
      {
        title: 'Receipts, payments and closing balance',
        name: 'forecast',
        params: { days: daysChosen, entity: scope.entity, reportingCurrency: scope.reportingCurrency },
        testid: 'forecast-chart',
        label: 'Forecast per currency: receipts, payments and closing balance by day',
      },
      alive,
    ),
    onlyReporting
      ? null
      : h(
          'div',
          { class: 'currency-forecasts' },
          ...forecast.currencies.map((c) =>
            h(
              'section',
              { class: 'card', 'data-testid': 'forecast-currency', 'data-currency': c.currency },
              h('h2', {}, `${c.currency} accounts`),
              forecastTable(c.days, 'forecast-currency-table', c.currency),
            ),
          ),
        ),
    inputsSection(alive),
  );
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function weekday(date: string): string {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()] ?? '';
}

function forecastTable(days: ForecastDay[], testid: string, key: string): HTMLTableElement {
  const body = h('tbody', {});
  for (const day of days) {
    const id = `${key}-${day.date}`;
    const open = expanded.has(id) && day.components.length > 0;
    const toggle = h(
      'button',
      {
        type: 'button',
        class: 'disclosure',
        'aria-expanded': String(open),
        'aria-label': `Items of ${day.date}`,
        disabled: day.components.length === 0,
        'data-testid': 'forecast-day-toggle',
      },
      day.components.length === 0 ? '' : open ? '▾' : '▸',
    );
    const row = h(
      'tr',
      {
        'data-testid': 'forecast-day',
        'data-date': day.date,
        class: day.components.length > 0 ? 'selectable' : null,
      },
      h('td', { class: 'toggle-cell' }, toggle),
      h('td', { 'data-field': 'date', class: 'num' }, h('span', { class: 'muted' }, `${weekday(day.date)} `), day.date),
      moneyCell('opening', day.opening),
      moneyCell('receipts', day.receipts),
      moneyCell('payments', day.payments),
      moneyCell('closing', day.closing),
      h(
        'td',
        { 'data-field': 'items', class: 'num muted' },
        day.components.length === 0 ? '—' : plural(day.components.length, 'item', 'items'),
      ),
    );
    // moneyCell sets its own class; keep the closing figure bold beside it.
    row.querySelector('[data-field="closing"]')?.classList.add('strong');
    body.append(row);
    let detail: HTMLTableRowElement | null = null;
    const show = (): void => {
      detail = h(
        'tr',
        { class: 'detail', 'data-testid': 'forecast-day-detail', 'data-date': day.date },
        h('td', { colspan: 7 }, componentsTable(day)),
      );
      row.after(detail);
    };
    if (open) show();
    const flip = (): void => {
      if (day.components.length === 0) return;
      if (detail) {
        detail.remove();
        detail = null;
        expanded.delete(id);
      } else {
        show();
        expanded.add(id);
      }
      toggle.setAttribute('aria-expanded', String(detail !== null));
      toggle.textContent = detail ? '▾' : '▸';
    };
    row.addEventListener('click', flip);
  }
  return h(
    'table',
    { class: 'data forecast', 'data-testid': testid, 'data-key': key },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col', class: 'toggle-cell' }, h('span', { class: 'visually-hidden' }, 'Open')),
        h('th', { scope: 'col', class: 'num' }, 'Date'),
        h('th', { scope: 'col', class: 'num' }, 'Opening'),
        h('th', { scope: 'col', class: 'num' }, 'Receipts'),
        h('th', { scope: 'col', class: 'num' }, 'Payments'),
        h('th', { scope: 'col', class: 'num' }, 'Closing'),
        h('th', { scope: 'col', class: 'num' }, 'Behind it'),
      ),
    ),
    body,
  );
}

function componentsTable(day: ForecastDay): HTMLTableElement {
  return h(
    'table',
    { class: 'data compact components', 'data-testid': 'forecast-components' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'Kind'),
        h('th', { scope: 'col' }, 'ID'),
        h('th', { scope: 'col' }, 'Counterparty'),
        h('th', { scope: 'col', class: 'num' }, 'Due / requested'),
        h('th', { scope: 'col', class: 'num' }, 'Amount'),
        h('th', { scope: 'col' }, 'Ccy'),
        h('th', { scope: 'col', class: 'num' }, 'Probability'),
        h('th', { scope: 'col', class: 'num' }, 'Counts'),
      ),
    ),
    h('tbody', {}, ...day.components.map((c) => componentRow(c, day.date))),
  );
}

function componentRow(c: ForecastComponent, dayDate: string): HTMLTableRowElement {
  // An overdue payment or an item due on a holiday counts on a later business day.
  const moved = c.date !== dayDate;
  return h(
    'tr',
    { 'data-testid': 'forecast-component', 'data-id': c.id, 'data-kind': c.kind },
    h('td', { 'data-field': 'kind' }, h('span', { class: `badge kind-${c.kind}` }, humanize(c.kind))),
    h('td', { 'data-field': 'id', class: 'mono' }, c.id),
    h('td', { 'data-field': 'counterparty', class: c.counterparty ? null : 'muted' }, c.counterparty ?? '—'),
    h(
      'td',
      { 'data-field': 'date', class: moved ? 'num warn-text' : 'num', title: moved ? `Counts on ${dayDate}, the next business day it can.` : '' },
      c.date,
    ),
    moneyCell('amount', c.amount),
    h('td', { 'data-field': 'currency' }, c.currency),
    h(
      'td',
      { 'data-field': 'probability', 'data-value': c.probability ?? '', class: 'num', title: c.probability ?? '' },
      c.probability === null ? '—' : formatProbability(c.probability),
    ),
    moneyCell('weighted', c.weighted),
  );
}

/** The payments and open items the forecast is made of, loaded when opened. */
function inputsSection(alive: () => boolean): HTMLElement {
  const content = h('div', { class: 'inputs-content' });
  const details = h(
    'details',
    { class: 'card inputs', 'data-testid': 'forecast-inputs' },
    h('summary', {}, h('span', { class: 'summary-title' }, 'Payments and open items'), h('span', { class: 'muted' }, ' — what the forecast is made of')),
    content,
  );
  let loaded = false;
  details.addEventListener('toggle', () => {
    if (!details.open || loaded) return;
    loaded = true;
    replaceChildren(content, h('p', { class: 'muted' }, 'Loading…'));
    void (async () => {
      try {
        const [payments, items] = await Promise.all([fetchPayments(), fetchOpenItems()]);
        if (!alive()) return;
        replaceChildren(
          content,
          h('h3', {}, 'Payments'),
          h('p', { class: 'hint' }, 'Only approved payments (and later states until booked) count in the forecast.'),
          paymentsTable(payments),
          h('h3', {}, 'Open items'),
          openItemsTable(items),
        );
      } catch (error) {
        loaded = false;
        if (alive()) replaceChildren(content, errorBox(error));
      }
    })();
  });
  return details;
}

function more(total: number): HTMLElement | null {
  return total > INPUT_ROWS_MAX ? h('p', { class: 'muted' }, `Showing ${INPUT_ROWS_MAX} of ${total}.`) : null;
}

function paymentsTable(payments: Payment[]): HTMLElement {
  if (payments.length === 0) return h('p', { class: 'muted', 'data-testid': 'payments-empty' }, 'No payments imported.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data compact', 'data-testid': 'payments-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['ID', 'Status', 'Creditor', 'Requested', 'Amount', 'Ccy', 'Reference', 'Prepared by', 'Approved by'].map((c) =>
            h('th', { scope: 'col', class: c === 'Amount' || c === 'Requested' ? 'num' : null }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...payments.slice(0, INPUT_ROWS_MAX).map((p) =>
          h(
            'tr',
            { 'data-testid': 'payment-row', 'data-id': p.id, 'data-status': p.status },
            h('td', { class: 'mono' }, p.id),
            h('td', { title: p.reason ?? '' }, h('span', { class: `badge payment-${p.status}` }, humanize(p.status))),
            h('td', {}, p.creditor_name),
            h('td', { class: 'num' }, p.requested_date),
            moneyCell('amount', p.amount),
            h('td', {}, p.currency),
            h('td', { class: p.reference ? null : 'muted' }, p.reference ?? '—'),
            h('td', {}, p.prepared_by),
            h('td', { class: p.approved_by ? null : 'muted' }, p.approved_by ?? '—'),
          ),
        ),
      ),
    ),
    more(payments.length),
  );
}

function openItemsTable(items: OpenItem[]): HTMLElement {
  if (items.length === 0) return h('p', { class: 'muted', 'data-testid': 'open-items-empty' }, 'No open items imported.');
  return h(
    'div',
    { class: 'table-scroll' },
    h(
      'table',
      { class: 'data compact', 'data-testid': 'open-items-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...['ID', 'Kind', 'Counterparty', 'Due', 'Amount', 'Ccy', 'Probability', 'State', 'Entity'].map((c) =>
            h('th', { scope: 'col', class: c === 'Amount' || c === 'Due' || c === 'Probability' ? 'num' : null }, c),
          ),
        ),
      ),
      h(
        'tbody',
        {},
        ...items.slice(0, INPUT_ROWS_MAX).map((i) =>
          h(
            'tr',
            { 'data-testid': 'open-item-row', 'data-id': i.id, 'data-state': i.state },
            h('td', { class: 'mono', title: i.reference ?? '' }, i.id),
            h('td', {}, h('span', { class: `badge kind-${i.kind}` }, humanize(i.kind))),
            h('td', { class: i.counterparty ? null : 'muted' }, i.counterparty ?? '—'),
            h('td', { class: 'num' }, i.due_date ?? '—'),
            moneyCell('amount', i.amount),
            h('td', {}, i.currency),
            h('td', { class: 'num' }, i.probability === null ? '—' : formatProbability(i.probability)),
            h('td', {}, humanize(i.state)),
            h('td', { class: i.entity ? null : 'muted' }, i.entity ?? '—'),
          ),
        ),
      ),
    ),
    more(items.length),
  );
}
