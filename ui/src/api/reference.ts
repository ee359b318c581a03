//! Reference data: entities, accounts, exchange rates and the business-day calendar.

import type {
  Account,
  AccountUpdate,
  CalendarDay,
  CalendarReport,
  CalendarRequest,
  Entity,
  EntitySave,
  Rate,
  RateInput,
  RatesImported,
} from '../generated/wire';
import {
  CURRENCY,
  DATE,
  HOUR_MINUTE,
  RATE,
  arrayOf,
  bool,
  count,
  currency,
  decimal,
  decodeDate,
  listIn,
  maskedAccount,
  nonEmptyText,
  nullable,
  record,
  text,
  texts,
} from './decode';
import { ApiError, checkInput, malformed } from './error';
import { call, type Loose } from './transport';

export type { Account, AccountUpdate, CalendarDay, CalendarReport, Entity, RatesImported };
export type FxRate = Rate;
export type FxRateInput = RateInput;

// ---------------------------------------------------------------------------------------------
// Calls.

export async function fetchEntities(): Promise<Entity[]> {
  return listIn(await call('entities'), 'entities', 'entities', decodeEntity);
}

/** Creates an entity, or changes the one with this code. */
export async function saveEntity(entity: Loose<EntitySave>): Promise<Entity> {
  const code = entity.code.trim();
  if (code === '') throw new ApiError('bad_request', 'An entity needs a code.');
  if (entity.name.trim() === '') throw new ApiError('bad_request', 'An entity needs a name.');
  const request: Loose<EntitySave> = {
    code,
    name: entity.name.trim(),
    country: entity.country?.trim() || null,
    reporting_currency: entity.reporting_currency || null,
  };
  return decodeEntity(await call('entity_save', request), 'entity');
}

export async function fetchAccounts(): Promise<Account[]> {
  return listIn(await call('accounts'), 'accounts', 'accounts', decodeAccount);
}

/**
 * Changes an account (every currency of it): only the fields set are changed, and entity ""
 * detaches it. Answers with the account as it is now.
 */
export async function updateAccount(account: string, update: AccountUpdate): Promise<Account[]> {
  if (account === '') throw new ApiError('bad_request', 'No account given.');
  if (update.statement_due_time_utc !== undefined) {
    checkInput(/^([01]\d|2[0-3]):[0-5]\d$/, update.statement_due_time_utc, 'The due time (HH:MM)');
  }
  if (update.intraday_hours !== undefined && (!Number.isSafeInteger(update.intraday_hours) || update.intraday_hours < 1 || update.intraday_hours > 168)) {
    throw new ApiError('bad_request', 'Intraday hours run from 1 to 168.');
  }
  // `account` goes into the path over HTTP and is an argument of its own in the desktop window.
  return listIn(await call('account_update', { account, ...update }), 'accounts', 'accounts', decodeAccount);
}

/** The rates known on `date` (the latest when null). */
export async function fetchFxRates(date: string | null = null): Promise<FxRate[]> {
  if (date) checkInput(DATE, date, 'The date');
  return listIn(await call('fx_rates', { date: date || null }), 'fx_rates', 'rates', decodeRate);
}

/** Enters a rate by hand: 1 base = rate quote on date. The rate stays text: it is never a float here. */
export async function setFxRate(input: FxRateInput): Promise<RatesImported> {
  const base = input.base.trim().toUpperCase();
  const quote = input.quote.trim().toUpperCase();
  checkInput(CURRENCY, base, 'The base currency');
  checkInput(CURRENCY, quote, 'The quote currency');
  if (base === quote) throw new ApiError('bad_request', 'The base and quote currencies are the same.');
  checkInput(DATE, input.date, 'The date');
  const rate = input.rate.trim();
  checkInput(RATE, rate, 'The rate (a positive decimal with a point, e.g. 1.0842)');
  const request: RateInput = { base, quote, date: input.date, rate };
  return decodeRatesImported(await call('fx_set', request));
}

