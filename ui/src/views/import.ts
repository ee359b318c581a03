//! The Import screen: pick or drop many statement files, watch each one upload and import in turn, and read each file's result.

import { fetchCsvMappings, type ImportedFile } from '../api';
import { h, replaceChildren } from '../dom';
import { formatBytes, plural } from '../format';
import {
  batchProgress,
  clearFinished,
  enqueueFiles,
  isFinished,
  needsCsvMapping,
  retryWithMapping,
  uploadList,
  watchUploads,
  type Upload,
  type UploadChange,
} from '../uploads';
import { mapFileOfUpload } from './csv-mappings';
import { type View } from './view';

/** Columns of the results table; detail rows span them all. */
const COLUMNS = 10;

interface DrawnUpload {
  /** What the rows were drawn from; they are redrawn when it changes. */
  key: string;
  rows: HTMLTableRowElement[];
  bar: ProgressBar;
  badge: HTMLElement;
}

export const importView: View = {
  title: 'Import',
  mount(container, alive) {
    const input = h('input', {
      type: 'file',
      multiple: true,
      id: 'import-input',
      class: 'visually-hidden',
      'data-testid': 'import-input',
    });
    const choose = h('button', { type: 'button', class: 'button primary' }, 'Choose files…');
    const zone = h(
      'div',
      { class: 'drop-zone', 'data-testid': 'drop-zone' },
      h('p', { class: 'drop-title' }, 'Drop bank statement files here'),
      h('p', { class: 'muted' }, 'camt.052 / 053 / 054, MT940 / MT942, BAI2, pain.002, OFX, CSV — many at once; they are sent one after the other'),
      choose,
      input,
    );
    const overall = h('div', { class: 'overall', 'data-testid': 'import-overall', 'aria-live': 'polite' });
    const clear = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'import-clear' }, 'Clear list');
    const empty = h('p', { class: 'muted', 'data-testid': 'import-empty' }, 'No files imported in this window yet.');
    const tbody = h('tbody', {});
    const table = h(
      'table',
      { class: 'data import-table', 'data-testid': 'import-table' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'File'),
          h('th', { scope: 'col', class: 'num' }, 'Size'),
          h('th', { scope: 'col' }, 'Progress'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col' }, 'Format'),
          h('th', { scope: 'col', class: 'num' }, 'Statements'),
          h('th', { scope: 'col', class: 'num' }, 'Entries'),
          h('th', { scope: 'col', class: 'num', title: 'Entries Cashline did not have before' }, 'New'),
          h('th', { scope: 'col', class: 'num', title: 'Pending (intraday) entries now booked by this file' }, 'Promoted'),
          h('th', { scope: 'col', class: 'num', title: 'Entries Cashline already had from an earlier file' }, 'Duplicates'),
        ),
      ),
      tbody,
    );

    replaceChildren(
      container,
      h(
        'div',
        { class: 'page-head' },
        h(
          'div',
          {},
          h('h1', {}, 'Import'),
          h('p', { class: 'subtitle' }, 'Each file is imported whole or not at all; a file imported before is reported as a duplicate.'),
        ),
      ),
      zone,
      h('section', { class: 'card', 'data-testid': 'import-results' }, h('div', { class: 'section-head' }, h('h2', {}, 'Files'), clear), overall, empty, table),
    );

    choose.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      enqueueFiles(Array.from(input.files ?? []));
      // Cleared so choosing the same file again fires `change` again.
      input.value = '';
    });

    let depth = 0;
    zone.addEventListener('dragenter', (event) => {
      event.preventDefault();
      depth += 1;
      zone.classList.add('over');
    });
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
    });
    zone.addEventListener('dragleave', () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) zone.classList.remove('over');
    });
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      depth = 0;
      zone.classList.remove('over');
      enqueueFiles(Array.from(event.dataTransfer?.files ?? []));
    });
    clear.addEventListener('click', () => clearFinished());

    /** Names of the saved CSV mappings, for the "read it with" select; null until known. */
    let mappingNames: string[] | null = null;
    const drawn = new Map<number, DrawnUpload>();

    const drawUpload = (upload: Upload): DrawnUpload => {
      // The mapping list not yet read (null) and read empty ([]) draw differently: the offer to
      // create a mapping appears once the list is known, even when the file's answer came first.
      const names = mappingNames === null ? 'unread' : `read:${mappingNames.join('\u0000')}`;
      const key = `${upload.state}|${upload.results.length}|${upload.csvMapping ?? ''}|${needsCsvMapping(upload) ? names : ''}`;
      const before = drawn.get(upload.id);
      if (before && before.key === key) return before;
      const next = { key, ...uploadRows(upload, mappingNames) };
      drawn.set(upload.id, next);
      return next;
    };

    const drawList = (): void => {
      const list = uploadList();
      const rows: HTMLTableRowElement[] = [];
      const shown = new Set<number>();
      for (const upload of list) {
        rows.push(...drawUpload(upload).rows);
        shown.add(upload.id);
      }
      for (const id of Array.from(drawn.keys())) if (!shown.has(id)) drawn.delete(id);
      tbody.replaceChildren(...rows);
      table.hidden = list.length === 0;
      empty.hidden = list.length > 0;
      drawOverall();
    };

    const drawOverall = (): void => {
      const list = uploadList();
      const progress = batchProgress();
      clear.disabled = !list.some(isFinished);
      if (list.length === 0) {
        replaceChildren(overall);
        return;
      }
      const bar = new ProgressBar('import-overall-bar', 'All files');
      bar.set(progress.total === 0 ? 'done' : progress.running ? 'uploading' : 'done', progress.total === 0 ? 1 : progress.finished / progress.total);
      const line = h(
        'p',
        { class: 'overall-line', 'data-testid': 'import-overall-line', 'data-finished': progress.finished, 'data-total': progress.total },
        `${progress.finished} of ${plural(progress.total, 'file', 'files')}`,
        progress.running ? (progress.current ? ` · importing ${progress.current.name}…` : ' · starting…') : ' · done',
      );
      replaceChildren(overall, h('div', { class: 'overall-row' }, line, bar.element), progress.running ? null : summary(list));
    };

    const onChange = (change: UploadChange): void => {
      if (!alive()) {
        stop();
        return;
      }
      if (change.kind === 'progress') {
        drawn.get(change.upload.id)?.bar.setFromUpload(change.upload);
        const current = drawn.get(change.upload.id);
        if (current) current.badge.textContent = statusText(change.upload);
        return;
      }
      drawList();
    };
    const stop = watchUploads(onChange);
    drawList();

    void fetchCsvMappings()
      .then((mappings) => {
        if (!alive()) return;
        mappingNames = mappings.map((m) => m.name);
        drawList();
      })
      .catch(() => {
        // Without the list the "read it with" choice is left out; creating a mapping still works.
        if (!alive()) return;
        mappingNames = [];
        drawList();
      });
  },
};

