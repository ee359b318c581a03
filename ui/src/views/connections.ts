//! The Connections screen: each bank connection's health (state, last good sync, next scheduled one, reads left today, consent, last error in words), a sync now, a consent renewed, a connection added or removed.

import {
  addConnection,
  CONNECTION_NAME_CHARS_MAX,
  fetchConnections,
  inDesktopWindow,
  removeConnection,
  renewConnection,
  syncNow,
  type Connection,
  type ConnectionRun,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, humanize, plural } from '../format';
import { errorBox, type View } from './view';

/** While a consent waits for its approval, the screen asks this often whether it came. */
const AWAITING_POLL_MS = 3_000;
/** Otherwise it redraws this often, so "next sync" and the state stay true on an open screen. */
const IDLE_POLL_MS = 60_000;
/** What the form proposes, as the service's defaults: PSD2's four unattended reads a day, a 90-day consent. */
const READS_PER_DAY_DEFAULT = 4;
const CONSENT_DAYS_DEFAULT = 90;
/** Longest URL accepted in the field. */
const URL_CHARS_MAX = 2048;

/** How each state reads on its badge. */
const STATE_LABELS: Record<string, string> = {
  healthy: 'Healthy',
  degraded: 'Degraded',
  consent_expiring: 'Consent expiring',
  expired: 'Consent expired',
  failing: 'Failing',
  awaiting_consent: 'Awaiting approval',
};

export const connectionsView: View = {
  title: 'Connections',
  mount(container, alive) {
    const status = h('div', { class: 'status', 'aria-live': 'polite', 'data-testid': 'connections-status' });
    const list = h('div', { class: 'connections', 'data-testid': 'connections-list' }, h('p', { class: 'muted' }, 'Loading…'));
    const syncAll = h('button', { type: 'button', class: 'button', 'data-testid': 'connections-sync-all' }, 'Sync all now');
    const addCard = h('section', { class: 'card', 'data-testid': 'connection-add-card' });

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          {},
          h('h1', {}, 'Bank connections'),
          h('p', { class: 'subtitle' }, 'Balances and transactions pulled from your banks over PSD2, and how each connection is doing.'),
        ),
        h('div', { class: 'toolbar' }, syncAll),
      ),
      status,
      list,
      addCard,
    );

    let timer: number | undefined;
    let requested = 0;
    const schedule = (connections: Connection[]): void => {
      window.clearTimeout(timer);
      const waiting = connections.some((c) => c.state === 'awaiting_consent');
      timer = window.setTimeout(() => {
        if (alive()) void reload();
      }, waiting ? AWAITING_POLL_MS : IDLE_POLL_MS);
    };

    async function reload(): Promise<void> {
      requested += 1;
      const mine = requested;
      let connections: Connection[];
      try {
        connections = await fetchConnections();
      } catch (error) {
        if (!alive() || mine !== requested) return;
        replaceChildren(status, errorBox(error));
        return;
      }
      if (!alive() || mine !== requested) return;
      draw(connections);
    }

    function draw(connections: Connection[]): void {
      syncAll.disabled = connections.length === 0;
      if (connections.length === 0) {
        replaceChildren(
          list,
          h('p', { class: 'muted card', 'data-testid': 'connections-empty' }, 'No bank connections yet: add one below, or keep importing statement files.'),
        );
      } else {
        replaceChildren(list, ...connections.map((connection) => connectionCard(connection, { alive, reload, status })));
      }
      schedule(connections);
    }

    syncAll.addEventListener('click', async () => {
      syncAll.disabled = true;
      replaceChildren(status, h('span', { class: 'muted' }, 'Syncing every connection…'));
      try {
        const runs = await syncNow();
        if (!alive()) return;
        const failed = runs.filter((r) => r.outcome !== 'ok').length;
        replaceChildren(
          status,
          h(
            'div',
            { class: failed === 0 ? 'notice ok' : 'notice warn', role: 'status', 'data-testid': 'connections-synced' },
            failed === 0
              ? `Synced ${plural(runs.length, 'connection', 'connections')}: ${plural(runs.reduce((n, r) => n + r.new_entries, 0), 'new entry', 'new entries')}.`
              : `${plural(failed, 'connection', 'connections')} of ${runs.length} failed to sync; each says why below.`,
          ),
        );
      } catch (error) {
        if (!alive()) return;
        replaceChildren(status, errorBox(error));
      } finally {
        syncAll.disabled = false;
      }
      await reload();
    });

    drawAddForm(addCard, { alive, reload, status });
    void reload();
  },
};

