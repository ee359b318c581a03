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
  /** The name given to the account (from the statement or set by hand), if any. */
  name: string | null;
  bank: string | null;
  /** The code of the entity the account belongs to, if any. */
  entity: string | null;
  currency: string;
  /** Money as the wire gives it, e.g. "1234.50". */
  booked: string;
  available: string | null;
  /**
   * Which figure `booked` is: `closing_booked`, `interim_booked`, `interim_available` or
   * `rolled_forward`; a newer engine's basis is shown as it comes.
   */
  basis: string;
  booked_date: string;
  /** RFC 3339 instant in UTC. */
  as_of: string;
  source: string;
  stale: boolean;
  /** Why the balance is stale, one sentence; null when it is not. */
  stale_reason: string | null;
  /** The day whose end-of-day statement is due by now (daily accounts). */
  expected_date: string | null;
  /** `booked` in the reporting currency, or null where no rate is known. */
  converted: Converted | null;
}

export interface Converted {
  currency: string;
  amount: string;
  /** Null when the account is in the reporting currency already. */
  rate: string | null;
  rate_date: string | null;
  rate_source: string | null;
}

export interface CurrencyTotal {
  currency: string;
  booked: string;
  /** How many accounts the total covers; absent when the engine does not say. */
  accounts: number | null;
}

/** A total in the reporting currency, for the group or one entity. */
export interface Consolidated {
  /** `group`, or an entity's code. */
  scope: string;
  currency: string;
  /** Null when a rate is missing: a partial sum is never a total. */
  booked: string | null;
  rates_date: string | null;
  complete: boolean;
  /** The currencies with no rate into `currency`. */
  missing_rates: string[];
}

export interface Positions {
  as_of: string;
  /** The business day the positions are for, as the engine's clock sees it. */
  as_of_date: string;
  entity: string | null;
  reporting_currency: string;
  accounts: Position[];
  /** Full keys of accounts known but without any balance yet. */
  accounts_without_data: string[];
  totals: CurrencyTotal[];
  /** Totals per bank and currency, added up by the engine. */
  banks: BankTotal[];
  consolidated: Consolidated | null;
  entities: Consolidated[];
}

export interface BankTotal extends CurrencyTotal {
  bank: string | null;
}

/** Which slice of the group, in which currency; null or empty means the engine's default. */
export interface Scope {
  entity?: string | null;
  reportingCurrency?: string | null;
}

export interface ForecastComponent {
  /** `payment`, `receivable` or `payable`. */
  kind: string;
  id: string;
  counterparty: string | null;
  /** The requested or due date. */
  date: string;
  amount: string;
  currency: string;
  /** A decimal from 0 to 1 ("0.5"), or null when certain. */
  probability: string | null;
  weighted: string;
}

export interface ForecastDay {
  date: string;
  opening: string;
  receipts: string;
  payments: string;
  closing: string;
  components: ForecastComponent[];
}

export interface Forecast {
  /** The reporting currency of `days`. */
  currency: string;
  /** Consolidated days; empty when a rate is missing (`complete` false). */
  days: ForecastDay[];
  complete: boolean;
  missing_rates: string[];
  currencies: { currency: string; days: ForecastDay[] }[];
}

export interface HistoryDay {
  date: string;
  closing: string;
  /** False for a day without a statement, whose closing is carried over. */
  reported: boolean;
}

export interface AccountHistory {
  account: string;
  account_masked: string;
  entity: string | null;
  currency: string;
  days: HistoryDay[];
}

export interface History {
  from: string;
  to: string;
  accounts: AccountHistory[];
  totals: { currency: string; days: HistoryDay[] }[];
}

export interface IntradayEntry {
  /** Full account key; mask it for display. */
  account: string;
  amount: string;
  currency: string;
  status: string;
  counterparty: string | null;
  remittance: string | null;
  /** The account's running movement for the day, after this entry. */
  running: string;
}

export interface Intraday {
  date: string;
  entries: IntradayEntry[];
}

