//! Exact sums of wire amounts ("-1234.50") for the live totals of a selection: decimal text to BigInt minor units and back, never a float.
//
// The engine does every sum that is stored or reported; the screens add only what a person has
// selected and not yet sent (the manual matching of reconciliation), so the difference can be
// shown as the selection changes. Each amount keeps the decimals it came with: the sum takes the
// most decimals among its terms, so "3000.00" + "-54.33" is "2945.67" and yen stay whole.

const AMOUNT = /^(-?)(\d+)(?:\.(\d+))?$/;
/** More decimals than any currency has (ISO 4217 goes to 4); a longer fraction is not an amount. */
const DECIMALS_MAX = 8;

/** An amount as an integer count of 10^-decimals units. */
interface Scaled {
  units: bigint;
  decimals: number;
}

function parse(amount: string): Scaled {
  const match = AMOUNT.exec(amount);
  if (!match) throw new Error(`not an amount: "${amount}"`);
  const [, sign = '', whole = '0', fraction = ''] = match;
  if (fraction.length > DECIMALS_MAX) throw new Error(`too many decimals: "${amount}"`);
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, decimals: fraction.length };
}

function rescale(value: Scaled, decimals: number): bigint {
  return value.units * 10n ** BigInt(decimals - value.decimals);
}

function format(units: bigint, decimals: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? `.${fraction}` : ''}`;
}

/**
 * The exact sum of `amounts`, with as many decimals as the longest of them (`decimals` at
 * least, for an empty or whole-number list: pass the currency's minor units).
 */
export function sumAmounts(amounts: readonly string[], decimals = 0): string {
  const parsed = amounts.map(parse);
  const scale = Math.max(decimals, ...parsed.map((p) => p.decimals));
  const total = parsed.reduce((sum, p) => sum + rescale(p, scale), 0n);
  return format(total, scale);
}

/** `a - b`, exactly, with the decimals of the longer. */
export function subtractAmounts(a: string, b: string): string {
  const [x, y] = [parse(a), parse(b)];
  const scale = Math.max(x.decimals, y.decimals);
  return format(rescale(x, scale) - rescale(y, scale), scale);
}

/** Whether an amount is zero ("0.00", "-0", "0"). */
export function isZeroAmount(amount: string): boolean {
  return parse(amount).units === 0n;
}
