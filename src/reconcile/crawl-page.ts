import type { Config } from "../config";
import type { Project } from "../domain/projects";
import type { ListCursor } from "../domain/reconcile";
import { reconcilePage } from "../domain/reconcile-page";
import { log } from "../log";
import { apiUnauthorized } from "../store/confirmations";
import { type JobLease, renewLeaseStatement } from "../store/jobs";
import { enqueueDeliveries } from "../store/outbox";
import { markProjected, projectInvoice } from "../store/projection";
import { recordRecovered } from "../store/reconcile";
import { failStatements, multipleProjects, pageStatements } from "../store/reconcile-state";
import { fetchPage } from "./fetch-page";
import type { ProjectResult, ReconcileFailure } from "./run";

/** One project's part of a run: where its listing stands and what it found. */
export interface ProjectRun {
  project: Project & { apiKey: string };
  cursor: ListCursor | null; // null: the pass is complete
  fresh: boolean; // the next page begins a new pass
  seen: Set<string>;
  summary: ProjectResult;
}

/** What the projects of one run share: the API request budget, the audit entry (written once), KV writes. */
export interface RunShare {
  budget: number;
  audit: D1PreparedStatement | null;
  projectedToKv: number;
  startedMs: number; // Date.now() when the run began: the lease is renewed relative to the run's clock
}

/** Recovered invoices a run writes to KV itself (each a KV operation); the sweeper does the others. */
export const KV_AT_ONCE = 300;
const LEASE_MS = 90_000;

/**
 * One page of one project: fetch (retried within the run) → decide (reconcilePage) → record the
 * page and save the cursor in one batch → project to KV and enqueue after. A page that fails after
 * its tries stops this project for this run; its cursor stays at that page for the next run.
 */
export async function crawlPage(env: Env, config: Config, lease: JobLease, run: ProjectRun, share: RunShare, now: Date): Promise<void> {
  const { cursor, project, summary } = run;
  if (cursor === null || summary.failure !== null) return;
  const target = { apiUrl: config.apiUrl, apiKey: project.apiKey, timeoutMs: config.apiTimeoutMs };
  const { page, requests } = await fetchPage(target, cursor, share.budget);
  share.budget -= requests;
  if (!page.ok) {
    const failure: ReconcileFailure =
      page.error.kind === "unauthorized"
        ? { code: "api_unauthorized", detail: apiUnauthorized(project.slug).message }
        : { code: "api_error", detail: `CryptoCloud's merchant/list failed: ${page.error.reason}` };
    return stop(env, lease, run, failure, now);
  }
  const options = { rejectTestMode: config.rejectTestMode, configDestinations: config.forward.configDestinations };
  const decided = reconcilePage(cursor, page.value, run.seen, project, options, now);
  if (!decided.ok) {
    // The ids came from the API's reply: only well-formed ones go into the detail (/stats, logs), never into /health.
    const ids = decided.error.ids.filter((id) => /^[\w-]{1,64}$/.test(id));
    return stop(
      env,
      lease,
      run,
      { code: "multiple_projects", detail: `${multipleProjects(project.slug).message} (ids ${ids.join(", ")})` },
      now,
    );
  }
  const { plans, next, counts, seen, invalid } = decided.value;
  for (const id of seen) run.seen.add(id);
  for (const reason of invalid) log("warn", "reconciliation.invalid_item", { project: project.slug, reason });

  const extra = [
    ...pageStatements(
      env.DB,
      lease.token,
      project.slug,
      { cursorJson: next && JSON.stringify(next), freshPass: run.fresh, planned: plans.map((p) => p.invoiceId) },
      now,
    ),
    renewLeaseStatement(env.DB, "reconcile", lease.token, new Date(now.getTime() + (Date.now() - share.startedMs) + LEASE_MS)),
    ...(share.audit ? [share.audit] : []),
  ];
  const { invoices, deliveryIds } = await recordRecovered(env.DB, project.slug, plans, now, extra);
  share.audit = null;
  run.cursor = next;
  run.fresh = false;
  summary.checked += counts.checked;
  summary.ignored += counts.ignored;
  summary.already_recorded += counts.candidates - invoices.length;
  for (const invoice of invoices) {
    summary.recovered.push(invoice.invoice_id);
    const { invoice_id, status, amount_crypto, currency, order_id, source } = invoice;
    log("warn", "reconciliation.recovered", { project: project.slug, invoice_id, status, amount_crypto, currency, order_id, source });
  }
  // KV at once for the first KV_AT_ONCE of a run (marked, so the sweeper skips them); the sweeper projects the rest.
  const projectNow = invoices.slice(0, Math.max(0, KV_AT_ONCE - share.projectedToKv));
  share.projectedToKv += projectNow.length;
  await Promise.allSettled([
    enqueueDeliveries(env.DELIVERIES, env.DB, deliveryIds, now),
    Promise.all(projectNow.map((i) => projectInvoice(env.INVOICES, i))).then(() => markProjected(env.DB, projectNow)),
  ]);
}

async function stop(env: Env, lease: JobLease, run: ProjectRun, failure: ReconcileFailure, now: Date): Promise<void> {
  run.summary.failure = failure;
  const cursorJson = JSON.stringify(run.cursor);
  const resultJson = JSON.stringify({ ...run.summary, recovered: run.summary.recovered.slice(0, 100) });
  await env.DB.batch(failStatements(env.DB, lease.token, run.project.slug, { cursorJson, freshPass: run.fresh }, failure, resultJson, now));
  log("error", "reconciliation.failed", {
    project: run.project.slug,
    code: failure.code,
    detail: failure.detail,
    checked: run.summary.checked,
  });
}
