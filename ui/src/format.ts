//! Display formats for money, dates and times; pure string work, so an amount is never turned into a float.

/**
 * Groups the integer digits of a wire amount by thousands ("-12345.67" → "-12,345.67").
 * The digits themselves are never changed: this is layout, not arithmetic.
 */
export function formatMoney(amount: string): string {
  const match = /^(-?)(\d+)(\.\d+)?$/.exec(amount);
  if (!match) return amount;
  const [, sign = '', whole = '', fraction = ''] = match;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction}`;
}

export function isNegative(amount: string): boolean {
  return amount.startsWith('-') && /[1-9]/.test(amount);
}

/** An RFC 3339 UTC instant as "2026-11-20 18:00 UTC"; anything else is shown as given. */
export function formatInstant(instant: string): string {
  const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?(Z|[+-]00:00)$/.exec(instant);
  if (!match) return instant;
  return `${match[1]} ${match[2]} UTC`;
}

export function formatCount(count: number): string {
  return String(count);
}

export function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A file size for people: "812 B", "12.4 KB", "3.1 MB" (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** A snake_case code as words: "balance_mismatch" → "Balance mismatch". */
export function humanize(code: string): string {
  const words = code.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A probability given as decimal text ("0.5", "0.125", "1") as a percentage ("50%", "12.5%",
 * "100%"), by moving the decimal point two places in the text: no float is involved.
 */
export function formatProbability(probability: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(probability);
  if (!match) return probability;
  const [, whole = '0', fraction = ''] = match;
  const padded = fraction.padEnd(2, '0');
  const integer = `${whole}${padded.slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = padded.slice(2).replace(/0+$/, '');
  return `${integer}${rest ? `.${rest}` : ''}%`;
}

/** An account key for a table cell: only its last four characters, as the engine masks it. */
export function maskAccount(account: string): string {
  const compact = account.replace(/\s+/g, '');
  return compact.length <= 4 ? compact : `…${compact.slice(-4)}`;
}
