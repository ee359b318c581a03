//! The Accounts & entities screen: bank accounts edited in place (name, purpose, entity, reporting cadence), the group's entities, and FX rates with a form for a rate entered by hand.

import {
  ApiError,
  fetchAccounts,
  fetchEntities,
  fetchFxRates,
  saveEntity,
  setFxRate,
  updateAccount,
  type Account,
  type AccountUpdate,
  type Entity,
  type FxRate,
} from '../api';
import { h, replaceChildren } from '../dom';
import { accountShown, revealButton } from '../reveal';
import { plural } from '../format';
import { REPORTING_CURRENCIES } from './scope';
import { errorBox, type View } from './view';

/** Longest name or purpose accepted in a field; the engine has its own limits. */
const TEXT_CHARS_MAX = 200;
/** Rates listed at most; the engine caps its answer too. */
const RATES_SHOWN_MAX = 500;

interface State {
  accounts: Account[];
  entities: Entity[];
}

export const accountsView: View = {
  title: 'Accounts & entities',
  mount(container, alive) {
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const accountsCard = h('section', { class: 'card', 'data-testid': 'accounts-card' }, h('h2', {}, 'Bank accounts'), h('p', { class: 'muted' }, 'Loading…'));
    const entitiesCard = h('section', { class: 'card', 'data-testid': 'entities-card' });
    const ratesCard = h('section', { class: 'card', 'data-testid': 'fx-card' });

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          {},
          h('h1', {}, 'Accounts & entities'),
          h('p', { class: 'subtitle' }, 'Which entity owns each account, when its statements are due, and the rates used to consolidate.'),
        ),
      ),
      status,
      accountsCard,
      h('div', { class: 'grid-2' }, entitiesCard, ratesCard),
      h(
        'section',
        { class: 'card calendar-note', 'data-testid': 'calendar-note' },
        h('h2', {}, 'Business days'),
        h(
          'p',
          {},
          'EUR follows the TARGET2 calendar; other currencies weekends only. Statements are expected, and forecast items counted, on business days.',
        ),
      ),
    );

    const state: State = { accounts: [], entities: [] };

    async function reload(): Promise<void> {
      try {
        const [accounts, entities] = await Promise.all([fetchAccounts(), fetchEntities()]);
        if (!alive()) return;
        state.accounts = accounts;
        state.entities = entities;
        status.textContent = '';
      } catch (error) {
        if (!alive()) return;
        replaceChildren(status, errorBox(error));
        return;
      }
      drawAccounts(accountsCard, state, alive, reload);
      drawEntities(entitiesCard, state, alive, reload);
    }

    drawRates(ratesCard, alive);
    void reload();
  },
};

// ---------------------------------------------------------------------------------------------
// Accounts.

function drawAccounts(card: HTMLElement, state: State, alive: () => boolean, reload: () => Promise<void>): void {
  const notice = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'accounts-status' });
  if (state.accounts.length === 0) {
    replaceChildren(
      card,
      h('h2', {}, 'Bank accounts'),
      h('p', { class: 'muted', 'data-testid': 'accounts-empty' }, 'No accounts yet: they appear with their first imported statement.'),
    );
    return;
  }
  const body = h('tbody', {});
  for (const account of state.accounts) body.append(accountRow(account, state, body, notice, alive, reload));
  replaceChildren(
    card,
    h(
      'div',
      { class: 'section-head' },
      h('h2', {}, 'Bank accounts'),
      h('span', { class: 'muted' }, plural(state.accounts.length, 'account', 'accounts')),
      revealButton('accounts', notice, () => drawAccounts(card, state, alive, reload)),
    ),
    notice,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data accounts-table', 'data-testid': 'accounts-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Account', 'Ccy', 'Bank', 'Name', 'Purpose', 'Entity', 'Cadence', 'Due (UTC)', 'Intraday every', ''].map((c) =>
              h('th', { scope: 'col' }, c === '' ? h('span', { class: 'visually-hidden' }, 'Actions') : c),
            ),
          ),
        ),
        body,
      ),
    ),
  );
}

