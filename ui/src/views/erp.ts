//! The ERP screen: each Tryton connection's health (state, server and database, last sync, last good one, next scheduled one, open items by state, payments brought in, its error in words), a sync now with its counts, the recent runs and write-backs, a connection added or removed.

import {
  addErpConnection,
  ERP_CADENCE_MINUTES_DEFAULT,
  ERP_CADENCE_MINUTES_MAX,
  ERP_FIELD_CHARS_MAX,
  ERP_NAME_CHARS_MAX,
  fetchErpConnections,
  removeErpConnection,
  syncErp,
  type ErpConnection,
  type ErpItemCount,
  type ErpSyncRun,
  type ErpWriteback,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, humanize, plural } from '../format';
import { errorBox, type View } from './view';

/** The screen redraws this often, so "next sync" and the state stay true on an open screen. */
const IDLE_POLL_MS = 60_000;
/** Longest URL accepted in the field. */
const URL_CHARS_MAX = 2048;

/** How each state reads on its badge. */
const STATE_LABELS: Record<string, string> = {
  healthy: 'Healthy',
  failing: 'Failing',
  never_synced: 'Never synced',
};

/** How each write-back state reads, for a person. */
const WRITEBACK_LABELS: Record<string, string> = {
  done: 'Done',
  failed: 'Failed, tried again next sync',
  refused: 'Left to a person',
  reverted: 'Reverted',
};

