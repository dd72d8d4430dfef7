import { getConfig } from "../config";
import { RECONCILE_FAILURES_ALERT } from "../domain/alert";
import type { ApiInvoice } from "../domain/api-invoice";
import { planConfirmed } from "../domain/plan";
import {
  afterPage,
  classifyItem,
  firstCursor,
  type ListCursor,
  listWindow,
  MAX_REQUESTS_PER_RUN,
  nextRequest,
  type PageFailure,
  readListPage,
  singleProject,
} from "../domain/reconcile";
import { err, type Result } from "../domain/result";
import { log } from "../log";
import { fetchMerchantList } from "../net/cryptocloud";
import { signalStatement } from "../store/alerts-signal";
import { API_UNAUTHORIZED, API_UNAUTHORIZED_MESSAGE } from "../store/confirmations";
import { clearHealthProblem, setHealthProblem } from "../store/health";
import { finishJobStatement, type JobLease, leaseJob, saveCursorStatement } from "../store/jobs";
import { enqueueDeliveries } from "../store/outbox";
import { projectInvoice } from "../store/projection";
import { recordRecovered } from "../store/reconcile";

export interface ReconcileSummary {
  checked: number;
  recovered: string[];
  already_recorded: number;
  ignored: number;
  more: boolean; // stopped at the request bound: the rest continues on the next cron run
}

export type ReconcileFailure = { code: "api_unauthorized" | "api_error" | "multiple_projects"; detail: string };
export type ReconcileResult = { ok: true; summary: ReconcileSummary } | { ok: false; failure: ReconcileFailure; summary: ReconcileSummary };

const LEASE_MS = 15 * 60_000;
/** Recovered invoices a run writes to KV itself (each a subrequest); the sweeper does the others. */
const PROJECT_AT_ONCE = 50;
const API_TIMEOUT_MS = 10_000;
export const MULTIPLE_PROJECTS = "reconcile_multiple_projects";

/**
 * One reconciliation run, when due (or `force`d by POST /reconcile): lists the window's invoices page
 * by page, records the paid ones the Worker never heard of, and stops at the first API failure.
 * Returns null when it is not due or another run holds the job.
 */
export async function reconcile(env: Env, now: Date, options: { force: boolean; since: Date | null }): Promise<ReconcileResult | null> {
  const config = getConfig(env);
  const { intervalMinutes, lookbackDays } = config.reconcile;
  if (!config.apiKey || (!options.force && intervalMinutes === 0)) return null;
  const lease = await leaseJob(env.DB, "reconcile", now, {
    dueBefore: new Date(now.getTime() - intervalMinutes * 60_000),
    leaseMs: LEASE_MS,
    force: options.force,
  });
  if (!lease) return null;
  const resume =
    !options.force && lease.job.cursor_json && !lease.job.last_error ? (JSON.parse(lease.job.cursor_json) as ListCursor) : null;
  const start = resume ?? firstCursor(listWindow(now, options.since ? { since: options.since } : { lookbackDays }));
  return runPages(env, lease, start, now);
}

async function runPages(env: Env, lease: JobLease, start: ListCursor, now: Date): Promise<ReconcileResult> {
  const config = getConfig(env);
  const target = { apiUrl: config.apiUrl, apiKey: config.apiKey ?? "", timeoutMs: API_TIMEOUT_MS };
  const summary: ReconcileSummary = { checked: 0, recovered: [], already_recorded: 0, ignored: 0, more: false };
  const seen = new Set<string>();
  let cursor: ListCursor | null = start;
  for (let requests = 0; cursor && requests < MAX_REQUESTS_PER_RUN; requests++) {
    const reply = await fetchMerchantList(target, nextRequest(cursor));
    const page = "error" in reply ? err<PageFailure>({ kind: "api_error", reason: reply.error }) : readListPage(reply.status, reply.body);
    if (!page.ok) {
      const failure: ReconcileFailure =
        page.error.kind === "unauthorized"
          ? { code: "api_unauthorized", detail: API_UNAUTHORIZED_MESSAGE }
          : { code: "api_error", detail: `CryptoCloud's merchant/list failed: ${page.error.reason}` };
      return fail(env, lease, cursor, failure, summary, now);
    }
    const items = page.value;
    let project = cursor.project;
    if (config.reconcile.projectIds.length === 0) {
      const single = singleProject(cursor.project, items);
      if (!single.ok) {
        const detail = `the API key sees several CryptoCloud projects (${single.error.join(", ")}): set CRYPTOCLOUD_PROJECT_ID to this shop's`;
        return fail(env, lease, cursor, { code: "multiple_projects", detail }, summary, now);
      }
      project = single.value;
    }
    // Invalid items are counted (and logged) every time; valid ones once per run, by uuid.
    const fresh = items.filter((i) => !i.ok || !seen.has(i.value.invoiceId));
    const freshValid = fresh.filter((i) => i.ok).length;
    for (const i of fresh) if (i.ok) seen.add(i.value.invoiceId);
    const recovered = await recordPage(env, fresh, now, summary);
    cursor = afterPage({ ...cursor, project }, items.length, freshValid);
    await saveCursorStatement(env.DB, "reconcile", lease.token, cursor && JSON.stringify(cursor), recovered).run();
  }
  summary.more = cursor !== null;
  if (summary.more) log("warn", "reconciliation.bounded", { requests: MAX_REQUESTS_PER_RUN, next_offset: cursor?.offset });
  await env.DB.batch([
    finishJobStatement(
      env.DB,
      "reconcile",
      lease.token,
      { ok: true, error: null, cursorJson: cursor ? JSON.stringify(cursor) : null, added: 0, resultJson: JSON.stringify(summary) },
      now,
    ),
    clearHealthProblem(env.DB, MULTIPLE_PROJECTS),
    clearHealthProblem(env.DB, API_UNAUTHORIZED),
  ]);
  log("info", "reconciliation.run", { ...summary, recovered: summary.recovered.length });
  return { ok: true, summary };
}

