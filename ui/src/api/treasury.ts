//! Treasury reads: positions, forecast, history, intraday movements, entries and charts.

import type {
  AccountHistory,
  AccountPosition,
  BankTotal,
  ChartRequest,
  Consolidated,
  Converted,
  CurrencyForecast,
  CurrencyHistory,
  CurrencyTotal,
  EntriesQuery,
  Entry,
  EntryDetail,
  ForecastComponent,
  ForecastDay,
  ForecastReport,
  HistoryDay,
  HistoryReport,
  IntradayEntry,
  IntradayReport,
  PositionsReport,
} from '../generated/wire';
import {
  DATE,
  arrayOf,
  bool,
  count,
  currencies,
  currency,
  decimal,
  decodeDate,
  instant,
  listIn,
  maskedAccount,
  money,
  nonEmptyText,
  nullable,
  record,
  text,
  texts,
} from './decode';
import { ApiError, checkInput, malformed } from './error';
import { available, call, type Loose } from './transport';

export type {
  AccountHistory,
  BankTotal,
  Consolidated,
  Converted,
  CurrencyForecast,
  CurrencyHistory,
  CurrencyTotal,
  Entry,
  EntryDetail,
  ForecastComponent,
  ForecastDay,
  HistoryDay,
  IntradayEntry,
};
export type Position = AccountPosition;
export type Positions = PositionsReport;
export type Forecast = ForecastReport;
export type History = HistoryReport;
export type Intraday = IntradayReport;
/** Which entries: one account, a date range, at most `limit`; unset fields are the engine's defaults. */
export type EntryFilter = Loose<EntriesQuery>;

/** Which slice of the group, in which currency; null or empty means the engine's default. */
export interface Scope {
  entity?: string | null;
  reportingCurrency?: string | null;
}

export type ChartName = 'balances' | 'history' | 'forecast' | 'entities' | 'banks';

/** A chart's scope as the screens hold it; see `ChartRequest` for what the engine reads. */
export interface ChartParams {
  entity?: string | null;
  reportingCurrency?: string | null;
  days?: number | null;
  from?: string | null;
  to?: string | null;
  /** Balances as they stood at the end of this day (`entities`, `banks`). */
  asOf?: string | null;
}

// ---------------------------------------------------------------------------------------------
// Limits.

/** Forecasts are for the coming weeks, not years; the engine has its own limit too. */
export const FORECAST_DAYS_MAX = 260;
/** The chart is a small generated SVG; anything bigger is not what we asked for. */
const CHART_CHARS_MAX = 2 * 1024 * 1024;
/** A chart rasterised for export; a few hundred kilobytes in practice. */
const CHART_PNG_BYTES_MAX = 16 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Calls.

export async function fetchPositions(asOf: string | null = null, scope: Scope = {}): Promise<Positions> {
  if (asOf !== null) checkInput(DATE, asOf, 'The as-of date');
  return decodePositions(await call('positions', { as_of: asOf, ...wireScope(scope) }));
}

/** The projected balance for the coming `days` business days (the engine's default when null). */
export async function fetchForecast(days: number | null, scope: Scope = {}): Promise<Forecast> {
  if (days !== null && (!Number.isSafeInteger(days) || days < 1 || days > FORECAST_DAYS_MAX)) {
    throw new ApiError('bad_request', `The number of days must be a whole number from 1 to ${FORECAST_DAYS_MAX}.`);
  }
  return decodeForecast(await call('forecast', { days, ...wireScope(scope) }));
}

/** Daily closings from `from` to `to` (both default on the engine: the last 90 days). */
export async function fetchHistory(from: string | null, to: string | null, entity: string | null = null): Promise<History> {
  if (from) checkInput(DATE, from, 'The start date');
  if (to) checkInput(DATE, to, 'The end date');
  return decodeHistory(await call('history', { from: from || null, to: to || null, entity: entity || null }));
}

/** The entries of one day with running sums; today (the engine's) when `date` is null. */
export async function fetchIntraday(date: string | null = null): Promise<Intraday> {
  if (date) checkInput(DATE, date, 'The date');
  return decodeIntraday(await call('intraday', { date: date || null }));
}

export async function fetchEntries(filter: EntryFilter = {}): Promise<Entry[]> {
  if (filter.from) checkInput(DATE, filter.from, 'The start date');
  if (filter.to) checkInput(DATE, filter.to, 'The end date');
  return listIn(await call('entries', filter), 'entries', 'entries', decodeEntry);
}

