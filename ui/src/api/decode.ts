//! The decoder primitives: each checks one shape of the wire and throws an `ApiError` naming the field at fault.
//
// The command modules build their decoders from these and type each one as the generated wire
// type (../generated/wire), so a field added, removed or retyped in Rust breaks `tsc` here
// instead of a screen at run time. Money stays a string: `money` checks its form and never
// turns it into a number.

import { malformed } from './error';

/** A decoder: checks `value` and returns it typed, or throws naming `path`. */
export type Decoder<T> = (value: unknown, path: string) => T;

/** `YYYY-MM-DD`, the form of every date on the wire. */
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** ISO 4217 letters, as the engine writes them. */
export const CURRENCY = /^[A-Z]{3}$/;
/** A rate or a probability: an unsigned decimal with a point. */
export const RATE = /^\d+(\.\d+)?$/;
/** A time of day, "HH:MM". */
export const HOUR_MINUTE = /^\d{2}:\d{2}$/;
const MONEY = /^-?\d+(\.\d+)?$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function record(value: unknown, path: string): Record<string, unknown> {
  if (!isRecord(value)) throw malformed(`${path} is not an object`);
  return value;
}

export function array(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw malformed(`${path} is not a list`);
  return value;
}

/** A list whose every item is read by `decode`, each named by its index. */
export function arrayOf<T>(decode: Decoder<T>): Decoder<T[]> {
  return (value, path) => array(value, path).map((v, i) => decode(v, `${path}[${i}]`));
}

export function text(value: unknown, path: string): string {
  if (typeof value !== 'string') throw malformed(`${path} is not text`);
  return value;
}

export function nonEmptyText(value: unknown, path: string): string {
  const result = text(value, path);
  if (result.length === 0) throw malformed(`${path} is empty`);
  return result;
}

export const texts: Decoder<string[]> = arrayOf(text);

/** One character, as serde writes a Rust `char`. */
export function character(value: unknown, path: string): string {
  const result = text(value, path);
  if ([...result].length !== 1) throw malformed(`${path} is not one character`);
  return result;
}

/** Absent (`undefined`) and `null` both read as null: serde leaves out some unset fields. */
export function nullable<T>(decode: Decoder<T>): Decoder<T | null> {
  return (value, path) => (value === null || value === undefined ? null : decode(value, path));
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw malformed(`${path} is not true or false`);
  return value;
}

export function count(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(`${path} is not a count`);
  }
  return value;
}

/** A whole number that may be negative (days left of something already over). */
export function integer(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw malformed(`${path} is not a whole number`);
  return value;
}

/** An amount as decimal text ("-1234.50"); it stays text all the way to the screen. */
export function money(value: unknown, path: string): string {
  const result = text(value, path);
  if (!MONEY.test(result)) throw malformed(`${path} is not an amount ("${result}")`);
  return result;
}

export function currency(value: unknown, path: string): string {
  const result = text(value, path);
  if (!CURRENCY.test(result)) throw malformed(`${path} is not a currency code ("${result}")`);
  return result;
}

export const currencies: Decoder<string[]> = arrayOf(currency);

export function decodeDate(value: unknown, path: string): string {
  const result = text(value, path);
  if (!DATE.test(result)) throw malformed(`${path} is not a date ("${result}")`);
  return result;
}

/** An RFC 3339 instant. */
export function instant(value: unknown, path: string): string {
  const result = text(value, path);
  if (!INSTANT.test(result)) throw malformed(`${path} is not a time ("${result}")`);
  return result;
}

/** An unsigned decimal (a rate, a probability). */
export function decimal(value: unknown, path: string): string {
  const result = text(value, path);
  if (!RATE.test(result)) throw malformed(`${path} is not a decimal ("${result}")`);
  return result;
}

export function oneOf<T extends string>(allowed: readonly T[]): Decoder<T> {
  return (value, path) => {
    const result = text(value, path);
    if (!(allowed as readonly string[]).includes(result)) throw malformed(`${path} is not one of ${allowed.join(', ')}`);
    return result as T;
  };
}

/** Fallback when an engine leaves out the masked form: never show more than the last four characters. */
export function maskAccount(account: string): string {
  return account.length <= 4 ? account : `…${account.slice(-4)}`;
}

/** The masked account of `o`, or one made from the full key when an engine leaves it out. */
export function maskedAccount(o: Record<string, unknown>, account: string, path: string): string {
  return nullable(nonEmptyText)(o.account_masked, `${path}.account_masked`) ?? maskAccount(account);
}

/** `{ [key]: [...] }`, the envelope of every list answer: the list, each item read by `decode`. */
export function listIn<T>(value: unknown, name: string, key: string, decode: Decoder<T>): T[] {
  const o = record(value, name);
  return arrayOf(decode)(o[key], `${name}.${key}`);
}
