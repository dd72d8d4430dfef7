// Real events, captured from the built Worker (workerd through Miniflare, wrangler.toml's queue and
// consumer) by the loopback receiver: payment events from signed postbacks, and a generic alert from
// POST /alerts/test. What the contract tests and the receiver tests check against.
import { buildWorker } from "../../scripts/build.mjs";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { cryptoCloudToken, postbackBody } from "../../scripts/sign-postback.mjs";
import { type Received, startLocalServer } from "../support/local-server";

export const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SECRET_KEY = "e2e-contract-secret-key";
const API_TOKEN = "e2e-contract-api-token-0123";

/** A postback per status an event exists for, one with the JSON body's exact 18-digit amount. */
const POSTBACKS = [
  { invoice: "CONTRACT1", status: "partial", amount: "0.2", order: "ORD-1" },
  { invoice: "CONTRACT2", status: "paid", amount: "0.123456789012345678", order: "ORD-2", format: "json" as const },
  { invoice: "CONTRACT2", status: "overpaid", amount: "0.5", order: "ORD-2" },
  { invoice: "CONTRACT3", status: "paid", amount: "100", order: null },
];

export interface Captured {
  events: Received[]; // to FORWARD_URL, in the order they arrived
  alerts: Received[]; // to the generic ALERT_URL
  tests: Received[]; // POST /destinations/:id/test to an API destination
  close(): Promise<void>;
}

async function received(server: string, key: string, count: number): Promise<Received[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const list = (await (await fetch(`${server}/_requests/${key}`)).json()) as Received[];
    if (list.length >= count || Date.now() > deadline) return list;
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function captureForwardedEvents(): Promise<Captured> {
  const server = await startLocalServer();
  const worker = await startLocalWorker({
    entry: buildWorker().entry,
    vars: {
      CRYPTOCLOUD_SECRET_KEY: SECRET_KEY,
      API_TOKEN,
      FORWARD_SECRET,
      FORWARD_URL: `${server.url}/hook/events`,
      ALERT_URL: `generic:${server.url}/hook/alerts`,
      FORWARD_ALLOW_PRIVATE: "true",
      DESTINATION_SECRETS_KEY: "e2e-contract-destination-secrets-key-0123",
    },
  });
  for (const p of POSTBACKS) {
    const token = await cryptoCloudToken(p.invoice, SECRET_KEY);
    const { body, contentType } = postbackBody({ ...p, currency: "BTC", token, format: p.format ?? "form", v2: true });
    const res = await fetch(`${worker.url}/postback`, { method: "POST", headers: { "content-type": contentType }, body });
    if (res.status !== 200) throw new Error(`postback ${p.invoice} ${p.status}: ${res.status} ${await res.text()}`);
    // One at a time, so the overpaid event follows the paid one as it would in life.
    await received(server.url, "events", POSTBACKS.indexOf(p) + 1);
  }
  const alert = await fetch(`${worker.url}/alerts/test`, { method: "POST", headers: { authorization: `Bearer ${API_TOKEN}` } });
  if (alert.status !== 200) throw new Error(`alerts/test: ${alert.status}`);
  const auth = { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" };
  // An API destination that takes no invoice event (test invoices only): only its destination.test reaches it.
  const created = await fetch(`${worker.url}/destinations`, {
    method: "POST",
    headers: auth,
    body: JSON.stringify({ url: `${server.url}/hook/tests`, filter: { test_mode: "test" } }),
  });
  if (created.status !== 201) throw new Error(`POST /destinations: ${created.status} ${await created.text()}`);
  const { destination } = (await created.json()) as { destination: { id: string } };
  const tested = await fetch(`${worker.url}/destinations/${destination.id}/test`, { method: "POST", headers: auth });
  if (tested.status !== 200) throw new Error(`destination test: ${tested.status}`);
  const events = await received(server.url, "events", POSTBACKS.length);
  const alerts = await received(server.url, "alerts", 1);
  const tests = await received(server.url, "tests", 1);
  return {
    events,
    alerts,
    tests,
    close: async () => {
      await worker.dispose();
      await server.close();
    },
  };
}
