import { firstCursor, type ListCursor, listWindow } from "./reconcile";

/** A project's reconciliation state as the store keeps it (reconcile_projects). */
export interface ProjectReconcileState {
  project: string;
  cursor_json: string | null;
  pass_started_at: string | null;
  last_pass_at: string | null;
  last_run_at: string | null;
  last_error: string | null;
  last_error_code: ReconcileFailureCode | null;
  consecutive_failures: number;
  recovered_total: number;
  last_result_json: string | null;
}

export type ReconcileFailureCode = "api_error" | "api_unauthorized" | "multiple_projects";

/** Passes that have not completed for this many intervals make /health unhealthy. */
export const STALE_INTERVALS = 3;

export interface DueOptions {
  intervalMinutes: number;
  lookbackDays: number;
  force: boolean; // POST /reconcile: run now
  since: Date | null; // POST /reconcile?since=: a new pass over this window
}

/**
 * Where a project's run starts, or null when it has nothing to do now. An unfinished pass resumes
 * from its saved cursor (a failed page never sends the crawl back to the start): on the next cron
 * after an API error, after the interval when a human must fix something (401, several projects).
 * A finished pass starts the next one after the interval.
 */
export function dueCursor(
  state: ProjectReconcileState | undefined,
  now: Date,
  o: DueOptions,
): { cursor: ListCursor; fresh: boolean } | null {
  const fresh = () => ({
    cursor: firstCursor(listWindow(now, o.since ? { since: o.since } : { lookbackDays: o.lookbackDays })),
    fresh: true,
  });
  if (o.since) return fresh();
  const intervalAgo = now.getTime() - o.intervalMinutes * 60_000;
  const waited = (at: string | null) => at === null || Date.parse(at) <= intervalAgo;
  if (state?.cursor_json) {
    const humanFix = state.last_error_code === "api_unauthorized" || state.last_error_code === "multiple_projects";
    if (!o.force && humanFix && !waited(state.last_run_at)) return null;
    return { cursor: JSON.parse(state.cursor_json) as ListCursor, fresh: false };
  }
  if (!o.force && !waited(state?.pass_started_at ?? null)) return null;
  return fresh();
}

/** Least recently served first, so a run's shared budget rotates fairly between projects. */
export const servingOrder = <T extends { slug: string }>(projects: readonly T[], states: ReadonlyMap<string, ProjectReconcileState>): T[] =>
  [...projects].sort((a, b) => {
    const x = states.get(a.slug)?.last_run_at ?? "";
    const y = states.get(b.slug)?.last_run_at ?? "";
    return x < y ? -1 : x > y ? 1 : a.slug < b.slug ? -1 : 1;
  });

/** True when the project's pass has been unfinished for STALE_INTERVALS intervals: invoices may be missing. */
export function passIsStale(state: ProjectReconcileState | undefined, now: Date, intervalMinutes: number): boolean {
  if (!state?.cursor_json || !state.pass_started_at || intervalMinutes === 0) return false;
  return now.getTime() - Date.parse(state.pass_started_at) > STALE_INTERVALS * intervalMinutes * 60_000;
}