interface Context {
  alive: () => boolean;
  reload: () => Promise<void>;
  status: HTMLElement;
}

function connectionCard(connection: Connection, context: Context): HTMLElement {
  const notice = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'connection-notice' });
  const sync = h('button', { type: 'button', class: 'button', 'data-testid': 'connection-sync' }, 'Sync now');
  const renewUrgent = connection.state === 'consent_expiring' || connection.state === 'expired';
  const renew = h('button', { type: 'button', class: renewUrgent ? 'button primary' : 'button', 'data-testid': 'connection-renew' }, 'Renew consent');
  const remove = h('button', { type: 'button', class: 'button subtle danger', 'data-testid': 'connection-remove' }, 'Remove');
  const actions = h('div', { class: 'toolbar' }, sync, renew, remove);
  sync.disabled = connection.state === 'awaiting_consent';

  const approve =
    connection.state === 'awaiting_consent' && connection.sca_redirect !== null
      ? h(
          'p',
          { class: 'notice warn', 'data-testid': 'connection-approve' },
          'Approve the consent at your bank: ',
          h('a', { href: connection.sca_redirect, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'connection-approve-link' }, 'open the bank’s approval page'),
          '. This screen updates when the bank sends you back.',
        )
      : null;

  const card = h(
    'section',
    { class: `card connection-card state-${connection.state}`, 'data-testid': 'connection-card', 'data-name': connection.name, 'data-state': connection.state },
    h(
      'div',
      { class: 'section-head' },
      h(
        'div',
        {},
        h('h2', {}, connection.name, ' ', h('span', { class: `badge connection-${connection.state}`, 'data-testid': 'connection-state' }, STATE_LABELS[connection.state] ?? humanize(connection.state))),
        h('p', { class: 'connection-state-text', 'data-testid': 'connection-state-text' }, connection.state_text),
      ),
      actions,
    ),
    approve,
    facts(connection),
    // A failing connection's sentence carries its error already.
    connection.last_error === null || connection.state === 'failing'
      ? null
      : h('div', { class: 'error', role: 'note', 'data-testid': 'connection-last-error' }, h('strong', {}, 'Last error: '), connection.last_error),
    accountsLine(connection),
    runsTable(connection.runs),
    notice,
  );

  sync.addEventListener('click', async () => {
    sync.disabled = true;
    replaceChildren(notice, h('span', { class: 'muted' }, `Syncing ${connection.name}…`));
    try {
      // The card is drawn again from the ledger: a failure shows as its state and last error.
      await syncNow(connection.name);
      if (!context.alive()) return;
      await context.reload();
    } catch (error) {
      if (!context.alive()) return;
      replaceChildren(notice, errorBox(error));
      sync.disabled = false;
    }
  });

  renew.addEventListener('click', async () => {
    renew.disabled = true;
    replaceChildren(notice, h('span', { class: 'muted' }, 'Asking the bank for a new consent…'));
    try {
      const renewed = await renewConnection(connection.name);
      if (!context.alive()) return;
      openApproval(renewed);
      await context.reload();
    } catch (error) {
      if (!context.alive()) return;
      replaceChildren(notice, errorBox(error));
      renew.disabled = false;
    }
  });

  // Two steps, in place: the desktop webviews do not all show window.confirm().
  remove.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'button danger-solid', 'data-testid': 'connection-remove-confirm' }, `Remove “${connection.name}”`);
    const cancel = h('button', { type: 'button', class: 'button subtle' }, 'Cancel');
    replaceChildren(actions, h('span', { class: 'muted' }, 'Its consent is withdrawn at the bank; its accounts and entries stay.'), confirm, cancel);
    cancel.addEventListener('click', () => replaceChildren(actions, sync, renew, remove));
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        await removeConnection(connection.name);
        if (!context.alive()) return;
        await context.reload();
      } catch (error) {
        if (!context.alive()) return;
        replaceChildren(notice, errorBox(error));
        replaceChildren(actions, sync, renew, remove);
      }
    });
    confirm.focus();
  });
  return card;
}

