// Exact sums of non-negative decimal strings: each amount becomes a BigInt scaled by 10^scale, so
// "0.000000000000000001" + "1" is "1.000000000000000001", never a float's 1.
const PLAIN = /^(\d+)(?:\.(\d+))?$/;

/** An exact running total: `units` counted in 10^-scale. */
export interface DecimalTotal {
  units: bigint;
  scale: number;
}

export const ZERO: DecimalTotal = { units: 0n, scale: 0 };

const rescale = (t: DecimalTotal, scale: number): bigint => t.units * 10n ** BigInt(scale - t.scale);

/** The canonical plain decimal ("100.0" → "100") as a total, or null when it is not one. */
export function toTotal(text: string): DecimalTotal | null {
  const m = PLAIN.exec(text);
  if (!m) return null;
  const frac = m[2] ?? "";
  return { units: BigInt((m[1] ?? "") + frac), scale: frac.length };
}

export function addTotals(a: DecimalTotal, b: DecimalTotal): DecimalTotal {
  const scale = Math.max(a.scale, b.scale);
  return { units: rescale(a, scale) + rescale(b, scale), scale };
}

/** Adds decimal strings exactly; an entry that is not a plain non-negative decimal is refused (null). */
export function sumDecimals(values: readonly string[]): string | null {
  let total = ZERO;
  for (const v of values) {
    const t = toTotal(v);
    if (!t) return null;
    total = addTotals(total, t);
  }
  return formatTotal(total);
}

/** The canonical plain form: no trailing fraction zeros, no leading zeros ("0.5", "12", "0"). */
export function formatTotal(t: DecimalTotal): string {
  const digits = t.units.toString().padStart(t.scale + 1, "0");
  const whole = digits.slice(0, digits.length - t.scale);
  const frac = digits.slice(digits.length - t.scale).replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : whole;
}
