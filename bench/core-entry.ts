// The Worker's own per-postback JavaScript, without I/O: what runs between reading the body and
// handing one batch to D1. It calls the route's own acceptPostback, so it cannot drift from it.
// Bundled for Node by bench/run.mjs to measure its CPU time on V8.

import { fieldsFromForm, formPairs } from "../src/domain/fields";
import { toPublicInvoice } from "../src/domain/invoice";
import { acceptPostback } from "../src/ingest/accept";
import { log, setLogSink } from "../src/log";

setLogSink(() => {});
const OPTIONS = {
  rejectTestMode: false,
  configDestinations: null,
  contentType: "form",
  requestId: "r",
};

export async function processPostback(body: string, secret: string, now: Date): Promise<boolean> {
  const pairs = formPairs(body);
  if (!pairs.ok) return false;
  const fields = fieldsFromForm(pairs.value);
  if (!fields.ok) return false;
  const accepted = await acceptPostback(
    fields.value,
    () => [{ slug: "default", secretKeys: [secret], apiKey: null, projectIds: [] }],
    OPTIONS,
    now,
  );
  if (!accepted.ok) return false;
  const { entry } = accepted.value;
  const at = now.toISOString();
  // The KV value and the log line, as the route builds them after the batch returns the row.
  const row = {
    ...{ invoice_id: entry.invoiceId, status: entry.status, status_rank: entry.statusRank, amount_crypto: entry.amountCrypto },
    ...{ currency: entry.currency, order_id: entry.orderId, test_mode: entry.testMode, confirmed: 0, detail_json: null },
    ...{ not_forwarded: entry.notForwarded, source: "postback" as const, project: entry.project },
    ...{ first_received_at: at, last_received_at: at, postback_count: 1, updated_at: at, version: 1, projected_version: 0 },
  };
  JSON.stringify(toPublicInvoice(row));
  log("info", "postback.accepted", { invoice_id: entry.invoiceId, status: entry.status, latency_ms: 1 });
  return true;
}
