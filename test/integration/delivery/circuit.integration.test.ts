import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { configDestinationId } from "../../../src/domain/destination-id";
import { queueMessage } from "../../../src/domain/message";
import { deliveryRow, hook, paidInvoiceFor, runConsumer, runQueue } from "../../support/delivery";
import { api, call, received, rows, uniqueKey } from "../../support/worker";

// The breaker with a short schedule: 3 failures open it; the probe time is moved by hand.
const O = { CIRCUIT_FAILURES: "3", FORWARD_RETRY_DELAYS: "0,0,0,0,0" };

async function waitingOn(url: string, n: number) {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(...(await paidInvoiceFor([url], O)).deliveryIds);
  return ids;
}
const destination = async (url: string) =>
  (await rows<Record<string, unknown>>("SELECT * FROM destinations WHERE id = ?", configDestinationId(url)))[0] ?? {};
const signals = (subject: string) =>
  rows<{ kind: string; data_json: string }>("SELECT kind, data_json FROM alert_signals WHERE subject = ? ORDER BY id", subject);
const probeNow = (url: string) =>
  env.DB.prepare("UPDATE destinations SET next_probe_at = ?2 WHERE id = ?1")
    .bind(configDestinationId(url), new Date(Date.now() - 1000).toISOString())
    .run();
const probe = (url: string) => runQueue([queueMessage("probe", configDestinationId(url))], O);

/** Opens the circuit of `url` with three failed attempts; the other deliveries then wait. */
async function openCircuit(url: string, waiting: number) {
  const ids = await waitingOn(url, 3 + waiting);
  for (const id of ids.slice(0, 3)) await runConsumer([id], O);
  return ids;
}

