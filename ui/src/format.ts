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
