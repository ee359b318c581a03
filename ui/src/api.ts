//! The one door from the UI to Cashline: typed calls, a transport per host (Tauri or `cashline serve`), every response validated.
//
// Components import the functions and types below and nothing else: they never see `invoke`,
// `fetch`, the token or a URL. Every response is decoded by hand-written decoders before it is
// returned, so a malformed answer becomes an `ApiError` the screen can show, never a half-typed
// object that fails later. Money stays a string from the wire to the screen: the UI formats it
// and never adds it up.

import { invoke } from '@tauri-apps/api/core';

// ---------------------------------------------------------------------------------------------
// Types of the responses (the JSON shapes of /work/shared/CLI.md, as the UI uses them).

export interface Position {
  /** Full account key (IBAN or the bank's account number); never shown in a table cell. */
  account: string;
  account_masked: string;
  bank: string | null;
  currency: string;
  /** Money as the wire gives it, e.g. "1234.50". */
  booked: string;
  available: string | null;
  booked_date: string;
  /** RFC 3339 instant in UTC. */
  as_of: string;
  source: string;
  stale: boolean;
}

export interface CurrencyTotal {
  currency: string;
  booked: string;
  /** How many accounts the total covers; absent when the engine does not say. */
  accounts: number | null;
}

export interface Consolidated {
  currency: string;
  booked: string;
  rates_date: string | null;
}

export interface Positions {
  as_of: string;
  accounts: Position[];
  totals: CurrencyTotal[];
  consolidated: Consolidated | null;
}

export type EntryStatus = 'booked' | 'pending';

export interface Entry {
  account: string;
  bank_ref: string;
  booking_date: string;
  value_date: string | null;
  amount: string;
  currency: string;
  status: EntryStatus;
  end_to_end_id: string | null;
  counterparty: string | null;
  counterparty_iban: string | null;
  remittance: string | null;
  creditor_reference: string | null;
}

export interface EntryFilter {
  account?: string | null;
  from?: string | null;
  to?: string | null;
}

export type ImportStatus = 'imported' | 'duplicate' | 'failed';

export interface ImportedFile {
  file: string;
  format: string | null;
  status: ImportStatus;
  statements: number;
  entries: number;
  new_entries: number;
  /** Entries first reported intraday (pending) and now booked by this file. */
  promoted_entries: number;
  error: string | null;
  warnings: string[];
  /** One sentence per exception the import opened, e.g. "balance_mismatch: statement … ". */
  exceptions: string[];
}

/** How an import is to be read. */
export interface ImportOptions {
  /** Read the file as CSV with this saved mapping, whatever its header says. */
  csvMapping?: string | null;
  /**
   * Told how far the upload is: a fraction from 0 to 1 of the bytes sent, 1 once all are sent
   * and the engine is reading them, or `null` when the transport cannot tell (the desktop
   * window), in which case it is called once, at the start.
   */
  onProgress?: (sentFraction: number | null) => void;
}

/** A saved CSV mapping's definition: the fields of `crates/bankfile/src/csv_mapping.rs`. */
export interface CsvMappingDefinition {
  name: string;
  /** The header row the mapping was made from, fields joined by the delimiter. */
  header: string;
  /** One character. */
  delimiter: string;
  skip_rows: number;
  footer_rows: number;
  account: string | null;
  account_column: string | null;
  currency: string | null;
  currency_column: string | null;
  date_column: string;
  /** A chrono format such as `%d.%m.%Y`. */
  date_format: string;
  value_date_column: string | null;
  amount_column: string | null;
  debit_column: string | null;
  credit_column: string | null;
  debit_credit_column: string | null;
  debit_marker: string | null;
  negate: boolean;
  decimal_separator: string;
  thousands_separator: string | null;
  bank_ref_column: string | null;
  counterparty_column: string | null;
  counterparty_iban_column: string | null;
  remittance_columns: string[];
  balance_column: string | null;
}

export interface CsvMapping {
  name: string;
  header: string;
  definition: CsvMappingDefinition;
}

export interface Settings {
  /** The folder watched for new bank files, as a full path, or null. */
  inbox_folder: string | null;
}

