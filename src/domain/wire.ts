// The read API's JSON as a client sees it (the operator page imports these with `import type`; the
// OpenAPI document describes the same shapes). Types only: nothing here runs. Objects that later
// versions extend keep an index signature, so a client shows new fields instead of dropping them.
import type { InvoiceStatus } from "./status";

export type { PublicInvoice } from "./invoice";
export type { InvoiceStatus } from "./status";

/** A delivery attempt (GET /invoices/:id/deliveries, GET /deliveries/:id). */
export interface ApiAttempt {
  id?: number;
  delivery_id?: string;
  round: number;
  attempt: number;
  started_at: string;
  status_code: number | null;
  error_class: string | null;
  latency_ms: number;
  response_body: string | null;
}

/** A delivery. `state` is a string: a newer Worker may add states (e.g. canceled) the client must show. */
export interface ApiDelivery {
  id: string;
  event_id: string;
  invoice_id: string;
  destination: string;
  state: string;
  round: number;
  attempt_count: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  project?: string; // its invoice's project (slug)
  attempts?: ApiAttempt[];
  [key: string]: unknown;
}

/** A postback receipt (GET /invoices/:id/postbacks). Never the token. */
export interface ApiReceipt {
  id: number;
  received_at: string;
  content_type: string;
  api_version: number;
  status: InvoiceStatus | string;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: boolean | null;
  request_id: string;
}

export interface ApiHealth {
  status: "ok" | "unhealthy";
  errors: string[];
  warnings: string[];
  [key: string]: unknown;
}

export interface ApiReconciliation {
  configured: boolean;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  recovered_total: number;
  [key: string]: unknown;
}

export interface ApiStats {
  invoices_by_status: Record<string, number>;
  deliveries_by_state: Record<string, number>;
  confirmations_by_state: Record<string, number>;
  oldest_pending_delivery_age_seconds: number | null;
  deliveries_enqueue_failed: number;
  reconciliation: ApiReconciliation;
  tables: Record<string, number>;
  database_bytes: number | null;
  retention: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ApiReconcileSummary {
  checked: number;
  recovered: string[];
  already_recorded: number;
  ignored: number;
  more?: boolean;
}

/** One UTC day of GET /reports/daily. Amounts are exact decimal strings; test invoices are not summed. */
export interface ApiDailyRow {
  date: string; // YYYY-MM-DD, UTC
  invoices: number;
  test_invoices: number;
  by_currency: Record<string, string>;
  amount_usd: string | null; // null when no rate is known for some of the day's currencies
  delivered: number;
  waiting: number;
  exhausted: number;
}

export interface ApiDailyReport {
  days: ApiDailyRow[];
}
