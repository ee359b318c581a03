//! A bank CSV sample read in the window: records, delimiter and header guesses, and how a mapping would read a row. Pure string work; nothing is uploaded, no amount becomes a float.
//
// The engine (`crates/bankfile/src/csv_mapping.rs`) is the authority on how a file is read.
// What is here mirrors it closely enough to preview a mapping before it is saved: the csv
// crate's record rules (quotes, blank lines skipped, fields trimmed when matched), the amount
// rules of `parse_amount`, and the chrono date specifiers banks use.

import type { CsvMappingDefinition } from './api';

/** How much of a sample file is read: enough for a preamble, a header and a screenful of rows. */
export const SAMPLE_BYTES_MAX = 64 * 1024;
/** Records kept from a sample ("its first lines"). */
export const SAMPLE_RECORDS_MAX = 30;
/** Delimiters offered and tried when guessing. */
export const DELIMITERS: readonly { value: string; label: string }[] = [
  { value: ',', label: 'Comma  ,' },
  { value: ';', label: 'Semicolon  ;' },
  { value: '\t', label: 'Tab' },
  { value: '|', label: 'Pipe  |' },
];

export interface Sample {
  fileName: string;
  text: string;
  /** The bytes were not all UTF-8; column names with accents may then not match. */
  notUtf8: boolean;
  /** Only the start of the file was read. */
  truncated: boolean;
}

/** Reads the start of a file as UTF-8 text, locally, cut at the last whole line. */
export function readSample(file: File): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    const truncated = file.size > SAMPLE_BYTES_MAX;
    reader.addEventListener('load', () => {
      let text = typeof reader.result === 'string' ? reader.result : '';
      if (text.startsWith('\uFEFF')) text = text.slice(1);
      if (truncated) {
        // The cut may fall inside a line (or a character); drop that part line.
        const lastBreak = Math.max(text.lastIndexOf('\n'), text.lastIndexOf('\r'));
        text = lastBreak >= 0 ? text.slice(0, lastBreak + 1) : '';
      }
      resolve({ fileName: file.name, text, notUtf8: text.includes('\uFFFD'), truncated });
    });
    reader.addEventListener('error', () => reject(new Error(`${file.name} could not be read.`)));
    reader.readAsText(file.slice(0, SAMPLE_BYTES_MAX), 'utf-8');
  });
}

/**
 * Splits CSV text into records the way the csv crate does with `has_headers(false)` and
 * `flexible(true)`: double quotes around a field, `""` inside them, CR, LF or CRLF line ends,
 * and lines with nothing on them skipped.
 */
export function parseRecords(text: string, delimiter: string, recordsMax: number): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let fieldOpen = false;
  const endRecord = (): void => {
    if (fieldOpen || record.length > 0) {
      record.push(field);
      records.push(record);
    }
    record = [];
    field = '';
    fieldOpen = false;
  };
  for (let i = 0; i < text.length && records.length < recordsMax; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      fieldOpen = true;
    } else if (c === delimiter) {
      record.push(field);
      field = '';
      fieldOpen = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i += 1;
      endRecord();
    } else {
      field += c;
      fieldOpen = true;
    }
  }
  if (records.length < recordsMax) endRecord();
  return records;
}

/** The delimiter that splits the first lines into the most consistent number of columns (at least two). */
export function guessDelimiter(text: string): string {
  let best = { delimiter: ',', rows: 0, columns: 0 };
  for (const { value } of DELIMITERS) {
    const [columns, rows] = commonWidth(parseRecords(text, value, 15));
    if (columns > 1 && (rows > best.rows || (rows === best.rows && columns > best.columns))) {
      best = { delimiter: value, rows, columns };
    }
  }
  return best.delimiter;
}

/** The rows before the header: those before the first record as wide as most records are. */
export function guessSkipRows(records: string[][]): number {
  const [columns] = commonWidth(records);
  if (columns <= 1) return 0;
  const index = records.findIndex((r) => trimTrailingEmpty(r.map((f) => f.trim())).length >= columns);
  return Math.max(0, index);
}

/** The most frequent width above one column (wider wins a tie), and how many records have it. */
function commonWidth(records: string[][]): [number, number] {
  const counts = new Map<number, number>();
  for (const record of records) {
    const width = trimTrailingEmpty(record.map((f) => f.trim())).length;
    if (width > 1) counts.set(width, (counts.get(width) ?? 0) + 1);
  }
  let best: [number, number] = [0, 0];
  for (const [width, rows] of counts) {
    if (rows > best[1] || (rows === best[1] && width > best[0])) best = [width, rows];
  }
  return best;
}