export interface ExceptionCase {
  id: string;
  /** e.g. balance_mismatch, sequence_gap, missing_days; new kinds are shown as they come. */
  kind: string;
  subject: string;
  detail: string | null;
  /** open, in_progress, resolved or dismissed. */
  state: string;
  owner: string | null;
  /** RFC 3339 instant in UTC. */
  opened_at: string;
}

export interface ExceptionFilter {
  kind?: string | null;
  state?: string | null;
}

/** An error from Cashline (`{code, message}`) or from the way there; `message` is for people. */
export class ApiError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

// ---------------------------------------------------------------------------------------------
// Limits.

/** Reads answer quickly; past this the UI says so instead of spinning forever. */
const READ_TIMEOUT_MS = 30_000;
/** An import parses and writes a whole file in one transaction, so it gets longer. */
const IMPORT_TIMEOUT_MS = 120_000;
/**
 * Files above this are refused before they are read into memory. The engine has its own,
 * authoritative limit; this one only protects the window from a mistaken multi-gigabyte drop.
 */
export const IMPORT_FILE_BYTES_MAX = 64 * 1024 * 1024;
/** The chart is a small generated SVG; anything bigger is not what we asked for. */
const CHART_CHARS_MAX = 2 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Public calls: the only functions components use.

export async function fetchPositions(asOf: string | null = null): Promise<Positions> {
  if (asOf !== null) decodeDate(asOf, 'as_of');
  return decodePositions(await transport().positions(asOf));
}

export async function fetchEntries(filter: EntryFilter = {}): Promise<Entry[]> {
  const raw = await transport().entries({
    account: filter.account ?? null,
    from: filter.from ?? null,
    to: filter.to ?? null,
  });
  return decodeEntries(raw);
}

/**
 * Imports one file; the engine answers with one result per file (normally exactly one).
 * A file the engine refuses is a result with status `failed`, not an error; errors are for
 * the way there (unreadable, too large, unreachable, timed out).
 */
export async function importFile(name: string, content: Blob, options: ImportOptions = {}): Promise<ImportedFile[]> {
  if (content.size > IMPORT_FILE_BYTES_MAX) {
    throw new ApiError(
      'file_too_large',
      `${name} is ${content.size} bytes, more than the ${IMPORT_FILE_BYTES_MAX} bytes the window accepts.`,
    );
  }
  const csvMapping = options.csvMapping ?? null;
  if (csvMapping !== null && csvMapping.trim() === '') throw new ApiError('bad_request', 'The CSV mapping name is empty.');
  const onProgress = options.onProgress ?? (() => undefined);
  const results = decodeImport(await transport().importFile(name, content, csvMapping, onProgress));
  if (results.length === 0) {
    throw malformed('the import answer lists no file');
  }
  return results;
}

export async function fetchCsvMappings(): Promise<CsvMapping[]> {
  return decodeCsvMappings(await transport().csvMappings());
}

/** Saves (or replaces, by name) a mapping; the engine checks it and names the field at fault. */
export async function saveCsvMapping(definition: CsvMappingDefinition): Promise<CsvMapping> {
  return decodeCsvMapping(await transport().csvMappingSave(encodeCsvMapping(definition)), 'mapping');
}

export async function removeCsvMapping(name: string): Promise<void> {
  if (name === '') throw new ApiError('bad_request', 'The CSV mapping name is empty.');
  await transport().csvMappingRemove(name);
}

export async function fetchSettings(): Promise<Settings> {
  return decodeSettings(await transport().settings());
}

/** Sets the watched inbox folder (a full path), or clears it with null. */
export async function saveInboxFolder(folder: string | null): Promise<Settings> {
  const value = folder === null || folder.trim() === '' ? null : folder.trim();
  return decodeSettings(await transport().settingsSave(value));
}

export async function fetchExceptions(filter: ExceptionFilter = {}): Promise<ExceptionCase[]> {
  return decodeExceptions(await transport().exceptions(filter.kind || null, filter.state || null));
}

/** The balances chart as an SVG document text; insert it only through `parseSvg` below. */
export async function fetchBalancesChart(): Promise<string> {
  const raw = await transport().balancesChart();
  if (typeof raw !== 'string') throw malformed('the chart is not text');
  if (raw.length > CHART_CHARS_MAX) throw malformed('the chart is larger than expected');
  return raw;
}