/** Records one page's paid candidates; counts the rest. Returns how many invoices it recovered. */
async function recordPage(env: Env, items: Result<ApiInvoice, string>[], now: Date, summary: ReconcileSummary): Promise<number> {
  const config = getConfig(env);
  const plans = [];
  for (const item of items) {
    summary.checked++;
    const verdict = classifyItem(item, config.reconcile.projectIds);
    if (verdict.kind === "ignored") {
      summary.ignored++;
      if (verdict.reason.startsWith("invalid")) log("warn", "reconciliation.invalid_item", { reason: verdict.reason });
      continue;
    }
    const { invoiceId, paid } = verdict.invoice;
    if (!paid) continue;
    const options = {
      rejectTestMode: config.rejectTestMode,
      configDestinations: config.forward.configDestinations,
      source: "reconciliation" as const,
    };
    plans.push(planConfirmed(invoiceId, paid, null, options, now));
  }
  const { invoices, deliveryIds } = await recordRecovered(env.DB, plans, now);
  summary.already_recorded += plans.length - invoices.length;
  const projectNow = invoices.slice(0, Math.max(0, PROJECT_AT_ONCE - summary.recovered.length));
  for (const invoice of invoices) {
    summary.recovered.push(invoice.invoice_id);
    const { invoice_id, status, amount_crypto, currency, order_id, source } = invoice;
    log("warn", "reconciliation.recovered", { invoice_id, status, amount_crypto, currency, order_id, source });
  }
  await Promise.allSettled([
    enqueueDeliveries(env.DELIVERIES, env.DB, deliveryIds, now),
    // KV writes at once for the first few of a run; the sweeper projects the rest within minutes.
    ...projectNow.map((i) => projectInvoice(env.INVOICES, i)),
  ]);
  return invoices.length;
}

/** Stops the run: the error is recorded (and alerted after three in a row); pages already handled stay handled. */
async function fail(
  env: Env,
  lease: JobLease,
  cursor: ListCursor,
  failure: ReconcileFailure,
  summary: ReconcileSummary,
  now: Date,
): Promise<ReconcileResult> {
  const streak = "(SELECT consecutive_failures FROM jobs WHERE name = 'reconcile') >= ?";
  await env.DB.batch([
    finishJobStatement(
      env.DB,
      "reconcile",
      lease.token,
      { ok: false, error: failure.detail, cursorJson: JSON.stringify(cursor), added: 0, resultJson: JSON.stringify(summary) },
      now,
    ),
    signalStatement(
      env.DB,
      {
        kind: "reconciliation.failed",
        subject: "reconcile",
        data: { consecutive_failures: RECONCILE_FAILURES_ALERT, last_error: failure.detail },
      },
      now,
      { sql: streak, params: [RECONCILE_FAILURES_ALERT] },
    ),
    ...(failure.code === "api_unauthorized"
      ? [
          setHealthProblem(env.DB, API_UNAUTHORIZED, API_UNAUTHORIZED_MESSAGE, now),
          signalStatement(env.DB, { kind: "confirmation.unauthorized", subject: "api_key", data: { during: "reconciliation" } }, now),
        ]
      : []),
    ...(failure.code === "multiple_projects"
      ? [setHealthProblem(env.DB, MULTIPLE_PROJECTS, `Reconciliation: ${failure.detail}`, now)]
      : []),
  ]);
  log("error", "reconciliation.failed", { code: failure.code, detail: failure.detail, checked: summary.checked });
  return { ok: false, failure, summary };
}