export const erpView: View = {
  title: 'ERP',
  mount(container, alive) {
    const status = h('div', { class: 'status erp-status', 'aria-live': 'polite', 'data-testid': 'erp-status' });
    const list = h('div', { class: 'connections', 'data-testid': 'erp-list' }, h('p', { class: 'muted' }, 'Loading…'));
    const syncAll = h('button', { type: 'button', class: 'button', 'data-testid': 'erp-sync-all' }, 'Sync all now');
    const addCard = h('section', { class: 'card', 'data-testid': 'erp-add-card' });

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          {},
          h('h1', {}, 'ERP connections'),
          h('p', { class: 'subtitle' }, 'Open items and approved payments read from your Tryton, what Cashline writes back to it, and how each connection is doing.'),
        ),
        h('div', { class: 'toolbar' }, syncAll),
      ),
      status,
      list,
      addCard,
    );

    /** The last sync a person asked for on this screen, per connection: shown on its card until the next. */
    const lastRuns = new Map<string, ErpSyncRun>();
    let timer: number | undefined;
    let requested = 0;

    async function reload(): Promise<void> {
      requested += 1;
      const mine = requested;
      let connections: ErpConnection[];
      try {
        connections = await fetchErpConnections();
      } catch (error) {
        if (!alive() || mine !== requested) return;
        replaceChildren(status, errorBox(error));
        return;
      }
      if (!alive() || mine !== requested) return;
      // A failed reload's sentence is no longer true; a notice of what was done stays.
      if (status.querySelector('[data-testid="error"]')) replaceChildren(status);
      draw(connections);
    }

    function draw(connections: ErpConnection[]): void {
      syncAll.disabled = connections.length === 0;
      if (connections.length === 0) {
        replaceChildren(
          list,
          h('p', { class: 'muted card', 'data-testid': 'erp-empty' }, 'No ERP connection yet: add your Tryton below, or keep importing open items as CSV files.'),
        );
      } else {
        replaceChildren(list, ...connections.map((connection) => connectionCard(connection, context)));
      }
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        if (alive()) void reload();
      }, IDLE_POLL_MS);
    }

    const formStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'erp-add-status' });
    const context: Context = { alive, reload, lastRuns, status, formStatus };

    syncAll.addEventListener('click', async () => {
      syncAll.disabled = true;
      replaceChildren(status, h('span', { class: 'muted' }, 'Syncing every ERP connection…'));
      try {
        const runs = await syncErp();
        if (!alive()) return;
        for (const run of runs) lastRuns.set(run.connection, run);
        const failed = runs.filter((r) => r.outcome !== 'ok').length;
        replaceChildren(
          status,
          h(
            'div',
            { class: failed === 0 ? 'notice ok' : 'notice warn', role: 'status', 'data-testid': 'erp-synced' },
            failed === 0
              ? `Synced ${plural(runs.length, 'connection', 'connections')}; each card says what changed.`
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

    drawAddForm(addCard, context);
    void reload();
  },
};

interface Context {
  alive: () => boolean;
  reload: () => Promise<void>;
  lastRuns: Map<string, ErpSyncRun>;
  /** The screen's status line, above the cards. */
  status: HTMLElement;
  /** The add form's status, emptied once what it says is no longer true. */
  formStatus: HTMLElement;
}

function connectionCard(connection: ErpConnection, context: Context): HTMLElement {
  const notice = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'erp-notice' });
  const sync = h('button', { type: 'button', class: connection.state === 'never_synced' ? 'button primary' : 'button', 'data-testid': 'erp-sync' }, 'Sync now');
  const remove = h('button', { type: 'button', class: 'button subtle danger', 'data-testid': 'erp-remove' }, 'Remove');
  const actions = h('div', { class: 'toolbar' }, sync, remove);
  const lastRun = context.lastRuns.get(connection.name);
  // A failure the card's state already explains is not written out twice.
  if (lastRun) replaceChildren(notice, runNotice(lastRun, connection.state === 'failing' && lastRun.error === connection.last_error));

  const card = h(
    'section',
    { class: `card connection-card state-${connection.state}`, 'data-testid': 'erp-card', 'data-name': connection.name, 'data-state': connection.state },
    h(
      'div',
      { class: 'section-head' },
      h(
        'div',
        {},
        h('h2', {}, connection.name, ' ', h('span', { class: `badge connection-${connection.state}`, 'data-testid': 'erp-state' }, STATE_LABELS[connection.state] ?? humanize(connection.state))),
        h('p', { class: 'connection-state-text', 'data-testid': 'erp-state-text' }, sentence(connection.state_text)),
      ),
      actions,
    ),
    facts(connection),
    // A failing connection's sentence carries its error already.
    connection.last_error === null || connection.state === 'failing'
      ? null
      : h('div', { class: 'error', role: 'note', 'data-testid': 'erp-last-error' }, h('strong', {}, 'Last error: '), connection.last_error),
    notice,
    runsTable(connection.runs),
    writebacksTable(connection.writebacks),
  );

  sync.addEventListener('click', async () => {
    sync.disabled = true;
    replaceChildren(context.status);
    replaceChildren(notice, h('span', { class: 'muted' }, `Syncing ${connection.name} with Tryton…`));
    try {
      const [run] = await syncErp(connection.name);
      if (!context.alive()) return;
      if (run) context.lastRuns.set(connection.name, run);
      // The card is drawn again from the ledger, the run's counts or error on it.
      await context.reload();
    } catch (error) {
      if (!context.alive()) return;
      replaceChildren(notice, errorBox(error));
      sync.disabled = false;
    }
  });

  // Two steps, in place: the desktop webviews do not all show window.confirm().
  remove.addEventListener('click', () => {
    const confirm = h('button', { type: 'button', class: 'button danger-solid', 'data-testid': 'erp-remove-confirm' }, `Remove “${connection.name}”`);
    const cancel = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'erp-remove-cancel' }, 'Cancel');
    replaceChildren(actions, h('span', { class: 'muted' }, 'Its password leaves the keychain; the items and payments it brought stay, and sync no more.'), confirm, cancel);
    cancel.addEventListener('click', () => replaceChildren(actions, sync, remove));
    confirm.addEventListener('click', async () => {
      confirm.disabled = true;
      try {
        await removeErpConnection(connection.name);
        if (!context.alive()) return;
        context.lastRuns.delete(connection.name);
        replaceChildren(context.formStatus);
        replaceChildren(
          context.status,
          h('div', { class: 'notice ok', role: 'status', 'data-testid': 'erp-removed' }, `Removed ${connection.name}: the items and payments it brought stay, and sync no more.`),
        );
        await context.reload();
      } catch (error) {
        if (!context.alive()) return;
        replaceChildren(notice, errorBox(error));
        replaceChildren(actions, sync, remove);
      }
    });
    confirm.focus();
  });
  return card;
}

