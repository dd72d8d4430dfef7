// The receivers of docs/events.md (docs/receivers/), run as a merchant runs them, against the events
// the Worker really forwarded: each verifies, handles an event once per webhook-id and an order once,
// and refuses a tampered body or a stale timestamp. PHP and Python where the interpreters exist; in
// CI (CI=true, where .ci/run installs php-cli and python3) a missing one fails. Node always; the Hono
// receiver bundled and run in workerd with a local D1.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalWorker } from "../../scripts/local-worker.mjs";
import { type Captured, captureForwardedEvents, FORWARD_SECRET } from "../node/forwarded-events";
import type { Received } from "../support/local-server";

let captured: Captured;
beforeAll(async () => {
  captured = await captureForwardedEvents();
});
afterAll(async () => {
  await captured?.close();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

interface Runtime {
  name: string;
  command: string;
  start(port: number, dir: string): string[]; // the arguments
}
const RUNTIMES: Runtime[] = [
  { name: "Python (stdlib)", command: "python3", start: () => ["docs/receivers/receiver.py"] },
  { name: "PHP (php -S)", command: "php", start: (port) => ["-S", `127.0.0.1:${port}`, "docs/receivers/receiver.php"] },
  { name: "Node (node:http, standardwebhooks)", command: process.execPath, start: () => ["docs/receivers/node.ts"] },
];

/** A Standard Webhooks signature for another timestamp, made with Node's crypto (not the Worker's code). */
const sign = (id: string, timestamp: number, body: string) =>
  `v1,${createHmac("sha256", Buffer.from(FORWARD_SECRET.slice("whsec_".length), "base64"))
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64")}`;

const available = (command: string) => spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;

async function replay(url: string, r: Received, override: { body?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const pick = ["content-type", "webhook-id", "webhook-timestamp", "webhook-signature"];
  const headers = Object.fromEntries(pick.map((h) => [h, r.headers[h] ?? ""]));
  const res = await fetch(`${url}/hooks/cryptocloud`, {
    method: "POST",
    headers: { ...headers, ...override.headers },
    body: override.body ?? r.body,
  });
  await res.arrayBuffer();
  return res.status;
}

describe.each(RUNTIMES)("the $name receiver", (runtime) => {
  const present = available(runtime.command);
  let child: ChildProcess;
  let output = "";
  let url = "";
  const logged = async (line: string) => {
    const deadline = Date.now() + 5000;
    while (!output.includes(line) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    return output;
  };

  beforeAll(async () => {
    if (!present) {
      if (process.env.CI) throw new Error(`${runtime.command} is missing: CI must install it (.ci/run installs php-cli and python3)`);
      console.warn(
        `\n*** ${runtime.command} is not installed: the ${runtime.name} receiver is NOT tested here (CI fails without it) ***\n`,
      );
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "receiver-"));
    const port = await freePort();
    const env = { ...process.env, FORWARD_SECRET, PORT: String(port), RECEIVER_DB: join(dir, "shop.db"), RECEIVER_DATA_DIR: dir };
    child = spawn(runtime.command, runtime.start(port, dir), { env, stdio: ["ignore", "pipe", "pipe"] });
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    url = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const up = await fetch(url, { method: "POST" }).then(
        () => true,
        () => false,
      );
      if (up) break;
      if (Date.now() > deadline) throw new Error(`${runtime.name} did not start: ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(() => {
    child?.kill();
  });

  it.skipIf(!present)("handles each forwarded event once: pays an order once, ignores partial and orderless events", async () => {
    const [partial, paid, overpaid, orderless] = captured.events as [Received, Received, Received, Received];
    for (const r of [partial, paid, overpaid, orderless]) expect(await replay(url, r)).toBe(204);
    await logged("ignored invoice.paid evt_CONTRACT3_paid");
    expect(output).toContain("ignored invoice.partial evt_CONTRACT1_partial");
    expect(output).toContain("paid ORD-2 CONTRACT2 0.123456789012345678 BTC");
    expect(output).toContain("already paid ORD-2");
  });

  it.skipIf(!present)("does nothing for a retry of the same webhook-id, and acknowledges a generic alert", async () => {
    expect(await replay(url, captured.events[1] as Received)).toBe(204);
    expect(await logged("duplicate evt_CONTRACT2_paid")).toContain("duplicate evt_CONTRACT2_paid");
    expect(await replay(url, captured.alerts[0] as Received)).toBe(204);
    expect(await logged("ignored test alr_test_")).toContain("ignored test alr_test_");
    expect(output.split("paid ORD-2 CONTRACT2").length - 1).toBe(1); // the order was paid once, by the first event
  });

  it.skipIf(!present)("refuses a tampered body, a foreign signature and a stale timestamp with 401", async () => {
    const paid = captured.events[1] as Received;
    expect(await replay(url, paid, { body: paid.body.replace("0.123456789012345678", "9.123456789012345678") })).toBe(401);
    expect(await replay(url, paid, { headers: { "webhook-signature": "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=" } })).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 600;
    const id = paid.headers["webhook-id"] ?? "";
    const signature = sign(id, stale, paid.body);
    expect(await replay(url, paid, { headers: { "webhook-timestamp": String(stale), "webhook-signature": signature } })).toBe(401);
    // The same signer with the current time is accepted: the 401 above is the timestamp's.
    const now = Math.floor(Date.now() / 1000);
    const fresh = sign(id, now, paid.body);
    expect(await replay(url, paid, { headers: { "webhook-timestamp": String(now), "webhook-signature": fresh } })).toBe(204);
  });
});

describe("the Hono receiver on Workers", () => {
  let worker: Awaited<ReturnType<typeof startLocalWorker>>;
  let url = "";
  let db: Awaited<ReturnType<(typeof worker)["mf"]["getD1Database"]>>;
  beforeAll(async () => {
    // Bundled as wrangler would (esbuild), run in workerd with a real local D1.
    const dir = mkdtempSync(join(tmpdir(), "hono-receiver-"));
    const entry = join(dir, "index.js");
    buildSync({ entryPoints: ["docs/receivers/hono-worker.ts"], bundle: true, format: "esm", outfile: entry, logLevel: "error" });
    worker = await startLocalWorker({ entry, bare: true, d1: ["DB"], vars: { FORWARD_SECRET } });
    url = worker.url;
    db = await worker.mf.getD1Database("DB");
    await db.batch([
      db.prepare("CREATE TABLE processed_webhooks (webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL)"),
      db.prepare("CREATE TABLE orders (id TEXT PRIMARY KEY, status TEXT NOT NULL DEFAULT 'pending', invoice_id TEXT)"),
      db.prepare("INSERT INTO orders (id) VALUES ('ORD-1'), ('ORD-2')"),
    ]);
  });
  afterAll(async () => {
    await worker?.dispose();
  });

  it("pays an order once from the forwarded events, records each webhook-id once, and refuses a tampered body", async () => {
    const [partial, paid, overpaid, orderless] = captured.events as [Received, Received, Received, Received];
    for (const r of [partial, paid, overpaid, orderless, paid, captured.alerts[0] as Received]) expect(await replay(url, r)).toBe(204);
    const orders = await db.prepare("SELECT id, status, invoice_id FROM orders ORDER BY id").all();
    expect(orders.results).toEqual([
      { id: "ORD-1", status: "pending", invoice_id: null }, // partial: not paid
      { id: "ORD-2", status: "paid", invoice_id: "CONTRACT2" },
    ]);
    const seen = await db.prepare("SELECT count(*) AS n FROM processed_webhooks").first<{ n: number }>();
    expect(seen?.n).toBe(5); // four events and the alert; the repeated paid event is not a second row
    expect(await replay(url, paid, { body: paid.body.replace("0.123456789012345678", "9.123456789012345678") })).toBe(401);
  });

  it("does not pay an order from a webhook-id it has already seen, even after the order was reset", async () => {
    await db.prepare("UPDATE orders SET status = 'pending', invoice_id = NULL WHERE id = 'ORD-2'").run();
    expect(await replay(url, captured.events[1] as Received)).toBe(204);
    const order = await db.prepare("SELECT status FROM orders WHERE id = 'ORD-2'").first<{ status: string }>();
    expect(order?.status).toBe("pending"); // the UPDATE ran only with a fresh insert (changes() = 1)
  });
});
