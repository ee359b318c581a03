//! The Payments screen: the runs as a lifecycle funnel, what needs action, the payments list with its filters and approval of the ones ticked, and a payment opened to its timeline with its release and cancel; the service enforces four eyes and its refusals are shown as they come.

import {
  approvePayments,
  cancelPayment,
  fetchApprovalLimits,
  fetchExceptions,
  fetchPaymentExports,
  fetchPaymentRuns,
  fetchPayment,
  fetchPaymentsPage,
  fetchPaymentsWhere,
  releasePayment,
  type ApprovalLimit,
  type ExceptionCase,
  type Payment,
  type PaymentExport,
  type PaymentRun,
} from '../api';
import { h, replaceChildren } from '../dom';
import { formatMoney, humanize, maskAccount, plural } from '../format';
import { refreshExceptionCount } from '../nav';
import { needsActionCard } from './payments-action';
import { PAYMENT_CASE_KINDS, PAYMENT_STATES, reasonInWords, stateBadge } from './payments-common';
import { detailPanel, overdueBadge, type DetailActions } from './payments-detail';
import { exportCard } from './payments-export';
import { sendCard } from './payments-send';
import { funnelCard } from './payments-funnel';
import { errorBox, latestLoader, moneyCell, pageHead, type View } from './view';

/** Rows drawn at most; the rest are counted and the filters narrow them. */
const ROWS_SHOWN_MAX = 1000;
/** Payments one approval may carry, as many as the list shows. */
const APPROVE_IDS_MAX = ROWS_SHOWN_MAX;
/** The longest creditor search accepted as typed. */
const SEARCH_CHARS_MAX = 100;

/** The filters chosen, kept while the window lives; the service applies every one. */
const filter = { state: '', run: '', debtor: '', overdue: false, creditor: '', from: '', to: '' };
/** The payment opened to its timeline, by id. */
let openedId: string | null = null;