/** The figures a treasurer checks first: where it reads from, when it last worked, when it runs next, what it brought. */
function facts(connection: ErpConnection): HTMLElement {
  const fact = (label: string, field: string, value: string, title?: string): HTMLElement =>
    h('div', { class: 'fact' }, h('dt', {}, label), h('dd', { 'data-field': field, title: title ?? null }, value));
  return h(
    'dl',
    { class: 'facts connection-facts' },
    fact('Tryton server', 'url', connection.url),
    fact('Database and user', 'database', `${connection.database} · ${connection.user}`),
    fact('Last sync', 'last_sync_at', connection.last_sync_at === null ? 'never' : formatInstant(connection.last_sync_at)),
    fact('Last successful sync', 'last_ok_at', connection.last_ok_at === null ? 'never' : formatInstant(connection.last_ok_at)),
    fact(
      'Next scheduled sync',
      'next_sync_at',
      connection.next_sync_at === null ? 'none scheduled' : formatInstant(connection.next_sync_at),
      `Every ${cadence(connection.cadence_minutes)}`,
    ),
    fact('Sync cadence', 'cadence_minutes', `every ${cadence(connection.cadence_minutes)}`),
    fact('Open items by state', 'items', itemsLine(connection.items)),
    fact('Payments brought in', 'payments', String(connection.payments)),
  );
}

function itemsLine(items: ErpItemCount[]): string {
  if (items.length === 0) return 'none yet';
  return items.map((c) => `${c.items} ${humanize(c.state).toLowerCase()}`).join(' · ');
}

