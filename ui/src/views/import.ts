//! The Import screen: pick or drop statement files, send them one by one, and list each file's result.

import { ApiError, IMPORT_FILE_BYTES_MAX, importFile, type ImportedFile } from '../api';
import { h, replaceChildren } from '../dom';
import { plural } from '../format';
import { type View } from './view';

/** One chosen file and what became of it; kept for the life of the window so results survive navigation. */
interface Upload {
  name: string;
  state: 'queued' | 'sending' | 'done' | 'failed';
  results: ImportedFile[];
  /** A sentence when the file never got a result from the engine (unreadable, refused, unreachable). */
  error: string | null;
  errorCode: string | null;
}

/** Files waiting, in the order they were chosen; sent strictly one at a time. */
const queue: { upload: Upload; file: File }[] = [];
const uploads: Upload[] = [];
let sending = false;
/** Redraws the results while the Import screen is shown; null when another screen is. */
let redraw: (() => void) | null = null;

/** Uploads kept on screen; the oldest are forgotten past this. */
const UPLOADS_SHOWN_MAX = 500;

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
      h('p', { class: 'muted' }, 'camt.052 / 053 / 054, MT940 / MT942, BAI2, pain.002, OFX, CSV — many at once'),
      choose,
      input,
    );
    const results = h('div', { 'data-testid': 'import-results', class: 'results' });

    replaceChildren(
      container,
      h('div', { class: 'page-head' }, h('div', {}, h('h1', {}, 'Import'), h('p', { class: 'subtitle' }, 'Each file is imported whole or not at all; a file imported before is reported as a duplicate.'))),
      zone,
      h('section', { class: 'card' }, h('h2', {}, 'Results'), results),
    );

    choose.addEventListener('click', () => input.click());
    input.addEventListener('change', () => {
      enqueue(Array.from(input.files ?? []));
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
      enqueue(Array.from(event.dataTransfer?.files ?? []));
    });

    redraw = () => {
      if (!alive()) {
        redraw = null;
        return;
      }
      drawResults(results);
    };
    redraw();
  },
};

function enqueue(files: File[]): void {
  for (const file of files) {
    const upload: Upload = { name: file.name, state: 'queued', results: [], error: null, errorCode: null };
    uploads.push(upload);
    queue.push({ upload, file });
  }
  if (uploads.length > UPLOADS_SHOWN_MAX) {
    // Only finished uploads are forgotten; queued ones are still referenced by the queue.
    const excess = uploads.length - UPLOADS_SHOWN_MAX;
    const finished = uploads.filter((u) => u.state === 'done' || u.state === 'failed').slice(0, excess);
    for (const upload of finished) uploads.splice(uploads.indexOf(upload), 1);
  }
  redraw?.();
  void drain();
}

async function drain(): Promise<void> {
  if (sending) return;
  sending = true;
  try {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { upload, file } = next;
      upload.state = 'sending';
      redraw?.();
      try {
        if (file.size > IMPORT_FILE_BYTES_MAX) {
          throw new ApiError('file_too_large', `${file.name} is larger than the ${IMPORT_FILE_BYTES_MAX / (1024 * 1024)} MiB the window accepts.`);
        }
        let bytes: Uint8Array;
        try {
          bytes = new Uint8Array(await file.arrayBuffer());
        } catch {
          throw new ApiError('unreadable', `${file.name} could not be read from disk.`);
        }
        upload.results = await importFile(file.name, bytes);
        upload.state = 'done';
      } catch (error) {
        upload.state = 'failed';
        upload.error = error instanceof ApiError ? error.message : `${file.name} could not be imported.`;
        upload.errorCode = error instanceof ApiError ? error.code : 'internal';
        if (!(error instanceof ApiError)) console.error(error);
      }
      redraw?.();
    }
  } finally {
    sending = false;
  }
}