describe("the circuit breaker of a destination", () => {
  it("opens after CIRCUIT_FAILURES failed attempts in a row and raises destination.failing once", async () => {
    const url = hook(uniqueKey(), "status=503");
    await openCircuit(url, 0);
    expect(await destination(url)).toMatchObject({ circuit_state: "open", consecutive_failures: 3 });
    expect((await signals(configDestinationId(url))).map((s) => s.kind)).toEqual(["destination.failing"]);
  });

  it("opens once when the failures that reach CIRCUIT_FAILURES arrive together, and starts its probe", async () => {
    const url = hook(uniqueKey(), "status=503&sleep_ms=100");
    const ids = await waitingOn(url, 6);
    // Six concurrent attempts all read a closed circuit with no failures; the statements count them all.
    await runConsumer(ids, O);
    expect(await destination(url)).toMatchObject({ circuit_state: "open", consecutive_failures: 6, next_probe_at: expect.any(String) });
    expect((await signals(configDestinationId(url))).map((s) => s.kind)).toEqual(["destination.failing"]);
  });

  it("holds due deliveries while open: not attempted, no retry used, acked (the release sends them)", async () => {
    const key = uniqueKey();
    const url = hook(key, "status=503");
    const ids = await openCircuit(url, 5);
    const result = await runConsumer(ids.slice(3), O);
    expect(result.explicitAcks).toHaveLength(5);
    expect(await received(key)).toHaveLength(3);
    for (const id of ids.slice(3))
      expect(await deliveryRow(id)).toMatchObject({ state: "pending", attempt_count: 0, held_since: expect.any(String) });
    // /health names the destination by id (never its URL); /stats counts its waiting deliveries.
    const health = (await (await call(new Request("https://worker.test/health"), O)).json()) as { warnings: string[] };
    expect(health.warnings.join("\n")).toContain(`destination ${configDestinationId(url)} is not reachable`);
    expect(JSON.stringify(health)).not.toContain(key);
    const stats = (await (await call(api("/stats"), O)).json()) as { destinations: Record<string, unknown>[] };
    expect(stats.destinations).toContainEqual(
      expect.objectContaining({ id: configDestinationId(url), circuit: "open", waiting: 5, pending: 3 }),
    );
  });

  it("never exhausts a delivery while its destination is down for everyone", async () => {
    const url = hook(uniqueKey(), "status=500");
    const [id = ""] = await waitingOn(url, 1);
    const o = { ...O, CIRCUIT_FAILURES: "10", FORWARD_RETRY_DELAYS: "0" };
    for (let i = 0; i < 3; i++) await runConsumer([id], o);
    expect(await deliveryRow(id)).toMatchObject({ state: "pending", attempt_count: 3 });
  });

  it("sends one probe per interval, the oldest waiting delivery; a second probe message in the interval sends nothing", async () => {
    const key = uniqueKey();
    const url = hook(key, "status=503");
    const ids = await openCircuit(url, 4);
    await runConsumer(ids.slice(3), O);
    await probeNow(url);
    const [a, b] = await Promise.all([probe(url), probe(url)]);
    expect(await received(key)).toHaveLength(4);
    expect(await deliveryRow(ids[3] ?? "")).toMatchObject({
      attempt_count: 1,
      probes: 1,
      held_since: expect.any(String),
      state: "pending",
    });
    // The claimer comes back at the next probe time; the duplicate ends.
    expect([...a.retryMessages, ...b.retryMessages].map((r) => r.delaySeconds)).toEqual([30]);
    expect(await probe(url).then(() => received(key))).toHaveLength(4); // not due yet
  });

  it("closes on a successful probe and releases every waiting delivery once; 100 reach the destination within 60 s", async () => {
    const key = uniqueKey();
    const url = hook(key, "fail_first=3");
    const ids = await openCircuit(url, 100);
    await runConsumer(ids.slice(3), O);
    expect(
      await rows("SELECT count(*) AS n FROM deliveries WHERE destination_id = ? AND held_since IS NOT NULL", configDestinationId(url)),
    ).toEqual([{ n: 100 }]);
    await probeNow(url);
    const started = Date.now();
    // Two consumers see the same probe result: one claims the probe, one closes, one releases.
    await Promise.all([probe(url), probe(url)]);
    expect(await destination(url)).toMatchObject({ circuit_state: "closed", consecutive_failures: 0 });
    const recovered = (await signals(configDestinationId(url))).filter((s) => s.kind === "destination.recovered");
    expect(recovered).toHaveLength(1);
    expect(JSON.parse(recovered[0]?.data_json ?? "{}")).toMatchObject({ released: 99 });
    const released = await rows<{ id: string }>(
      "SELECT id FROM deliveries WHERE destination_id = ? AND state = 'pending' AND held_since IS NULL ORDER BY created_at",
      configDestinationId(url),
    );
    // Every other waiting one, oldest first (and the three that failed before it opened, retrying on their own).
    expect(released.map((r) => r.id)).toEqual([...ids.slice(0, 3), ...ids.slice(4)]);
    for (let i = 0; i < released.length; i += 25)
      await runConsumer(
        released.slice(i, i + 25).map((r) => r.id),
        O,
      );
    // Again, as a second releaser would: nothing is sent twice.
    await runConsumer(
      released.map((r) => r.id),
      O,
    );
    expect(Date.now() - started).toBeLessThan(60_000);
    // After the three failures: the probe, the 99 released and the first three's retries, each event once.
    const bodies = (await received(key)).slice(3).map((r) => r.headers["webhook-id"]);
    expect(bodies).toHaveLength(103);
    expect(new Set(bodies).size).toBe(103);
    expect(
      await rows("SELECT count(*) AS n FROM deliveries WHERE destination_id = ? AND state = 'delivered'", configDestinationId(url)),
    ).toEqual([{ n: 103 }]);
  }, 120_000);

  it("disables a destination open for DISABLE_AFTER_HOURS; resume closes it and releases its deliveries", async () => {
    const key = uniqueKey();
    const url = hook(key, "fail_first=4");
    const ids = await openCircuit(url, 2);
    await runConsumer(ids.slice(3), O);
    await env.DB.prepare("UPDATE destinations SET opened_at = ?2 WHERE id = ?1")
      .bind(configDestinationId(url), new Date(Date.now() - 73 * 3_600_000).toISOString())
      .run();
    await probeNow(url);
    await probe(url);
    expect(await destination(url)).toMatchObject({ state: "disabled" });
    expect((await signals(configDestinationId(url))).map((s) => s.kind)).toEqual(["destination.failing", "destination.disabled"]);
    const health = await call(new Request("https://worker.test/health"), O);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { errors: string[] }).errors.join("\n")).toContain(
      `destination ${configDestinationId(url)} is disabled`,
    );
    for (const id of ids.slice(3)) expect(await deliveryRow(id)).toMatchObject({ state: "pending", held_since: expect.any(String) });
    const res = await call(api(`/destinations/${configDestinationId(url)}/resume`, { method: "POST" }), { ...O, FORWARD_URL: url });
    expect(res.status).toBe(200);
    expect(await destination(url)).toMatchObject({ state: "active", circuit_state: "closed" });
    for (const id of ids.slice(3)) expect(await deliveryRow(id)).toMatchObject({ state: "pending", held_since: null });
    await runConsumer(ids.slice(3), O);
    for (const id of ids.slice(3)) expect(await deliveryRow(id)).toMatchObject({ state: "delivered" });
  });

  it("delivers a delivery from before destinations were stored (no destination_id) to its FORWARD_URL, and fills the id in", async () => {
    const key = uniqueKey();
    const url = hook(key);
    const { invoiceId, deliveryIds } = await paidInvoiceFor([url], O);
    // As migration 0006 leaves an old row: the URL only, and no destination stored yet.
    await env.DB.batch([
      env.DB.prepare("UPDATE deliveries SET destination_id = NULL WHERE invoice_id = ?").bind(invoiceId),
      env.DB.prepare("DELETE FROM destinations WHERE id = ?").bind(configDestinationId(url)),
    ]);
    await runConsumer(deliveryIds, { ...O, FORWARD_URL: url });
    expect(await received(key)).toHaveLength(1);
    expect(await deliveryRow(deliveryIds[0] ?? "")).toMatchObject({ state: "delivered", destination_id: configDestinationId(url) });
  });
});