function accountRow(
  account: Account,
  state: State,
  body: HTMLElement,
  notice: HTMLElement,
  alive: () => boolean,
  reload: () => Promise<void>,
): HTMLTableRowElement {
  const edit = h('button', { type: 'button', class: 'button small', 'data-testid': 'account-edit' }, 'Edit');
  const row = h(
    'tr',
    { 'data-testid': 'account-row', 'data-account': account.account, 'data-currency': account.currency },
    h('td', { 'data-field': 'account' }, h('span', { class: 'mono', 'data-testid': 'account-number' }, accountShown('accounts', account.account, account.account_masked)), account.bic ? h('span', { class: 'sub mono' }, account.bic) : null),
    h('td', { 'data-field': 'currency' }, account.currency),
    h('td', { 'data-field': 'bank', class: account.bank ? null : 'muted' }, account.bank ?? '—'),
    h('td', { 'data-field': 'name', 'data-value': account.name ?? '', class: account.name ? null : 'muted' }, account.name || '—'),
    h('td', { 'data-field': 'purpose', 'data-value': account.purpose ?? '', class: account.purpose ? 'wrap' : 'muted' }, account.purpose || '—'),
    h(
      'td',
      { 'data-field': 'entity', 'data-value': account.entity ?? '', class: account.entity ? null : 'muted', title: state.entities.find((e) => e.code === account.entity)?.name ?? '' },
      account.entity ?? '—',
    ),
    h('td', { 'data-field': 'cadence', 'data-value': account.cadence }, account.cadence === 'intraday' ? 'Intraday' : account.cadence === 'daily' ? 'Daily' : account.cadence),
    h('td', { 'data-field': 'due', 'data-value': account.statement_due_time_utc, class: 'num' }, account.statement_due_time_utc),
    h(
      'td',
      { 'data-field': 'intraday_hours', 'data-value': account.intraday_hours === null ? '' : String(account.intraday_hours), class: account.intraday_hours === null ? 'muted' : 'num' },
      account.intraday_hours === null ? '—' : `${account.intraday_hours} h`,
    ),
    h('td', { class: 'actions' }, edit),
  );
  edit.addEventListener('click', () => {
    // One row in edit at a time: leaving another unsaved edit would lose it silently.
    if (body.querySelector('[data-testid="account-edit-row"]')) {
      replaceChildren(notice, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'busy' }, 'Save or cancel the account being edited first.'));
      return;
    }
    replaceChildren(notice);
    const editor = accountEditor(account, state, alive, reload, () => editor.replaceWith(row));
    row.replaceWith(editor);
    editor.querySelector<HTMLInputElement>('[data-testid="account-name-input"]')?.focus();
  });
  return row;
}

