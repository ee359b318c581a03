//! Importing bank files, and the saved CSV mappings they may be read with.

import type { FileResult, ImportOptions as WireImportOptions, CsvMapping as WireCsvMapping } from '../generated/wire';
import { bool, character, count, listIn, nonEmptyText, nullable, oneOf, record, text, texts } from './decode';
import { ApiError, malformed } from './error';
import { call } from './transport';

export type ImportStatus = 'imported' | 'duplicate' | 'failed';

/** One file's result; the wire's `status` is text, read here as the three states the screens branch on. */
export type ImportedFile = Omit<FileResult, 'status'> & { status: ImportStatus };

/** How an import is to be read: the wire's options, and how far the upload is. */
export interface ImportOptions {
  /** Read the file as CSV with this saved mapping, whatever its header says (`csv_mapping` on the wire). */
  csvMapping?: string | null;
  /**
   * Told how far the upload is: a fraction from 0 to 1 of the bytes sent, 1 once all are sent
   * and the engine is reading them, or `null` when the transport cannot tell (the desktop
   * window), in which case it is called once, at the start.
   */
  onProgress?: (sentFraction: number | null) => void;
}

/**
 * A saved CSV mapping's definition: the fields of `crates/bankfile/src/csv_mapping.rs`. Written
 * by hand because the wire carries it as free JSON (`unknown`); the engine checks it on save
 * and names the field at fault.
 */
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

export type CsvMapping = Omit<WireCsvMapping, 'definition'> & { definition: CsvMappingDefinition };

/**
 * Files above this are refused before they are read into memory. The engine has its own,
 * authoritative limit; this one only protects the window from a mistaken multi-gigabyte drop.
 */
export const IMPORT_FILE_BYTES_MAX = 64 * 1024 * 1024;

// ---------------------------------------------------------------------------------------------
// Calls.

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
  const request: { file: string } & WireImportOptions = { file: name, ...(csvMapping !== null ? { csv_mapping: csvMapping } : {}) };
  const raw = await call('import_file', request, {
    body: content,
    name,
    onProgress: options.onProgress ?? (() => undefined),
  });
  const results = listIn(raw, 'import', 'files', decodeImportedFile);
  if (results.length === 0) throw malformed('the import answer lists no file');
  return results;
}

export async function fetchCsvMappings(): Promise<CsvMapping[]> {
  // The mappings of bank statement exports; those of ERP exports are saved from their JSON
  // (`cashline csv-mapping add`) and read by the open items and payments imports.
  const all = listIn(await call('csv_mappings'), 'csv_mappings', 'mappings', (value, path) => ({ value, path, records: record(value, path).records }));
  return all.filter((m) => m.records === 'statements').map((m) => decodeCsvMapping(m.value, m.path));
}

/** Saves (or replaces, by name) a mapping; the engine checks it and names the field at fault. */
export async function saveCsvMapping(definition: CsvMappingDefinition): Promise<CsvMapping> {
  return decodeCsvMapping(await call('csv_mapping_save', encodeCsvMapping(definition)), 'mapping');
}

export async function removeCsvMapping(name: string): Promise<void> {
  if (name === '') throw new ApiError('bad_request', 'The CSV mapping name is empty.');
  await call('csv_mapping_remove', { name });
}

// ---------------------------------------------------------------------------------------------
// Decoders and the one encoder.

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
    // Older engines leave out the last ones; absent means none.
    promoted_entries: nullable(count)(o.promoted_entries, `${path}.promoted_entries`) ?? 0,
    payments_settled: nullable(count)(o.payments_settled, `${path}.payments_settled`) ?? 0,
    payments_returned: nullable(count)(o.payments_returned, `${path}.payments_returned`) ?? 0,
    payment_statuses: nullable(count)(o.payment_statuses, `${path}.payment_statuses`) ?? 0,
    error: nullable(text)(o.error, `${path}.error`),
    error_code: nullable(nonEmptyText)(o.error_code, `${path}.error_code`),
    warnings: nullable(texts)(o.warnings, `${path}.warnings`) ?? [],
    exceptions: nullable(texts)(o.exceptions, `${path}.exceptions`) ?? [],
  };
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
    records: nonEmptyText(o.records, `${path}.records`),
    header: text(o.header, `${path}.header`),
    definition: decodeCsvMappingDefinition(o.definition, `${path}.definition`),
  };
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
