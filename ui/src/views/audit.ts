//! The Audit screen: the log of every money-relevant change (who, what, which subject, when),
//! filtered by user, action, subject and days, a page at a time, with its chain's check and an
//! export of everything the filters take as CSV.

import { auditVerify, exportAuditLog, fetchAuditLog, type AuditEntry, type AuditLog, type AuditQuery, type Loose } from '../api';
import { h, replaceChildren } from '../dom';
import { saveBlob } from '../download';
import { formatInstant } from '../format';
import { errorBox, type View } from './view';

/** Records per page: enough to scroll, few enough to draw at once. */
const PAGE = 100;
/** Longest subject filter accepted: an IBAN or a file name, not a paste of a document. */
const SUBJECT_CHARS_MAX = 200;

export const auditView: View = {
  title: 'Audit',
  mount(container, alive) {
    const select = (id: string, all: string): HTMLSelectElement => h('select', { id, class: 'select', 'data-testid': id }, h('option', { value: '' }, all));
    const actor = select('audit-actor', 'Everyone');
    const action = select('audit-action', 'Every action');
    const subject = h('input', { type: 'search', id: 'audit-subject', class: 'input', placeholder: 'Subject contains…', maxlength: SUBJECT_CHARS_MAX, autocomplete: 'off', 'data-testid': 'audit-subject' });
    const from = h('input', { type: 'date', id: 'audit-from', class: 'input', 'aria-label': 'From', 'data-testid': 'audit-from' });
    const to = h('input', { type: 'date', id: 'audit-to', class: 'input', 'aria-label': 'To', 'data-testid': 'audit-to' });
    const exportButton = h('button', { type: 'button', class: 'button', 'data-testid': 'audit-export' }, 'Export CSV');
    const verifyButton = h('button', { type: 'button', class: 'button', 'data-testid': 'audit-verify' }, 'Verify the chain');
    const chain = h('div', { 'aria-live': 'polite', 'data-testid': 'audit-chain' });
    const status = h('div', { class: 'status', 'aria-live': 'polite' });
    const tbody = h('tbody', { 'data-testid': 'audit-rows' });
    const more = h('button', { type: 'button', class: 'button', hidden: true, 'data-testid': 'audit-more' }, 'Older records');
    const table = h(
      'table',
      { class: 'data', 'data-testid': 'audit-table' },
      h('thead', {}, h('tr', {}, h('th', { class: 'num' }, '#'), h('th', {}, 'Recorded'), h('th', {}, 'By'), h('th', {}, 'Action'), h('th', {}, 'Subject'), h('th', {}, 'Detail'))),
      tbody,
    );

    replaceChildren(
      container,
      h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Audit'), h('p', { class: 'subtitle' }, 'Every money-relevant change, chained by hash and anchored outside the ledger: who did it, to what, and when.'))),
      h(
        'div',
        { class: 'filters' },
        actor,
        action,
        subject,
        h('label', { for: 'audit-from', class: 'label inline' }, 'From'),
        from,
        h('label', { for: 'audit-to', class: 'label inline' }, 'To'),
        to,
        exportButton,
        verifyButton,
      ),
      chain,
      status,
      table,
      more,
    );

    const query = (): Loose<AuditQuery> => ({
      actor: actor.value || null,
      action: action.value || null,
      subject: subject.value.trim() || null,
      from: from.value || null,
      to: to.value || null,
    });

    const options = (control: HTMLSelectElement, values: string[]): void => {
      const chosen = control.value;
      const first = control.options[0];
      replaceChildren(control, first, ...values.map((v) => h('option', { value: v }, v)));
      control.value = values.includes(chosen) ? chosen : '';
    };

    let asked = 0;
    const load = async (beforeId: number | null): Promise<void> => {
      asked += 1;
      const mine = asked;
      replaceChildren(status, h('span', { class: 'muted' }, 'Loading…'));
      let log: AuditLog;
      try {
        log = await fetchAuditLog({ ...query(), limit: PAGE, before_id: beforeId });
      } catch (error) {
        if (!alive() || mine !== asked) return;
        replaceChildren(status, errorBox(error));
        return;
      }
      if (!alive() || mine !== asked) return;
      options(actor, log.actors);
      options(action, log.actions);
      if (beforeId === null) replaceChildren(tbody);
      for (const entry of log.records) tbody.appendChild(row(entry));
      tbody.dataset.count = String(tbody.children.length);
      replaceChildren(status, tbody.children.length === 0 ? h('p', { class: 'muted', 'data-testid': 'audit-empty' }, 'No audit record matches these filters.') : null);
      more.hidden = log.next_before_id === null;
      more.dataset.before = log.next_before_id === null ? '' : String(log.next_before_id);
    };

    for (const control of [actor, action, from, to]) control.addEventListener('change', () => void load(null));
    let typing = 0;
    subject.addEventListener('input', () => {
      window.clearTimeout(typing);
      typing = window.setTimeout(() => void load(null), 300);
    });
    more.addEventListener('click', () => void load(Number(more.dataset.before)));
    exportButton.addEventListener('click', () => {
      exportButton.disabled = true;
      void (async () => {
        try {
          const csv = await exportAuditLog(query());
          saveBlob(new Blob([csv], { type: 'text/csv' }), 'cashline-audit.csv');
        } catch (error) {
          if (alive()) replaceChildren(status, errorBox(error));
        } finally {
          exportButton.disabled = false;
        }
      })();
    });
    verifyButton.addEventListener('click', () => {
      verifyButton.disabled = true;
      void (async () => {
        try {
          const report = await auditVerify();
          if (!alive()) return;
          replaceChildren(
            chain,
            report.ok
              ? h('div', { class: 'notice ok', 'data-testid': 'audit-chain-ok' }, `The chain verifies: ${report.records} records${report.anchored ? ', as many as its anchor counts' : ''}.`)
              : h('div', { class: 'notice warn', 'data-testid': 'audit-chain-bad' }, `The chain does NOT verify: ${report.problem ?? 'it was changed'}`),
          );
        } catch (error) {
          if (alive()) replaceChildren(chain, errorBox(error));
        } finally {
          verifyButton.disabled = false;
        }
      })();
    });
    void load(null);
  },
};

function row(entry: AuditEntry): HTMLTableRowElement {
  const detail = JSON.stringify(entry.detail);
  return h(
    'tr',
    { 'data-testid': 'audit-row', 'data-action': entry.action },
    h('td', { class: 'num' }, String(entry.id)),
    h('td', { class: 'nowrap' }, formatInstant(entry.recorded_at)),
    h('td', {}, entry.actor),
    h('td', { class: 'mono' }, entry.action),
    h('td', {}, entry.subject),
    h('td', { class: 'mono detail', title: detail }, detail.length > 160 ? `${detail.slice(0, 160)}…` : detail),
  );
}