function drawResults(target: HTMLElement): void {
  if (uploads.length === 0) {
    replaceChildren(target, h('p', { class: 'muted' }, 'No files imported in this window yet.'));
    return;
  }

  const rows: HTMLTableRowElement[] = [];
  for (const upload of uploads) {
    if (upload.state === 'done') {
      for (const result of upload.results) rows.push(resultRow(result));
    } else {
      rows.push(pendingOrFailedRow(upload));
    }
  }

  const finished = uploads.every((u) => u.state === 'done' || u.state === 'failed');
  const results = uploads.flatMap((u) => (u.state === 'done' ? u.results : []));
  const imported = results.filter((r) => r.status === 'imported').length;
  const duplicate = results.filter((r) => r.status === 'duplicate').length;
  const failed = results.filter((r) => r.status === 'failed').length + uploads.filter((u) => u.state === 'failed').length;
  const summary = finished
    ? h(
        'p',
        { class: 'summary', 'data-testid': 'import-summary' },
        `${plural(imported, 'file', 'files')} imported, ${duplicate} duplicate, ${failed} failed. `,
        imported > 0 ? h('a', { href: '#/positions', 'data-testid': 'import-to-positions' }, 'See the updated positions →') : null,
      )
    : h('p', { class: 'summary muted' }, `Importing… ${queue.length} waiting`);

  const clear = h('button', { type: 'button', class: 'button subtle', 'data-testid': 'import-clear', disabled: !finished }, 'Clear list');
  clear.addEventListener('click', () => {
    uploads.splice(0, uploads.length);
    drawResults(target);
  });

  replaceChildren(
    target,
    h('div', { class: 'section-head' }, summary, clear),
    h(
      'table',
      { class: 'data' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'File'),
          h('th', { scope: 'col' }, 'Format'),
          h('th', { scope: 'col' }, 'Status'),
          h('th', { scope: 'col', class: 'num' }, 'Statements'),
          h('th', { scope: 'col', class: 'num' }, 'Entries'),
          h('th', { scope: 'col', class: 'num' }, 'New entries'),
          h('th', { scope: 'col' }, 'Error'),
        ),
      ),
      h('tbody', {}, ...rows),
    ),
  );
}

const STATUS_LABELS: Record<string, string> = {
  imported: 'Imported',
  duplicate: 'Duplicate',
  failed: 'Failed',
  queued: 'Waiting',
  sending: 'Importing…',
};

function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, STATUS_LABELS[status] ?? status);
}

function resultRow(result: ImportedFile): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-testid': 'import-result', 'data-status': result.status, 'data-file': result.file },
    h('td', { 'data-field': 'file', class: 'wrap' }, result.file),
    h('td', { 'data-field': 'format', class: 'mono' }, result.format ?? '—'),
    h('td', { 'data-field': 'status' }, statusBadge(result.status)),
    h('td', { 'data-field': 'statements', class: 'num' }, String(result.statements)),
    h('td', { 'data-field': 'entries', class: 'num' }, String(result.entries)),
    h('td', { 'data-field': 'new_entries', class: 'num' }, String(result.new_entries)),
    h('td', { 'data-field': 'error', class: 'wrap error-text' }, result.error ?? ''),
  );
}

function pendingOrFailedRow(upload: Upload): HTMLTableRowElement {
  const status = upload.state === 'failed' ? 'failed' : upload.state;
  return h(
    'tr',
    { 'data-testid': 'import-result', 'data-status': status, 'data-file': upload.name, 'data-code': upload.errorCode },
    h('td', { 'data-field': 'file', class: 'wrap' }, upload.name),
    h('td', { 'data-field': 'format', class: 'mono' }, '—'),
    h('td', { 'data-field': 'status' }, statusBadge(status)),
    h('td', { 'data-field': 'statements', class: 'num' }, ''),
    h('td', { 'data-field': 'entries', class: 'num' }, ''),
    h('td', { 'data-field': 'new_entries', class: 'num' }, ''),
    h('td', { 'data-field': 'error', class: 'wrap error-text' }, upload.error ?? ''),
  );
}
