// One invoice: every field, its postbacks, and each delivery with every attempt; "Redeliver".
import { ApiError, api, messageOf } from "../api";
import { el, fill } from "../el";
import { badge, type Column, kv, rowsOrNone, time, yesNo } from "../format";
import type { Attempt, Delivery, Invoice, Postback } from "../types";
import { confirmAction, errorBox, notice, section } from "../ui";

// What RETENTION_DAYS removed is named, so an old invoice never reads as "nothing was sent".
const PRUNED_POSTBACKS = "Older postbacks of this invoice were pruned (RETENTION_DAYS).";
const PRUNED_DELIVERIES = "No deliveries left: delivered ones were pruned (RETENTION_DAYS).";
const PRUNED_ATTEMPTS = "Its attempts were pruned (RETENTION_DAYS).";

const POLL_MS = 2000;
const POLL_LIMIT = 30;

const postbackColumns: Column<Postback>[] = [
  { head: "Received", cell: (p) => time(p.received_at) },
  { head: "Status", cell: (p) => badge(p.status) },
  { head: "Amount", cell: (p) => el("span", { class: "mono" }, `${p.amount_crypto} ${p.currency}`) },
  { head: "Order", cell: (p) => el("span", { class: "mono" }, p.order_id ?? "—"), wide: true },
  { head: "Test", cell: (p) => yesNo(p.test_mode) },
  { head: "Format", cell: (p) => [p.content_type, p.api_version].filter(Boolean).join(" · ") || "—" },
  { head: "Request", cell: (p) => el("span", { class: "mono" }, p.request_id ?? "—"), wide: true },
];

const attemptColumns: Column<Attempt>[] = [
  { head: "Round", cell: (a) => a.round },
  { head: "Attempt", cell: (a) => a.attempt },
  { head: "Started", cell: (a) => time(a.started_at) },
  { head: "HTTP", cell: (a) => (a.status_code === null ? "—" : el("span", { class: "mono" }, String(a.status_code))) },
  { head: "Error", cell: (a) => a.error_class ?? "—" },
  { head: "Latency", cell: (a) => (a.latency_ms === null ? "—" : `${a.latency_ms} ms`) },
  { head: "Reply", cell: (a) => (a.response_body ? el("pre", { class: "reply" }, a.response_body) : "—"), wide: true },
];

export async function invoice(view: HTMLElement, id: string): Promise<void> {
  const out = notice();
  const fields = el("div", null, el("p", { class: "muted" }, "Loading…"));
  const postbacks = el("div", null, el("p", { class: "muted" }, "Loading…"));
  const deliveries = el("div", null, el("p", { class: "muted" }, "Loading…"));
  let polls = 0;
  const reload = async (): Promise<void> => {
    const pending = await loadDeliveries(deliveries, id);
    // Follow a delivery in flight until it settles, while this view is on screen.
    if (pending && deliveries.isConnected && polls++ < POLL_LIMIT) setTimeout(() => deliveries.isConnected && void reload(), POLL_MS);
  };
  const redeliver = async (): Promise<void> => {
    const text = "Sends the invoice's current event again to every FORWARD_URL, with the same webhook-id, so your backend can dedupe it.";
    if (!(await confirmAction(`Redeliver invoice ${id}?`, text, "Redeliver"))) return;
    out.show("info", "Queuing…");
    try {
      const r = await api<{ deliveries: string[] }>(`/invoices/${encodeURIComponent(id)}/redeliver`, { method: "POST" });
      const n = r.deliveries.length;
      out.show(
        "ok",
        n === 0
          ? "Nothing queued: no FORWARD_URL is configured."
          : `Queued ${n} deliver${n === 1 ? "y" : "ies"}, a new round each: ${r.deliveries.join(", ")}.`,
      );
      polls = 0;
      await reload();
    } catch (e) {
      out.show("error", messageOf(e));
    }
  };
  view.append(
    el("p", null, el("a", { href: "#/invoices" }, "← Invoices")),
    el("h1", { tabindex: -1 }, "Invoice ", el("span", { class: "mono" }, id)),
    el(
      "p",
      { class: "actions" },
      el("button", { onclick: () => void redeliver() }, "Redeliver"),
      el("button", { class: "secondary", onclick: () => void reload() }, "Refresh deliveries"),
    ),
    out.node,
    section("Invoice", fields),
    section("Postbacks", postbacks),
    section("Deliveries", deliveries),
  );
  const path = `/invoices/${encodeURIComponent(id)}`;
  await Promise.all([
    api<Invoice>(path).then(
      (i) => fill(fields, kv(i)),
      (e) => fill(fields, errorBox(e instanceof ApiError && e.status === 404 ? `No invoice ${id} has been recorded.` : e)),
    ),
    api<{ postbacks: Postback[]; pruned?: boolean }>(`${path}/postbacks`).then(
      (r) =>
        fill(
          postbacks,
          r.pruned ? el("p", { class: "muted" }, PRUNED_POSTBACKS) : null,
          r.pruned && r.postbacks.length === 0 ? null : rowsOrNone(postbackColumns, r.postbacks, "No postbacks recorded."),
        ),
      (e) =>
        fill(
          postbacks,
          e instanceof ApiError && e.status === 404 ? el("p", { class: "muted" }, "Postback history is not available.") : errorBox(e),
        ),
    ),
    reload(),
  ]);
}

/** Draws the deliveries; true while one is still pending. */
async function loadDeliveries(box: HTMLElement, id: string): Promise<boolean> {
  try {
    const r = await api<{ deliveries: Delivery[]; pruned?: boolean }>(`/invoices/${encodeURIComponent(id)}/deliveries`);
    if (r.deliveries.length === 0)
      fill(box, el("p", { class: "muted" }, r.pruned ? PRUNED_DELIVERIES : "No deliveries: nothing was forwarded for this invoice."));
    else fill(box, ...r.deliveries.map(delivery));
    return r.deliveries.some((d) => d.state === "pending");
  } catch (e) {
    fill(box, errorBox(e));
    return false;
  }
}

export function delivery(d: Delivery): HTMLElement {
  const { attempts = [], destination, state, id, ...rest } = d;
  return el(
    "article",
    { class: "delivery", "data-delivery": id },
    el("h3", null, badge(state), " ", el("span", { class: "mono" }, destination)),
    el(
      "p",
      { class: "muted" },
      `Round ${d.round} · ${d.attempt_count} attempt${d.attempt_count === 1 ? "" : "s"}`,
      state === "pending" ? " · next attempt " : null,
      state === "pending" ? time(d.next_attempt_at) : null,
      d.last_error ? ` · last error: ${d.last_error}` : null,
    ),
    el("details", null, el("summary", null, "Delivery ", el("span", { class: "mono" }, id)), kv(rest)),
    rowsOrNone(attemptColumns, attempts, d.attempt_count > 0 || d.round > 1 ? PRUNED_ATTEMPTS : "No attempt yet."),
  );
}
