import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { throughCooldown } from "../../../src/alerts/cooldown";
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
});
