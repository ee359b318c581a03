//! The Exceptions screen: the queue of work for a person (balances that do not add up, gaps, missing days, unmatched entries and items, differences), filtered, assigned and resolved in bulk, and one case opened to its comments and history.

import {
  AGE_BUCKETS,
  EXCEPTION_STATES,
  EXCEPTION_TEXT_CHARS_MAX,
  OWNER_CHARS_MAX,
  assignExceptions,
  commentException,
  fetchAccounts,
  fetchEntities,
  fetchExceptionDetail,
  fetchExceptions,
  reopenExceptions,
  resolveExceptions,
  type ClosingState,
  type ExceptionCase,
  type ExceptionDetail,
  type ExceptionFilter,
  type ExceptionsChanged,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatInstant, formatMoney, humanize, isNegative, maskAccount, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { errorBox, latestLoader, pageHead, type View } from './view';

/** The kinds the engine opens (`ExceptionKind`); others are shown as they come. */
const KINDS = [
  'balance_mismatch',
  'sequence_gap',
  'missing_days',
  'duplicate',
  'unmatched_entry',
  'unmatched_item',
  'difference',
  'payment_rejected',
  'payment_duplicate',
  'cutoff_missed',
  'stale_balance',
  'sync_failed',
  'data_not_received',
  'erp_writeback',
] as const;
/** Rows drawn at most; the newest are shown and the rest counted. */
const ROWS_SHOWN_MAX = 1000;
/** A state choice of this screen: the cases still to work on, open or in progress (the engine filters one state). */
const STILL_OPEN = 'still_open';
const AGE_LABELS: Record<string, string> = { '0-2': '0–2 days', '3-7': '3–7 days', '8-30': '8–30 days', 'over-30': 'Over 30 days' };

/** The filters chosen, kept while the window lives. */
const filter: Required<{ [K in keyof ExceptionFilter]-?: string }> = {
  kind: '',
  state: '',
  owner: '',
  account: '',
  entity: '',
  bank: '',
  age: '',
};
/** The case opened to its detail, by id. */
let openedId: string | null = null;

export function ageLabel(bucket: string): string {
  return AGE_LABELS[bucket] ?? bucket;
}

/** The filter for the queue of one aging bucket, for links from other screens. */
export function showExceptionsAged(bucket: string): void {
  for (const key of Object.keys(filter) as (keyof typeof filter)[]) filter[key] = '';
  filter.age = bucket;
  filter.state = STILL_OPEN;
}

export const exceptionsView: View = {
  title: 'Exceptions',
  mount(container, alive) {
    const select = (id: string, testid: string, all: string, options: [string, string][]): HTMLSelectElement =>
      h('select', { id, class: 'select', 'data-testid': testid }, h('option', { value: '' }, all), ...options.map(([v, label]) => h('option', { value: v }, label)));
    const kind = select('exceptions-kind', 'exceptions-kind', 'All kinds', KINDS.map((k) => [k, humanize(k)]));
    const state = select('exceptions-state', 'exceptions-state', 'All states', [
      [STILL_OPEN, 'Open or in progress'],
      ...EXCEPTION_STATES.map((s): [string, string] => [s, humanize(s)]),
    ]);
    const age = select('exceptions-age', 'exceptions-age', 'Any age', AGE_BUCKETS.map((b) => [b, ageLabel(b)]));
    const entity = select('exceptions-entity', 'exceptions-entity', 'All entities', filter.entity ? [[filter.entity, filter.entity]] : []);
    const account = select('exceptions-account', 'exceptions-account', 'All accounts', filter.account ? [[filter.account, maskAccount(filter.account)]] : []);
    const bank = select('exceptions-bank', 'exceptions-bank', 'All banks', filter.bank ? [[filter.bank, filter.bank]] : []);
    const owners = h('datalist', { id: 'exceptions-owners' });
    const owner = h('input', {
      type: 'text',
      id: 'exceptions-owner',
      class: 'input',
      list: 'exceptions-owners',
      placeholder: 'Anyone',
      maxlength: OWNER_CHARS_MAX,
      autocomplete: 'off',
      'data-testid': 'exceptions-owner',
    });
    const selects = { kind, state, age, entity, account, bank } as const;
    for (const [key, control] of Object.entries(selects)) control.value = filter[key as keyof typeof selects];
    owner.value = filter.owner;
    const clearFilters = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'exceptions-clear-filters' }, 'Clear filters');
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'exceptions-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'exceptions-count' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const actionStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'exceptions-action-status' });
    const body = h('div', {});

    // Bulk actions on the rows ticked.
    const selected = new Set<string>();
    const selectedCount = h('span', { class: 'bulk-count', 'data-testid': 'exceptions-selected-count' });
    const bulkOwner = h('input', {
      type: 'text',
      id: 'exceptions-bulk-owner',
      class: 'input',
      list: 'exceptions-owners',
      placeholder: 'Owner’s name',
      maxlength: OWNER_CHARS_MAX,
      autocomplete: 'off',
      'data-testid': 'exceptions-bulk-owner',
    });
    const bulkAssign = h('button', { type: 'button', class: 'button', 'data-testid': 'exceptions-bulk-assign' }, 'Assign');
    const bulkUnassign = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'exceptions-bulk-unassign' }, 'Unassign');
    const bulkResolution = h('input', {
      type: 'text',
      id: 'exceptions-bulk-resolution',
      class: 'input wide',
      placeholder: 'How they were resolved',
      maxlength: EXCEPTION_TEXT_CHARS_MAX,
      autocomplete: 'off',
      'data-testid': 'exceptions-bulk-resolution',
    });
    const bulkClosing = closingSelect('exceptions-bulk-state', 'exceptions-bulk-state');
    const bulkClose = h('button', { type: 'button', class: 'button primary', 'data-testid': 'exceptions-bulk-close' }, 'Close cases');
    const bulkBar = h(
      'div',
      { class: 'bulk-bar', 'data-testid': 'exceptions-bulk', role: 'group', 'aria-label': 'Act on the cases ticked' },
      selectedCount,
      h('div', { class: 'bulk-group' }, h('label', { for: 'exceptions-bulk-owner' }, 'Owner'), bulkOwner, bulkAssign, bulkUnassign),
      h('div', { class: 'bulk-group' }, h('label', { for: 'exceptions-bulk-resolution' }, 'Resolution'), bulkResolution, bulkClosing, bulkClose),
    );

    replaceChildren(
      container,
      pageHead('Exceptions', subtitle, [clearFilters, refresh]),
      h(
        'div',
        { class: 'filters', role: 'search', 'aria-label': 'Filter the exceptions' },
        filterField('Kind', kind),
        filterField('State', state),
        filterField('Age', age),
        filterField('Owner', owner),
        owners,
        filterField('Entity', entity),
        filterField('Account', account),
        filterField('Bank', bank),
      ),
      bulkBar,
      actionStatus,
      status,
      body,
    );

    const ownersSeen = new Set<string>();
    /** A sentence shown once in the opened case after an action on it reloads the queue. */
    let flash: string | null = null;
    let shown: ExceptionCase[] = [];

    const drawBulk = (): void => {
      for (const id of [...selected]) if (!shown.some((e) => e.id === id)) selected.delete(id);
      const n = selected.size;
      selectedCount.textContent = n === 0 ? 'No case ticked' : `${plural(n, 'case', 'cases')} ticked`;
      selectedCount.dataset.count = String(n);
      for (const control of [bulkAssign, bulkUnassign, bulkClose]) control.disabled = n === 0;
      bulkBar.classList.toggle('active', n > 0);
    };

    const isFiltered = (): boolean => Object.values(filter).some((v) => v !== '');

    const load = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading exceptions…',
      fetch: async () => {
        if (filter.state !== STILL_OPEN) return fetchExceptions(filter);
        const all = await fetchExceptions({ ...filter, state: null });
        return all.filter((e) => e.state === 'open' || e.state === 'in_progress');
      },
      show: (exceptions: ExceptionCase[]) => {
        const filtered = isFiltered();
        subtitle.textContent = `${plural(exceptions.length, 'exception', 'exceptions')}${filtered ? ' match the filters' : ''}`;
        for (const e of exceptions) if (e.owner) ownersSeen.add(e.owner);
        replaceChildren(owners, ...[...ownersSeen].sort().map((o) => h('option', { value: o })));
        // The engine lists the oldest first; the newest are what a person looks at first.
        shown = [...exceptions].reverse().slice(0, ROWS_SHOWN_MAX);
        drawTable(exceptions.length, filtered);
        drawBulk();
      },
    });

    function drawTable(total: number, filtered: boolean): void {
      if (shown.length === 0) {
        replaceChildren(
          body,
          h(
            'div',
            { class: 'empty', 'data-testid': 'exceptions-empty' },
            filtered ? 'No exceptions match these filters.' : 'No exceptions. Every imported statement added up and everything is reconciled.',
          ),
        );
        return;
      }
      const all = h('input', { type: 'checkbox', 'data-testid': 'exceptions-select-all', 'aria-label': 'Tick every case shown' });
      all.checked = shown.every((e) => selected.has(e.id));
      all.addEventListener('change', () => {
        for (const e of shown) {
          if (all.checked) selected.add(e.id);
          else selected.delete(e.id);
        }
        for (const box of Array.from(body.querySelectorAll<HTMLInputElement>('[data-testid="exception-select"]'))) box.checked = all.checked;
        drawBulk();
      });
      const tbody = h('tbody', {});
      for (const e of shown) tbody.append(...caseRows(e, tbody));
      replaceChildren(
        body,
        h(
          'section',
          { class: 'card table-scroll' },
          h(
            'table',
            { class: 'data exceptions', 'data-testid': 'exceptions-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col', class: 'check-cell' }, all),
                h('th', { scope: 'col' }, 'Kind'),
                h('th', { scope: 'col' }, 'Subject'),
                h('th', { scope: 'col', class: 'num' }, 'Amount'),
                h('th', { scope: 'col', class: 'num' }, 'Age'),
                h('th', { scope: 'col' }, 'Owner'),
                h('th', { scope: 'col' }, 'State'),
              ),
            ),
            tbody,
          ),
          total > ROWS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing the newest ${ROWS_SHOWN_MAX} of ${total}; narrow the filters to see the others.`) : null,
        ),
      );
    }

    /** A case's row, and its detail row when it is the one opened. */
    function caseRows(e: ExceptionCase, tbody: HTMLElement): HTMLTableRowElement[] {
      const box = h('input', { type: 'checkbox', 'data-testid': 'exception-select', 'aria-label': `Tick case ${e.id}` });
      box.checked = selected.has(e.id);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(e.id);
        else selected.delete(e.id);
        drawBulk();
      });
      const opened = e.id === openedId;
      const row = h(
        'tr',
        {
          'data-testid': 'exception-row',
          'data-kind': e.kind,
          'data-state': e.state,
          'data-id': e.id,
          'data-owner': e.owner ?? '',
          'data-age-bucket': e.age_bucket,
          class: `selectable${opened ? ' selected' : ''}`,
          tabindex: 0,
          'aria-expanded': String(opened),
          title: 'Open the case',
        },
        h('td', { class: 'check-cell' }, box),
        h('td', { 'data-field': 'kind' }, h('span', { class: `badge kind kind-${e.kind}` }, humanize(e.kind))),
        h(
          'td',
          { class: 'wrap' },
          h('span', { 'data-field': 'subject' }, e.subject),
          e.detail ? h('span', { class: 'sub detail-text', 'data-field': 'detail' }, e.detail) : null,
          e.notes > 0 ? h('span', { class: 'sub', 'data-field': 'notes', 'data-value': String(e.notes) }, plural(e.notes, 'comment', 'comments')) : null,
        ),
        e.amount === null
          ? h('td', { class: 'num muted', 'data-field': 'amount', 'data-value': '' }, '—')
          : h(
              'td',
              { class: isNegative(e.amount) ? 'num negative' : 'num', 'data-field': 'amount', 'data-value': e.amount },
              formatMoney(e.amount),
              e.currency ? h('span', { class: 'muted' }, ` ${e.currency}`) : null,
            ),
        h(
          'td',
          { class: 'num', 'data-field': 'age', 'data-value': String(e.age_days), title: `Opened ${formatInstant(e.opened_at)}` },
          plural(e.age_days, 'day', 'days'),
          h('span', { class: `sub age age-${e.age_bucket}`, 'data-field': 'age_bucket' }, ageLabel(e.age_bucket)),
        ),
        h('td', { 'data-field': 'owner', class: e.owner ? null : 'muted' }, e.owner ?? '—'),
        h('td', { 'data-field': 'state' }, h('span', { class: `badge state-${e.state}` }, humanize(e.state))),
      );
      const toggle = (): void => {
        openedId = openedId === e.id ? null : e.id;
        for (const other of Array.from(tbody.querySelectorAll('tr.detail-row'))) other.remove();
        for (const other of Array.from(tbody.querySelectorAll<HTMLElement>('[data-testid="exception-row"]'))) {
          const mine = other.dataset.id === openedId;
          other.classList.toggle('selected', mine);
          other.setAttribute('aria-expanded', String(mine));
        }
        if (openedId === e.id) row.after(detailRow(e.id));
      };
      row.addEventListener('click', (event) => {
        if ((event.target as HTMLElement).closest('input, button, a, label')) return;
        toggle();
      });
      row.addEventListener('keydown', (event) => {
        if (event.target !== row) return;
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          toggle();
        }
      });
      return opened ? [row, detailRow(e.id)] : [row];
    }

    /** The row under a case holding its detail, loaded on open. */
    function detailRow(id: string): HTMLTableRowElement {
      const cell = h('td', { colspan: 7 }, h('div', { class: 'status' }, 'Loading the case…'));
      const row = h('tr', { class: 'detail-row' }, cell);
      void showDetail(cell, id);
      return row;
    }

    async function showDetail(cell: HTMLElement, id: string): Promise<void> {
      let detail: ExceptionDetail;
      try {
        detail = await fetchExceptionDetail(id);
      } catch (error) {
        if (!alive() || openedId !== id) return;
        replaceChildren(cell, errorBox(error));
        return;
      }
      if (!alive() || openedId !== id) return;
      replaceChildren(cell, detailPanel(detail));
    }

    /** One case in full, with its single actions; the queue reloads after each. */
    function detailPanel(detail: ExceptionDetail): HTMLElement {
      const e = detail.exception;
      const panelStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'exception-detail-status' });
      const run = async (button: HTMLButtonElement, action: () => Promise<unknown>, done: string): Promise<void> => {
        button.disabled = true;
        try {
          await action();
          if (!alive()) return;
          // The queue redraws the case opened, which shows the sentence; if the case left the
          // queue (the filters no longer take it), the sentence goes above the queue instead.
          flash = done;
          void refreshExceptionCount();
          await load();
          if (flash !== null && alive() && !shown.some((c) => c.id === e.id)) {
            replaceChildren(actionStatus, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'exception-saved' }, `Case ${e.id}: ${flash}`));
            flash = null;
          }
        } catch (error) {
          if (!alive()) return;
          replaceChildren(panelStatus, errorBox(error));
          button.disabled = false;
        }
      };
      if (flash) {
        replaceChildren(panelStatus, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'exception-saved' }, flash));
        flash = null;
      }

      const ownerInput = h('input', {
        type: 'text',
        id: `exception-owner-${e.id}`,
        class: 'input',
        list: 'exceptions-owners',
        value: e.owner ?? '',
        placeholder: 'Owner’s name',
        maxlength: OWNER_CHARS_MAX,
        autocomplete: 'off',
        'data-testid': 'exception-owner-input',
      });
      const assign = h('button', { type: 'submit', class: 'button', 'data-testid': 'exception-assign' }, e.owner ? 'Reassign' : 'Assign');
      const unassign = e.owner ? h('button', { type: 'button', class: 'button subtle', 'data-testid': 'exception-unassign' }, 'Unassign') : null;
      const assignForm = h('form', { class: 'inline-form', novalidate: true }, ownerInput, assign, unassign);
      assignForm.addEventListener('submit', (event) => {
        event.preventDefault();
        void run(assign, () => assignExceptions([e.id], ownerInput.value), `Assigned to ${ownerInput.value.trim()}.`);
      });
      unassign?.addEventListener('click', () => void run(unassign, () => assignExceptions([e.id], null), 'Unassigned.'));

      const closed = e.state === 'resolved' || e.state === 'written_off';
      const resolution = h('input', {
        type: 'text',
        id: `exception-resolution-${e.id}`,
        class: 'input wide',
        placeholder: 'How it was resolved',
        maxlength: EXCEPTION_TEXT_CHARS_MAX,
        autocomplete: 'off',
        'data-testid': 'exception-resolution-input',
      });
      const closing = closingSelect(`exception-closing-${e.id}`, 'exception-close-state');
      const close = h('button', { type: 'submit', class: 'button primary', 'data-testid': 'exception-close' }, 'Close case');
      const progress =
        e.state === 'open' ? h('button', { type: 'button', class: 'button', 'data-testid': 'exception-in-progress' }, 'Mark in progress') : null;
      const reopen = closed || e.state === 'in_progress' ? h('button', { type: 'button', class: 'button', 'data-testid': 'exception-reopen' }, 'Reopen') : null;
      const resolveForm = h(
        'form',
        { class: 'inline-form', novalidate: true },
        closed ? null : resolution,
        closed ? null : closing,
        closed ? null : close,
        progress,
        reopen,
      );
      resolveForm.addEventListener('submit', (event) => {
        event.preventDefault();
        const as = closing.value as ClosingState;
        void run(close, () => resolveExceptions([e.id], as, resolution.value), as === 'written_off' ? 'Written off.' : 'Resolved.');
      });
      progress?.addEventListener('click', () => void run(progress, () => reopenExceptions([e.id], 'in_progress'), 'Marked in progress.'));
      reopen?.addEventListener('click', () => void run(reopen, () => reopenExceptions([e.id], 'open'), 'Reopened.'));

      const comment = h('textarea', {
        id: `exception-comment-${e.id}`,
        class: 'input comment-input',
        rows: 2,
        placeholder: 'What you found or did',
        maxlength: EXCEPTION_TEXT_CHARS_MAX,
        'data-testid': 'exception-comment-input',
      });
      const addComment = h('button', { type: 'submit', class: 'button', 'data-testid': 'exception-comment-add' }, 'Add comment');
      const commentForm = h('form', { class: 'comment-form', novalidate: true }, comment, addComment);
      commentForm.addEventListener('submit', (event) => {
        event.preventDefault();
        void run(addComment, () => commentException(e.id, comment.value), 'Comment added.');
      });

      const fact = (label: string, field: string, value: HTMLElement | string | null): HTMLElement | null =>
        value === null || value === '' ? null : h('div', { class: 'fact', 'data-field': field }, h('dt', {}, label), h('dd', {}, value));

      return h(
        'div',
        { class: 'case-detail', 'data-testid': 'exception-detail', 'data-id': e.id, 'data-state': e.state, 'data-owner': e.owner ?? '' },
        h(
          'dl',
          { class: 'facts' },
          fact('State', 'state', humanize(e.state)),
          fact('Owner', 'owner', e.owner ?? 'nobody'),
          fact('Opened', 'opened_at', formatInstant(e.opened_at)),
          fact('Closed', 'closed_at', e.closed_at ? formatInstant(e.closed_at) : null),
          fact('Resolution', 'resolution', e.resolution),
          fact('Amount', 'amount', e.amount === null ? null : `${formatMoney(e.amount)}${e.currency ? ` ${e.currency}` : ''}`),
          fact('Account', 'account', e.account ? h('span', { class: 'mono', title: e.account }, maskAccount(e.account)) : null),
          fact('Entity', 'entity', e.entity),
          fact('Bank', 'bank', e.bank),
          fact('Match', 'match_id', e.match_id ? h('span', {}, `${e.match_id} · `, h('a', { href: '#/recon' }, 'open Reconciliation')) : null),
        ),
        panelStatus,
        h(
          'div',
          { class: 'case-actions' },
          h('div', {}, h('h3', {}, 'Owner'), assignForm),
          h('div', {}, h('h3', {}, closed ? 'Closed' : 'Resolve'), resolveForm),
        ),
        h(
          'div',
          { class: 'grid-2 case-columns' },
          h(
            'div',
            {},
            h('h3', {}, `Comments (${detail.notes.length})`),
            detail.notes.length === 0
              ? h('p', { class: 'muted' }, 'No comments yet.')
              : h(
                  'ol',
                  { class: 'notes', 'data-testid': 'exception-notes' },
                  ...detail.notes.map((n) =>
                    h(
                      'li',
                      { 'data-testid': 'exception-note' },
                      h('div', { class: 'note-head' }, h('span', { class: 'strong' }, n.author), h('span', { class: 'muted' }, ` · ${formatInstant(n.written_at)}`)),
                      h('div', { class: 'note-text' }, n.text),
                    ),
                  ),
                ),
            commentForm,
          ),
          h(
            'div',
            {},
            h('h3', {}, 'History'),
            h(
              'ol',
              { class: 'history-list', 'data-testid': 'exception-history' },
              ...detail.history.map((ev) =>
                h(
                  'li',
                  { 'data-testid': 'exception-event', 'data-action': ev.action },
                  h('span', { class: 'muted num' }, formatInstant(ev.at)),
                  ' ',
                  h('span', { class: 'strong' }, humanize(ev.action)),
                  ` by ${ev.actor}`,
                  ev.detail ? h('span', { class: 'sub' }, ev.detail) : null,
                ),
              ),
            ),
          ),
        ),
      );
    }

    async function bulk(button: HTMLButtonElement, action: (ids: string[]) => Promise<ExceptionsChanged>, done: (n: number) => string): Promise<void> {
      const ids = [...selected];
      button.disabled = true;
      replaceChildren(actionStatus, h('span', { class: 'muted' }, 'Saving…'));
      try {
        const answer = await action(ids);
        if (!alive()) return;
        replaceChildren(actionStatus, h('div', { class: 'notice ok', role: 'status', 'data-testid': 'exceptions-bulk-done', 'data-changed': String(answer.changed) }, done(answer.changed)));
        selected.clear();
        void load();
        void refreshExceptionCount();
      } catch (error) {
        if (!alive()) return;
        replaceChildren(actionStatus, errorBox(error));
      } finally {
        drawBulk();
      }
    }

    bulkAssign.addEventListener('click', () => {
      const name = bulkOwner.value.trim();
      void bulk(bulkAssign, (ids) => assignExceptions(ids, bulkOwner.value), (n) => `${plural(n, 'case', 'cases')} assigned to ${name}.`);
    });
    bulkUnassign.addEventListener('click', () => void bulk(bulkUnassign, (ids) => assignExceptions(ids, null), (n) => `${plural(n, 'case', 'cases')} unassigned.`));
    bulkClose.addEventListener('click', () => {
      const as = bulkClosing.value as ClosingState;
      void bulk(
        bulkClose,
        (ids) => resolveExceptions(ids, as, bulkResolution.value),
        (n) => `${plural(n, 'case', 'cases')} ${as === 'written_off' ? 'written off' : 'resolved'}.`,
      );
    });

    const changed = (): void => {
      replaceChildren(actionStatus);
      void load();
    };
    for (const [key, control] of Object.entries(selects)) {
      control.addEventListener('change', () => {
        filter[key as keyof typeof selects] = control.value;
        changed();
      });
    }
    owner.addEventListener('change', () => {
      filter.owner = owner.value.trim();
      changed();
    });
    clearFilters.addEventListener('click', () => {
      for (const k of Object.keys(filter) as (keyof typeof filter)[]) filter[k] = '';
      for (const control of Object.values(selects)) control.value = '';
      owner.value = '';
      changed();
    });
    refresh.addEventListener('click', () => {
      void load();
      void refreshExceptionCount();
    });

    // The choices for entity, account and bank come from the reference data; a failure leaves
    // the filters at "all", and the queue shows any error of its own.
    void (async () => {
      const [entities, accounts] = await Promise.allSettled([fetchEntities(), fetchAccounts()]);
      if (!alive()) return;
      if (entities.status === 'fulfilled') {
        fillSelect(entity, 'All entities', entities.value.map((en) => [en.code, en.name ? `${en.code} · ${en.name}` : en.code]));
      }
      if (accounts.status === 'fulfilled') {
        fillSelect(
          account,
          'All accounts',
          accounts.value.map((a) => [a.account, [a.account_masked, a.name, a.currency].filter(Boolean).join(' · ')]),
        );
        const banks = [...new Set(accounts.value.map((a) => a.bank).filter((b): b is string => Boolean(b)))].sort();
        fillSelect(bank, 'All banks', banks.map((b) => [b, b]));
      }
    })();

    drawBulk();
    void load();
  },
};

function filterField(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'filter' }, h('label', { for: control.id, class: 'label' }, label), control);
}

function closingSelect(id: string, testid: string): HTMLSelectElement {
  return h(
    'select',
    { id, class: 'select', 'data-testid': testid, 'aria-label': 'Close as' },
    h('option', { value: 'resolved' }, 'Resolved'),
    h('option', { value: 'written_off' }, 'Written off'),
  );
}

/** Replaces a filter's choices, keeping the chosen one even if it is no longer offered. */
function fillSelect(select: HTMLSelectElement, all: string, options: [string, string][]): void {
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '' }, all), ...options.map(([v, label]) => h('option', { value: v }, label)));
  if (chosen && !options.some(([v]) => v === chosen)) select.append(h('option', { value: chosen }, chosen));
  select.value = chosen;
}