/** The figures a treasurer checks first: when it last worked, when it runs next, what is left of today's budget, how long the consent lasts. */
function facts(connection: Connection): HTMLElement {
  const fact = (label: string, field: string, value: string): HTMLElement =>
    h('div', { class: 'fact' }, h('dt', {}, label), h('dd', { 'data-field': field }, value));
  const reads =
    connection.reads_per_day === null
      ? '—'
      : `${connection.reads_left_today ?? connection.reads_per_day} of ${connection.reads_per_day}`;
  const consent =
    connection.consent_valid_until === null
      ? 'none'
      : connection.consent_days_left !== null
        ? `${connection.consent_valid_until} (${daysLeft(connection.consent_days_left)})`
        : `${connection.consent_valid_until} (${humanize(connection.consent_status ?? 'unknown')})`;
  return h(
    'dl',
    { class: 'facts connection-facts' },
    fact('Last successful sync', 'last_ok_at', connection.last_ok_at === null ? 'never' : formatInstant(connection.last_ok_at)),
    fact('Next scheduled sync', 'next_sync_at', connection.next_sync_at === null ? 'none scheduled' : formatInstant(connection.next_sync_at)),
    fact('Unattended reads left today', 'reads_left_today', reads),
    fact('Consent valid until', 'consent_valid_until', consent),
  );
}

function daysLeft(days: number): string {
  if (days < 0) return `ended ${plural(-days, 'day', 'days')} ago`;
  if (days === 0) return 'ends today';
  return `${plural(days, 'day', 'days')} left`;
}

function accountsLine(connection: Connection): HTMLElement {
  if (connection.accounts.length === 0) return h('p', { class: 'muted' }, 'No accounts read yet.');
  return h(
    'p',
    { class: 'connection-accounts', 'data-testid': 'connection-accounts' },
    `${plural(connection.accounts.length, 'account', 'accounts')}: `,
    ...connection.accounts.flatMap((a, i) => [i === 0 ? '' : ', ', h('span', { class: 'mono' }, a.account), ` ${a.currency}`]),
  );
}

