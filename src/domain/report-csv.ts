import { csvLine, numberField, textField } from "./csv";
import type { InvoiceRow } from "./invoice";

/** The export's columns, in order; one row per invoice. */
export const CSV_COLUMNS = [
  "invoice_id",
  "invoice_uuid",
  "status",
  "amount_crypto",
  "currency",
  "amount_usd",
  "order_id",
  "test_mode",
  "confirmed",
  "source",
  "not_forwarded",
  "first_received_at",
  "last_received_at",
  "postback_count",
] as const;

export const csvHeader = (): string => csvLine([...CSV_COLUMNS]);

/** The USD amount CryptoCloud's API gave at confirmation, when it is a plain decimal. */
export function amountUsdOf(detailJson: string | null): string | null {
  if (!detailJson) return null;
  try {
    const api = (JSON.parse(detailJson) as { api?: { amount_usd?: unknown } }).api;
    const usd = api?.amount_usd;
    return typeof usd === "string" && /^\d+(\.\d+)?$/.test(usd) ? usd : null;
  } catch {
    return null;
  }
}

const flag = (v: number | null): string => (v === null ? "" : v === 1 ? "true" : "false");

export function csvRow(row: InvoiceRow): string {
  return csvLine([
    textField(row.invoice_id),
    textField(`INV-${row.invoice_id}`),
    textField(row.status),
    numberField(row.amount_crypto),
    textField(row.currency),
    numberField(amountUsdOf(row.detail_json)),
    textField(row.order_id),
    flag(row.test_mode),
    flag(row.confirmed),
    textField(row.source),
    textField(row.not_forwarded),
    numberField(row.first_received_at),
    numberField(row.last_received_at),
    numberField(row.postback_count),
  ]);
}