function accountEditor(
  account: Account,
  state: State,
  alive: () => boolean,
  reload: () => Promise<void>,
  cancel: () => void,
): HTMLTableRowElement {
  const label = (text: string, control: HTMLElement): HTMLElement => h('label', { class: 'cell-field' }, h('span', { class: 'visually-hidden' }, text), control);
  const name = h('input', { type: 'text', class: 'input', maxlength: TEXT_CHARS_MAX, value: account.name ?? '', 'data-testid': 'account-name-input' });
  const purpose = h('input', { type: 'text', class: 'input', maxlength: TEXT_CHARS_MAX, value: account.purpose ?? '', placeholder: 'e.g. Payroll', 'data-testid': 'account-purpose-input' });
  const entity = h(
    'select',
    { class: 'select', 'data-testid': 'account-entity-input' },
    h('option', { value: '' }, '— none —'),
    ...state.entities.map((e) => h('option', { value: e.code }, e.code)),
  );
  if (account.entity && !state.entities.some((e) => e.code === account.entity)) entity.append(h('option', { value: account.entity }, account.entity));
  entity.value = account.entity ?? '';
  const cadence = h(
    'select',
    { class: 'select', 'data-testid': 'account-cadence-input' },
    h('option', { value: 'daily' }, 'Daily'),
    h('option', { value: 'intraday' }, 'Intraday'),
  );
  if (account.cadence !== 'daily' && account.cadence !== 'intraday') cadence.append(h('option', { value: account.cadence }, account.cadence));
  cadence.value = account.cadence;
  const due = h('input', {
    type: 'text',
    class: 'input narrow',
    maxlength: 5,
    placeholder: 'HH:MM',
    value: account.statement_due_time_utc,
    'data-testid': 'account-due-input',
    title: 'When the end-of-day statement is due on the next business day, in UTC',
  });
  const hours = h('input', {
    type: 'number',
    class: 'input narrow',
    min: 1,
    max: 168,
    step: 1,
    value: account.intraday_hours === null ? '' : String(account.intraday_hours),
    'data-testid': 'account-hours-input',
    title: 'For intraday accounts: a balance is expected at least this often (hours)',
  });
  const syncHours = (): void => {
    hours.disabled = cadence.value !== 'intraday';
  };
  syncHours();
  cadence.addEventListener('change', syncHours);

  const save = h('button', { type: 'submit', class: 'button primary small', 'data-testid': 'account-save' }, 'Save');
  const cancelButton = h('button', { type: 'button', class: 'button small', 'data-testid': 'account-cancel' }, 'Cancel');
  const error = h('div', { class: 'row-error', 'aria-live': 'polite', 'data-testid': 'account-error' });
  // A form cannot wrap table cells; the row's controls belong to it through the `form` attribute.
  const formId = `account-form-${account.account}-${account.currency}`.replace(/[^A-Za-z0-9_-]/g, '_');
  const form = h('form', { id: formId, novalidate: true });
  for (const control of [name, purpose, entity, cadence, due, hours, save, cancelButton]) control.setAttribute('form', formId);

  const row = h(
    'tr',
    { 'data-testid': 'account-edit-row', 'data-account': account.account, 'data-currency': account.currency, class: 'editing' },
    h('td', {}, h('span', { class: 'mono' }, accountShown('accounts', account.account, account.account_masked)), form),
    h('td', {}, account.currency),
    h('td', { class: account.bank ? null : 'muted' }, account.bank ?? '—'),
    h('td', {}, label('Name', name)),
    h('td', {}, label('Purpose', purpose)),
    h('td', {}, label('Entity', entity)),
    h('td', {}, label('Cadence', cadence)),
    h('td', {}, label('Due time (UTC)', due)),
    h('td', {}, label('Intraday hours', hours)),
    h('td', { class: 'actions' }, save, ' ', cancelButton, error),
  );

  cancelButton.addEventListener('click', cancel);
  row.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') cancel();
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // Only what changed is sent: an untouched field stays as the engine has it.
    const update: AccountUpdate = {};
    if (name.value.trim() !== (account.name ?? '')) update.name = name.value.trim();
    if (purpose.value.trim() !== (account.purpose ?? '')) update.purpose = purpose.value.trim();
    if (entity.value !== (account.entity ?? '')) update.entity = entity.value;
    if (cadence.value !== account.cadence) update.cadence = cadence.value;
    if (due.value.trim() !== account.statement_due_time_utc) update.statement_due_time_utc = due.value.trim();
    if (!hours.disabled && hours.value !== (account.intraday_hours === null ? '' : String(account.intraday_hours))) {
      if (hours.value === '') {
        replaceChildren(error, 'Intraday hours cannot be cleared; give a number from 1 to 168.');
        return;
      }
      update.intraday_hours = Number(hours.value);
    }
    if (Object.keys(update).length === 0) {
      cancel();
      return;
    }
    void (async () => {
      save.disabled = true;
      replaceChildren(error, h('span', { class: 'muted' }, 'Saving…'));
      try {
        await updateAccount(account.account, update);
      } catch (failure) {
        if (!alive()) return;
        replaceChildren(error, failure instanceof ApiError ? failure.message : 'The account could not be saved.');
        error.setAttribute('role', 'alert');
        save.disabled = false;
        return;
      }
      if (!alive()) return;
      await reload();
      if (!alive()) return;
      // `reload` drew a new table; the notice of the new one says what happened.
      const fresh = document.querySelector<HTMLElement>('[data-testid="accounts-status"]');
      if (fresh) replaceChildren(fresh, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'account-saved' }, `Saved ${account.account_masked}.`));
    })();
  });
  return row;
}