/** The business days of a currency's calendar (EUR and the coming weeks by default). */
export async function fetchCalendar(request: Loose<CalendarRequest> = {}): Promise<CalendarReport> {
  if (request.currency) checkInput(CURRENCY, request.currency, 'The currency');
  if (request.from) checkInput(DATE, request.from, 'The start date');
  if (request.to) checkInput(DATE, request.to, 'The end date');
  return decodeCalendar(await call('calendar', request));
}

// ---------------------------------------------------------------------------------------------
// Decoders.

function decodeEntity(value: unknown, path: string): Entity {
  const o = record(value, path);
  return {
    code: nonEmptyText(o.code, `${path}.code`),
    name: text(o.name, `${path}.name`),
    country: nullable(text)(o.country, `${path}.country`),
    reporting_currency: nullable(currency)(o.reporting_currency, `${path}.reporting_currency`),
  };
}

function decodeAccount(value: unknown, path: string): Account {
  const o = record(value, path);
  const account = nonEmptyText(o.account, `${path}.account`);
  const due = text(o.statement_due_time_utc, `${path}.statement_due_time_utc`);
  if (!HOUR_MINUTE.test(due)) throw malformed(`${path}.statement_due_time_utc is not HH:MM ("${due}")`);
  return {
    account,
    account_masked: maskedAccount(o, account, path),
    currency: currency(o.currency, `${path}.currency`),
    name: nullable(text)(o.name, `${path}.name`),
    purpose: nullable(text)(o.purpose, `${path}.purpose`),
    bank: nullable(text)(o.bank, `${path}.bank`),
    bic: nullable(text)(o.bic, `${path}.bic`),
    entity: nullable(text)(o.entity, `${path}.entity`),
    // `daily` or `intraday`; a newer engine's cadence is shown as it comes.
    cadence: nonEmptyText(o.cadence, `${path}.cadence`),
    statement_due_time_utc: due,
    intraday_hours: nullable(count)(o.intraday_hours, `${path}.intraday_hours`),
  };
}

function decodeRate(value: unknown, path: string): FxRate {
  const o = record(value, path);
  return {
    base: currency(o.base, `${path}.base`),
    quote: currency(o.quote, `${path}.quote`),
    date: decodeDate(o.date, `${path}.date`),
    rate: decimal(o.rate, `${path}.rate`),
    source: text(o.source, `${path}.source`),
  };
}

function decodeRatesImported(value: unknown): RatesImported {
  const o = record(value, 'fx_set');
  return {
    file: text(o.file, 'fx_set.file'),
    rates: count(o.rates, 'fx_set.rates'),
    written: count(o.written, 'fx_set.written'),
    first_date: nullable(decodeDate)(o.first_date, 'fx_set.first_date'),
    last_date: nullable(decodeDate)(o.last_date, 'fx_set.last_date'),
    warnings: nullable(texts)(o.warnings, 'fx_set.warnings') ?? [],
  };
}

function decodeCalendarDay(value: unknown, path: string): CalendarDay {
  const o = record(value, path);
  return {
    date: decodeDate(o.date, `${path}.date`),
    business_day: bool(o.business_day, `${path}.business_day`),
    closed: nullable(text)(o.closed, `${path}.closed`),
  };
}

function decodeCalendar(value: unknown): CalendarReport {
  const o = record(value, 'calendar');
  return {
    currency: currency(o.currency, 'calendar.currency'),
    calendar: nonEmptyText(o.calendar, 'calendar.calendar'),
    days: arrayOf(decodeCalendarDay)(o.days, 'calendar.days'),
  };
}

/** Asks to see full account numbers on `view`; refused to a role that may not, and recorded in the audit log. */
export async function revealAccounts(view: 'positions' | 'accounts'): Promise<void> {
  record(await call('reveal', { view }), 'revealed');
}