export type ChartName = 'balances' | 'history' | 'forecast' | 'entities' | 'banks';

export interface ChartParams {
  entity?: string | null;
  reportingCurrency?: string | null;
  days?: number | null;
  from?: string | null;
  to?: string | null;
}

export interface Entity {
  code: string;
  name: string;
  /** ISO 3166 country code, if given. */
  country: string | null;
  reporting_currency: string | null;
}

export type Cadence = 'daily' | 'intraday';

export interface Account {
  account: string;
  account_masked: string;
  currency: string;
  name: string | null;
  purpose: string | null;
  bank: string | null;
  bic: string | null;
  entity: string | null;
  /** `daily` or `intraday`; a newer engine's cadence is shown as it comes. */
  cadence: string;
  /** "HH:MM", UTC, on the next business day. */
  statement_due_time_utc: string;
  intraday_hours: number | null;
}

/** A change to an account: only the fields set are changed; entity "" detaches it. */
export interface AccountUpdate {
  name?: string;
  purpose?: string;
  entity?: string;
  cadence?: string;
  statementDueTimeUtc?: string;
  intradayHours?: number;
}

export interface FxRate {
  base: string;
  quote: string;
  date: string;
  /** 1 base = rate quote, as decimal text. */
  rate: string;
  source: string;
}

export interface FxRateInput {
  base: string;
  quote: string;
  date: string;
  rate: string;
}

export interface RatesSaved {
  rates: number;
  written: number;
  warnings: string[];
}

export interface OpenItem {
  id: string;
  /** `receivable` or `payable`. */
  kind: string;
  counterparty: string | null;
  amount: string;
  currency: string;
  due_date: string | null;
  reference: string | null;
  probability: string | null;
  state: string;
  entity: string | null;
}

export interface Payment {
  id: string;
  end_to_end_id: string;
  status: string;
  reason: string | null;
  creditor_name: string;
  amount: string;
  currency: string;
  requested_date: string;
  reference: string | null;
  prepared_by: string;
  approved_by: string | null;
}

