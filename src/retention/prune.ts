import { getConfig } from "../config";
import { log } from "../log";
import { finishJobStatement, leaseJob } from "../store/jobs";
import { PRUNED_TABLES, pruneOnce } from "../store/retention";

/** Each DELETE removes at most this many rows; a run makes at most this many DELETEs. */
export const PRUNE_BATCH_ROWS = 1000;
export const PRUNE_MAX_STATEMENTS = 25;
const DAY_MS = 86_400_000;

export interface PruneResult {
  removed: Record<string, number>;
  statements: number;
  more: boolean; // stopped at the bound: the next cron run continues
}

/**
 * Deletes what RETENTION_DAYS (and, for what never arrived, UNDELIVERED_RETENTION_DAYS) lets go, once a day (claimed through the `jobs` row, so only one
 * isolate prunes), in bounded batches; a run that hits the bound leaves a cursor and the next cron
 * run continues. Returns null when it is not due, turned off, or another run holds it.
 */
export async function prune(
  env: Env,
  now: Date,
  options: { force?: boolean; batchRows?: number; maxStatements?: number } = {},
): Promise<PruneResult | null> {
  const { force = false, batchRows = PRUNE_BATCH_ROWS, maxStatements = PRUNE_MAX_STATEMENTS } = options;
  const { retentionDays: days, auditRetentionDays: auditDays, undeliveredRetentionDays: undeliveredDays } = getConfig(env);
  if (days === 0 && auditDays === 0) return null;
  const lease = await leaseJob(env.DB, "retention", now, { dueBefore: new Date(now.getTime() - DAY_MS), leaseMs: 10 * 60_000, force });
  if (!lease) return null;
  const cutoff = new Date(now.getTime() - days * DAY_MS);
  const cutoffs = { cutoff, undelivered: undeliveredDays === 0 ? null : new Date(now.getTime() - undeliveredDays * DAY_MS) };
  // The audit log keeps its own, longer retention whatever RETENTION_DAYS says; 0 keeps either forever.
  const auditCutoffs = { cutoff: new Date(now.getTime() - auditDays * DAY_MS), undelivered: null };
  const result: PruneResult = { removed: {}, statements: 0, more: false };
  const unfinished = new Set(PRUNED_TABLES.filter((t) => (t === "audit_log" ? auditDays : days) > 0));
  // Round-robin over the tables until each is done or the statement bound is reached.
  while (unfinished.size > 0 && result.statements < maxStatements) {
    for (const table of [...unfinished]) {
      if (result.statements >= maxStatements) break;
      const n = await pruneOnce(env.DB, table, table === "audit_log" ? auditCutoffs : cutoffs, batchRows);
      result.statements++;
      result.removed[table] = (result.removed[table] ?? 0) + n;
      if (n < batchRows) unfinished.delete(table);
    }
  }
  result.more = unfinished.size > 0;
  const total = Object.values(result.removed).reduce((a, b) => a + b, 0);
  await finishJobStatement(
    env.DB,
    "retention",
    lease.token,
    {
      ok: true,
      error: null,
      cursorJson: result.more ? JSON.stringify({ cutoff: cutoff.toISOString() }) : null,
      added: total,
      resultJson: JSON.stringify(result),
    },
    now,
  ).run();
  log(result.more ? "warn" : "info", "retention.pruned", { ...result.removed, statements: result.statements, more: result.more });
  return result;
}