/**
 * Parses SVG text into a detached `<svg>` element safe to insert: it must parse as
 * image/svg+xml with an `<svg>` root, and scripts, foreign objects, event handler attributes
 * and links leaving the document are removed.
 */
export function parseSvg(text: string): SVGSVGElement {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (doc.getElementsByTagName('parsererror').length > 0 || root.namespaceURI !== SVG_NS || root.localName !== 'svg') {
    throw malformed('the chart is not an SVG image');
  }
  for (const el of Array.from(root.querySelectorAll('script, foreignObject, iframe, object, embed'))) {
    el.remove();
  }
  for (const el of [root, ...Array.from(root.querySelectorAll('*'))]) {
    for (const attr of Array.from(el.attributes)) {
      const name = attr.name.toLowerCase();
      const isLink = name === 'href' || name === 'xlink:href' || name.endsWith(':href');
      if (name.startsWith('on') || (isLink && !attr.value.trim().startsWith('#'))) {
        el.removeAttribute(attr.name);
      }
    }
  }
  return document.importNode(root, true) as unknown as SVGSVGElement;
}

// ---------------------------------------------------------------------------------------------
// Transports. Each returns the raw, undecoded answer.

interface RawFilter {
  account: string | null;
  from: string | null;
  to: string | null;
}

interface Transport {
  positions(asOf: string | null): Promise<unknown>;
  entries(filter: RawFilter): Promise<unknown>;
  importFile(name: string, content: Blob, csvMapping: string | null, onProgress: (sentFraction: number | null) => void): Promise<unknown>;
  balancesChart(): Promise<unknown>;
  csvMappings(): Promise<unknown>;
  csvMappingSave(definition: Record<string, unknown>): Promise<unknown>;
  csvMappingRemove(name: string): Promise<unknown>;
  settings(): Promise<unknown>;
  settingsSave(inboxFolder: string | null): Promise<unknown>;
  exceptions(kind: string | null, state: string | null): Promise<unknown>;
}

let chosen: Transport | null = null;

function transport(): Transport {
  chosen ??= '__TAURI_INTERNALS__' in window ? tauriTransport() : httpTransport();
  return chosen;
}

/**
 * Chooses the transport; call once at start-up, before anything touches the URL, so the
 * access token is taken from `?token=` while it is still there.
 */
export function startApi(): void {
  transport();
}

function tauriTransport(): Transport {
  async function call(command: string, args?: Parameters<typeof invoke>[1], options?: Parameters<typeof invoke>[2]): Promise<unknown> {
    try {
      return await invoke<unknown>(command, args, options);
    } catch (error) {
      throw toApiError(error);
    }
  }
  return {
    positions: (asOf) => call('positions', { asOf }),
    entries: (filter) => call('entries', { account: filter.account, from: filter.from, to: filter.to }),
    importFile: async (name, content, csvMapping, onProgress) => {
      // invoke() reports no progress: the screen shows that the engine is busy, not how far.
      onProgress(null);
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await content.arrayBuffer());
      } catch {
        throw new ApiError('unreadable', `${name} could not be read from disk.`);
      }
      const headers: Record<string, string> = { 'x-file-name': encodeURIComponent(name) };
      if (csvMapping !== null) headers['x-csv-mapping'] = encodeURIComponent(csvMapping);
      const raw = await call('import_file', bytes, { headers });
      // A raw-body command may hand back its JSON as text; accept both forms.
      return typeof raw === 'string' ? parseJson(raw) : raw;
    },
    balancesChart: () => call('balances_chart'),
    csvMappings: () => call('csv_mappings'),
    csvMappingSave: (definition) => call('csv_mapping_save', { definition }),
    csvMappingRemove: (name) => call('csv_mapping_remove', { name }),
    settings: () => call('settings'),
    settingsSave: (inboxFolder) => call('settings_save', { inboxFolder }),
    exceptions: (kind, state) => call('exceptions', { kind, state }),
  };
}

const TOKEN_KEY = 'cashline.token';

