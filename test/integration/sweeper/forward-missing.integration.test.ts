import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { saveForwardCursor } from "../../../src/store/forward-missing";
import { forwardMissingEvents } from "../../../src/sweeper/forward-missing";
import { hook, runConsumer } from "../../support/delivery";
import { fields, formRequest, invoiceInfo } from "../../support/postbacks";
import { api, call, type EnvOverrides, envWith, newInvoiceId, received, rows, uniqueKey } from "../../support/worker";

/** A FORWARD_SECRET that is not whsec_…: forwarding is off, postbacks are still recorded with 200. */
const BAD_SECRET = "not-a-whsec-secret";
/** One cron run's repair, without the grace for events still being written (each test's events are its own). */
const repair = (overrides: EnvOverrides, limit?: number) => forwardMissingEvents(envWith(overrides), new Date(), { graceMs: 0, limit });

async function postWhileMisconfigured(
  target: string,
  extra: (id: string) => Record<string, unknown> = () => ({}),
  overrides: EnvOverrides = {},
) {
  const id = newInvoiceId();
  const res = await call(formRequest(await fields(id, extra(id))), { FORWARD_URL: target, FORWARD_SECRET: BAD_SECRET, ...overrides });
  expect(res.status).toBe(200);
  return id;
}

const deliveriesOf = (id: string) =>
  rows<{ id: string; destination: string; state: string }>(
    "SELECT id, destination, state FROM deliveries WHERE invoice_id = ? ORDER BY destination",
    id,
  );
const notForwarded = async (overrides: EnvOverrides = {}) =>
  ((await (await call(api("/stats"), overrides)).json()) as { recorded_not_forwarded: number }).recorded_not_forwarded;

beforeEach(async () => {
  // Earlier tests' events lie behind the cursor: each test sees only its own.
  await saveForwardCursor(env.DB, { at: new Date().toISOString(), id: "" });
});

describe("the sweeper's forward repair", () => {
  it("forwards postbacks recorded while FORWARD_SECRET was bad once it is fixed, and /stats counts them until then", async () => {
    const target = hook(uniqueKey());
    const base = await notForwarded();
    const id = await postWhileMisconfigured(target);
    expect(await deliveriesOf(id)).toEqual([]);
    expect(await notForwarded()).toBe(base + 1);

    // Still misconfigured: nothing is made, and the cursor waits.
    expect(await repair({ FORWARD_URL: target, FORWARD_SECRET: BAD_SECRET })).toBe(0);

    const second = hook(uniqueKey());
    const fixed = { FORWARD_URL: `${target},${second}` };
    expect(await repair(fixed)).toBe(2);
    const made = await deliveriesOf(id);
    expect(made.map((d) => [d.destination, d.state]).sort()).toEqual([target, second].sort().map((d) => [d, "pending"]));
    expect(await notForwarded()).toBe(base);
    await runConsumer(
      made.map((d) => d.id),
      fixed,
    );
    expect((await received(new URL(target).pathname.split("/").pop() ?? ""))[0]?.body).toContain(id);
    expect(await repair(fixed)).toBe(0); // once
  });

  it("leaves what was held back on purpose: not_forwarded, and test mode under REJECT_TEST_MODE", async () => {
    const target = hook(uniqueKey());
    const reject = { REJECT_TEST_MODE: "true" };
    const test = await postWhileMisconfigured(target, (id) => ({ invoice_info: invoiceInfo(id, { test_mode: true }) }), reject);
    expect(await rows("SELECT not_forwarded FROM invoices WHERE invoice_id = ?", test)).toEqual([{ not_forwarded: "test_mode" }]);
    const base = await notForwarded(reject);
    expect(await repair({ FORWARD_URL: target, ...reject })).toBe(0);
    expect(await repair({ FORWARD_URL: target })).toBe(0);
    expect(await deliveriesOf(test)).toEqual([]);
    expect(await notForwarded(reject)).toBe(base);

    // Recorded before REJECT_TEST_MODE was turned on (not_forwarded is empty): still not sent under it.
    const earlier = await postWhileMisconfigured(target, (id) => ({ invoice_info: invoiceInfo(id, { test_mode: true }) }));
    expect(await repair({ FORWARD_URL: target, ...reject })).toBe(0);
    expect(await deliveriesOf(earlier)).toEqual([]);
  });

  it("sends nothing later for what was recorded without FORWARD_URL (recording only, on purpose)", async () => {
    const id = newInvoiceId();
    expect((await call(formRequest(await fields(id)), { FORWARD_URL: "" })).status).toBe(200);
    expect(await notForwarded()).toBe(1); // until the repair has looked
    expect(await repair({ FORWARD_URL: "" })).toBe(0);
    expect(await notForwarded()).toBe(0);
    expect(await repair({ FORWARD_URL: hook(uniqueKey()) })).toBe(0);
    expect(await deliveriesOf(id)).toEqual([]);
  });

  it("never reaches back past RETENTION_DAYS, where delivered deliveries may have been pruned", async () => {
    const target = hook(uniqueKey());
    const id = await postWhileMisconfigured(target);
    await env.DB.prepare("UPDATE events SET created_at = ?2 WHERE invoice_id = ?1")
      .bind(id, new Date(Date.now() - 91 * 86_400_000).toISOString())
      .run();
    await saveForwardCursor(env.DB, { at: new Date(Date.now() - 200 * 86_400_000).toISOString(), id: "" }); // misconfigured for months
    await repair({ FORWARD_URL: target });
    expect(await deliveriesOf(id)).toEqual([]);
  });

  it("looks at a bounded number of events per run and resumes where it stopped", async () => {
    const target = hook(uniqueKey());
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await postWhileMisconfigured(target));
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await repair({ FORWARD_URL: target }, 2));
    expect(runs).toEqual([2, 1, 0]);
    for (const id of ids) expect(await deliveriesOf(id)).toHaveLength(1);
  });
});