// ---------------------------------------------------------------------------------------------
// Entities.

function drawEntities(card: HTMLElement, state: State, alive: () => boolean, reload: () => Promise<void>): void {
  const code = h('input', { type: 'text', id: 'entity-code', class: 'input', maxlength: 32, placeholder: 'e.g. NW-DE', autocomplete: 'off', 'data-testid': 'entity-code' });
  const name = h('input', { type: 'text', id: 'entity-name', class: 'input', maxlength: TEXT_CHARS_MAX, placeholder: 'e.g. Northwind GmbH', 'data-testid': 'entity-name' });
  const country = h('input', { type: 'text', id: 'entity-country', class: 'input narrow', maxlength: 2, placeholder: 'DE', autocomplete: 'off', 'data-testid': 'entity-country' });
  const currency = h(
    'select',
    { id: 'entity-currency', class: 'select', 'data-testid': 'entity-currency' },
    h('option', { value: '' }, '— default (EUR) —'),
    ...REPORTING_CURRENCIES.map((c) => h('option', { value: c }, c)),
  );
  const heading = h('h3', {}, 'New entity');
  const save = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'entity-save' }, 'Save entity');
  const reset = h('button', { type: 'button', class: 'button', 'data-testid': 'entity-new' }, 'New');
  const formStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'entity-status' });

  const fill = (entity: Entity | null): void => {
    code.value = entity?.code ?? '';
    // The code is the entity's key: changing it would make another entity, not rename this one.
    code.readOnly = entity !== null;
    name.value = entity?.name ?? '';
    country.value = entity?.country ?? '';
    const chosen = entity?.reporting_currency ?? '';
    if (chosen && !Array.from(currency.options).some((o) => o.value === chosen)) currency.append(h('option', { value: chosen }, chosen));
    currency.value = chosen;
    heading.textContent = entity ? `Edit ${entity.code}` : 'New entity';
    replaceChildren(formStatus);
  };

  const form = h(
    'form',
    { class: 'entity-form', novalidate: true, 'data-testid': 'entity-form' },
    heading,
    h(
      'div',
      { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'entity-code' }, 'Code'), code),
      h('div', { class: 'field wide' }, h('label', { for: 'entity-name' }, 'Name'), name),
    ),
    h(
      'div',
      { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'entity-country' }, 'Country'), country),
      h('div', { class: 'field' }, h('label', { for: 'entity-currency' }, 'Reporting currency'), currency),
    ),
    h('div', { class: 'actions-row' }, save, reset),
    formStatus,
  );
  reset.addEventListener('click', () => fill(null));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      save.disabled = true;
      replaceChildren(formStatus, h('span', { class: 'muted' }, 'Saving…'));
      let saved: Entity;
      try {
        saved = await saveEntity({
          code: code.value,
          name: name.value,
          country: country.value.trim().toUpperCase() || null,
          reporting_currency: currency.value || null,
        });
      } catch (error) {
        if (!alive()) return;
        replaceChildren(formStatus, errorBox(error));
        save.disabled = false;
        return;
      }
      if (!alive()) return;
      await reload();
      const fresh = document.querySelector<HTMLElement>('[data-testid="entity-status"]');
      if (fresh) replaceChildren(fresh, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'entity-saved' }, `Saved ${saved.code} (${saved.name}).`));
    })();
  });

  const table =
    state.entities.length === 0
      ? h('p', { class: 'muted', 'data-testid': 'entities-empty' }, 'No entities yet. Create one below, then assign accounts to it.')
      : h(
          'table',
          { class: 'data', 'data-testid': 'entities-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Code'),
              h('th', { scope: 'col' }, 'Name'),
              h('th', { scope: 'col' }, 'Country'),
              h('th', { scope: 'col' }, 'Reports in'),
              h('th', { scope: 'col' }, 'Accounts'),
              h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')),
            ),
          ),
          h(
            'tbody',
            {},
            ...state.entities.map((e) => {
              const editButton = h('button', { type: 'button', class: 'button small', 'data-testid': 'entity-edit' }, 'Edit');
              editButton.addEventListener('click', () => {
                fill(e);
                name.focus();
              });
              const accounts = new Set(state.accounts.filter((a) => a.entity === e.code).map((a) => a.account)).size;
              return h(
                'tr',
                { 'data-testid': 'entity-row', 'data-code': e.code },
                h('td', { 'data-field': 'code', class: 'mono' }, e.code),
                h('td', { 'data-field': 'name' }, e.name),
                h('td', { 'data-field': 'country', class: e.country ? null : 'muted' }, e.country ?? '—'),
                h('td', { 'data-field': 'reporting_currency', class: e.reporting_currency ? null : 'muted' }, e.reporting_currency ?? 'EUR (default)'),
                h('td', { 'data-field': 'accounts', class: 'num' }, String(accounts)),
                h('td', { class: 'actions' }, editButton),
              );
            }),
          ),
        );

  replaceChildren(card, h('h2', {}, 'Entities'), table, form);
}