/** A chart as SVG document text; insert it only through `parseSvg` below. */
export async function fetchChart(name: ChartName, params: ChartParams = {}): Promise<string> {
  const raw = await call('chart', chartRequest(name, params));
  if (typeof raw !== 'string') throw malformed('the chart is not text');
  if (raw.length > CHART_CHARS_MAX) throw malformed('the chart is larger than expected');
  return raw;
}

/** Whether this host can rasterise a chart to PNG (the local server can; the desktop window cannot). */
export function chartPngAvailable(): boolean {
  return available('chart_png');
}

/** A chart as a PNG image, for export. */
export async function fetchChartPng(name: ChartName, params: ChartParams = {}): Promise<Blob> {
  if (!chartPngAvailable()) throw new ApiError('unsupported', 'PNG export is not available in the desktop window; export the SVG.');
  const blob = await call('chart_png', chartRequest(name, params));
  if (!(blob instanceof Blob)) throw malformed('the PNG image is not binary');
  if (blob.size === 0 || blob.size > CHART_PNG_BYTES_MAX) throw malformed('the PNG image is empty or larger than expected');
  return blob.type === 'image/png' ? blob : new Blob([blob], { type: 'image/png' });
}

/**
 * Parses SVG text into a detached `<svg>` element safe to insert: it must parse as
 * image/svg+xml with an `<svg>` root, and scripts, foreign objects, event handler attributes
 * and links leaving the document are removed.
 */
export function parseSvg(svg: string): SVGSVGElement {
  const SVG_NS = 'http://www.w3.org/2000/svg';
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
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

function wireScope(scope: Scope): { entity: string | null; reporting_currency: string | null } {
  return { entity: scope.entity || null, reporting_currency: scope.reportingCurrency || null };
}

function chartRequest(name: ChartName, params: ChartParams) {
  if (params.from) checkInput(DATE, params.from, 'The start date');
  if (params.to) checkInput(DATE, params.to, 'The end date');
  if (params.asOf) checkInput(DATE, params.asOf, 'The as-of date');
  return {
    chart: name,
    ...wireScope(params),
    days: params.days ?? null,
    from: params.from || null,
    to: params.to || null,
    as_of: params.asOf || null,
  } satisfies Loose<ChartRequest>;
}

// ---------------------------------------------------------------------------------------------
// Decoders.

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
    account_masked: maskedAccount(o, account, path),
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
    accounts: count(o.accounts, `${path}.accounts`),
  };
}

function decodeBankTotal(value: unknown, path: string): BankTotal {
  const o = record(value, path);
  return { ...decodeTotal(o, path), bank: nullable(text)(o.bank, `${path}.bank`) };
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
  // The fallbacks below are for engines older than the field, as before the generated types.
  return {
    as_of: asOf,
    as_of_date: nullable(decodeDate)(o.as_of_date, 'positions.as_of_date') ?? asOf.slice(0, 10),
    entity: nullable(text)(o.entity, 'positions.entity'),
    reporting_currency: nullable(currency)(o.reporting_currency, 'positions.reporting_currency') ?? 'EUR',
    accounts: arrayOf(decodePosition)(o.accounts, 'positions.accounts'),
    accounts_without_data: nullable(texts)(o.accounts_without_data, 'positions.accounts_without_data') ?? [],
    totals: arrayOf(decodeTotal)(o.totals, 'positions.totals'),
    banks: nullable(arrayOf(decodeBankTotal))(o.banks, 'positions.banks') ?? [],
    consolidated: nullable(decodeConsolidated)(o.consolidated, 'positions.consolidated'),
    entities: nullable(arrayOf(decodeConsolidated))(o.entities, 'positions.entities') ?? [],
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
    components: arrayOf(decodeComponent)(o.components, `${path}.components`),
  };
}

function decodeCurrencyForecast(value: unknown, path: string): CurrencyForecast {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    days: arrayOf(decodeForecastDay)(o.days, `${path}.days`),
  };
}

function decodeForecast(value: unknown): Forecast {
  const o = record(value, 'forecast');
  const days = arrayOf(decodeForecastDay)(o.days, 'forecast.days');
  const complete = bool(o.complete, 'forecast.complete');
  if (!complete && days.length > 0) throw malformed('forecast is incomplete yet has consolidated days');
  return {
    currency: currency(o.currency, 'forecast.currency'),
    days,
    complete,
    missing_rates: currencies(o.missing_rates, 'forecast.missing_rates'),
    currencies: arrayOf(decodeCurrencyForecast)(o.currencies, 'forecast.currencies'),
  };
}

