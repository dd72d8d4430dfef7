import type { ApiInvoice } from "../domain/api-invoice";
import { type ListCursor, nextRequest, type PageFailure, readListPage } from "../domain/reconcile";
import { err, type Result } from "../domain/result";
import { type ApiTarget, fetchMerchantList } from "../net/cryptocloud";

/** Tries of one page within a run: a flaky API (a 503, a stall) is asked again before the run gives up on it. */
export const PAGE_TRIES = 3;
const BACKOFF_MS = 250;

export interface FetchedPage {
  page: Result<Result<ApiInvoice, string>[], PageFailure>;
  requests: number; // API requests it took, each counted against the run's budget
}

/**
 * One page of merchant/list, retried up to `maxTries` (at most PAGE_TRIES) with a short backoff.
 * A 401 is final at once: asking again with a refused key only hammers the API.
 */
export async function fetchPage(target: ApiTarget, cursor: ListCursor, maxTries: number): Promise<FetchedPage> {
  const tries = Math.max(1, Math.min(PAGE_TRIES, maxTries));
  let page: FetchedPage["page"] = err({ kind: "api_error", reason: "not_asked" });
  for (let n = 1; n <= tries; n++) {
    if (n > 1) await new Promise((r) => setTimeout(r, BACKOFF_MS * (n - 1)));
    const reply = await fetchMerchantList(target, nextRequest(cursor));
    page = "error" in reply ? err<PageFailure>({ kind: "api_error", reason: reply.error }) : readListPage(reply.status, reply.body);
    if (page.ok || page.error.kind === "unauthorized") return { page, requests: n };
  }
  return { page, requests: tries };
}