// ---------------------------------------------------------------------------------------------
// FX rates.

function drawRates(card: HTMLElement, alive: () => boolean): void {
  const dateFilter = h('input', { type: 'date', id: 'fx-date', 'data-testid': 'fx-date' });
  const list = h('div', { class: 'rates-list' }, h('p', { class: 'muted' }, 'Loading…'));

  const base = currencyInput('fx-base', 'EUR');
  const quote = currencyInput('fx-quote', 'USD');
  const date = h('input', { type: 'date', id: 'fx-rate-date', 'data-testid': 'fx-rate-date', value: localToday() });
  const rate = h('input', { type: 'text', id: 'fx-rate', class: 'input', inputmode: 'decimal', placeholder: 'e.g. 1.0842', autocomplete: 'off', 'data-testid': 'fx-rate' });
  const save = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'fx-save' }, 'Save rate');
  const formStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'fx-status' });
  const meaning = h('p', { class: 'hint', 'data-testid': 'fx-meaning' });
  const explain = (): void => {
    meaning.textContent = `1 ${base.value.trim().toUpperCase() || 'BASE'} = ${rate.value.trim() || 'RATE'} ${quote.value.trim().toUpperCase() || 'QUOTE'}`;
  };
  for (const input of [base, quote, rate]) input.addEventListener('input', explain);
  explain();

  const form = h(
    'form',
    { class: 'fx-form', novalidate: true, 'data-testid': 'fx-form' },
    h('h3', {}, 'Enter a rate by hand'),
    h(
      'div',
      { class: 'inline-fields' },
      h('div', { class: 'field' }, h('label', { for: 'fx-base' }, 'Base'), base),
      h('div', { class: 'field' }, h('label', { for: 'fx-quote' }, 'Quote'), quote),
      h('div', { class: 'field' }, h('label', { for: 'fx-rate-date' }, 'Date'), date),
      h('div', { class: 'field' }, h('label', { for: 'fx-rate' }, 'Rate'), rate),
    ),
    meaning,
    h('div', { class: 'actions-row' }, save),
    formStatus,
  );

  async function load(): Promise<void> {
    let rates: FxRate[];
    try {
      rates = await fetchFxRates(dateFilter.value || null);
    } catch (error) {
      if (alive()) replaceChildren(list, errorBox(error));
      return;
    }
    if (!alive()) return;
    replaceChildren(list, ratesTable(rates, dateFilter.value));
  }

  dateFilter.addEventListener('change', () => void load());
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      save.disabled = true;
      replaceChildren(formStatus, h('span', { class: 'muted' }, 'Saving…'));
      const input = { base: base.value, quote: quote.value, date: date.value, rate: rate.value };
      try {
        const saved = await setFxRate(input);
        if (!alive()) return;
        replaceChildren(
          formStatus,
          h(
            'div',
            { class: 'notice ok', role: 'status', 'data-testid': 'fx-saved' },
            `Saved 1 ${input.base.trim().toUpperCase()} = ${input.rate.trim()} ${input.quote.trim().toUpperCase()} on ${input.date}.`,
            saved.warnings.length > 0 ? ` ${saved.warnings.join(' ')}` : '',
          ),
        );
        rate.value = '';
        explain();
        await load();
      } catch (error) {
        if (alive()) replaceChildren(formStatus, errorBox(error));
      } finally {
        save.disabled = false;
      }
    })();
  });

  replaceChildren(
    card,
    h(
      'div',
      { class: 'section-head' },
      h('h2', {}, 'FX rates'),
      h('div', { class: 'toolbar' }, h('label', { for: 'fx-date' }, 'On'), dateFilter),
    ),
    list,
    form,
    h('datalist', { id: 'fx-currencies' }, ...REPORTING_CURRENCIES.map((c) => h('option', { value: c }))),
  );
  void load();
}

