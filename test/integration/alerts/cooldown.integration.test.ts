import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { cooldownSubject, throughCooldown } from "../../../src/alerts/cooldown";
import type { SignalRow } from "../../../src/store/alerts";
import { signalStatement } from "../../../src/store/alerts-signal";
import { rows, uniqueKey } from "../../support/worker";

async function newSignal(subject: string): Promise<SignalRow> {
  await signalStatement(env.DB, { kind: "destination.gone", subject, data: { destination: subject } }, new Date()).run();
  const [row] = await rows<SignalRow>("SELECT * FROM alert_signals WHERE subject = ? ORDER BY id DESC LIMIT 1", subject);
  if (!row) throw new Error("signal not written");
  return row;
}

describe("the alert cooldown", () => {
  it("makes one set of alerts, counted once, when two isolates process the same signal at once", async () => {
    const subject = `https://shop.example/${uniqueKey()}`;
    const signal = await newSignal(subject);
    const urls = ["https://ops.example/a", "https://ops.example/b"];
    const now = new Date();
    // Each isolate read the signal before either processed it: two copies of the same row.
    const [first, second] = await Promise.all([
      throughCooldown(env.DB, { ...signal }, urls, 60, now),
      throughCooldown(env.DB, { ...signal }, urls, 60, now),
    ]);
    expect([...(first ?? []), ...(second ?? [])]).toHaveLength(2);
    expect(await rows("SELECT count(*) AS n FROM alerts WHERE subject = ?", subject)).toEqual([{ n: 2 }]);
    // Counted twice, the next window's alert would say "(and 1 more)" about a signal that was sent.
    expect(await rows("SELECT suppressed, carried FROM alert_cooldowns WHERE subject = ?", subject)).toEqual([
      { suppressed: 0, carried: 0 },
    ]);
  });

  it("groups exhausted deliveries by their destination, and other kinds by their subject", () => {
    const data = JSON.stringify({ destination: "https://shop.example/hook", invoice_id: "A" });
    expect(cooldownSubject({ kind: "delivery.exhausted", subject: "dlv_1", data_json: data })).toBe("https://shop.example/hook");
    expect(cooldownSubject({ kind: "delivery.exhausted", subject: "dlv_1", data_json: "{}" })).toBe("dlv_1");
    expect(cooldownSubject({ kind: "destination.gone", subject: "https://x.example", data_json: data })).toBe("https://x.example");
  });
});
