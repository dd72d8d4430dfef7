// End to end: the built Worker in workerd (Miniflare, wrangler.toml's bindings with the real queue
// consumer), a real HTTP receiver on loopback, and signatures checked by the standardwebhooks
// library. Nothing here is mocked.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../scripts/build.mjs";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { startReceiver } from "../../scripts/receiver.mjs";
import { cryptoCloudToken, postbackBody } from "../../scripts/sign-postback.mjs";
import { waitFor } from "../support/wait-for";

const SECRET_KEY = "e2e-secret-key";
const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const TOTAL = 200;
const CONCURRENCY = 25;

type Receiver = Awaited<ReturnType<typeof startReceiver>>;
let worker: Awaited<ReturnType<typeof startLocalWorker>>;
let healthy: Receiver;
let flaky: Receiver;

beforeAll(async () => {
  healthy = await startReceiver({ secret: FORWARD_SECRET });
  flaky = await startReceiver({ secret: FORWARD_SECRET, failFirst: 2 });
  worker = await startLocalWorker({
    entry: buildWorker().entry,
    vars: {
      CRYPTOCLOUD_SECRET_KEY: SECRET_KEY,
      API_TOKEN: "e2e-api-token-0123456789",
      FORWARD_SECRET,
      FORWARD_URL: `${healthy.url}/hook,${flaky.url}/hook`,
      FORWARD_ALLOW_PRIVATE: "true",
      FORWARD_RETRY_DELAYS: "1,1,1",
      // Every event fails twice at the flaky receiver: this file tests per-event retries, so its circuit
      // must not open (the breaker has its own tests: test/integration/delivery/circuit.integration.test.ts).
      CIRCUIT_FAILURES: "1000",
    },
  });
});

afterAll(async () => {
  await worker?.dispose();
  await healthy?.close();
  await flaky?.close();
});

async function post(invoice: string, amount: string): Promise<number> {
  const token = await cryptoCloudToken(invoice, SECRET_KEY);
  const { body, contentType } = postbackBody({ invoice, amount, currency: "USDT_TRC20", order: `order-${invoice}`, token, format: "form" });
  const res = await fetch(`${worker.url}/postback`, { method: "POST", headers: { "content-type": contentType }, body });
  await res.arrayBuffer();
  return res.status;
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))] ?? Number.NaN;

describe("postback → D1 → queue → signed delivery", () => {
  const accepted = new Map<string, number>();
  const statuses: number[] = [];

  // Sending is what every check below stands on, so it is their shared setup: each `it` waits for
  // its own outcome and passes alone (vitest -t) or in any order.
  beforeAll(async () => {
    const ids = Array.from({ length: TOTAL }, (_, i) => `E2E${String(i).padStart(5, "0")}`);
    for (let i = 0; i < ids.length; i += CONCURRENCY) {
      const chunk = ids.slice(i, i + CONCURRENCY);
      const sent = await Promise.all(
        chunk.map(async (id, j) => {
          const status = await post(id, `0.${String(i + j + 1).padStart(18, "0")}`);
          accepted.set(`evt_${id}_paid`, Date.now());
          return status;
        }),
      );
      statuses.push(...sent);
    }
  });

  it(`accepts ${TOTAL} postbacks sent ${CONCURRENCY} at a time`, () => {
    expect(statuses).toEqual(Array(TOTAL).fill(200));
  });

  it("delivers every one, verified, with exactly one webhook-id per invoice, within 60 s", async () => {
    const ids = await waitFor(() => new Set(healthy.events.map((e) => e.webhookId)), {
      until: (set) => set.size >= TOTAL,
      timeoutMs: 60_000,
      what: `${TOTAL} events at the healthy receiver`,
    });
    expect(ids.size).toBe(TOTAL);
    expect([...ids].every((id) => accepted.has(id))).toBe(true);
    expect(healthy.events.every((e) => e.verified && e.type === "invoice.paid")).toBe(true);
    // Amounts are exact 18-decimal strings end to end.
    expect(healthy.events.find((e) => e.webhookId === "evt_E2E00000_paid")?.data?.amount_crypto).toBe("0.000000000000000001");

    const latencies = healthy.events.filter((e) => e.attempt === 1).map((e) => e.receivedAt - (accepted.get(e.webhookId) ?? e.receivedAt));
    console.log(
      `postback→delivery latency over ${latencies.length}: p50 ${quantile(latencies, 0.5)} ms, p99 ${quantile(latencies, 0.99)} ms`,
    );
  });

  it("gets the event to a receiver that fails the first two attempts, on the third", async () => {
    await waitFor(() => flaky.events.filter((e) => e.status === 200).length >= TOTAL, {
      timeoutMs: 60_000,
      what: `${TOTAL} accepted events at the flaky receiver`,
    });
    const byId = new Map<string, number[]>();
    for (const e of flaky.events) byId.set(e.webhookId, [...(byId.get(e.webhookId) ?? []), e.status]);
    expect(byId.size).toBe(TOTAL);
    for (const statuses of byId.values()) expect(statuses).toEqual([500, 500, 200]);
    expect(flaky.events.every((e) => e.verified)).toBe(true);
  });

  it("shows the delivery log through the read API", async () => {
    type Log = { deliveries: { state: string; attempts: unknown[] }[] };
    const read = async () =>
      (await (
        await fetch(`${worker.url}/invoices/E2E00007/deliveries`, { headers: { authorization: "Bearer e2e-api-token-0123456789" } })
      ).json()) as Log;
    const body = await waitFor(read, {
      until: (b) => b.deliveries.length === 2 && b.deliveries.every((d) => d.state === "delivered"),
      timeoutMs: 60_000,
      what: "both deliveries of E2E00007 delivered",
    });
    expect(body.deliveries.map((d) => [d.state, d.attempts.length]).sort()).toEqual([
      ["delivered", 1],
      ["delivered", 3],
    ]);
  });
});

describe("npm run postback (the CLI) against the running Worker", () => {
  const run = (...args: string[]) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, ["scripts/postback.mjs", "--url", `${worker.url}/postback`, "--secret", SECRET_KEY, ...args]);
      let out = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (out += d));
      child.on("close", (code) => resolve({ code, out }));
    });

  it("sends a signed v2 postback that is recorded with its status", async () => {
    const r = await run("--invoice", "CLI00001", "--v2", "--status", "overpaid", "--format", "json", "--amount", "0.000000000000000123");
    expect(r.code).toBe(0);
    expect(r.out).toContain("← 200");
    const inv = await fetch(`${worker.url}/invoices/CLI00001`, { headers: { authorization: "Bearer e2e-api-token-0123456789" } });
    expect(await inv.json()).toMatchObject({ status: "overpaid", amount_crypto: "0.000000000000000123" });
  });

  it.each([["--wrong-secret"], ["--expired"]])("is refused with %s, and exits 1", async (flag) => {
    const r = await run("--invoice", "CLI00002", flag);
    expect(r.code).toBe(1);
    expect(r.out).toContain("← 401");
  });
});