export const paymentsView: View = {
  title: 'Payments',
  mount(container, alive) {
    const refresh = h('button', { type: 'button', class: 'button', 'data-testid': 'payments-refresh' }, 'Refresh');
    const subtitle = h('p', { class: 'subtitle', 'data-testid': 'payments-count' });
    const overviewStatus = h('div', { class: 'status', 'aria-live': 'polite' });
    const overviewBody = h('div', {});
    const status = h('div', { class: 'status', 'aria-live': 'polite', 'data-testid': 'payments-status' });
    const body = h('div', {});

    // ---------------------------------------------------------------------------------------
    // Filters.

    const state = h(
      'select',
      { id: 'payments-state', class: 'select', 'data-testid': 'payments-state' },
      h('option', { value: '' }, 'All states'),
      ...PAYMENT_STATES.map((s) => h('option', { value: s }, humanize(s))),
    );
    const run = h('select', { id: 'payments-run', class: 'select', 'data-testid': 'payments-run-select' }, h('option', { value: '' }, 'All runs'));
    if (filter.run) run.append(h('option', { value: filter.run }, `Run ${filter.run}`));
    const debtor = h('select', { id: 'payments-debtor', class: 'select', 'data-testid': 'payments-debtor' }, h('option', { value: '' }, 'All accounts'));
    if (filter.debtor) debtor.append(h('option', { value: filter.debtor }, maskAccount(filter.debtor)));
    const overdue = h('input', { type: 'checkbox', id: 'payments-overdue', 'data-testid': 'payments-overdue' });
    const creditor = h('input', {
      type: 'search',
      id: 'payments-creditor',
      class: 'input',
      placeholder: 'Name or IBAN',
      maxlength: SEARCH_CHARS_MAX,
      autocomplete: 'off',
      'data-testid': 'payments-creditor',
    });
    const from = h('input', { type: 'date', id: 'payments-from', 'data-testid': 'payments-from' });
    const to = h('input', { type: 'date', id: 'payments-to', 'data-testid': 'payments-to' });
    state.value = filter.state;
    run.value = filter.run;
    debtor.value = filter.debtor;
    overdue.checked = filter.overdue;
    creditor.value = filter.creditor;
    from.value = filter.from;
    to.value = filter.to;
    const clearFilters = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'payments-clear-filters' }, 'Clear filters');

    // ---------------------------------------------------------------------------------------
    // Approval of the payments ticked.

    const selected = new Set<string>();
    const selectedCount = h('span', { class: 'bulk-count', 'data-testid': 'payments-selected-count' });
    const approveButton = h('button', { type: 'button', class: 'button primary', 'data-testid': 'payments-approve' }, 'Approve');
    const limitsHint = h('span', { class: 'hint', 'data-testid': 'payments-limits' });
    const bulkStatus = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'payments-approve-status' });
    const bulkBar = h(
      'div',
      { class: 'bulk-bar', 'data-testid': 'payments-bulk', role: 'group', 'aria-label': 'Approve the payments ticked' },
      selectedCount,
      approveButton,
      limitsHint,
    );

    const funnel = funnelCard((chosen) => {
      filter.run = chosen === null ? '' : String(chosen);
      run.value = filter.run;
      funnel.choose(chosen);
      changed();
    });
    const needs = needsActionCard({
      open: (id) => openPayment(id),
      release: (button, payment) => void act(button, payment.id, needs.status, () => releasePayment(payment.id), `Payment ${payment.id} released: it can be approved now.`),
    });

    const bankFiles = exportCard(() => void reloadAll());
    const bankApi = sendCard(() => void reloadAll());

    replaceChildren(
      container,
      pageHead('Payments', subtitle, [refresh]),
      overviewStatus,
      overviewBody,
      funnel.element,
      needs.element,
      bankFiles.element,
      bankApi.element,
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'payments-list-title' },
        h('h2', { id: 'payments-list-title' }, 'Payments'),
        h(
          'div',
          { class: 'filters', role: 'search', 'aria-label': 'Filter the payments' },
          filterField('State', state),
          filterField('Run', run),
          filterField('Debtor account', debtor),
          filterField('Creditor', creditor),
          filterField('Requested from', from),
          filterField('to', to),
          h('div', { class: 'filter check-filter' }, h('label', { for: 'payments-overdue' }, overdue, ' Overdue only')),
          clearFilters,
        ),
        bulkBar,
        bulkStatus,
        status,
        body,
      ),
    );

    // ---------------------------------------------------------------------------------------
    // What the screen knows: runs, every payment (for what needs action) and the words of open cases.

    let runs: PaymentRun[] = [];
    let shown: Payment[] = [];
    /** The words of each open payment case by its subject, which the payment carries. */
    const caseDetails = new Map<string, string>();
    const detailOf = (subject: string): string | null => caseDetails.get(subject) ?? null;
    const runName = (id: number): string | null => runs.find((r) => r.id === id)?.name || null;
    /** The outcome of the last action on a payment, shown in its panel once it is drawn again. */
    const flash = new Map<string, HTMLElement>();

    const loadOverview = latestLoader({
      alive,
      status: overviewStatus,
      body: overviewBody,
      loading: 'Loading runs…',
      fetch: async () => {
        const [runList, all, cases, limits, exports] = await Promise.all([
          fetchPaymentRuns(),
          fetchPaymentsWhere({ needs_action: true }),
          Promise.all(PAYMENT_CASE_KINDS.map((kind) => fetchExceptions({ kind }))),
          fetchApprovalLimits(),
          fetchPaymentExports(),
        ]);
        return { runList, all, cases: cases.flat(), limits, exports };
      },
      show: ({
        runList,
        all,
        cases,
        limits,
        exports,
      }: {
        runList: PaymentRun[];
        all: Payment[];
        cases: ExceptionCase[];
        limits: ApprovalLimit[];
        exports: PaymentExport[];
      }) => {
        const inState = (state: string): number => runList.reduce((n, r) => n + r.states.filter((s) => s.state === state).reduce((m, s) => m + s.count, 0), 0);
        bankFiles.show(exports, inState('approved'));
        bankApi.show();
        runs = runList;
        caseDetails.clear();
        for (const c of cases) if ((c.state === 'open' || c.state === 'in_progress') && c.detail) caseDetails.set(c.subject, c.detail);
        funnel.show(runs, filter.run === '' ? null : Number(filter.run));
        fillRuns();
        needs.show(all, detailOf);
        const total = runList.reduce((n, r) => n + r.payments, 0);
        subtitle.textContent = `${plural(total, 'payment', 'payments')} in ${plural(runs.length, 'run', 'runs')}`;
        limitsHint.textContent =
          limits.length === 0
            ? 'Someone other than the preparer approves.'
            : `Someone other than the preparer approves; two people above ${limits.map((l) => `${formatMoney(l.amount)} ${l.currency}`).join(', ')}.`;
      },
    });

    const loadList = latestLoader({
      alive,
      status,
      body,
      loading: 'Loading payments…',
      // Every filter goes to the service, which reads the timelines of the rows drawn only.
      fetch: () =>
        fetchPaymentsPage({
          state: filter.state || null,
          run: filter.run === '' ? null : Number(filter.run),
          debtor: filter.debtor || null,
          overdue: filter.overdue ? true : null,
          creditor: filter.creditor || null,
          from: filter.from || null,
          to: filter.to || null,
          limit: ROWS_SHOWN_MAX,
        }),
      show: ({ payments, matching }: { payments: Payment[]; matching: number }) => {
        fillDebtors(payments);
        shown = payments;
        drawTable(matching);
        drawBulk();
      },
    });

    function fillRuns(): void {
      const chosen = run.value;
      run.replaceChildren(
        h('option', { value: '' }, 'All runs'),
        ...runs.map((r) => h('option', { value: String(r.id) }, `${r.name || `Run ${r.id}`} (#${r.id})`)),
      );
      if (chosen && !runs.some((r) => String(r.id) === chosen)) run.append(h('option', { value: chosen }, `Run ${chosen}`));
      run.value = chosen;
    }

    /** The company's accounts the payments are paid from, as the list's choices: every one seen in a list so far. */
    const debtorsSeen = new Set<string>();
    function fillDebtors(listed: Payment[]): void {
      const before = debtorsSeen.size;
      for (const p of listed) debtorsSeen.add(p.debtor_iban);
      if (debtorsSeen.size === before && debtor.options.length > 1) return;
      const chosen = debtor.value;
      const accounts = [...debtorsSeen].sort();
      debtor.replaceChildren(h('option', { value: '' }, 'All accounts'), ...accounts.map((a) => h('option', { value: a }, maskAccount(a))));
      if (chosen && !accounts.includes(chosen)) debtor.append(h('option', { value: chosen }, maskAccount(chosen)));
      debtor.value = chosen;
    }

    function isFiltered(): boolean {
      return filter.state !== '' || filter.run !== '' || filter.debtor !== '' || filter.overdue || filter.creditor !== '' || filter.from !== '' || filter.to !== '';
    }

    function drawTable(matching: number): void {
      body.dataset.count = String(matching);
      if (shown.length === 0) {
        replaceChildren(
          body,
          h(
            'div',
            { class: 'empty', 'data-testid': 'payments-empty' },
            isFiltered() ? 'No payments match these filters.' : 'No payments yet. Import a payment run (the CSV of the ERP or its pain.001) with “cashline payments import FILE”.',
          ),
        );
        return;
      }
      const approvable = shown.filter(isApprovable);
      const all = h('input', { type: 'checkbox', 'data-testid': 'payments-select-all', 'aria-label': 'Tick every validated payment shown' });
      all.disabled = approvable.length === 0;
      all.checked = approvable.length > 0 && approvable.every((p) => selected.has(p.id));
      all.addEventListener('change', () => {
        for (const p of approvable) {
          if (all.checked) selected.add(p.id);
          else selected.delete(p.id);
        }
        for (const box of Array.from(body.querySelectorAll<HTMLInputElement>('[data-testid="payment-select"]'))) box.checked = all.checked;
        drawBulk();
      });
      // A redraw after an action must not take the keyboard user's place away: the row that
      // had the focus gets it back once the table is drawn again.
      const active = document.activeElement;
      const focusedId = active instanceof HTMLElement && active.dataset.testid === 'payment-row' && body.contains(active) ? active.dataset.id : undefined;
      const tbody = h('tbody', {});
      for (const p of shown) tbody.append(...paymentRows(p, tbody));
      replaceChildren(
        body,
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data payments', 'data-testid': 'payments-table' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', { scope: 'col', class: 'check-cell' }, all),
                h('th', { scope: 'col' }, 'Payment'),
                h('th', { scope: 'col' }, 'Creditor'),
                h('th', { scope: 'col', class: 'num' }, 'Amount'),
                h('th', { scope: 'col' }, 'Ccy'),
                h('th', { scope: 'col' }, 'Requested'),
                h('th', { scope: 'col' }, 'State'),
                h('th', { scope: 'col' }, 'Reason'),
              ),
            ),
            tbody,
          ),
        ),
        matching > ROWS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing ${ROWS_SHOWN_MAX} of ${matching}; narrow the filters to see the others.`) : null,
      );
      if (focusedId !== undefined) tbody.querySelector<HTMLElement>(`[data-testid="payment-row"][data-id="${CSS.escape(focusedId)}"]`)?.focus();
    }

    /** A payment's row, and its detail row when it is the one opened. */
    function paymentRows(p: Payment, tbody: HTMLElement): HTMLTableRowElement[] {
      const held = p.cases.some((c) => c.kind === 'payment_duplicate');
      const approvable = isApprovable(p);
      const box = h('input', {
        type: 'checkbox',
        'data-testid': 'payment-select',
        'aria-label': approvable
          ? `Tick payment ${p.id} for approval`
          : held
            ? `Payment ${p.id} is held as a possible duplicate: release or cancel it first`
            : `Payment ${p.id} is ${humanize(p.status).toLowerCase()}, not waiting for approval`,
        title: held ? 'Held as a possible duplicate: release or cancel it first' : null,
        disabled: !approvable,
      });
      box.checked = approvable && selected.has(p.id);
      box.addEventListener('change', () => {
        if (box.checked) selected.add(p.id);
        else selected.delete(p.id);
        drawBulk();
      });
      const opened = p.id === openedId;
      const reason = reasonInWords(p);
      const row = h(
        'tr',
        {
          'data-testid': 'payment-row',
          'data-id': p.id,
          'data-status': p.status,
          'data-run': p.run === null ? '' : String(p.run),
          'data-overdue': String(p.overdue),
          class: `selectable${opened ? ' selected' : ''}`,
          tabindex: 0,
          'aria-expanded': String(opened),
          title: 'Open the payment’s timeline',
        },
        h('td', { class: 'check-cell' }, box),
        h('td', { 'data-field': 'id' }, h('span', { class: 'strong' }, p.id), p.reference ? h('span', { class: 'sub' }, p.reference) : null),
        h('td', { 'data-field': 'creditor', class: 'wrap' }, p.creditor_name),
        moneyCell('amount', p.amount),
        h('td', { 'data-field': 'currency' }, p.currency),
        h('td', { 'data-field': 'requested_date' }, p.requested_date),
        h(
          'td',
          {},
          stateBadge(p.status),
          p.overdue ? overdueBadge() : null,
          held ? h('span', { class: 'badge warn', 'data-testid': 'payment-held', title: 'Held as a possible duplicate' }, 'Held') : null,
        ),
        h('td', { 'data-field': 'reason', class: reason ? 'wrap' : 'muted' }, reason ?? '—'),
      );
      const toggle = (): void => {
        openedId = openedId === p.id ? null : p.id;
        for (const other of Array.from(tbody.querySelectorAll('tr.detail-row'))) other.remove();
        for (const other of Array.from(tbody.querySelectorAll<HTMLElement>('[data-testid="payment-row"]'))) {
          const mine = other.dataset.id === openedId;
          other.classList.toggle('selected', mine);
          other.setAttribute('aria-expanded', String(mine));
        }
        if (openedId === p.id) row.after(detailRow(p.id));
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
      return opened ? [row, detailRow(p.id)] : [row];
    }

    /** The row under a payment holding its panel, loaded on open with every event. */
    function detailRow(id: string): HTMLTableRowElement {
      const cell = h('td', { colspan: 8 }, h('div', { class: 'status' }, 'Loading the payment…'));
      const row = h('tr', { class: 'detail-row' }, cell);
      void showDetail(cell, id);
      return row;
    }

    async function showDetail(cell: HTMLElement, id: string): Promise<void> {
      let payment: Payment;
      try {
        payment = await fetchPayment(id);
      } catch (error) {
        if (!alive() || openedId !== id) return;
        replaceChildren(cell, errorBox(error));
        return;
      }
      if (!alive() || openedId !== id) return;
      const notice = flash.get(id) ?? null;
      flash.delete(id);
      replaceChildren(cell, detailPanel(payment, detailActions, notice, detailOf, runName));
    }

    const detailActions: DetailActions = {
      approve: (button, p) => void act(button, p.id, null, () => approvePayments([p.id]), approvedText([p.id])),
      release: (button, p) => void act(button, p.id, null, () => releasePayment(p.id), `Released: payment ${p.id} can be approved now.`),
      cancel: (button, p, reason) => void act(button, p.id, null, () => cancelPayment(p.id, reason), `Payment ${p.id} cancelled.`),
    };

    function approvedText(ids: string[]): string {
      return ids.length === 1 ? `Approval of payment ${ids[0]} recorded.` : `Approval of ${ids.length} payments recorded.`;
    }

    /**
     * Runs one action on a payment, then reloads everything: a refusal is recorded on the
     * payment's timeline too. The outcome goes to `target`, or into the payment's panel when it is
     * the one opened (and above the list if the filters no longer show it).
     */
    async function act(button: HTMLButtonElement, id: string, target: HTMLElement | null, action: () => Promise<unknown>, done: string): Promise<void> {
      button.disabled = true;
      let outcome: HTMLElement;
      try {
        await action();
        outcome = h('div', { class: 'notice ok', role: 'status', 'data-testid': 'payment-done' }, done);
      } catch (error) {
        outcome = errorBox(error);
      }
      if (!alive()) return;
      button.disabled = false;
      if (target) replaceChildren(target, outcome);
      else if (openedId === id) flash.set(id, outcome);
      else replaceChildren(bulkStatus, outcome);
      await reloadAll();
      if (!alive()) return;
      if (!target && flash.has(id) && !shown.some((p) => p.id === id)) {
        // The panel is not drawn again: the payment left the list under these filters.
        const left = flash.get(id);
        flash.delete(id);
        replaceChildren(bulkStatus, left);
      }
    }

    async function reloadAll(): Promise<void> {
      void refreshExceptionCount();
      await Promise.all([loadOverview(), loadList()]);
    }

    function drawBulk(): void {
      for (const id of [...selected]) if (!shown.some((p) => p.id === id && isApprovable(p))) selected.delete(id);
      const n = selected.size;
      selectedCount.textContent = n === 0 ? 'No payment ticked' : `${plural(n, 'payment', 'payments')} ticked`;
      selectedCount.dataset.count = String(n);
      approveButton.disabled = n === 0 || n > APPROVE_IDS_MAX;
      bulkBar.classList.toggle('active', n > 0);
    }

    approveButton.addEventListener('click', () => {
      const ids = [...selected];
      void (async () => {
        approveButton.disabled = true;
        replaceChildren(bulkStatus, h('span', { class: 'muted' }, 'Saving…'));
        let outcome: HTMLElement;
        try {
          await approvePayments(ids);
          outcome = h('div', { class: 'notice ok', role: 'status', 'data-testid': 'payment-done' }, approvedText(ids));
          selected.clear();
        } catch (error) {
          outcome = errorBox(error);
        }
        if (!alive()) return;
        replaceChildren(bulkStatus, outcome);
        await reloadAll();
      })();
    });

    /** Opens a payment from "Needs action": the filters are cleared if they hide it. */
    function openPayment(id: string): void {
      openedId = id;
      void (async () => {
        if (!shown.some((p) => p.id === id)) {
          resetFilters();
          await loadList();
        } else {
          await loadList();
        }
        if (!alive()) return;
        const row = body.querySelector<HTMLElement>(`[data-testid="payment-row"][data-id="${CSS.escape(id)}"]`);
        row?.scrollIntoView({ block: 'start' });
        row?.focus();
      })();
    }

    function resetFilters(): void {
      Object.assign(filter, { state: '', run: '', debtor: '', overdue: false, creditor: '', from: '', to: '' });
      state.value = '';
      run.value = '';
      debtor.value = '';
      overdue.checked = false;
      creditor.value = '';
      from.value = '';
      to.value = '';
      funnel.choose(null);
    }

    const changed = (): void => {
      replaceChildren(bulkStatus);
      void loadList();
    };
    state.addEventListener('change', () => {
      filter.state = state.value;
      changed();
    });
    run.addEventListener('change', () => {
      filter.run = run.value;
      funnel.choose(filter.run === '' ? null : Number(filter.run));
      changed();
    });
    debtor.addEventListener('change', () => {
      filter.debtor = debtor.value;
      changed();
    });
    overdue.addEventListener('change', () => {
      filter.overdue = overdue.checked;
      changed();
    });
    creditor.addEventListener('input', () => {
      filter.creditor = creditor.value.trim();
      changed();
    });
    for (const [key, control] of [['from', from], ['to', to]] as const) {
      control.addEventListener('change', () => {
        filter[key] = control.value;
        changed();
      });
    }
    clearFilters.addEventListener('click', () => {
      resetFilters();
      changed();
    });
    refresh.addEventListener('click', () => {
      replaceChildren(bulkStatus);
      replaceChildren(needs.status);
      void reloadAll();
    });

    drawBulk();
    void loadOverview();
    void loadList();
  },
};

/** Waiting for an approval and not held as a possible duplicate. */
function isApprovable(p: Payment): boolean {
  return p.status === 'validated' && !p.cases.some((c) => c.kind === 'payment_duplicate');
}

function filterField(label: string, control: HTMLElement): HTMLElement {
  return h('div', { class: 'filter' }, h('label', { for: control.id, class: 'label' }, label), control);
}
