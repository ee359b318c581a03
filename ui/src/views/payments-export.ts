//! The Payments screen's bank files: the approved, unsent payments written as one pain.001 for the bank (each payment is in one file only, the service sees to it), and every file written so far, to save again byte for byte after a lost upload.

import { EXPORT_FORMATS, exportPayments, fetchPaymentExportDocument, type PaymentExport } from '../api';
import { h, replaceChildren } from '../dom';
import { saveBlob } from '../download';
import { formatInstant, plural } from '../format';
import { errorBox } from './view';

/** Files listed at most; the newest come first. */
const EXPORTS_SHOWN_MAX = 50;

export interface ExportCard {
  element: HTMLElement;
  /** Draws the files written so far. */
  show(exports: PaymentExport[], approvedUnsent: number): void;
}

/** The card; `exported` runs after a file is written, to draw the payments (now sent) again. */
export function exportCard(exported: () => void): ExportCard {
  const format = h(
    'select',
    { id: 'payments-export-format', class: 'select', 'data-testid': 'payments-export-format' },
    ...EXPORT_FORMATS.map((f) => h('option', { value: f }, f)),
  );
  const button = h('button', { type: 'button', class: 'button primary', 'data-testid': 'payments-export' }, 'Write the bank file');
  const waiting = h('span', { class: 'hint', 'data-testid': 'payments-export-waiting' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite', 'data-testid': 'payments-export-status' });
  const list = h('div', { class: 'table-scroll', 'data-testid': 'payments-exports' });
  const element = h(
    'section',
    { class: 'card', 'aria-labelledby': 'payments-export-title' },
    h('h2', { id: 'payments-export-title' }, 'Bank files'),
    h(
      'p',
      { class: 'hint' },
      'The approved payments not yet sent, written as one pain.001 for the bank, grouped by account and date. They count as sent from then on; a payment is never in two files.',
    ),
    h('div', { class: 'filters' }, h('div', { class: 'filter' }, h('label', { for: 'payments-export-format' }, 'Format'), format), button, waiting),
    status,
    list,
  );

  button.addEventListener('click', () => {
    button.disabled = true;
    replaceChildren(status, 'Writing…');
    exportPayments(format.value)
      .then((done) => {
        const finished = done.finished.length > 0 ? ` An interrupted export was finished too: ${done.finished.join(', ')}.` : '';
        const text =
          done.file === null
            ? `No approved payment waits to be sent.${finished}`
            : `${plural(done.payments, 'payment', 'payments')} written to ${done.file} (message ${done.message_id ?? ''}).${finished}`;
        replaceChildren(status, h('span', { class: 'ok', 'data-testid': 'payments-export-done' }, text));
        exported();
      })
      .catch((error: unknown) => replaceChildren(status, errorBox(error)))
      .finally(() => {
        button.disabled = false;
      });
  });

  const show = (exports: PaymentExport[], approvedUnsent: number): void => {
    waiting.textContent = approvedUnsent === 0 ? 'No approved payment waits to be sent.' : `${plural(approvedUnsent, 'approved payment waits', 'approved payments wait')} to be sent.`;
    list.dataset.count = String(exports.length);
    if (exports.length === 0) {
      replaceChildren(list, h('p', { class: 'muted', 'data-testid': 'payments-exports-empty' }, 'No bank file written yet.'));
      return;
    }
    replaceChildren(
      list,
      h(
        'table',
        { class: 'data' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', { scope: 'col' }, 'Message'),
            h('th', { scope: 'col' }, 'Format'),
            h('th', { scope: 'col', class: 'num' }, 'Payments'),
            h('th', { scope: 'col' }, 'Written'),
            h('th', { scope: 'col' }, 'File'),
            h('th', { scope: 'col' }, ''),
          ),
        ),
        h('tbody', {}, ...exports.slice(0, EXPORTS_SHOWN_MAX).map((e) => exportRow(e, status))),
      ),
      exports.length > EXPORTS_SHOWN_MAX ? h('p', { class: 'muted' }, `Showing the newest ${EXPORTS_SHOWN_MAX} of ${exports.length} files.`) : null,
    );
  };

  return { element, show };
}

function exportRow(e: PaymentExport, status: HTMLElement): HTMLTableRowElement {
  const save = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'payments-export-save', title: 'The same bytes as the first time, for a lost upload' }, 'Save again');
  save.addEventListener('click', () => {
    save.disabled = true;
    fetchPaymentExportDocument(e.message_id)
      .then((doc) => {
        saveBlob(new Blob([doc.document], { type: 'application/xml' }), doc.file_name);
        replaceChildren(status, h('span', { class: 'ok' }, `${doc.file_name} saved again (message ${doc.message_id}).`));
      })
      .catch((error: unknown) => replaceChildren(status, errorBox(error)))
      .finally(() => {
        save.disabled = false;
      });
  });
  return h(
    'tr',
    { 'data-testid': 'payments-export-row', 'data-message': e.message_id },
    h('td', {}, e.message_id, h('span', { class: 'sub' }, `by ${e.created_by}`)),
    h('td', {}, e.format),
    h('td', { class: 'num' }, String(e.payments)),
    h('td', {}, e.written_at === null ? h('span', { class: 'badge warn' }, 'Interrupted: the next export finishes it') : formatInstant(e.written_at)),
    h('td', { class: 'file-name', title: e.file_name }, e.file_name.split(/[\\/]/).pop() ?? e.file_name),
    h('td', {}, save),
  );
}
