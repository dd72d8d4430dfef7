// Network failures end to end: the built Worker in workerd (Miniflare, the real queue and consumer)
// aimed at a port where nothing listens. workerd reports such failures on its own log stream
// ("Connection refused", "Network connection lost"); these tests collect that stream instead of
// printing it, and check that the Worker classified the failure and will retry.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../scripts/build.mjs";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { cryptoCloudToken, postbackBody } from "../../scripts/sign-postback.mjs";
import { waitFor } from "../support/wait-for";

const SECRET_KEY = "e2e-secret-key";
const API_TOKEN = "e2e-api-token-0123456789";

/** A loopback port that was free a moment ago: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let entry: string;
beforeAll(() => {
  entry = buildWorker().entry;
});

async function start(vars: Record<string, string>) {
  const logs: string[] = [];
  const worker = await startLocalWorker({
    entry,
    logs,
    vars: { CRYPTOCLOUD_SECRET_KEY: SECRET_KEY, API_TOKEN, FORWARD_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ...vars },
  });
  const post = async (invoice: string) => {
    const token = await cryptoCloudToken(invoice, SECRET_KEY);
    const { body, contentType } = postbackBody({ invoice, amount: "1.5", currency: "BTC", order: "N1", token, format: "form" });
    return (await fetch(`${worker.url}/postback`, { method: "POST", headers: { "content-type": contentType }, body })).status;
  };
  const get = async (path: string) => (await fetch(`${worker.url}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}` } })).json();
  return { worker, logs, post, get };
}

describe("when the network fails", () => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops) await stop();
  });

  it("a delivery to a refused connection is recorded as a network error and retried on the schedule", async () => {
    const { worker, logs, post, get } = await start({
      FORWARD_URL: `http://127.0.0.1:${await closedPort()}/hook`,
      FORWARD_ALLOW_PRIVATE: "true",
      FORWARD_RETRY_DELAYS: "600",
    });
    stops.push(worker.dispose);
    expect(await post("NET00001")).toBe(200);
    type Deliveries = { deliveries: { state: string; last_error: string | null; attempts: { error_class: string }[] }[] };
    const body = await waitFor(() => get("/invoices/NET00001/deliveries") as Promise<Deliveries>, {
      until: (b) => (b.deliveries[0]?.attempts.length ?? 0) > 0,
      what: "the first attempt",
    });
    expect(body.deliveries[0]).toMatchObject({ state: "pending", last_error: "network", attempts: [{ error_class: "network" }] });
    expect(logs.some((l) => l.includes('"delivery.attempt"') && l.includes('"status":"network"'))).toBe(true);
  });

  it("a confirmation whose API cannot be reached stays pending_confirmation and is retried", async () => {
    const { worker, logs, post, get } = await start({
      CRYPTOCLOUD_API_KEY: "eyJhbGciOiJIUzI1NiJ9.api-key.sig",
      CRYPTOCLOUD_API_URL: `http://127.0.0.1:${await closedPort()}`,
      FORWARD_RETRY_DELAYS: "600",
      RECONCILE_INTERVAL_MINUTES: "0",
    });
    stops.push(worker.dispose);
    expect(await post("NET00002")).toBe(200);
    await waitFor(() => logs.some((x) => x.includes('"confirmation.retry"')), { what: "a confirmation retry" });
    expect(logs.find((l) => l.includes('"confirmation.retry"'))).toContain('"reason":"network"');
    expect(await get("/invoices/NET00002")).toMatchObject({ status: "pending_confirmation", confirmed: false });
  });
});
