//! The count of open exceptions beside "Exceptions" in the top bar, refreshed when something may have changed it.

import { fetchExceptions } from './api';

/** Counts above this are shown as "999+"; the badge is a nudge, not a report. */
const BADGE_COUNT_MAX = 999;

let requested = 0;

/** Asks for the open exceptions again and redraws the badge; a failure leaves the badge as it was. */
export async function refreshExceptionCount(): Promise<void> {
  const badge = document.querySelector<HTMLElement>('[data-testid="nav-exceptions-count"]');
  if (!badge) return;
  requested += 1;
  const mine = requested;
  let open: number;
  try {
    open = (await fetchExceptions({ state: 'open' })).length;
  } catch {
    // The Exceptions screen shows the error; the badge just keeps its last value.
    return;
  }
  // An older answer arriving after a newer one must not win.
  if (mine !== requested) return;
  badge.dataset.count = String(open);
  badge.textContent = open > BADGE_COUNT_MAX ? `${BADGE_COUNT_MAX}+` : String(open);
  badge.hidden = open === 0;
  badge.title = `${open} open ${open === 1 ? 'exception' : 'exceptions'}`;
}