function runsTable(runs: ConnectionRun[]): HTMLElement | null {
  if (runs.length === 0) return null;
  return h(
    'details',
    { class: 'connection-runs' },
    h('summary', {}, `Recent syncs (${runs.length})`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data', 'data-testid': 'connection-runs' },
        h('thead', {}, h('tr', {}, ...['Started', 'By', 'Outcome', 'Accounts', 'New entries', 'Retries', 'Why', 'Correlation id'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...runs.map((run) =>
            h(
              'tr',
              { 'data-testid': 'connection-run', 'data-outcome': run.outcome ?? 'running' },
              h('td', {}, formatInstant(run.started_at)),
              h('td', {}, run.trigger === 'scheduled' ? 'schedule' : 'a person'),
              h('td', {}, h('span', { class: `badge state-${run.outcome ?? 'open'}` }, run.outcome === null ? 'running' : humanize(run.outcome))),
              h('td', { class: 'num' }, String(run.accounts)),
              h('td', { class: 'num' }, String(run.new_entries)),
              h('td', { class: 'num' }, String(run.retries)),
              h('td', { class: 'wrap' }, run.error ?? ''),
              h('td', { class: 'mono muted' }, run.correlation_id),
            ),
          ),
        ),
      ),
    ),
  );
}

/** In a browser the approval page opens in a new tab; the desktop window's command has opened the system browser already. */
function openApproval(connection: Connection): void {
  if (connection.state !== 'awaiting_consent' || connection.sca_redirect === null || inDesktopWindow()) return;
  window.open(connection.sca_redirect, '_blank', 'noopener');
}

function drawAddForm(card: HTMLElement, context: Context): void {
  const field = (id: string, label: string, input: HTMLInputElement): HTMLElement[] => [h('label', { for: id, class: 'label' }, label), input];
  const name = h('input', { type: 'text', id: 'connection-name', class: 'input', maxlength: CONNECTION_NAME_CHARS_MAX, autocomplete: 'off', placeholder: 'e.g. Commerzbank', 'data-testid': 'connection-name' });
  const url = h('input', { type: 'url', id: 'connection-url', class: 'input path', maxlength: URL_CHARS_MAX, autocomplete: 'off', spellcheck: false, placeholder: 'https://psd2.bank.example', 'data-testid': 'connection-url' });
  const reads = h('input', { type: 'number', id: 'connection-reads', class: 'input narrow', min: 1, max: 100, value: READS_PER_DAY_DEFAULT, 'data-testid': 'connection-reads' });
  const days = h('input', { type: 'number', id: 'connection-days', class: 'input narrow', min: 1, max: 180, value: CONSENT_DAYS_DEFAULT, 'data-testid': 'connection-days' });
  const submit = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'connection-add' }, 'Add and ask for consent');
  const formStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'connection-add-status' });
  const form = h(
    'form',
    { class: 'connection-add-form', novalidate: true },
    h('div', { class: 'form-grid' }, ...field('connection-name', 'Name', name), ...field('connection-url', 'Bank’s PSD2 address', url), ...field('connection-reads', 'Unattended reads a day', reads), ...field('connection-days', 'Consent for (days)', days)),
    h('div', { class: 'inline-form' }, submit),
    h(
      'p',
      { class: 'hint' },
      'Cashline asks the bank for a consent to read every account, and opens the bank’s page for you to approve it; the bank then sends you back here. A bank that requires a client certificate (mutual TLS) is added with ',
      h('code', {}, 'cashline connections add NAME --psd2 URL --client-cert FILE --client-key FILE'),
      '; its key goes to the keychain.',
    ),
    formStatus,
  );
  replaceChildren(card, h('h2', {}, 'Add a bank connection'), form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const readsPerDay = Number(reads.value);
    const validDays = Number(days.value);
    if (!Number.isInteger(readsPerDay) || readsPerDay < 1 || readsPerDay > 100) {
      replaceChildren(formStatus, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'bad_request' }, 'Reads a day must be a whole number from 1 to 100.'));
      return;
    }
    if (!Number.isInteger(validDays) || validDays < 1 || validDays > 180) {
      replaceChildren(formStatus, h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'bad_request' }, 'A consent lasts a whole number of days from 1 to 180.'));
      return;
    }
    submit.disabled = true;
    replaceChildren(formStatus, h('span', { class: 'muted' }, 'Asking the bank for a consent…'));
    try {
      const added = await addConnection({ name: name.value.trim(), psd2_url: url.value.trim(), frequency_per_day: readsPerDay, valid_days: validDays });
      if (!context.alive()) return;
      openApproval(added);
      name.value = '';
      url.value = '';
      reads.value = String(READS_PER_DAY_DEFAULT);
      days.value = String(CONSENT_DAYS_DEFAULT);
      replaceChildren(
        formStatus,
        h(
          'div',
          { class: 'notice ok', role: 'status', 'data-testid': 'connection-added' },
          added.state === 'awaiting_consent' ? `Added ${added.name}: approve its consent at the bank.` : `Added ${added.name}: ${added.state_text}`,
        ),
      );
      await context.reload();
    } catch (error) {
      if (!context.alive()) return;
      replaceChildren(formStatus, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
}