/**
 * Takes the access token from `?token=` once, keeps it in sessionStorage (it survives a reload
 * of this tab and nothing else), and removes it from the address bar so it is not copied along
 * with the URL.
 */
function accessToken(): string | null {
  const params = new URLSearchParams(location.search);
  const fromUrl = params.get('token');
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
    return fromUrl;
  }
  return sessionStorage.getItem(TOKEN_KEY);
}

function httpTransport(): Transport {
  // Read once at start-up, before the router rewrites the URL.
  const token = accessToken();

  async function request(path: string, init: RequestInit, timeoutMs: number): Promise<Response> {
    if (!token) {
      throw new ApiError('unauthorized', 'No access token: open the link that `cashline serve` printed.');
    }
    let response: Response;
    try {
      response = await fetch(path, {
        ...init,
        cache: 'no-store',
        credentials: 'omit',
        headers: { ...(init.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof DOMException && error.name === 'TimeoutError') {
        throw new ApiError('timeout', `Cashline did not answer within ${timeoutMs / 1000} seconds.`);
      }
      throw new ApiError('unreachable', 'Cashline cannot be reached: is `cashline serve` still running?');
    }
    if (!response.ok) throw await httpError(response);
    return response;
  }

  async function getJson(path: string): Promise<unknown> {
    const response = await request(path, { method: 'GET', headers: { Accept: 'application/json' } }, READ_TIMEOUT_MS);
    return parseJson(await response.text());
  }

  async function sendJson(method: 'POST' | 'PUT', path: string, body: unknown): Promise<unknown> {
    const response = await request(
      path,
      { method, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(body) },
      READ_TIMEOUT_MS,
    );
    return parseJson(await response.text());
  }

  /**
   * POSTs a file with XMLHttpRequest rather than fetch, because only XHR reports how many
   * bytes of a request body have been sent.
   */
  function upload(path: string, content: Blob, name: string, onProgress: (sentFraction: number | null) => void): Promise<unknown> {
    if (!token) {
      return Promise.reject(new ApiError('unauthorized', 'No access token: open the link that `cashline serve` printed.'));
    }
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      xhr.responseType = 'text';
      xhr.timeout = IMPORT_TIMEOUT_MS;
      xhr.withCredentials = false;
      xhr.setRequestHeader('Authorization', `Bearer ${token}`);
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      onProgress(content.size === 0 ? 1 : 0);
      xhr.upload.addEventListener('progress', (event) => {
        if (event.lengthComputable && event.total > 0) onProgress(Math.min(1, event.loaded / event.total));
      });
      // Every byte is sent; what is left is the engine reading and writing the file.
      xhr.upload.addEventListener('load', () => onProgress(1));
      xhr.addEventListener('load', () => {
        if (xhr.status >= 200 && xhr.status < 300) {
          try {
            resolve(parseJson(xhr.responseText));
          } catch (error) {
            reject(error);
          }
        } else {
          reject(errorFromHttp(xhr.status, xhr.responseText));
        }
      });
      xhr.addEventListener('timeout', () =>
        reject(new ApiError('timeout', `Cashline did not finish importing ${name} within ${IMPORT_TIMEOUT_MS / 1000} seconds.`)),
      );
      xhr.addEventListener('error', () =>
        reject(new ApiError('unreachable', 'Cashline cannot be reached: is `cashline serve` still running?')),
      );
      xhr.addEventListener('abort', () => reject(new ApiError('aborted', `The import of ${name} was stopped.`)));
      xhr.send(content);
    });
  }

  return {
    positions: (asOf) => getJson(`/api/positions${query({ as_of: asOf })}`),
    entries: (filter) => getJson(`/api/entries${query({ account: filter.account, from: filter.from, to: filter.to })}`),
    importFile: (name, content, csvMapping, onProgress) =>
      upload(`/api/import${query({ file: name, csv_mapping: csvMapping })}`, content, name, onProgress),
    balancesChart: async () => {
      const response = await request('/api/charts/balances.svg', { method: 'GET', headers: { Accept: 'image/svg+xml' } }, READ_TIMEOUT_MS);
      return response.text();
    },
    csvMappings: () => getJson('/api/csv-mappings'),
    csvMappingSave: (definition) => sendJson('POST', '/api/csv-mappings', definition),
    csvMappingRemove: async (name) => {
      await request(`/api/csv-mappings/${encodeURIComponent(name)}`, { method: 'DELETE' }, READ_TIMEOUT_MS);
      return null;
    },
    settings: () => getJson('/api/settings'),
    settingsSave: (inboxFolder) => sendJson('PUT', '/api/settings', { inbox_folder: inboxFolder }),
    exceptions: (kind, state) => getJson(`/api/exceptions${query({ kind, state })}`),
  };
}

function query(params: Record<string, string | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

async function httpError(response: Response): Promise<ApiError> {
  let text = '';
  try {
    text = await response.text();
  } catch {
    // No body: the status alone makes the sentence.
  }
  return errorFromHttp(response.status, text);
}

function errorFromHttp(status: number, text: string): ApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: fall through to a sentence built from the status.
  }
  if (isErrorBody(body)) return new ApiError(body.code, body.message);
  if (status === 401) {
    return new ApiError('unauthorized', 'The access token was refused: open the link that `cashline serve` printed.');
  }
  // Request-shape rejections from the HTTP layer come as one plain-text line; show it.
  const line = text.trim().split('\n')[0] ?? '';
  if (status >= 400 && status < 500 && line.length > 0 && line.length <= 300) {
    return new ApiError(`http_${status}`, line);
  }
  return new ApiError(`http_${status}`, `Cashline answered with HTTP status ${status}.`);
}

