// RFC 4180 CSV: CRLF line ends; a field holding a quote, comma, CR or LF is quoted, its quotes doubled.

/** What a spreadsheet would run as a formula when a cell starts with it (OWASP "CSV Injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One text field. Text we do not control (an order id anyone can set to `=HYPERLINK(…)`) that starts
 * like a formula is neutralised as OWASP recommends: prefixed with a single quote and quoted.
 * Our own numeric columns go through `numberField` instead, so nothing of theirs is altered.
 */
export function textField(value: string | null): string {
  if (value === null) return "";
  if (FORMULA_START.test(value)) return quoted(`'${value}`);
  return /[",\r\n]/.test(value) ? quoted(value) : value;
}

/** A value we produced (a canonical decimal, a count, an ISO time, a boolean): never quoted or prefixed. */
export const numberField = (value: string | number | null): string => (value === null ? "" : String(value));

const quoted = (value: string): string => `"${value.replaceAll('"', '""')}"`;

export const csvLine = (fields: readonly string[]): string => `${fields.join(",")}\r\n`;