function trimTrailingEmpty(fields: string[]): string[] {
  const result = [...fields];
  while (result.length > 0 && result[result.length - 1] === '') result.pop();
  return result;
}

/** The header's column names as the engine compares them: trimmed, trailing empty columns dropped. */
export function headerColumns(record: string[] | undefined): string[] {
  return record ? trimTrailingEmpty(record.map((f) => f.trim())) : [];
}

/** Joins column names into the `header` text of a mapping, quoting those the csv crate would split. */
export function joinHeader(columns: string[], delimiter: string): string {
  return columns
    .map((column) =>
      column.includes(delimiter) || column.includes('"') || /[\r\n]/.test(column) ? `"${column.replace(/"/g, '""')}"` : column,
    )
    .join(delimiter);
}

// ---------------------------------------------------------------------------------------------
// Dates.

export const DATE_FORMAT_PRESETS: readonly { format: string; example: string }[] = [
  { format: '%d.%m.%Y', example: '31.12.2026' },
  { format: '%d/%m/%Y', example: '31/12/2026' },
  { format: '%m/%d/%Y', example: '12/31/2026' },
  { format: '%Y-%m-%d', example: '2026-12-31' },
  { format: '%d-%m-%Y', example: '31-12-2026' },
  { format: '%d.%m.%y', example: '31.12.26' },
  { format: '%d/%m/%y', example: '31/12/26' },
  { format: '%Y%m%d', example: '20261231' },
];

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** A date read with a chrono format: the ISO date, an error sentence, or null when this window cannot check the format. */
export type DateRead = { date: string } | { error: string } | null;

/**
 * Reads `text` with a chrono format, for the specifiers banks use (`%d %e %m %b %B %Y %y %H %M
 * %S %F %T %D`). Like chrono, a space in the format matches any run of spaces, and the whole
 * text must be used (a time part after the date is allowed only if the format has one).
 */