function isErrorBody(value: unknown): value is { code: string; message: string } {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (isErrorBody(error)) return new ApiError(error.code, error.message);
  if (typeof error === 'string') {
    // Some command errors arrive serialized; take the structured form where there is one.
    try {
      const parsed: unknown = JSON.parse(error);
      if (isErrorBody(parsed)) return new ApiError(parsed.code, parsed.message);
    } catch {
      // A plain sentence.
    }
    return new ApiError('error', error);
  }
  return new ApiError('error', 'The desktop engine reported an error without a message.');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformed('the answer is not JSON');
  }
}

// ---------------------------------------------------------------------------------------------
// Decoders: each checks one shape and throws an ApiError naming the field at fault.

function malformed(detail: string): ApiError {
  return new ApiError('malformed_response', `Cashline sent an answer the window cannot read: ${detail}.`);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw malformed(`${path} is not an object`);
  return value;
}

function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${path} is not a list`);
  return value;
}

function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw malformed(`${path} is not text`);
  return value;
}

function nonEmptyText(value: unknown, path: string): string {
  const result = text(value, path);
  if (result.length === 0) throw malformed(`${path} is empty`);
  return result;
}

function nullable<T>(decode: (value: unknown, path: string) => T): (value: unknown, path: string) => T | null {
  return (value, path) => (value === null || value === undefined ? null : decode(value, path));
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw malformed(`${path} is not true or false`);
  return value;
}

function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(`${path} is not a count`);
  }
  return value;
}

const MONEY = /^-?\d+(\.\d+)?$/;
function money(value: unknown, path: string): string {
  const result = text(value, path);
  if (!MONEY.test(result)) throw malformed(`${path} is not an amount ("${result}")`);
  return result;
}

const CURRENCY = /^[A-Z]{3}$/;
function currency(value: unknown, path: string): string {
  const result = text(value, path);
  if (!CURRENCY.test(result)) throw malformed(`${path} is not a currency code ("${result}")`);
  return result;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
function decodeDate(value: unknown, path: string): string {
  const result = text(value, path);
  if (!DATE.test(result)) throw malformed(`${path} is not a date ("${result}")`);
  return result;
}

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
function instant(value: unknown, path: string): string {
  const result = text(value, path);
  if (!INSTANT.test(result)) throw malformed(`${path} is not a time ("${result}")`);
  return result;
}

function oneOf<T extends string>(allowed: readonly T[]): (value: unknown, path: string) => T {
  return (value, path) => {
    const result = text(value, path);
    if (!(allowed as readonly string[]).includes(result)) throw malformed(`${path} is not one of ${allowed.join(', ')}`);
    return result as T;
  };
}

/** Fallback when an engine leaves out the masked form: never show more than the last four characters. */
function maskAccount(account: string): string {
  return account.length <= 4 ? account : `…${account.slice(-4)}`;
}

function decodePosition(value: unknown, path: string): Position {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  return {
    account,
    account_masked: nullable(nonEmptyText)(o.account_masked, `${path}.account_masked`) ?? maskAccount(account),
    bank: nullable(text)(o.bank, `${path}.bank`),
    currency: currency(o.currency, `${path}.currency`),
    booked: money(o.booked, `${path}.booked`),
    available: nullable(money)(o.available, `${path}.available`),
    booked_date: decodeDate(o.booked_date, `${path}.booked_date`),
    as_of: instant(o.as_of, `${path}.as_of`),
    source: text(o.source, `${path}.source`),
    stale: bool(o.stale, `${path}.stale`),
  };
}

function decodeTotal(value: unknown, path: string): CurrencyTotal {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    booked: money(o.booked, `${path}.booked`),
    accounts: nullable(count)(o.accounts, `${path}.accounts`),
  };
}

function decodeConsolidated(value: unknown, path: string): Consolidated {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    booked: money(o.booked, `${path}.booked`),
    rates_date: nullable(decodeDate)(o.rates_date, `${path}.rates_date`),
  };
}

function decodePositions(value: unknown): Positions {
  const o = record(value, 'positions');
  return {
    as_of: instant(o.as_of, 'positions.as_of'),
    accounts: array(o.accounts, 'positions.accounts').map((v, i) => decodePosition(v, `positions.accounts[${i}]`)),
    totals: array(o.totals, 'positions.totals').map((v, i) => decodeTotal(v, `positions.totals[${i}]`)),
    consolidated: nullable(decodeConsolidated)(o.consolidated, 'positions.consolidated'),
  };
}

const ENTRY_STATUSES = ['booked', 'pending'] as const;

function decodeEntry(value: unknown, path: string): Entry {
  const o = record(value, path);
  return {
    account: nonEmptyText(o.account, `${path}.account`),
    bank_ref: text(o.bank_ref, `${path}.bank_ref`),
    booking_date: decodeDate(o.booking_date, `${path}.booking_date`),
    value_date: nullable(decodeDate)(o.value_date, `${path}.value_date`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    status: oneOf(ENTRY_STATUSES)(o.status, `${path}.status`),
    end_to_end_id: nullable(text)(o.end_to_end_id, `${path}.end_to_end_id`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    counterparty_iban: nullable(text)(o.counterparty_iban, `${path}.counterparty_iban`),
    remittance: nullable(text)(o.remittance, `${path}.remittance`),
    creditor_reference: nullable(text)(o.creditor_reference, `${path}.creditor_reference`),
  };
}

function decodeEntries(value: unknown): Entry[] {
  const o = record(value, 'entries');
  return array(o.entries, 'entries.entries').map((v, i) => decodeEntry(v, `entries[${i}]`));
}

const IMPORT_STATUSES = ['imported', 'duplicate', 'failed'] as const;

function decodeImportedFile(value: unknown, path: string): ImportedFile {
  const o = record(value, path);
  return {
    file: text(o.file, `${path}.file`),
    format: nullable(text)(o.format, `${path}.format`),
    status: oneOf(IMPORT_STATUSES)(o.status, `${path}.status`),
    statements: count(o.statements, `${path}.statements`),
    entries: count(o.entries, `${path}.entries`),
    new_entries: count(o.new_entries, `${path}.new_entries`),
    // Older engines leave out the last three; absent means none.
    promoted_entries: nullable(count)(o.promoted_entries, `${path}.promoted_entries`) ?? 0,
    error: nullable(text)(o.error, `${path}.error`),
    warnings: nullable(texts)(o.warnings, `${path}.warnings`) ?? [],
    exceptions: nullable(texts)(o.exceptions, `${path}.exceptions`) ?? [],
  };
}

function decodeImport(value: unknown): ImportedFile[] {
  const o = record(value, 'import');
  return array(o.files, 'import.files').map((v, i) => decodeImportedFile(v, `files[${i}]`));
}

function texts(value: unknown, path: string): string[] {
  return array(value, path).map((v, i) => text(v, `${path}[${i}]`));
}

/** One character, as serde writes a Rust `char`. */
function character(value: unknown, path: string): string {
  const result = text(value, path);
  if ([...result].length !== 1) throw malformed(`${path} is not one character`);
  return result;
}

function decodeCsvMappingDefinition(value: unknown, path: string): CsvMappingDefinition {
  const o = record(value, path);
  const optionalText = (key: string): string | null => nullable(text)(o[key], `${path}.${key}`);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    header: text(o.header, `${path}.header`),
    // Absent fields take the engine's defaults.
    delimiter: nullable(character)(o.delimiter, `${path}.delimiter`) ?? ',',
    skip_rows: nullable(count)(o.skip_rows, `${path}.skip_rows`) ?? 0,
    footer_rows: nullable(count)(o.footer_rows, `${path}.footer_rows`) ?? 0,
    account: optionalText('account'),
    account_column: optionalText('account_column'),
    currency: optionalText('currency'),
    currency_column: optionalText('currency_column'),
    date_column: text(o.date_column, `${path}.date_column`),
    date_format: text(o.date_format, `${path}.date_format`),
    value_date_column: optionalText('value_date_column'),
    amount_column: optionalText('amount_column'),
    debit_column: optionalText('debit_column'),
    credit_column: optionalText('credit_column'),
    debit_credit_column: optionalText('debit_credit_column'),
    debit_marker: optionalText('debit_marker'),
    negate: nullable(bool)(o.negate, `${path}.negate`) ?? false,
    decimal_separator: nullable(character)(o.decimal_separator, `${path}.decimal_separator`) ?? '.',
    thousands_separator: nullable(character)(o.thousands_separator, `${path}.thousands_separator`),
    bank_ref_column: optionalText('bank_ref_column'),
    counterparty_column: optionalText('counterparty_column'),
    counterparty_iban_column: optionalText('counterparty_iban_column'),
    remittance_columns: nullable(texts)(o.remittance_columns, `${path}.remittance_columns`) ?? [],
    balance_column: optionalText('balance_column'),
  };
}

function decodeCsvMapping(value: unknown, path: string): CsvMapping {
  const o = record(value, path);
  return {
    name: nonEmptyText(o.name, `${path}.name`),
    header: text(o.header, `${path}.header`),
    definition: decodeCsvMappingDefinition(o.definition, `${path}.definition`),
  };
}

function decodeCsvMappings(value: unknown): CsvMapping[] {
  const o = record(value, 'csv_mappings');
  return array(o.mappings, 'csv_mappings.mappings').map((v, i) => decodeCsvMapping(v, `mappings[${i}]`));
}

/**
 * The definition as the engine reads it: unset optional fields and defaults are left out, so
 * the saved JSON says only what this bank needs.
 */
function encodeCsvMapping(definition: CsvMappingDefinition): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(definition)) {
    if (value === null || value === false) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    if ((key === 'skip_rows' || key === 'footer_rows') && value === 0) continue;
    result[key] = value;
  }
  return result;
}

function decodeSettings(value: unknown): Settings {
  const o = record(value, 'settings');
  return { inbox_folder: nullable(nonEmptyText)(o.inbox_folder, 'settings.inbox_folder') };
}

function decodeException(value: unknown, path: string): ExceptionCase {
  const o = record(value, path);
  // Ids are text on the wire; a number is accepted and written as text.
  const id = typeof o.id === 'number' && Number.isSafeInteger(o.id) ? String(o.id) : nonEmptyText(o.id, `${path}.id`);
  return {
    id,
    kind: nonEmptyText(o.kind, `${path}.kind`),
    subject: text(o.subject, `${path}.subject`),
    detail: nullable(text)(o.detail, `${path}.detail`),
    state: nonEmptyText(o.state, `${path}.state`),
    owner: nullable(text)(o.owner, `${path}.owner`),
    opened_at: instant(o.opened_at, `${path}.opened_at`),
  };
}

function decodeExceptions(value: unknown): ExceptionCase[] {
  const o = record(value, 'exceptions');
  return array(o.exceptions, 'exceptions.exceptions').map((v, i) => decodeException(v, `exceptions[${i}]`));
}
