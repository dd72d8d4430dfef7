import type { CircuitState } from "./circuit";
import { type DestinationFilter, showFilter } from "./destination-filter";

/** A destination as the API shows it (GET /destinations). Never its secret. */
export interface Destination {
  id: string;
  url: string;
  description: string | null;
  managed_by: "config" | "api";
  filter: ReturnType<typeof showFilter>;
  state: "active" | "paused" | "disabled";
  circuit: { state: CircuitState; opened_at: string | null; next_probe_at: string | null; consecutive_failures: number };
  stats: DestinationStats;
  created_at: string;
  updated_at: string;
}

export interface DestinationStats {
  pending: number;
  waiting: number; // held: its circuit is open or it is paused/disabled
  delivered: number;
  failed: number;
  exhausted: number;
  canceled: number;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
}

/** The stored row's fields this view reads. */
export interface DestinationFields {
  id: string;
  url: string;
  description: string | null;
  managed_by: "config" | "api";
  filter_json: string;
  state: "active" | "paused" | "disabled";
  circuit_state: CircuitState;
  consecutive_failures: number;
  opened_at: string | null;
  next_probe_at: string | null;
  last_success_at: string | null;
  last_failure_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  stats_json?: string | null;
}

const COUNTS = { pending: 0, waiting: 0, delivered: 0, failed: 0, exhausted: 0, canceled: 0 };

export function showDestination(d: DestinationFields): Destination {
  const counts = { ...COUNTS, ...(d.stats_json ? (JSON.parse(d.stats_json) as Partial<typeof COUNTS>) : {}) };
  return {
    id: d.id,
    url: d.url,
    description: d.description,
    managed_by: d.managed_by,
    filter: showFilter(JSON.parse(d.filter_json) as DestinationFilter),
    state: d.state,
    circuit: {
      state: d.circuit_state,
      opened_at: d.opened_at,
      next_probe_at: d.next_probe_at,
      consecutive_failures: d.consecutive_failures,
    },
    stats: { ...counts, last_success_at: d.last_success_at, last_failure_at: d.last_failure_at, last_error: d.last_error },
    created_at: d.created_at,
    updated_at: d.updated_at,
  };
}

/** Rotation: how long the previous secret keeps signing (default 24 h, at most 7 days). */
export const ROTATION_DEFAULT_SECONDS = 86_400;
export const ROTATION_MAX_SECONDS = 7 * 86_400;