function summary(list: readonly Upload[]): HTMLElement {
  const results = list.flatMap((u) => (u.state === 'done' ? u.results : []));
  const imported = results.filter((r) => r.status === 'imported').length;
  const duplicate = results.filter((r) => r.status === 'duplicate').length;
  const failed = results.filter((r) => r.status === 'failed').length + list.filter((u) => u.state === 'failed').length;
  const exceptions = results.reduce((sum, r) => sum + r.exceptions.length, 0);
  return h(
    'p',
    { class: 'summary', 'data-testid': 'import-summary' },
    `${plural(imported, 'file', 'files')} imported, ${duplicate} duplicate, ${failed} failed`,
    exceptions > 0 ? `, ${plural(exceptions, 'exception', 'exceptions')} opened. ` : '. ',
    imported > 0 ? h('a', { href: '#/positions', 'data-testid': 'import-to-positions' }, 'See the updated positions →') : null,
    exceptions > 0 ? ' ' : null,
    exceptions > 0 ? h('a', { href: '#/exceptions', 'data-testid': 'import-to-exceptions' }, 'Review the exceptions →') : null,
  );
}

// ---------------------------------------------------------------------------------------------
// Rows.

const STATUS_LABELS: Record<string, string> = {
  imported: 'Imported',
  duplicate: 'Duplicate',
  failed: 'Failed',
  queued: 'Waiting',
  uploading: 'Uploading',
  processing: 'Importing…',
};

function statusText(upload: Upload): string {
  if (upload.state === 'uploading' && upload.sentFraction !== null) {
    return `Uploading ${Math.floor(upload.sentFraction * 100)} %`;
  }
  return STATUS_LABELS[upload.state] ?? upload.state;
}

