//! The entity and reporting currency chosen, shared by Positions, History and Forecast, and the selects that choose them.

import { fetchEntities, type Entity } from '../api';
import { h } from '../dom';

/** Reporting currencies offered; the engine accepts any ISO 4217 code it knows. */
export const REPORTING_CURRENCIES = ['EUR', 'USD', 'GBP', 'CHF', 'JPY', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK', 'HUF', 'CAD', 'AUD', 'CNY', 'HKD', 'SGD'] as const;

/** Kept while the window lives, so moving between screens keeps the slice the person looks at. */
export const scope = {
  /** An entity's code, or '' for the whole group. */
  entity: '',
  /**
   * The reporting currency the person picked, or '' to let the engine choose (the entity's
   * reporting currency, else EUR), in which case the select shows what the engine used.
   */
  reportingCurrency: '',
};

/** The entities as last loaded, for names beside codes. */
let entitiesKnown: Entity[] = [];
/** The latest load of the entities; a screen that shows names waits for it before it draws. */
let entitiesLoading: Promise<void> = Promise.resolve();

/** Settles once the entities asked for by the latest filter are in (or failed to load). */
export function entityNamesReady(): Promise<void> {
  return entitiesLoading;
}

export function entityName(code: string): string | null {
  return entitiesKnown.find((e) => e.code === code)?.name ?? null;
}

/**
 * The entity filter. It starts with "All entities" and the chosen code, and fills in the others
 * once they are loaded; a failure to load leaves it usable for the whole group.
 */
export function entitySelect(id: string, onChange: () => void): HTMLSelectElement {
  const select = h(
    'select',
    { id, class: 'select', 'data-testid': 'scope-entity' },
    h('option', { value: '' }, 'All entities'),
    scope.entity ? h('option', { value: scope.entity }, scope.entity) : null,
  );
  select.value = scope.entity;
  select.addEventListener('change', () => {
    scope.entity = select.value;
    // The engine takes the entity's own reporting currency unless the person picked one.
    onChange();
  });
  const loading = (async () => {
    try {
      entitiesKnown = await fetchEntities();
    } catch {
      // The screen's own request shows any error; the filter keeps what it has.
      return;
    }
    const chosen = select.value;
    select.replaceChildren(
      h('option', { value: '' }, 'All entities'),
      ...entitiesKnown.map((e) => h('option', { value: e.code }, e.name ? `${e.code} · ${e.name}` : e.code)),
    );
    if (chosen && !entitiesKnown.some((e) => e.code === chosen)) select.append(h('option', { value: chosen }, chosen));
    select.value = chosen;
  })();
  entitiesLoading = loading;
  return select;
}

export function currencySelect(id: string, onChange: () => void): HTMLSelectElement {
  const select = h(
    'select',
    { id, class: 'select', 'data-testid': 'scope-currency' },
    ...REPORTING_CURRENCIES.map((c) => h('option', { value: c }, c)),
  );
  select.value = scope.reportingCurrency || 'EUR';
  select.addEventListener('change', () => {
    scope.reportingCurrency = select.value;
    onChange();
  });
  return select;
}

/** Shows the currency the engine reported in, adding it to the list if it is an unusual one. */
export function showCurrencyUsed(select: HTMLSelectElement, used: string): void {
  if (!Array.from(select.options).some((o) => o.value === used)) select.append(h('option', { value: used }, used));
  select.value = used;
}
