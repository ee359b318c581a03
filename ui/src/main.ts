//! Start-up and hash routing (`#/positions`, `#/history`, `#/forecast`, `#/import`, `#/recon`, `#/exceptions`, `#/payments`, `#/open-items`, `#/connections`, `#/erp`, `#/accounts`, `#/csv-mappings`, `#/audit`, `#/settings`) between the screens.

import './style.css';
import { startApi } from './api';
import { replaceChildren } from './dom';
import { refreshExceptionCount } from './nav';
import { isFinished, watchUploads } from './uploads';
import { accountsView } from './views/accounts';
import { connectionsView } from './views/connections';
import { csvMappingsView } from './views/csv-mappings';
import { erpView } from './views/erp';
import { exceptionsView } from './views/exceptions';
import { forecastView } from './views/forecast';
import { historyView } from './views/history';
import { importView } from './views/import';
import { openItemsView } from './views/open-items';
import { paymentsView } from './views/payments';
import { positionsView } from './views/positions';
import { reconView } from './views/recon';
import { settingsView } from './views/settings';
import { auditView } from './views/audit';
import { mountWho } from './who';
import { maskAgain } from './reveal';
import type { View } from './views/view';

const ROUTES: Record<string, View> = {
  positions: positionsView,
  history: historyView,
  forecast: forecastView,
  import: importView,
  recon: reconView,
  exceptions: exceptionsView,
  payments: paymentsView,
  'open-items': openItemsView,
  connections: connectionsView,
  erp: erpView,
  accounts: accountsView,
  'csv-mappings': csvMappingsView,
  audit: auditView,
  settings: settingsView,
};
const ROUTE_DEFAULT = 'positions';

// Before anything else: the HTTP transport takes the access token out of the URL.
startApi();

const container = document.getElementById('view');
if (!container) throw new Error('index.html has no #view element');
const view: HTMLElement = container;

/** Bumped on each navigation; a screen's `alive()` compares against it. */
let generation = 0;

function routeName(): string {
  const name = /^#\/([a-z-]+)/.exec(location.hash)?.[1];
  return name !== undefined && Object.hasOwn(ROUTES, name) ? name : ROUTE_DEFAULT;
}

function render(): void {
  const name = routeName();
  if (location.hash !== `#/${name}`) {
    // Normalise unknown or empty hashes without adding a history entry.
    history.replaceState(history.state, '', `#/${name}`);
  }
  const screen = ROUTES[name] ?? positionsView;
  generation += 1;
  const mine = generation;
  for (const link of Array.from(document.querySelectorAll<HTMLAnchorElement>('nav a[data-route]'))) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.title = `${screen.title} · Cashline`;
  replaceChildren(view);
  maskAgain();
  screen.mount(view, () => generation === mine);
  void refreshExceptionCount();
}

// A file dropped outside the drop zone must not make the window navigate to it.
window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => event.preventDefault());
window.addEventListener('hashchange', render);
// An import may open exceptions: recount once each file is finished.
watchUploads((change) => {
  if (change.kind === 'state' && isFinished(change.upload)) void refreshExceptionCount();
});
const who = document.querySelector<HTMLElement>('[data-testid="who"]');
if (who) mountWho(who, render);
render();