function uploadRows(upload: Upload, mappingNames: string[] | null): Omit<DrawnUpload, 'key'> {
  const bar = new ProgressBar('import-progress', `Import of ${upload.name}`);
  bar.setFromUpload(upload);
  const rows: HTMLTableRowElement[] = [];

  if (upload.state === 'done' && upload.results.length > 0) {
    const badges: HTMLElement[] = [];
    for (const [index, result] of upload.results.entries()) {
      const statusBadge = h('span', { class: `badge status-${result.status}` }, STATUS_LABELS[result.status] ?? result.status);
      badges.push(statusBadge);
      rows.push(resultRow(upload, result, index === 0 ? bar.element : null, statusBadge));
      const detail = detailRow(upload, result, index === 0 && needsCsvMapping(upload) ? mappingNames : null);
      if (detail) rows.push(detail);
    }
    return { rows, bar, badge: badges[0] ?? h('span') };
  }

  const status = upload.state === 'failed' ? 'failed' : upload.state;
  const badge = h('span', { class: `badge status-${status}`, 'data-testid': 'import-status' }, statusText(upload));
  rows.push(
    h(
      'tr',
      { 'data-testid': 'import-result', 'data-status': status, 'data-file': upload.name, 'data-code': upload.errorCode },
      h('td', { 'data-field': 'file', class: 'wrap' }, upload.name, mappingNote(upload)),
      h('td', { 'data-field': 'size', class: 'num muted' }, formatBytes(upload.sizeBytes)),
      h('td', { 'data-field': 'progress' }, bar.element),
      h('td', { 'data-field': 'status' }, badge),
      h('td', { 'data-field': 'format', class: 'mono' }, '—'),
      ...['statements', 'entries', 'new_entries', 'promoted_entries', 'duplicate_entries'].map((field) =>
        h('td', { 'data-field': field, class: 'num' }, ''),
      ),
    ),
  );
  if (upload.error) {
    rows.push(
      h(
        'tr',
        { class: 'detail', 'data-testid': 'import-detail', 'data-file': upload.name },
        h('td', { colspan: COLUMNS }, h('p', { class: 'detail-error', 'data-field': 'error' }, upload.error)),
      ),
    );
  }
  return { rows, bar, badge };
}

function mappingNote(upload: Upload): HTMLElement | null {
  return upload.csvMapping ? h('span', { class: 'file-note' }, `read with the CSV mapping “${upload.csvMapping}”`) : null;
}

/** Entries of the file Cashline already had: all of a duplicate file's, else those neither new nor promoted. */
function duplicateEntries(result: ImportedFile): string {
  if (result.status === 'failed') return '';
  if (result.status === 'duplicate') return String(result.entries);
  const known = result.entries - result.new_entries - result.promoted_entries;
  return known >= 0 ? String(known) : '—';
}

function resultRow(upload: Upload, result: ImportedFile, bar: HTMLElement | null, badge: HTMLElement): HTMLTableRowElement {
  const failed = result.status === 'failed';
  return h(
    'tr',
    { 'data-testid': 'import-result', 'data-status': result.status, 'data-file': result.file, class: bar ? null : 'continued' },
    h('td', { 'data-field': 'file', class: 'wrap' }, result.file, mappingNote(upload)),
    h('td', { 'data-field': 'size', class: 'num muted' }, bar ? formatBytes(upload.sizeBytes) : ''),
    h('td', { 'data-field': 'progress' }, bar),
    h('td', { 'data-field': 'status' }, badge),
    h('td', { 'data-field': 'format', class: 'mono' }, result.format ?? '—'),
    h('td', { 'data-field': 'statements', class: 'num' }, failed ? '' : String(result.statements)),
    h('td', { 'data-field': 'entries', class: 'num' }, failed ? '' : String(result.entries)),
    h('td', { 'data-field': 'new_entries', class: 'num' }, failed ? '' : String(result.new_entries)),
    h('td', { 'data-field': 'promoted_entries', class: 'num' }, failed ? '' : String(result.promoted_entries)),
    h('td', { 'data-field': 'duplicate_entries', class: 'num' }, duplicateEntries(result)),
  );
}

