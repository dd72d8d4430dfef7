// The Worker's own per-postback JavaScript, without I/O: what runs between reading the body and
// handing one batch to D1. Bundled for Node by bench/run.mjs to measure its CPU time on V8.
import { hmacKey, verifyToken } from "../src/auth/verify-token";
import { fieldsFromForm } from "../src/domain/fields";
import { toPublicInvoice } from "../src/domain/invoice";
import { planPostback } from "../src/domain/plan";
import { normalizePostback } from "../src/domain/postback";
import { log, setLogSink } from "../src/log";

setLogSink(() => {});

export async function processPostback(body: string, secret: string, now: Date): Promise<boolean> {
  const fields = fieldsFromForm(new URLSearchParams(body));
  if (!fields.ok) return false;
  const parsed = normalizePostback(fields.value);
  if (!parsed.ok) return false;
  const verified = await verifyToken(parsed.value.token, [await hmacKey(secret)], parsed.value.invoiceId, now);
  if (!verified.ok) return false;
  const entry = planPostback(
    parsed.value,
    { confirmWithApi: false, rejectTestMode: false, destinations: ["https://shop.example/hook"], contentType: "form", requestId: "r" },
    now,
  );
  const at = now.toISOString();
  const row = {
    invoice_id: entry.invoiceId,
    status: entry.status,
    status_rank: entry.statusRank,
    amount_crypto: entry.amountCrypto,
    currency: entry.currency,
    order_id: entry.orderId,
    test_mode: entry.testMode,
    confirmed: 0,
    detail_json: null,
    first_received_at: at,
    last_received_at: at,
    postback_count: 1,
    updated_at: at,
    version: 1,
    projected_version: 0,
  };
  JSON.stringify(toPublicInvoice(row)); // the KV value
  log("info", "postback.accepted", { invoice_id: entry.invoiceId, status: entry.status, latency_ms: 1 });
  return true;
}
