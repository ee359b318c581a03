//! What every screen shares: the mount contract, the way an error is shown, and the cell an amount goes in.

import { ApiError } from '../api';
import { h, replaceChildren } from '../dom';
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

/** A toolbar control with its label, or a bare control (a button). */
export type ToolbarItem = [label: string, control: HTMLElement] | HTMLElement;

/** A screen's heading: title and subtitle on the left, the labelled controls on the right. */
export function pageHead(title: string, subtitle: HTMLElement, items: ToolbarItem[]): HTMLElement {
  const toolbar = items.flatMap((item) =>
    Array.isArray(item) ? [h('label', { for: item[1].id }, item[0]), item[1]] : [item],
  );
  return h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, title), subtitle), h('div', { class: 'toolbar' }, ...toolbar));
}

/**
 * A loader where the latest request wins: `show` gets an answer only while the screen is up and
 * no newer request was made; a failure replaces `status` with its sentence and empties `body`.
 */
export function latestLoader<T>(options: {
  alive: () => boolean;
  status: HTMLElement;
  body: HTMLElement;
  loading: string;
  fetch: () => Promise<T>;
  show: (answer: T) => void;
}): () => Promise<void> {
  let requested = 0;
  return async () => {
    requested += 1;
    const mine = requested;
    const current = () => options.alive() && mine === requested;
    options.status.textContent = options.loading;
    let answer: T;
    try {
      answer = await options.fetch();
    } catch (error) {
      if (!current()) return;
      replaceChildren(options.status, errorBox(error));
      replaceChildren(options.body);
      return;
    }
    if (!current()) return;
    options.status.textContent = '';
    options.show(answer);
  };
}
