//! What every screen shares: the mount contract, the way an error is shown, and the cell an amount goes in.

import { ApiError } from '../api';
import { h } from '../dom';
import { formatMoney, isNegative } from '../format';

export interface View {
  title: string;
  /**
   * Draws the screen into `container`. `alive()` turns false once the user has left the
   * screen, so an answer arriving late is dropped instead of drawn over the next screen.
   */
  mount(container: HTMLElement, alive: () => boolean): void;
}

/** One sentence for the person; the details of an unexpected failure go to the console. */
export function errorBox(error: unknown): HTMLElement {
  if (!(error instanceof ApiError)) console.error(error);
  const message = error instanceof ApiError ? error.message : 'Something went wrong while drawing this screen.';
  const code = error instanceof ApiError ? error.code : 'internal';
  return h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': code }, message);
}

/** A table cell for an amount: grouped digits, red when negative, the wire value in `data-value`. */
export function moneyCell(field: string, amount: string, extra: Record<string, string> = {}): HTMLTableCellElement {
  return h(
    'td',
    { ...extra, 'data-field': field, 'data-value': amount, class: isNegative(amount) ? 'num negative' : 'num' },
    formatMoney(amount),
  );
}
