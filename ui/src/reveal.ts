//! Full account numbers, one screen at a time: masked to their last four characters until a
//! person whose role may asks to see them; the engine checks the role and records the asking
//! in the audit log. Leaving the screen masks them again.

import { ApiError, revealAccounts } from './api';
import { h, replaceChildren } from './dom';

type RevealableView = 'positions' | 'accounts';

let revealed: RevealableView | null = null;

/** Masks every screen again: called on each navigation. */
export function maskAgain(): void {
  revealed = null;
}

/** The account as the screen `view` shows it now: in full once revealed there, else masked. */
export function accountShown(view: RevealableView, full: string, masked: string): string {
  return revealed === view ? full : masked;
}

/**
 * The "Show full numbers" button of `view`: once the engine allows it, `redraw` draws the
 * screen again with full numbers; a refusal is shown in `status`.
 */
export function revealButton(view: RevealableView, status: HTMLElement, redraw: () => void): HTMLButtonElement {
  const button = h('button', { type: 'button', class: 'button subtle', 'data-testid': `${view}-reveal` }, revealed === view ? 'Full numbers shown' : 'Show full account numbers');
  button.disabled = revealed === view;
  button.addEventListener('click', () => {
    button.disabled = true;
    void revealAccounts(view)
      .then(() => {
        revealed = view;
        button.textContent = 'Full numbers shown';
        redraw();
      })
      .catch((error: unknown) => {
        button.disabled = false;
        const message = error instanceof ApiError ? error.message : 'The numbers could not be shown.';
        replaceChildren(status, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': error instanceof ApiError ? error.code : 'internal' }, message));
      });
  });
  return button;
}
