// The read API's JSON, as far as the page relies on it. Extra fields are shown generically.

export interface Invoice {
  invoice_id: string;
  status: string;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: boolean | null;
  confirmed: boolean;
  first_received_at: string;
  [key: string]: unknown;
}

export interface Attempt {
  round: number;
  attempt: number;
  started_at: string;
  status_code: number | null;
  error_class: string | null;
  latency_ms: number | null;
  response_body: string | null;
}

export interface Delivery {
  id: string;
  invoice_id?: string;
  event_id: string;
  destination: string;
  state: string;
  round: number;
  attempt_count: number;
  next_attempt_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  attempts?: Attempt[];
  [key: string]: unknown;
}

export interface Postback {
  id: string | number;
  received_at: string;
  content_type: string | null;
  api_version: string | null;
  status: string;
  amount_crypto: string;
  currency: string;
  order_id: string | null;
  test_mode: boolean | null;
  request_id: string | null;
}

export interface Health {
  status: string;
  errors?: string[];
  warnings?: string[];
  [key: string]: unknown;
}

export interface Reconciliation {
  configured?: boolean;
  last_run_at: string | null;
  last_success_at: string | null;
  last_error: string | null;
  recovered_total: number;
  [key: string]: unknown;
}

export interface Stats {
  invoices_by_status?: Record<string, number>;
  deliveries_by_state?: Record<string, number>;
  oldest_pending_delivery_age_seconds?: number | null;
  confirmations_by_state?: Record<string, number>;
  reconciliation?: Reconciliation | null;
  deliveries_enqueue_failed?: number;
  database_bytes?: number | null;
  tables?: Record<string, number>;
  retention?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface Page<T> {
  rows: T[];
  next: string | null;
}
