import type { ApiInvoice } from "./api-invoice";
import { type ConfigDestinations, type ConfirmedPlan, planConfirmed } from "./plan";
import type { Project } from "./projects";
import { afterPage, classifyItem, type ListCursor, singleProject } from "./reconcile";
import type { Result } from "./result";

/** What one page added to a run's counts. */
export interface PageCounts {
  checked: number;
  ignored: number;
  candidates: number; // paid items planned: recovered, or already recorded at the same rank or higher
}

export interface PageDecision {
  plans: ConfirmedPlan[]; // what the record step writes (the store's guards decide which are new)
  next: ListCursor | null; // null: the pass listed the whole window
  counts: PageCounts;
  seen: string[]; // uuids this page added to the run's seen set
  invalid: string[]; // why items were unreadable, to be logged
}

/** The key sees several CryptoCloud projects and the project names none: nothing of the page is recorded. */
export type PageRefusal = { kind: "multiple_projects"; ids: string[] };

export interface PagePlanOptions {
  rejectTestMode: boolean;
  configDestinations: ConfigDestinations;
}

/**
 * The crawl's whole decision for one listed page of one project: which items are this project's
 * paid invoices to record, and where the listing goes next. Invalid items are counted every time;
 * valid ones once per run (`seen`, by uuid), so an API that repeats a page cannot loop the run.
 * Pure: the clock is passed in.
 */
export function reconcilePage(
  cursor: ListCursor,
  items: readonly Result<ApiInvoice, string>[],
  seen: ReadonlySet<string>,
  project: Project,
  options: PagePlanOptions,
  now: Date,
): { ok: true; value: PageDecision } | { ok: false; error: PageRefusal } {
  let projectSeen = cursor.project;
  if (project.projectIds.length === 0) {
    const single = singleProject(cursor.project, items);
    if (!single.ok) return { ok: false, error: { kind: "multiple_projects", ids: single.error } };
    projectSeen = single.value;
  }
  const counts: PageCounts = { checked: 0, ignored: 0, candidates: 0 };
  const plans: ConfirmedPlan[] = [];
  const added: string[] = [];
  const invalid: string[] = [];
  const planOptions = { ...options, source: "reconciliation" as const, project: project.slug };
  for (const item of items) {
    if (item.ok && (seen.has(item.value.invoiceId) || added.includes(item.value.invoiceId))) continue;
    if (item.ok) added.push(item.value.invoiceId);
    counts.checked++;
    const verdict = classifyItem(item, project.projectIds);
    if (verdict.kind === "ignored") {
      counts.ignored++;
      if (!item.ok) invalid.push(item.error);
      continue;
    }
    const { invoiceId, paid } = verdict.invoice;
    if (!paid) continue;
    counts.candidates++;
    plans.push(planConfirmed(invoiceId, paid, null, planOptions, now));
  }
  const next = afterPage({ ...cursor, project: projectSeen }, items.length, added.length);
  return { ok: true, value: { plans, next, counts, seen: added, invalid } };
}