function currencyInput(id: string, value: string): HTMLInputElement {
  return h('input', {
    type: 'text',
    id,
    class: 'input narrow mono',
    maxlength: 3,
    value,
    autocomplete: 'off',
    spellcheck: false,
    list: 'fx-currencies',
    'data-testid': id,
  });
}

/** Today in the person's own calendar, as the default day of a rate typed by hand. */
function localToday(): string {
  const now = new Date();
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function ratesTable(rates: FxRate[], date: string): HTMLElement {
  if (rates.length === 0) {
    return h(
      'p',
      { class: 'muted', 'data-testid': 'fx-empty' },
      ...(date
        ? [`No rates known for ${date}.`]
        : ['No rates yet. Import the ECB file with ', h('code', {}, 'cashline fx import'), ', fetch it with ', h('code', {}, 'cashline fx fetch'), ', or enter a rate below.']),
    );
  }
  return h(
    'div',
    { class: 'table-scroll rates-scroll' },
    h(
      'table',
      { class: 'data compact', 'data-testid': 'fx-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Base'),
          h('th', { scope: 'col' }, 'Quote'),
          h('th', { scope: 'col', class: 'num' }, 'Date'),
          h('th', { scope: 'col', class: 'num' }, 'Rate'),
          h('th', { scope: 'col' }, 'Source'),
        ),
      ),
      h(
        'tbody',
        {},
        ...rates.slice(0, RATES_SHOWN_MAX).map((r) =>
          h(
            'tr',
            { 'data-testid': 'fx-row', 'data-base': r.base, 'data-quote': r.quote, 'data-date': r.date },
            h('td', { 'data-field': 'base' }, r.base),
            h('td', { 'data-field': 'quote' }, r.quote),
            h('td', { 'data-field': 'date', class: 'num' }, r.date),
            h('td', { 'data-field': 'rate', 'data-value': r.rate, class: 'num' }, r.rate),
            h('td', { 'data-field': 'source', class: 'muted' }, r.source),
          ),
        ),
      ),
    ),
    rates.length > RATES_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing ${RATES_SHOWN_MAX} of ${rates.length}; pick a date to narrow.`) : null,
  );
}
