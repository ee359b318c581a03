//! The import queue: files chosen on the Import screen, sent strictly one at a time, with each one's progress and result; it outlives the screen so navigating away loses nothing.

import { ApiError, importFile, type ImportedFile } from './api';

export type UploadState = 'queued' | 'uploading' | 'processing' | 'done' | 'failed';

export interface Upload {
  readonly id: number;
  readonly name: string;
  readonly sizeBytes: number;
  state: UploadState;
  /** Fraction of the bytes sent while uploading; null when the transport cannot tell. */
  sentFraction: number | null;
  /** The saved CSV mapping the file is (to be) read with; null to let the engine recognise it. */
  csvMapping: string | null;
  results: ImportedFile[];
  /** A sentence when the file never got a result from the engine (unreadable, refused, unreachable). */
  error: string | null;
  errorCode: string | null;
  /**
   * The file itself, kept only while it may still be sent again (queued, or a CSV file the
   * engine did not recognise, which can be retried with a mapping).
   */
  file: File | null;
}

export type UploadChange =
  /** Uploads were added or removed. */
  | { kind: 'list' }
  /** One upload's state or result changed. */
  | { kind: 'state'; upload: Upload }
  /** Only one upload's progress changed. */
  | { kind: 'progress'; upload: Upload };

/** Uploads kept on screen; the oldest finished ones are forgotten past this. */
const UPLOADS_SHOWN_MAX = 500;

const uploads: Upload[] = [];
const queue: Upload[] = [];
const listeners = new Set<(change: UploadChange) => void>();
let nextId = 1;
let sending = false;
/** The current batch: files added since the queue was last idle, and how many of them are finished. */
let batchTotal = 0;
let batchFinished = 0;

export function uploadList(): readonly Upload[] {
  return uploads;
}

export function isFinished(upload: Upload): boolean {
  return upload.state === 'done' || upload.state === 'failed';
}

export function batchProgress(): { finished: number; total: number; current: Upload | null; running: boolean } {
  const current = uploads.find((u) => u.state === 'uploading' || u.state === 'processing') ?? null;
  return { finished: batchFinished, total: batchTotal, current, running: current !== null || queue.length > 0 };
}

/** Calls `listener` on every change until the returned function is called. */
export function watchUploads(listener: (change: UploadChange) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function notify(change: UploadChange): void {
  for (const listener of Array.from(listeners)) listener(change);
}

export function enqueueFiles(files: File[]): void {
  if (files.length === 0) return;
  startBatchIfIdle();
  for (const file of files) {
    const upload: Upload = {
      id: nextId++,
      name: file.name,
      sizeBytes: file.size,
      state: 'queued',
      sentFraction: null,
      csvMapping: null,
      results: [],
      error: null,
      errorCode: null,
      file,
    };
    uploads.push(upload);
    queue.push(upload);
    batchTotal += 1;
  }
  forgetOldest();
  notify({ kind: 'list' });
  void drain();
}

/** Sends a kept file again, read with the named CSV mapping; false when the file is no longer kept. */
export function retryWithMapping(id: number, csvMapping: string): boolean {
  const upload = uploads.find((u) => u.id === id);
  if (!upload || !upload.file || !isFinished(upload)) return false;
  startBatchIfIdle();
  upload.state = 'queued';
  upload.csvMapping = csvMapping;
  upload.sentFraction = null;
  upload.results = [];
  upload.error = null;
  upload.errorCode = null;
  queue.push(upload);
  batchTotal += 1;
  notify({ kind: 'state', upload });
  void drain();
  return true;
}

export function findUpload(id: number): Upload | null {
  return uploads.find((u) => u.id === id) ?? null;
}

/** Forgets every finished upload. */
export function clearFinished(): void {
  for (let i = uploads.length - 1; i >= 0; i -= 1) {
    const upload = uploads[i];
    if (upload && isFinished(upload)) uploads.splice(i, 1);
  }
  notify({ kind: 'list' });
}

function startBatchIfIdle(): void {
  if (!sending && queue.length === 0) {
    batchTotal = 0;
    batchFinished = 0;
  }
}

function forgetOldest(): void {
  let excess = uploads.length - UPLOADS_SHOWN_MAX;
  // Only finished uploads are forgotten; queued ones are still referenced by the queue.
  for (let i = 0; i < uploads.length && excess > 0; ) {
    const upload = uploads[i];
    if (upload && isFinished(upload)) {
      uploads.splice(i, 1);
      excess -= 1;
    } else {
      i += 1;
    }
  }
}

/** A CSV export the engine did not recognise: worth a mapping. */
export function needsCsvMapping(upload: Upload): boolean {
  if (upload.state !== 'done' || !upload.file) return false;
  const failed = upload.results.find((r) => r.status === 'failed');
  if (!failed) return false;
  const unknownFormat = failed.format === null && /not a bank statement format/i.test(failed.error ?? '');
  // A file read with a chosen mapping that did not fit may be tried with another one.
  return looksLikeCsv(upload) && (unknownFormat || upload.csvMapping !== null);
}

function looksLikeCsv(upload: Upload): boolean {
  return /\.(csv|txt|tsv)$/i.test(upload.name) || /^text\/(csv|plain|tab-separated-values)/.test(upload.file?.type ?? '');
}

async function drain(): Promise<void> {
  if (sending) return;
  sending = true;
  try {
    for (let upload = queue.shift(); upload; upload = queue.shift()) {
      await send(upload);
      batchFinished += 1;
      notify({ kind: 'state', upload });
    }
  } finally {
    sending = false;
  }
}

async function send(upload: Upload): Promise<void> {
  const file = upload.file;
  upload.state = 'uploading';
  upload.sentFraction = 0;
  notify({ kind: 'state', upload });
  try {
    if (!file) throw new ApiError('unreadable', `${upload.name} is no longer available; choose it again.`);
    upload.results = await importFile(upload.name, file, {
      csvMapping: upload.csvMapping,
      onProgress: (fraction) => {
        const before = upload.state;
        upload.sentFraction = fraction;
        // All bytes sent, or a transport that cannot tell: the engine is at work.
        upload.state = fraction === null || fraction >= 1 ? 'processing' : 'uploading';
        notify(upload.state === before ? { kind: 'progress', upload } : { kind: 'state', upload });
      },
    });
    upload.state = 'done';
  } catch (error) {
    upload.state = 'failed';
    upload.error = error instanceof ApiError ? error.message : `${upload.name} could not be imported.`;
    upload.errorCode = error instanceof ApiError ? error.code : 'internal';
    if (!(error instanceof ApiError)) console.error(error);
  }
  // Keep the file only where sending it again with a mapping can help.
  if (!needsCsvMapping(upload)) upload.file = null;
}