function decodeHistoryDay(value: unknown, path: string): HistoryDay {
  const o = record(value, path);
  return {
    date: decodeDate(o.date, `${path}.date`),
    closing: money(o.closing, `${path}.closing`),
    reported: bool(o.reported, `${path}.reported`),
  };
}

function decodeAccountHistory(value: unknown, path: string): AccountHistory {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  return {
    account,
    account_masked: maskedAccount(o, account, path),
    entity: nullable(text)(o.entity, `${path}.entity`),
    // An account without days has no currency to report.
    currency: text(o.currency, `${path}.currency`),
    days: arrayOf(decodeHistoryDay)(o.days, `${path}.days`),
  };
}

function decodeCurrencyHistory(value: unknown, path: string): CurrencyHistory {
  const o = record(value, path);
  return {
    currency: currency(o.currency, `${path}.currency`),
    days: arrayOf(decodeHistoryDay)(o.days, `${path}.days`),
  };
}

function decodeHistory(value: unknown): History {
  const o = record(value, 'history');
  return {
    from: decodeDate(o.from, 'history.from'),
    to: decodeDate(o.to, 'history.to'),
    accounts: arrayOf(decodeAccountHistory)(o.accounts, 'history.accounts'),
    totals: arrayOf(decodeCurrencyHistory)(o.totals, 'history.totals'),
  };
}

function decodeIntradayEntry(value: unknown, path: string): IntradayEntry {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  return {
    account,
    account_masked: maskedAccount(o, account, path),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    status: text(o.status, `${path}.status`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    remittance: nullable(text)(o.remittance, `${path}.remittance`),
    running: money(o.running, `${path}.running`),
  };
}

function decodeIntraday(value: unknown): Intraday {
  const o = record(value, 'intraday');
  return {
    date: decodeDate(o.date, 'intraday.date'),
    entries: arrayOf(decodeIntradayEntry)(o.entries, 'intraday.entries'),
  };
}

function decodeEntry(value: unknown, path: string): Entry {
  const o = record(value, path);
  return {
    account: nonEmptyText(o.account, `${path}.account`),
    bank_ref: nullable(text)(o.bank_ref, `${path}.bank_ref`),
    entry_ref: nullable(text)(o.entry_ref, `${path}.entry_ref`),
    booking_date: nullable(decodeDate)(o.booking_date, `${path}.booking_date`),
    value_date: nullable(decodeDate)(o.value_date, `${path}.value_date`),
    amount: money(o.amount, `${path}.amount`),
    currency: currency(o.currency, `${path}.currency`),
    status: nonEmptyText(o.status, `${path}.status`),
    reversal: bool(o.reversal, `${path}.reversal`),
    end_to_end_id: nullable(text)(o.end_to_end_id, `${path}.end_to_end_id`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    counterparty_iban: nullable(text)(o.counterparty_iban, `${path}.counterparty_iban`),
    remittance: nullable(text)(o.remittance, `${path}.remittance`),
    creditor_reference: nullable(text)(o.creditor_reference, `${path}.creditor_reference`),
    bank_transaction_code: nullable(text)(o.bank_transaction_code, `${path}.bank_transaction_code`),
    details: arrayOf(decodeEntryDetail)(o.details, `${path}.details`),
  };
}

function decodeEntryDetail(value: unknown, path: string): EntryDetail {
  const o = record(value, path);
  const amount = nullable(money)(o.amount, `${path}.amount`);
  const amountCurrency = nullable(currency)(o.currency, `${path}.currency`);
  if ((amount === null) !== (amountCurrency === null)) throw malformed(`${path} has an amount without its currency, or a currency without an amount`);
  return {
    position: count(o.position, `${path}.position`),
    amount,
    currency: amountCurrency,
    end_to_end_id: nullable(text)(o.end_to_end_id, `${path}.end_to_end_id`),
    instruction_id: nullable(text)(o.instruction_id, `${path}.instruction_id`),
    bank_ref: nullable(text)(o.bank_ref, `${path}.bank_ref`),
    mandate_id: nullable(text)(o.mandate_id, `${path}.mandate_id`),
    counterparty: nullable(text)(o.counterparty, `${path}.counterparty`),
    counterparty_iban: nullable(text)(o.counterparty_iban, `${path}.counterparty_iban`),
    remittance: nullable(text)(o.remittance, `${path}.remittance`),
    creditor_reference: nullable(text)(o.creditor_reference, `${path}.creditor_reference`),
    return_reason: nullable(text)(o.return_reason, `${path}.return_reason`),
  };
}
