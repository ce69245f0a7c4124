import Decimal from 'decimal.js';

/**
 * PRTR amount rules. Amounts travel as decimal strings and are computed with Decimal, never floats.
 */

export type PrtrUnit = 'kg' | 'mg-TEQ';

const AMOUNT_RE = /^\d{1,12}(\.\d{1,6})?$/;

/** A non-negative decimal string ("0", "0.0", "12", "0.05"); anything else → null. */
export function parseAmount(s: unknown): Decimal | null {
  if (typeof s !== 'string' || !AMOUNT_RE.test(s)) return null;
  return new Decimal(s);
}

function toDecimal(value: Decimal | string): Decimal {
  if (Decimal.isDecimal(value)) {
    const d = value as Decimal;
    if (!d.isFinite() || d.isNegative()) throw new RangeError(`not a non-negative amount: ${d.toString()}`);
    return d;
  }
  const parsed = parseAmount(value);
  if (!parsed) throw new RangeError(`not an amount: ${String(value)}`);
  return parsed;
}

/** Two significant digits (ROUND_HALF_UP), in plain notation keeping the second digit ("5.0", "0.050", "1200"). */
function twoSignificant(d: Decimal): string {
  const r = d.toSignificantDigits(2, Decimal.ROUND_HALF_UP);
  // r.e is the base-10 exponent of the leading digit: 1234 → 3, 5 → 0, 0.05 → -2.
  const places = Math.max(0, 1 - r.e);
  return r.toFixed(places, Decimal.ROUND_HALF_UP);
}

/**
 * The PRTR reporting rule.
 * kg: zero → "0.0"; below 1 → one decimal place (0.05 → "0.1", 0.95 → "1.0"); otherwise two
 * significant digits (9.95 → "10", 1234 → "1200", 5 → "5.0").
 * mg-TEQ: two significant digits at every magnitude, zero → "0".
 * Rounding is ROUND_HALF_UP throughout.
 */
export function roundPrtrAmount(value: Decimal | string, unit: PrtrUnit): string {
  const d = toDecimal(value);
  if (unit === 'mg-TEQ') {
    if (d.isZero()) return '0';
    return twoSignificant(d);
  }
  if (d.isZero()) return '0.0';
  if (d.lessThan(1)) return d.toFixed(1, Decimal.ROUND_HALF_UP);
  return twoSignificant(d);
}

/** True when the value is numerically equal to its rounded value ("1200", "0.0", "1.20" yes; "1234", "0.05" no). */
export function isRoundedPrtrAmount(value: string, unit: PrtrUnit): boolean {
  const d = parseAmount(value);
  if (!d) return false;
  return d.equals(new Decimal(roundPrtrAmount(d, unit)));
}