export interface Entry {
  account: string;
  bank_ref: string | null;
  booking_date: string | null;
  value_date: string | null;
  amount: string;
  currency: string;
  /** `booked` or `pending`; other states are shown as they come. */
  status: string;
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
/** A chart rasterised for export; a few hundred kilobytes in practice. */
const CHART_PNG_BYTES_MAX = 16 * 1024 * 1024;
/** Forecasts are for the coming weeks, not years; the engine has its own limit too. */
export const FORECAST_DAYS_MAX = 260;

// ---------------------------------------------------------------------------------------------
// Public calls: the only functions components use.

export async function fetchPositions(asOf: string | null = null, scope: Scope = {}): Promise<Positions> {
  if (asOf !== null) checkInput(DATE, asOf, 'The as-of date');
  return decodePositions(await transport().positions(asOf, rawScope(scope)));
}

/** The projected balance for the coming `days` business days (the engine's default when null). */
export async function fetchForecast(days: number | null, scope: Scope = {}): Promise<Forecast> {
  if (days !== null && (!Number.isSafeInteger(days) || days < 1 || days > FORECAST_DAYS_MAX)) {
    throw new ApiError('bad_request', `The number of days must be a whole number from 1 to ${FORECAST_DAYS_MAX}.`);
  }
  return decodeForecast(await transport().forecast(days, rawScope(scope)));
}

/** Daily closings from `from` to `to` (both default on the engine: the last 90 days). */
export async function fetchHistory(from: string | null, to: string | null, entity: string | null = null): Promise<History> {
  if (from) checkInput(DATE, from, 'The start date');
  if (to) checkInput(DATE, to, 'The end date');
  return decodeHistory(await transport().history(from || null, to || null, entity || null));
}

/** The entries of one day with running sums; today (the engine's) when `date` is null. */
export async function fetchIntraday(date: string | null = null): Promise<Intraday> {
  if (date) checkInput(DATE, date, 'The date');
  return decodeIntraday(await transport().intraday(date || null));
}

/** A chart as SVG document text; insert it only through `parseSvg` below. */
export async function fetchChart(name: ChartName, params: ChartParams = {}): Promise<string> {
  const raw = await transport().chart(name, rawChartParams(params));
  if (typeof raw !== 'string') throw malformed('the chart is not text');
  if (raw.length > CHART_CHARS_MAX) throw malformed('the chart is larger than expected');
  return raw;
}

/** Whether this host can rasterise a chart to PNG (the local server can; the desktop window cannot). */
export function chartPngAvailable(): boolean {
  return transport().chartPng !== null;
}

/** A chart as a PNG image, for export. */
export async function fetchChartPng(name: ChartName, params: ChartParams = {}): Promise<Blob> {
  const chartPng = transport().chartPng;
  if (chartPng === null) throw new ApiError('unsupported', 'PNG export is not available in the desktop window; export the SVG.');
  const blob = await chartPng(name, rawChartParams(params));
  if (blob.size === 0 || blob.size > CHART_PNG_BYTES_MAX) throw malformed('the PNG image is empty or larger than expected');
  return blob.type === 'image/png' ? blob : new Blob([blob], { type: 'image/png' });
}

export async function fetchEntities(): Promise<Entity[]> {
  return decodeEntities(await transport().entities());
}

/** Creates an entity, or changes the one with this code. */
export async function saveEntity(entity: Entity): Promise<Entity> {
  const code = entity.code.trim();
  if (code === '') throw new ApiError('bad_request', 'An entity needs a code.');
  if (entity.name.trim() === '') throw new ApiError('bad_request', 'An entity needs a name.');
  const raw = await transport().entitySave({
    code,
    name: entity.name.trim(),
    country: entity.country?.trim() || null,
    reportingCurrency: entity.reporting_currency || null,
  });
  return decodeEntity(raw, 'entity');
}

export async function fetchAccounts(): Promise<Account[]> {
  return decodeAccounts(await transport().accounts());
}

/** Changes an account (every currency of it); answers with the account as it is now. */
export async function updateAccount(account: string, update: AccountUpdate): Promise<Account[]> {
  if (account === '') throw new ApiError('bad_request', 'No account given.');
  if (update.statementDueTimeUtc !== undefined) checkInput(/^([01]\d|2[0-3]):[0-5]\d$/, update.statementDueTimeUtc, 'The due time (HH:MM)');
  if (update.intradayHours !== undefined && (!Number.isSafeInteger(update.intradayHours) || update.intradayHours < 1 || update.intradayHours > 168)) {
    throw new ApiError('bad_request', 'Intraday hours run from 1 to 168.');
  }
  return decodeAccounts(await transport().accountUpdate(account, update));
}

/** The rates known on `date` (the latest when null). */
export async function fetchFxRates(date: string | null = null): Promise<FxRate[]> {
  if (date) checkInput(DATE, date, 'The date');
  return decodeRates(await transport().fxRates(date || null));
}

/** Enters a rate by hand: 1 base = rate quote on date. The rate stays text: it is never a float here. */
export async function setFxRate(input: FxRateInput): Promise<RatesSaved> {
  const base = input.base.trim().toUpperCase();
  const quote = input.quote.trim().toUpperCase();
  checkInput(CURRENCY, base, 'The base currency');
  checkInput(CURRENCY, quote, 'The quote currency');
  if (base === quote) throw new ApiError('bad_request', 'The base and quote currencies are the same.');
  checkInput(DATE, input.date, 'The date');
  const rate = input.rate.trim();
  checkInput(RATE, rate, 'The rate (a positive decimal with a point, e.g. 1.0842)');
  return decodeRatesSaved(await transport().fxSet({ base, quote, date: input.date, rate }));
}

export async function fetchOpenItems(kind: string | null = null, state: string | null = null): Promise<OpenItem[]> {
  return decodeOpenItems(await transport().openItems(kind || null, state || null));
}

export async function fetchPayments(state: string | null = null): Promise<Payment[]> {
  return decodePayments(await transport().payments(state || null));
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

interface RawScope {
  entity: string | null;
  reportingCurrency: string | null;
}

interface RawChartParams extends RawScope {
  days: number | null;
  from: string | null;
  to: string | null;
}

interface RawEntity {
  code: string;
  name: string;
  country: string | null;
  reportingCurrency: string | null;
}

interface Transport {
  positions(asOf: string | null, scope: RawScope): Promise<unknown>;
  entries(filter: RawFilter): Promise<unknown>;
  importFile(name: string, content: Blob, csvMapping: string | null, onProgress: (sentFraction: number | null) => void): Promise<unknown>;
  forecast(days: number | null, scope: RawScope): Promise<unknown>;
  history(from: string | null, to: string | null, entity: string | null): Promise<unknown>;
  intraday(date: string | null): Promise<unknown>;
  chart(name: ChartName, params: RawChartParams): Promise<unknown>;
  /** Null where the host cannot rasterise (the desktop window). */
  chartPng: ((name: ChartName, params: RawChartParams) => Promise<Blob>) | null;
  entities(): Promise<unknown>;
  entitySave(entity: RawEntity): Promise<unknown>;
  accounts(): Promise<unknown>;
  accountUpdate(account: string, update: AccountUpdate): Promise<unknown>;
  fxRates(date: string | null): Promise<unknown>;
  fxSet(rate: FxRateInput): Promise<unknown>;
  openItems(kind: string | null, state: string | null): Promise<unknown>;
  payments(state: string | null): Promise<unknown>;
  csvMappings(): Promise<unknown>;
  csvMappingSave(definition: Record<string, unknown>): Promise<unknown>;
  csvMappingRemove(name: string): Promise<unknown>;
  settings(): Promise<unknown>;
  settingsSave(inboxFolder: string | null): Promise<unknown>;
  exceptions(kind: string | null, state: string | null): Promise<unknown>;
}

function rawScope(scope: Scope): RawScope {
  return { entity: scope.entity || null, reportingCurrency: scope.reportingCurrency || null };
}

function rawChartParams(params: ChartParams): RawChartParams {
  if (params.from) checkInput(DATE, params.from, 'The start date');
  if (params.to) checkInput(DATE, params.to, 'The end date');
  return {
    ...rawScope(params),
    days: params.days ?? null,
    from: params.from || null,
    to: params.to || null,
  };
}

/** Refuses what the person typed before it goes anywhere, with a sentence naming the field. */
function checkInput(pattern: RegExp, value: string, what: string): void {
  if (!pattern.test(value)) throw new ApiError('bad_request', `${what} is not valid: "${value}".`);
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
    positions: (asOf, scope) => call('positions', { asOf, ...scope }),
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
    forecast: (days, scope) => call('forecast', { days, ...scope }),
    history: (from, to, entity) => call('history', { from, to, entity }),
    intraday: (date) => call('intraday', { date }),
    chart: (name, params) => call('chart', { name, ...params }),
    // The desktop shell has no rasteriser; the screens hide the PNG export there.
    chartPng: null,
    entities: () => call('entities'),
    entitySave: (entity) => call('entity_save', { ...entity }),
    accounts: () => call('accounts'),
    accountUpdate: (account, update) => call('account_update', { account, update: { ...update } }),
    fxRates: (date) => call('fx_rates', { date }),
    fxSet: (rate) => call('fx_set', { ...rate }),
    openItems: (kind, state) => call('open_items', { kind, state }),
    payments: (state) => call('payments', { state }),
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
    positions: (asOf, scope) =>
      getJson(`/api/positions${query({ as_of: asOf, entity: scope.entity, reporting_currency: scope.reportingCurrency })}`),
    entries: (filter) => getJson(`/api/entries${query({ account: filter.account, from: filter.from, to: filter.to })}`),
    importFile: (name, content, csvMapping, onProgress) =>
      upload(`/api/import${query({ file: name, csv_mapping: csvMapping })}`, content, name, onProgress),
    forecast: (days, scope) =>
      getJson(`/api/forecast${query({ days: days === null ? null : String(days), entity: scope.entity, reporting_currency: scope.reportingCurrency })}`),
    history: (from, to, entity) => getJson(`/api/history${query({ from, to, entity })}`),
    intraday: (date) => getJson(`/api/intraday${query({ date })}`),
    chart: async (name, params) => {
      const response = await request(chartPath(name, 'svg', params), { method: 'GET', headers: { Accept: 'image/svg+xml' } }, READ_TIMEOUT_MS);
      return response.text();
    },
    chartPng: async (name, params) => {
      const response = await request(chartPath(name, 'png', params), { method: 'GET', headers: { Accept: 'image/png' } }, READ_TIMEOUT_MS);
      return response.blob();
    },
    entities: () => getJson('/api/entities'),
    entitySave: (entity) =>
      sendJson('POST', '/api/entities', {
        code: entity.code,
        name: entity.name,
        country: entity.country,
        reporting_currency: entity.reportingCurrency,
      }),
    accounts: () => getJson('/api/accounts'),
    accountUpdate: (account, update) =>
      sendJson('PUT', `/api/accounts/${encodeURIComponent(account)}`, {
        name: update.name,
        purpose: update.purpose,
        entity: update.entity,
        cadence: update.cadence,
        statement_due_time_utc: update.statementDueTimeUtc,
        intraday_hours: update.intradayHours,
      }),
    fxRates: (date) => getJson(`/api/fx-rates${query({ date })}`),
    fxSet: (rate) => sendJson('POST', '/api/fx-rates', rate),
    openItems: (kind, state) => getJson(`/api/open-items${query({ kind, state })}`),
    payments: (state) => getJson(`/api/payments${query({ state })}`),
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

function chartPath(name: ChartName, format: 'svg' | 'png', params: RawChartParams): string {
  return `/api/charts/${name}.${format}${query({
    entity: params.entity,
    reporting_currency: params.reportingCurrency,
    days: params.days === null ? null : String(params.days),
    from: params.from,
    to: params.to,
  })}`;
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
/** A rate or a probability: an unsigned decimal with a point. */
const RATE = /^\d+(\.\d+)?$/;
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

function decimal(value: unknown, path: string): string {
  const result = text(value, path);
  if (!RATE.test(result)) throw malformed(`${path} is not a decimal ("${result}")`);
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

function decodeConverted(value: unknown, path: string): Converted {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    amount: money(o.amount, `${path}.amount`),
    rate: nullable(decimal)(o.rate, `${path}.rate`),
    rate_date: nullable(decodeDate)(o.rate_date, `${path}.rate_date`),
    rate_source: nullable(text)(o.rate_source, `${path}.rate_source`),
  };
}

function decodePosition(value: unknown, path: string): Position {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  return {
    account,
    account_masked: nullable(nonEmptyText)(o.account_masked, `${path}.account_masked`) ?? maskAccount(account),
    name: nullable(text)(o.name, `${path}.name`),
    bank: nullable(text)(o.bank, `${path}.bank`),
    entity: nullable(text)(o.entity, `${path}.entity`),
    currency: currency(o.currency, `${path}.currency`),
    booked: money(o.booked, `${path}.booked`),
    available: nullable(money)(o.available, `${path}.available`),
    // Engines before the basis field only reported closing balances.
    basis: nullable(nonEmptyText)(o.basis, `${path}.basis`) ?? 'closing_booked',
    booked_date: decodeDate(o.booked_date, `${path}.booked_date`),
    as_of: instant(o.as_of, `${path}.as_of`),
    source: text(o.source, `${path}.source`),
    stale: bool(o.stale, `${path}.stale`),
    stale_reason: nullable(text)(o.stale_reason, `${path}.stale_reason`),
    expected_date: nullable(decodeDate)(o.expected_date, `${path}.expected_date`),
    converted: nullable(decodeConverted)(o.converted, `${path}.converted`),
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

function currencies(value: unknown, path: string): string[] {
  return array(value, path).map((v, i) => currency(v, `${path}[${i}]`));
}

function decodeConsolidated(value: unknown, path: string): Consolidated {
  const o = record(value, path);
  const booked = nullable(money)(o.booked, `${path}.booked`);
  const complete = nullable(bool)(o.complete, `${path}.complete`) ?? booked !== null;
  // The one rule the screens rely on: an incomplete total carries no number.
  if (!complete && booked !== null) throw malformed(`${path} is incomplete yet has a total`);
  if (complete && booked === null) throw malformed(`${path} is complete yet has no total`);
  return {
    scope: nullable(nonEmptyText)(o.scope, `${path}.scope`) ?? 'group',
    currency: currency(o.currency, `${path}.currency`),
    booked,
    rates_date: nullable(decodeDate)(o.rates_date, `${path}.rates_date`),
    complete,
    missing_rates: nullable(currencies)(o.missing_rates, `${path}.missing_rates`) ?? [],
  };
}

function decodePositions(value: unknown): Positions {
  const o = record(value, 'positions');
  const asOf = instant(o.as_of, 'positions.as_of');
  return {
    as_of: asOf,
    as_of_date: nullable(decodeDate)(o.as_of_date, 'positions.as_of_date') ?? asOf.slice(0, 10),
    entity: nullable(text)(o.entity, 'positions.entity'),
    reporting_currency: nullable(currency)(o.reporting_currency, 'positions.reporting_currency') ?? 'EUR',
    accounts: array(o.accounts, 'positions.accounts').map((v, i) => decodePosition(v, `positions.accounts[${i}]`)),
    accounts_without_data: nullable(texts)(o.accounts_without_data, 'positions.accounts_without_data') ?? [],
    totals: array(o.totals, 'positions.totals').map((v, i) => decodeTotal(v, `positions.totals[${i}]`)),
    banks: (nullable(array)(o.banks, 'positions.banks') ?? []).map((v, i) => ({
      ...decodeTotal(v, `positions.banks[${i}]`),
      bank: nullable(text)(record(v, `positions.banks[${i}]`).bank, `positions.banks[${i}].bank`),
    })),
    consolidated: nullable(decodeConsolidated)(o.consolidated, 'positions.consolidated'),
    entities: (nullable(array)(o.entities, 'positions.entities') ?? []).map((v, i) => decodeConsolidated(v, `positions.entities[${i}]`)),
  };
}

function decodeComponent(value: unknown, path: string): ForecastComponent {
  const o = record(value, path);
  return {
    kind: nonEmptyText(o.kind, `${path}.kind`),
    id: nonEmptyText(o.id, `${path}.id`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    date: decodeDate(o.date, `${path}.date`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    probability: nullable(decimal)(o.probability, `${path}.probability`),
    weighted: money(o.weighted, `${path}.weighted`),
  };
}

function decodeForecastDay(value: unknown, path: string): ForecastDay {
  const o = record(value, path);
  return {
    date: decodeDate(o.date, `${path}.date`),
    opening: money(o.opening, `${path}.opening`),
    receipts: money(o.receipts, `${path}.receipts`),
    payments: money(o.payments, `${path}.payments`),
    closing: money(o.closing, `${path}.closing`),
    components: array(o.components, `${path}.components`).map((v, i) => decodeComponent(v, `${path}.components[${i}]`)),
  };
}

function decodeForecastDays(value: unknown, path: string): ForecastDay[] {
  return array(value, path).map((v, i) => decodeForecastDay(v, `${path}[${i}]`));
}

function decodeForecast(value: unknown): Forecast {
  const o = record(value, 'forecast');
  const days = decodeForecastDays(o.days, 'forecast.days');
  const complete = bool(o.complete, 'forecast.complete');
  if (!complete && days.length > 0) throw malformed('forecast is incomplete yet has consolidated days');
  return {
    currency: currency(o.currency, 'forecast.currency'),
    days,
    complete,
    missing_rates: currencies(o.missing_rates, 'forecast.missing_rates'),
    currencies: array(o.currencies, 'forecast.currencies').map((v, i) => {
      const c = record(v, `forecast.currencies[${i}]`);
      return {
        currency: currency(c.currency, `forecast.currencies[${i}].currency`),
        days: decodeForecastDays(c.days, `forecast.currencies[${i}].days`),
      };
    }),
  };
}

function decodeHistoryDays(value: unknown, path: string): HistoryDay[] {
  return array(value, path).map((v, i) => {
    const o = record(v, `${path}[${i}]`);
    return {
      date: decodeDate(o.date, `${path}[${i}].date`),
      closing: money(o.closing, `${path}[${i}].closing`),
      reported: bool(o.reported, `${path}[${i}].reported`),
    };
  });
}

function decodeHistory(value: unknown): History {
  const o = record(value, 'history');
  return {
    from: decodeDate(o.from, 'history.from'),
    to: decodeDate(o.to, 'history.to'),
    accounts: array(o.accounts, 'history.accounts').map((v, i) => {
      const path = `history.accounts[${i}]`;
      const a = record(v, path);
      const account = nonEmptyText(a.account, `${path}.account`);
      return {
        account,
        account_masked: nullable(nonEmptyText)(a.account_masked, `${path}.account_masked`) ?? maskAccount(account),
        entity: nullable(text)(a.entity, `${path}.entity`),
        // An account without days has no currency to report.
        currency: text(a.currency, `${path}.currency`),
        days: decodeHistoryDays(a.days, `${path}.days`),
      };
    }),
    totals: array(o.totals, 'history.totals').map((v, i) => {
      const t = record(v, `history.totals[${i}]`);
      return {
        currency: currency(t.currency, `history.totals[${i}].currency`),
        days: decodeHistoryDays(t.days, `history.totals[${i}].days`),
      };
    }),
  };
}

function decodeIntraday(value: unknown): Intraday {
  const o = record(value, 'intraday');
  return {
    date: decodeDate(o.date, 'intraday.date'),
    entries: array(o.entries, 'intraday.entries').map((v, i) => {
      const path = `intraday.entries[${i}]`;
      const e = record(v, path);
      return {
        account: nonEmptyText(e.account, `${path}.account`),
        amount: money(e.amount, `${path}.amount`),
        currency: currency(e.currency, `${path}.currency`),
        status: text(e.status, `${path}.status`),
        counterparty: nullable(text)(e.counterparty, `${path}.counterparty`),
        remittance: nullable(text)(e.remittance, `${path}.remittance`),
        running: money(e.running, `${path}.running`),
      };
    }),
  };
}

function decodeEntity(value: unknown, path: string): Entity {
  const o = record(value, path);
  return {
    code: nonEmptyText(o.code, `${path}.code`),
    name: text(o.name, `${path}.name`),
    country: nullable(text)(o.country, `${path}.country`),
    reporting_currency: nullable(currency)(o.reporting_currency, `${path}.reporting_currency`),
  };
}

function decodeEntities(value: unknown): Entity[] {
  const o = record(value, 'entities');
  return array(o.entities, 'entities.entities').map((v, i) => decodeEntity(v, `entities[${i}]`));
}

const HOUR_MINUTE = /^\d{2}:\d{2}$/;

function decodeAccount(value: unknown, path: string): Account {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  const due = text(o.statement_due_time_utc, `${path}.statement_due_time_utc`);
  if (!HOUR_MINUTE.test(due)) throw malformed(`${path}.statement_due_time_utc is not HH:MM ("${due}")`);
  return {
    account,
    account_masked: nullable(nonEmptyText)(o.account_masked, `${path}.account_masked`) ?? maskAccount(account),
    currency: currency(o.currency, `${path}.currency`),
    name: nullable(text)(o.name, `${path}.name`),
    purpose: nullable(text)(o.purpose, `${path}.purpose`),
    bank: nullable(text)(o.bank, `${path}.bank`),
    bic: nullable(text)(o.bic, `${path}.bic`),
    entity: nullable(text)(o.entity, `${path}.entity`),
    cadence: nonEmptyText(o.cadence, `${path}.cadence`),
    statement_due_time_utc: due,
    intraday_hours: nullable(count)(o.intraday_hours, `${path}.intraday_hours`),
  };
}

function decodeAccounts(value: unknown): Account[] {
  const o = record(value, 'accounts');
  return array(o.accounts, 'accounts.accounts').map((v, i) => decodeAccount(v, `accounts[${i}]`));
}

function decodeRates(value: unknown): FxRate[] {
  const o = record(value, 'fx_rates');
  return array(o.rates, 'fx_rates.rates').map((v, i) => {
    const path = `rates[${i}]`;
    const r = record(v, path);
    return {
      base: currency(r.base, `${path}.base`),
      quote: currency(r.quote, `${path}.quote`),
      date: decodeDate(r.date, `${path}.date`),
      rate: decimal(r.rate, `${path}.rate`),
      source: text(r.source, `${path}.source`),
    };
  });
}

function decodeRatesSaved(value: unknown): RatesSaved {
  const o = record(value, 'fx_set');
  return {
    rates: count(o.rates, 'fx_set.rates'),
    written: count(o.written, 'fx_set.written'),
    warnings: nullable(texts)(o.warnings, 'fx_set.warnings') ?? [],
  };
}

function decodeOpenItems(value: unknown): OpenItem[] {
  const o = record(value, 'open_items');
  return array(o.items, 'open_items.items').map((v, i) => {
    const path = `items[${i}]`;
    const r = record(v, path);
    return {
      id: nonEmptyText(r.id, `${path}.id`),
      kind: nonEmptyText(r.kind, `${path}.kind`),
      counterparty: nullable(text)(r.counterparty, `${path}.counterparty`),
      amount: money(r.amount, `${path}.amount`),
      currency: currency(r.currency, `${path}.currency`),
      due_date: nullable(decodeDate)(r.due_date, `${path}.due_date`),
      reference: nullable(text)(r.reference, `${path}.reference`),
      probability: nullable(decimal)(r.probability, `${path}.probability`),
      state: nonEmptyText(r.state, `${path}.state`),
      entity: nullable(text)(r.entity, `${path}.entity`),
    };
  });
}

function decodePayments(value: unknown): Payment[] {
  const o = record(value, 'payments');
  return array(o.payments, 'payments.payments').map((v, i) => {
    const path = `payments[${i}]`;
    const r = record(v, path);
    return {
      id: nonEmptyText(r.id, `${path}.id`),
      end_to_end_id: text(r.end_to_end_id, `${path}.end_to_end_id`),
      status: nonEmptyText(r.status, `${path}.status`),
      reason: nullable(text)(r.reason, `${path}.reason`),
      creditor_name: text(r.creditor_name, `${path}.creditor_name`),
      amount: money(r.amount, `${path}.amount`),
      currency: currency(r.currency, `${path}.currency`),
      requested_date: decodeDate(r.requested_date, `${path}.requested_date`),
      reference: nullable(text)(r.reference, `${path}.reference`),
      prepared_by: text(r.prepared_by, `${path}.prepared_by`),
      approved_by: nullable(text)(r.approved_by, `${path}.approved_by`),
    };
  });
}

function decodeEntry(value: unknown, path: string): Entry {
  const o = record(value, path);
  return {
    account: nonEmptyText(o.account, `${path}.account`),
    bank_ref: nullable(text)(o.bank_ref, `${path}.bank_ref`),
    booking_date: nullable(decodeDate)(o.booking_date, `${path}.booking_date`),
    value_date: nullable(decodeDate)(o.value_date, `${path}.value_date`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    status: nonEmptyText(o.status, `${path}.status`),
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
