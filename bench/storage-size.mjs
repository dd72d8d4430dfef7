#!/usr/bin/env node
// Measures what each invoice costs in D1, table by table: N realistic invoices (one postback, one
// event, one delivery, one attempt each) written through the real schema in workerd's SQLite, and
// the database size read before and after each table is filled. Quoted in docs/storage.md.
//   node bench/storage-size.mjs [N]   (slow: local D1 takes minutes for 20 000)
import { applyMigrations, startLocalWorker } from "../scripts/local-worker.mjs";

const N = Number(process.argv[2] ?? 5000);
const { mf, dispose } = await startLocalWorker({ entry: "bench/empty.js", bare: true, d1: ["DB"] });
const db = await mf.getD1Database("DB");
await applyMigrations(db);

const size = async () => (await db.prepare("SELECT 1").run()).meta.size_after;
const at = (i) => new Date(Date.UTC(2026, 10, 1) + i * 86_400).toISOString();
const id = (i) => `INV${String(i).padStart(5, "0")}`;
const payload = (i) =>
  JSON.stringify({
    type: "invoice.paid",
    timestamp: at(i),
    data: {
      invoice_id: id(i),
      invoice_uuid: `INV-${id(i)}`,
      order_id: `ORD-2026-${i}`,
      status: "paid",
      amount_crypto: "0.00184721",
      currency: "USDT_TRC20",
      test_mode: false,
      confirmed: true,
      received_at: at(i),
    },
  });

const tables = {
  "invoices (kept for ever)": (i) =>
    db
      .prepare(
        `INSERT INTO invoices (invoice_id, status, status_rank, amount_crypto, currency, order_id, test_mode, confirmed, detail_json,
           first_received_at, last_received_at, updated_at) VALUES (?1, 'paid', 2, '0.00184721', 'USDT_TRC20', ?2, 0, 1, ?3, ?4, ?4, ?4)`,
      )
      .bind(
        id(i),
        `ORD-2026-${i}`,
        '{"confirmation":{"state":"confirmed","at":"2026-11-01T00:00:00.000Z","by":"api"},"api":{"amount":"0.00184721","received":"0.00184721","amount_usd":"5.12"}}',
        at(i),
      ),
  "events (kept for ever)": (i) =>
    db
      .prepare("INSERT INTO events (id, invoice_id, type, payload, created_at) VALUES (?1, ?2, 'invoice.paid', ?3, ?4)")
      .bind(`evt_${id(i)}_paid`, id(i), payload(i), at(i)),
  "postbacks (pruned)": (i) =>
    db
      .prepare(
        `INSERT INTO postbacks (invoice_id, received_at, content_type, api_version, status, amount_crypto, currency, order_id, test_mode, request_id)
         VALUES (?1, ?2, 'form', 2, 'paid', '0.00184721', 'USDT_TRC20', ?3, 0, ?4)`,
      )
      .bind(id(i), at(i), `ORD-2026-${i}`, "8f1e4f78a2c34d0c-FRA"),
  "deliveries (pruned when finished)": (i) =>
    db
      .prepare(
        `INSERT INTO deliveries (id, event_id, invoice_id, destination, state, next_attempt_at, created_at, updated_at)
         VALUES (?1, ?2, ?3, 'https://shop.example/hooks/cryptocloud', 'delivered', ?4, ?4, ?4)`,
      )
      .bind(`dlv_${String(i).padStart(32, "0")}`, `evt_${id(i)}_paid`, id(i), at(i)),
  "delivery_attempts (pruned)": (i) =>
    db
      .prepare(
        `INSERT INTO delivery_attempts (delivery_id, round, attempt, started_at, status_code, error_class, latency_ms, response_body)
         VALUES (?1, 1, 1, ?2, 200, NULL, 184, '{"ok":true}')`,
      )
      .bind(`dlv_${String(i).padStart(32, "0")}`, at(i)),
};

console.log(`${N} invoices: bytes per invoice in D1, by table (indexes included)`);
let total = 0;
for (const [name, insert] of Object.entries(tables)) {
  const before = await size();
  for (let i = 0; i < N; i += 500) await db.batch(Array.from({ length: Math.min(500, N - i) }, (_, j) => insert(i + j)));
  const per = ((await size()) - before) / N;
  total += per;
  console.log(`  ${name.padEnd(36)} ${per.toFixed(0).padStart(5)} B`);
}
console.log(`  ${"total".padEnd(36)} ${total.toFixed(0).padStart(5)} B`);
await dispose();