function cadence(minutes: number): string {
  if (minutes % (24 * 60) === 0) return minutes === 24 * 60 ? 'day' : `${minutes / (24 * 60)} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'hour' : `${minutes / 60} hours`;
  return minutes === 1 ? 'minute' : `${minutes} minutes`;
}

/** The service's lower-case clause as a sentence: a capital first, a full stop last. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** What a sync a person asked for did: its counts, or why it failed. */
function runNotice(run: ErpSyncRun, explainedAbove: boolean): HTMLElement {
  const data = {
    'data-testid': 'erp-run-result',
    'data-outcome': run.outcome,
    'data-items-changed': String(run.items_changed),
    'data-new-items': String(run.new_items),
    'data-new-payments': String(run.new_payments),
  };
  if (run.outcome !== 'ok') {
    if (explainedAbove) return h('div', { ...data, class: 'error', role: 'alert' }, h('strong', {}, 'This sync failed'), ', for the reason above. Cashline tries again at the next scheduled sync; what was read before stays.');
    return h('div', { ...data, class: 'error', role: 'alert' }, h('strong', {}, 'This sync failed: '), run.error === null ? 'no reason was given.' : sentence(run.error));
  }
  const quiet =
    run.items_changed + run.items_closed + run.payments_changed + run.payments_withdrawn + run.written_back + run.writeback_failed + run.writeback_refused === 0;
  if (quiet) return h('div', { ...data, class: 'notice ok', role: 'status' }, `Synced ${run.connection}: nothing changed in Tryton since the last sync.`);
  return h(
    'div',
    { ...data, class: 'notice ok', role: 'status' },
    `Synced ${run.connection}: `,
    `open items ${run.items_changed} changed (${run.new_items} new, ${run.items_closed} closed); `,
    `payments ${run.payments_changed} changed (${run.new_payments} new, ${run.payments_withdrawn} withdrawn); `,
    `written back ${run.written_back}`,
    run.writeback_failed > 0 ? `, ${run.writeback_failed} failed` : '',
    run.writeback_refused > 0 ? `, ${run.writeback_refused} left to a person` : '',
    '.',
  );
}

function runsTable(runs: ErpSyncRun[]): HTMLElement | null {
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
        { class: 'data compact', 'data-testid': 'erp-runs' },
        h('thead', {}, h('tr', {}, ...['Started', 'Outcome', 'Open items', 'Payments', 'Written back', 'Why'].map((c) => h('th', { scope: 'col' }, c)))),
        h(
          'tbody',
          {},
          ...runs.map((run) =>
            h(
              'tr',
              { 'data-testid': 'erp-run', 'data-outcome': run.outcome },
              // The correlation id, for the log, on hover: the log's lines carry it.
              h('td', { class: 'nowrap', title: `Correlation id ${run.correlation_id}` }, run.started_at ? formatInstant(run.started_at) : ''),
              h('td', {}, h('span', { class: `badge state-${run.outcome}` }, humanize(run.outcome))),
              h('td', { 'data-field': 'items' }, `${run.items_changed} changed · ${run.new_items} new · ${run.items_closed} closed`),
              h('td', { 'data-field': 'payments' }, `${run.payments_changed} changed · ${run.new_payments} new · ${run.payments_withdrawn} withdrawn`),
              h(
                'td',
                { 'data-field': 'written_back' },
                [
                  `${run.written_back} done`,
                  run.writeback_failed > 0 ? `${run.writeback_failed} failed` : '',
                  run.writeback_refused > 0 ? `${run.writeback_refused} left to a person` : '',
                ]
                  .filter(Boolean)
                  .join(' · '),
              ),
              h('td', { class: 'wrap reason' }, run.error ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}

/** What Cashline wrote back to Tryton: opened by itself when something failed or waits for a person. */
function writebacksTable(writebacks: ErpWriteback[]): HTMLElement {
  if (writebacks.length === 0) return h('p', { class: 'muted connection-accounts', 'data-testid': 'erp-writebacks-none' }, 'Nothing written back to Tryton yet.');
  const byState = (state: string): number => writebacks.filter((w) => w.state === state).length;
  const attention = byState('failed') + byState('refused');
  const counts = [
    byState('done') > 0 ? `${byState('done')} done` : '',
    byState('failed') > 0 ? `${byState('failed')} failed` : '',
    byState('refused') > 0 ? `${byState('refused')} left to a person` : '',
    byState('reverted') > 0 ? `${byState('reverted')} reverted` : '',
  ].filter(Boolean);
  return h(
    'details',
    { class: 'connection-runs', open: attention > 0, 'data-testid': 'erp-writebacks-details' },
    h('summary', {}, `Write-backs (${counts.join(', ')})`),
    byState('refused') > 0
      ? h(
          'p',
          { class: 'hint', 'data-testid': 'erp-writebacks-to-do' },
          'What is left to a person is not guessed into Tryton: each is a case in the ',
          h('a', { href: '#/exceptions' }, 'Exceptions'),
          ' queue, saying what to book there by hand.',
        )
      : null,
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data compact', 'data-testid': 'erp-writebacks' },
        h('thead', {}, h('tr', {}, ...['Last tried', 'What', 'State', 'Tryton reference', 'Attempts', 'Why'].map((c) => h('th', { scope: 'col', class: c === 'Attempts' ? 'num' : null }, c)))),
        h(
          'tbody',
          {},
          ...writebacks.map((w) =>
            h(
              'tr',
              { 'data-testid': 'erp-writeback', 'data-state': w.state, 'data-kind': w.kind },
              h('td', {}, formatInstant(w.at)),
              subjectCell(w),
              h('td', {}, h('span', { class: `badge writeback-${w.state}` }, WRITEBACK_LABELS[w.state] ?? humanize(w.state))),
              h('td', { class: w.erp_reference ? 'mono' : 'muted' }, w.erp_reference ?? '—'),
              h('td', { class: 'num' }, String(w.attempts)),
              h('td', { class: 'wrap' }, w.error ?? ''),
            ),
          ),
        ),
      ),
    ),
  );
}

/** What a write-back is about, as a person knows it (`payment T1-P1 settled`, `match 7`), and what kind of write it is. */
function subjectCell(w: ErpWriteback): HTMLTableCellElement {
  const kind = w.kind === 'payment_status' ? 'Payment’s end' : w.kind === 'match' ? 'Matched bank line' : humanize(w.kind);
  return h('td', { class: 'wrap', 'data-field': 'subject' }, w.about, h('span', { class: 'sub' }, kind));
}

function drawAddForm(card: HTMLElement, context: Context): void {
  const { formStatus } = context;
  const field = (id: string, label: string, input: HTMLInputElement): HTMLElement[] => [h('label', { for: id, class: 'label' }, label), input];
  const name = h('input', { type: 'text', id: 'erp-name', class: 'input', maxlength: ERP_NAME_CHARS_MAX, autocomplete: 'off', placeholder: 'e.g. Tryton', 'data-testid': 'erp-name' });
  const url = h('input', { type: 'url', id: 'erp-url', class: 'input', maxlength: URL_CHARS_MAX, autocomplete: 'off', spellcheck: false, placeholder: 'https://tryton.example.com', 'data-testid': 'erp-url' });
  const database = h('input', { type: 'text', id: 'erp-database', class: 'input', maxlength: ERP_FIELD_CHARS_MAX, autocomplete: 'off', spellcheck: false, 'data-testid': 'erp-database' });
  const user = h('input', { type: 'text', id: 'erp-user', class: 'input', maxlength: ERP_FIELD_CHARS_MAX, autocomplete: 'off', spellcheck: false, 'data-testid': 'erp-user' });
  // Never echoed back: the field is emptied as soon as the form is sent, whatever the answer.
  const password = h('input', { type: 'password', id: 'erp-password', class: 'input', maxlength: ERP_FIELD_CHARS_MAX, autocomplete: 'new-password', 'data-testid': 'erp-password' });
  const every = h('input', { type: 'number', id: 'erp-cadence', class: 'input narrow', min: 1, max: ERP_CADENCE_MINUTES_MAX, value: ERP_CADENCE_MINUTES_DEFAULT, 'data-testid': 'erp-cadence' });
  const submit = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'erp-add' }, 'Log in and add');
  const form = h(
    'form',
    { class: 'connection-add-form erp-add-form', novalidate: true },
    h(
      'div',
      { class: 'form-grid' },
      ...field('erp-name', 'Name', name),
      ...field('erp-url', 'Tryton server address', url),
      ...field('erp-database', 'Database', database),
      ...field('erp-user', 'User', user),
      ...field('erp-password', 'Password', password),
      ...field('erp-cadence', 'Sync every (minutes)', every),
    ),
    h('div', { class: 'inline-form' }, submit),
    h(
      'p',
      { class: 'hint' },
      'Cashline logs in to Tryton with this user first; a wrong password is refused and nothing is kept. The password goes to the system keychain, never to the ledger. From the command line: ',
      h('code', {}, 'cashline erp add NAME --tryton URL --database DB --user USER --password-stdin'),
      '.',
    ),
    formStatus,
  );
  replaceChildren(card, h('h2', {}, 'Add a Tryton connection'), form);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const minutes = Number(every.value);
    if (every.value.trim() === '' || !Number.isInteger(minutes) || minutes < 1 || minutes > ERP_CADENCE_MINUTES_MAX) {
      replaceChildren(
        formStatus,
        h('div', { class: 'error', role: 'alert', 'data-testid': 'error', 'data-code': 'bad_request' }, `Sync every 1 to ${ERP_CADENCE_MINUTES_MAX} minutes, as a whole number.`),
      );
      return;
    }
    const secret = password.value;
    password.value = '';
    submit.disabled = true;
    replaceChildren(formStatus, h('span', { class: 'muted' }, 'Logging in to Tryton…'));
    try {
      const added = await addErpConnection({
        name: name.value.trim(),
        tryton_url: url.value.trim(),
        database: database.value.trim(),
        user: user.value.trim(),
        password: secret,
        cadence_minutes: minutes,
      });
      if (!context.alive()) return;
      for (const input of [name, url, database, user]) input.value = '';
      every.value = String(ERP_CADENCE_MINUTES_DEFAULT);
      replaceChildren(
        formStatus,
        h('div', { class: 'notice ok', role: 'status', 'data-testid': 'erp-added' }, `Added ${added.name}: press “Sync now” on its card to read its open items and payments, or wait for its first scheduled sync.`),
      );
      replaceChildren(context.status);
      await context.reload();
    } catch (error) {
      if (!context.alive()) return;
      replaceChildren(formStatus, errorBox(error));
    } finally {
      submit.disabled = false;
    }
  });
}
