import { env } from "cloudflare:workers";
import { newInvoiceId } from "./worker";

/** An `invoices` row written straight by SQL, for reports over many invoices; only what a test names differs. */
export interface InvoiceSeed {
  invoice_id?: string;
  status?: string;
  amount_crypto?: string;
  currency?: string;
  order_id?: string | null;
  test_mode?: number | null;
  detail_json?: string | null;
  first_received_at: string;
  project?: string; // the shop's slug; `default` when not named
}

const COLUMNS =
  "invoice_id, status, status_rank, amount_crypto, currency, order_id, test_mode, detail_json, first_received_at, last_received_at, updated_at, project";

const values = (s: InvoiceSeed) => {
  const status = s.status ?? "paid";
  const rank = { paid: 2, overpaid: 3, partial: 1 }[status] ?? 0;
  return [
    s.invoice_id ?? newInvoiceId(),
    status,
    rank,
    s.amount_crypto ?? "1",
    s.currency ?? "BTC",
    s.order_id ?? null,
    s.test_mode ?? null,
    s.detail_json ?? null,
    s.first_received_at,
    s.first_received_at,
    s.first_received_at,
    s.project ?? "default",
  ];
};

/** Inserts the invoices, 8 to a statement (D1 binds at most 100 values); returns their ids in order. */
export async function seedInvoices(seeds: readonly InvoiceSeed[]): Promise<string[]> {
  const ids: string[] = [];
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < seeds.length; i += 8) {
    const chunk = seeds.slice(i, i + 8).map(values);
    ids.push(...chunk.map((v) => String(v[0])));
    statements.push(
      env.DB.prepare(`INSERT INTO invoices (${COLUMNS}) VALUES ${chunk.map(() => "(?,?,?,?,?,?,?,?,?,?,?,?)").join(",")}`).bind(
        ...chunk.flat(),
      ),
    );
  }
  for (let i = 0; i < statements.length; i += 200) await env.DB.batch(statements.slice(i, i + 200));
  return ids;
}

/** A delivery of the invoice's `paid` event (with the event row) in the given state. */
export async function seedDelivery(invoiceId: string, state: string, destination = "https://shop.example/hook"): Promise<void> {
  const at = "2030-01-01T00:00:00.000Z";
  const eventId = `evt_${invoiceId}_paid`;
  await env.DB.batch([
    env.DB.prepare(
      "INSERT INTO events (id, invoice_id, type, payload, created_at) VALUES (?1, ?2, 'invoice.paid', '{}', ?3) ON CONFLICT DO NOTHING",
    ).bind(eventId, invoiceId, at),
    env.DB.prepare(
      `INSERT INTO deliveries (id, event_id, invoice_id, destination, state, next_attempt_at, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?6)`,
    ).bind(`dlv_${crypto.randomUUID().replaceAll("-", "")}`, eventId, invoiceId, destination, state, at),
  ]);
}