export function readDate(text: string, format: string): DateRead {
  let pattern = '^';
  const groups: string[] = [];
  const expanded = format.replace(/%F/g, '%Y-%m-%d').replace(/%T/g, '%H:%M:%S').replace(/%D/g, '%m/%d/%y');
  for (let i = 0; i < expanded.length; i += 1) {
    const c = expanded[i] ?? '';
    if (c === '%') {
      const spec = expanded[i + 1];
      i += 1;
      switch (spec) {
        case 'd':
        case 'e':
          pattern += ' ?(\\d{1,2})';
          groups.push('day');
          break;
        case 'm':
          pattern += '(\\d{1,2})';
          groups.push('month');
          break;
        case 'Y':
          pattern += '(\\d{4})';
          groups.push('year');
          break;
        case 'y':
          pattern += '(\\d{2})';
          groups.push('year2');
          break;
        case 'b':
        case 'h':
        case 'B':
          pattern += '([A-Za-z]{3,9})';
          groups.push('monthName');
          break;
        case 'H':
        case 'M':
        case 'S':
          pattern += '(\\d{1,2})';
          groups.push('time');
          break;
        case '%':
          pattern += '%';
          break;
        default:
          return null;
      }
    } else if (/\s/.test(c)) {
      pattern += '\\s*';
    } else {
      pattern += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  const match = new RegExp(`${pattern}$`).exec(text.trim());
  if (!match) return { error: `'${text}' does not match ${format}` };
  let day = 0;
  let month = 0;
  let year = -1;
  groups.forEach((group, index) => {
    const value = match[index + 1] ?? '';
    if (group === 'day') day = Number(value);
    else if (group === 'month') month = Number(value);
    else if (group === 'year') year = Number(value);
    else if (group === 'year2') year = Number(value) + (Number(value) < 70 ? 2000 : 1900);
    else if (group === 'monthName') month = MONTHS.indexOf(value.slice(0, 3).toLowerCase()) + 1;
  });
  if (day === 0 || month === 0 || year < 0) {
    return month === 0 && groups.includes('monthName') ? { error: `'${text}' has no month name this window knows` } : null;
  }
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month > 12 || day > daysInMonth) return { error: `'${text}' is not a real date with ${format}` };
  return { date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` };
}

/** The first preset that reads every sample value, or null. */
export function guessDateFormat(values: string[]): string | null {
  const samples = values.filter((v) => v.trim() !== '');
  if (samples.length === 0) return null;
  for (const { format } of DATE_FORMAT_PRESETS) {
    if (samples.every((v) => {
      const read = readDate(v, format);
      return read !== null && 'date' in read;
    })) {
      return format;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Amounts: text in, text out.

export type AmountRead = { amount: string } | { error: string };

/** `parse_amount` of the engine: "1.234,56", "-1,058.09", "(12.00)", "12.00-" and "+5" as a plain signed decimal text. */
export function readAmount(text: string, decimalSeparator: string, thousandsSeparator: string | null): AmountRead {
  let value = text.trim().replace(/[ \u00a0]/g, '');
  let negative = false;
  if (value.startsWith('(') && value.endsWith(')')) {
    negative = true;
    value = value.slice(1, -1);
  }
  if (value.endsWith('-')) {
    negative = !negative;
    value = value.slice(0, -1);
  }
  if (thousandsSeparator !== null) {
    const integerPart = value.split(decimalSeparator)[0] ?? '';
    const groups = integerPart.split(thousandsSeparator);
    const first = (groups[0] ?? '').replace(/^[-+]+/, '');
    const groupedWell = groups.length === 1 || (first !== '' && groups.slice(1).every((g) => /^\d{3}$/.test(g)));
    if (!groupedWell) return { error: `'${text}' is not an amount: the digit grouping is wrong` };
    value = value.split(thousandsSeparator).join('');
  }
  if (decimalSeparator !== '.') {
    if (value.includes('.')) return { error: `'${text}' has a '.' but the decimals are written with '${decimalSeparator}'` };
    value = value.split(decimalSeparator).join('.');
  }
  const match = /^([+-]?)(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) return { error: `'${text}' is not an amount` };
  let amount = match[2] ?? '';
  if (match[1] === '-') negative = !negative;
  amount = amount.replace(/^0+(?=\d)/, '');
  return { amount: negative ? negate(amount) : amount };
}

export function isZero(amount: string): boolean {
  return !/[1-9]/.test(amount);
}

/** Flips the sign of a plain decimal text; zero stays unsigned. */
export function negate(amount: string): string {
  if (isZero(amount)) return amount.replace(/^-/, '');
  return amount.startsWith('-') ? amount.slice(1) : `-${amount}`;
}

function magnitude(amount: string): string {
  return amount.replace(/^-/, '');
}

/** Guesses the separators from sample amounts: a comma before the last one or two digits means decimal comma. */
export function guessSeparators(values: string[]): { decimal: string; thousands: string | null } {
  const samples = values.map((v) => v.trim()).filter((v) => v !== '');
  const commaDecimal = samples.some((v) => /,\d{1,2}\)?-?$/.test(v)) && !samples.some((v) => /\.\d{1,2}\)?-?$/.test(v));
  const decimal = commaDecimal ? ',' : '.';
  const other = commaDecimal ? '.' : ',';
  let thousands: string | null = null;
  if (samples.some((v) => v.includes(other))) thousands = other;
  else if (samples.some((v) => v.includes("'"))) thousands = "'";
  return { decimal, thousands };
}

// ---------------------------------------------------------------------------------------------
// A mapping applied to sample rows.

export interface PreviewCell {
  text: string;
  /** Why the engine would refuse this row, in its words; null when the cell reads. */
  error: string | null;
  /** True when this window cannot check the value (an unusual date format). */
  unchecked?: boolean;
}

export interface PreviewRow {
  /** The record's position in the file, counted from 1 (blank lines not counted). */
  record: number;
  date: PreviewCell;
  value_date: PreviewCell;
  amount: PreviewCell;
  currency: PreviewCell;
  account: PreviewCell;
  counterparty: PreviewCell;
  remittance: PreviewCell;
  bank_ref: PreviewCell;
  balance: PreviewCell;
}

const EMPTY: PreviewCell = { text: '', error: null };

/**
 * How the engine would read the data rows of `records` (the sample, header at
 * `headerIndex`) with `mapping`. `complete` says the sample is the whole file, so the
 * footer rows can be left out as the engine does.
 */
export function previewRows(
  records: string[][],
  headerIndex: number,
  mapping: CsvMappingDefinition,
  complete: boolean,
  rowsMax: number,
): PreviewRow[] {
  const header = records[headerIndex];
  if (!header) return [];
  const index = new Map<string, number>();
  header.forEach((name, i) => index.set(name.trim(), i));
  let data = records
    .map((fields, i) => ({ fields, record: i + 1 }))
    .slice(headerIndex + 1)
    .filter(({ fields }) => !fields.every((f) => f.trim() === ''));
  if (complete && mapping.footer_rows > 0) data = data.slice(0, Math.max(0, data.length - mapping.footer_rows));

  return data.slice(0, rowsMax).map(({ fields, record }) => {
    const get = (column: string | null): string | null => {
      if (column === null) return null;
      const at = index.get(column);
      const value = at === undefined ? undefined : fields[at]?.trim();
      return value === undefined || value === '' ? null : value;
    };
    const readColumnAmount = (column: string | null): AmountRead | null => {
      const value = get(column);
      return value === null ? null : readAmount(value, mapping.decimal_separator, mapping.thousands_separator);
    };
    const dateCell = (column: string | null, required: boolean): PreviewCell => {
      const value = get(column);
      if (value === null) return required ? { text: '', error: 'the date is empty' } : EMPTY;
      const read = readDate(value, mapping.date_format);
      if (read === null) return { text: value, error: null, unchecked: true };
      return 'date' in read ? { text: read.date, error: null } : { text: value, error: read.error };
    };

    // Currency: the column where it has a value, else the fixed one.
    const currencyText = get(mapping.currency_column) ?? mapping.currency;
    const currency: PreviewCell =
      currencyText === null
        ? { text: '', error: 'the currency is empty and the mapping gives no default' }
        : /^[A-Za-z]{3}$/.test(currencyText)
          ? { text: currencyText.toUpperCase(), error: null }
          : { text: currencyText, error: `'${currencyText}' is not a currency code` };

    const accountText = mapping.account ?? get(mapping.account_column);
    const account: PreviewCell = accountText === null ? { text: '', error: 'the account is empty' } : { text: accountText, error: null };

    let amount: PreviewCell;
    const signed = readColumnAmount(mapping.amount_column);
    if (mapping.amount_column !== null) {
      amount = signed === null ? { text: '', error: 'the amount is empty' } : toCell(signed);
    } else {
      const debit = readColumnAmount(mapping.debit_column);
      const credit = readColumnAmount(mapping.credit_column);
      if (debit && 'error' in debit) amount = toCell(debit);
      else if (credit && 'error' in credit) amount = toCell(credit);
      else {
        // Banks write debits with or without a minus sign; the column says what it is.
        const debitAmount = debit ? (debit.amount.startsWith('-') ? debit.amount : negate(debit.amount)) : null;
        const creditAmount = credit ? credit.amount : null;
        if (debitAmount !== null && creditAmount !== null && !isZero(debitAmount) && !isZero(creditAmount)) {
          amount = { text: '', error: 'both a debit and a credit amount on one row' };
        } else if (debitAmount === null && creditAmount === null) {
          amount = { text: '', error: 'the row has no amount' };
        } else {
          const chosen = debitAmount !== null && !isZero(debitAmount) ? debitAmount : (creditAmount ?? debitAmount ?? '');
          amount = { text: chosen, error: null };
        }
      }
    }
    if (amount.error === null && mapping.debit_credit_column !== null && mapping.debit_marker !== null) {
      const marker = get(mapping.debit_credit_column);
      const isDebit = marker !== null && marker.toLowerCase() === mapping.debit_marker.toLowerCase();
      amount = { text: isDebit ? negate(magnitude(amount.text)) : magnitude(amount.text), error: null };
    }
    if (amount.error === null && mapping.negate) amount = { text: negate(amount.text), error: null };

    const balanceRead = readColumnAmount(mapping.balance_column);
    const remittance = mapping.remittance_columns.map(get).filter((v): v is string => v !== null).join(' ');
    const counterparty = get(mapping.counterparty_column) ?? get(mapping.counterparty_iban_column);

    return {
      record,
      date: dateCell(mapping.date_column, true),
      value_date: dateCell(mapping.value_date_column, false),
      amount,
      currency,
      account,
      counterparty: { text: counterparty ?? '', error: null },
      remittance: { text: remittance, error: null },
      bank_ref: { text: get(mapping.bank_ref_column) ?? '', error: null },
      balance: balanceRead === null ? EMPTY : toCell(balanceRead),
    };
  });
}

function toCell(read: AmountRead): PreviewCell {
  return 'amount' in read ? { text: read.amount, error: null } : { text: '', error: read.error };
}
