// A non-negative decimal, as CryptoCloud (a Python service) may write it: "0.4567", "100",
// "1e-07", "1.5E+3". Never parsed into a float: digits are moved as text.
const DECIMAL = /^(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d{1,3}))?$/;
const MAX_DIGITS = 60;

/** The canonical plain form ("0.00000010" → "0.0000001", "1e3" → "1000"), or null. */
export function normalizeDecimal(input: string): string | null {
  const m = DECIMAL.exec(input);
  if (!m) return null;
  const intPart = m[1] ?? "";
  const fracPart = m[2] ?? "";
  const exp = m[3] ? Number.parseInt(m[3], 10) : 0;
  if (intPart.length + fracPart.length > MAX_DIGITS || Math.abs(exp) > MAX_DIGITS) return null;
  let digits = intPart + fracPart;
  let point = intPart.length + exp; // position of the decimal point within `digits`
  if (point < 0) {
    digits = "0".repeat(-point) + digits;
    point = 0;
  } else if (point > digits.length) {
    digits += "0".repeat(point - digits.length);
  }
  const whole = digits.slice(0, point).replace(/^0+/, "") || "0";
  const frac = digits.slice(point).replace(/0+$/, "");
  const out = frac ? `${whole}.${frac}` : whole;
  return out.length > MAX_DIGITS + 2 ? null : out;
}