/** The sentences under a file's row: its error, warnings, the exceptions it opened, and what to do with an unknown CSV. */
function detailRow(upload: Upload, result: ImportedFile, mappingNames: string[] | null): HTMLTableRowElement | null {
  const parts: HTMLElement[] = [];
  if (result.error) parts.push(h('p', { class: 'detail-error', 'data-field': 'error' }, result.error));
  if (result.warnings.length > 0) {
    parts.push(
      h(
        'ul',
        { class: 'detail-list warnings', 'data-field': 'warnings' },
        ...result.warnings.map((w) => h('li', { 'data-testid': 'import-warning' }, h('span', { class: 'badge warn' }, 'Warning'), ' ', w)),
      ),
    );
  }
  if (result.exceptions.length > 0) {
    parts.push(
      h(
        'ul',
        { class: 'detail-list exceptions', 'data-field': 'exceptions' },
        ...result.exceptions.map((text) => {
          // The engine writes "kind: sentence"; the kind becomes the badge.
          const match = /^([a-z_]+): (.*)$/s.exec(text);
          const kind = match?.[1] ?? 'exception';
          return h(
            'li',
            { 'data-testid': 'import-exception', 'data-kind': kind },
            h('span', { class: 'badge status-failed' }, `Exception opened: ${kind.replace(/_/g, ' ')}`),
            ' ',
            match?.[2] ?? text,
          );
        }),
        h('li', {}, h('a', { href: '#/exceptions' }, 'Review on the Exceptions screen →')),
      ),
    );
  }
  if (mappingNames !== null) parts.push(csvActions(upload, mappingNames));
  if (parts.length === 0) return null;
  return h(
    'tr',
    { class: 'detail', 'data-testid': 'import-detail', 'data-file': result.file },
    h('td', { colspan: COLUMNS }, ...parts),
  );
}

function csvActions(upload: Upload, mappingNames: string[]): HTMLElement {
  const create = h('button', { type: 'button', class: 'button', 'data-testid': 'import-create-mapping' }, 'Create a CSV mapping for this file');
  create.addEventListener('click', () => mapFileOfUpload(upload.id));

  const choices = mappingNames.filter((name) => name !== upload.csvMapping);
  let withExisting: HTMLElement | null = null;
  if (choices.length > 0) {
    const selectId = `import-mapping-${upload.id}`;
    const select = h(
      'select',
      { id: selectId, class: 'select', 'data-testid': 'import-mapping-select' },
      h('option', { value: '' }, 'Choose a saved mapping…'),
      ...choices.map((name) => h('option', { value: name }, name)),
    );
    const again = h('button', { type: 'button', class: 'button', 'data-testid': 'import-with-mapping', disabled: true }, 'Import with this mapping');
    select.addEventListener('change', () => {
      again.disabled = select.value === '';
    });
    again.addEventListener('click', () => {
      if (select.value !== '') retryWithMapping(upload.id, select.value);
    });
    withExisting = h('span', { class: 'inline-form' }, h('label', { for: selectId }, 'or read it with'), select, again);
  }
  return h(
    'div',
    { class: 'detail-actions', 'data-testid': 'import-csv-actions' },
    h(
      'p',
      { class: 'muted' },
      upload.csvMapping
        ? `The mapping “${upload.csvMapping}” does not read this file.`
        : 'Cashline reads a bank’s CSV export once it knows the layout: which column holds the date, the amount, and so on.',
    ),
    h('div', { class: 'actions-row' }, create, withExisting),
  );
}

// ---------------------------------------------------------------------------------------------
// Progress bar: a track and a fill whose width is set through the CSSOM (allowed by the CSP,
// unlike style attributes), or an animated stripe while the size of the remaining work is unknown.

class ProgressBar {
  readonly element: HTMLElement;
  private readonly fill: HTMLElement;

  constructor(testId: string, label: string) {
    this.fill = h('div', { class: 'progress-fill' });
    this.element = h(
      'div',
      { class: 'progress', 'data-testid': testId, role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100 },
      this.fill,
    );
  }

  /** `fraction` null means "busy, amount unknown". */
  set(state: string, fraction: number | null, result: string | null = null): void {
    this.element.dataset.state = state;
    if (result) this.element.dataset.result = result;
    else delete this.element.dataset.result;
    const indeterminate = fraction === null;
    this.element.classList.toggle('indeterminate', indeterminate);
    if (indeterminate) {
      this.fill.style.width = '';
      this.element.removeAttribute('aria-valuenow');
      this.element.setAttribute('aria-valuetext', 'working');
    } else {
      const percent = Math.round(Math.min(1, Math.max(0, fraction)) * 100);
      this.fill.style.width = `${percent}%`;
      this.element.setAttribute('aria-valuenow', String(percent));
      this.element.removeAttribute('aria-valuetext');
    }
  }

  setFromUpload(upload: Upload): void {
    switch (upload.state) {
      case 'queued':
        this.set('queued', 0);
        break;
      case 'uploading':
        this.set('uploading', upload.sentFraction);
        break;
      case 'processing':
        this.set('processing', null);
        break;
      case 'done':
        this.set('done', 1, upload.results.some((r) => r.status === 'failed') ? 'failed' : (upload.results[0]?.status ?? 'imported'));
        break;
      case 'failed':
        this.set('failed', 1, 'failed');
        break;
    }
  }
}
