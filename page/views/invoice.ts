// One invoice: every field, its postbacks, and each delivery with every attempt; "Redeliver".
import type { ApiAttempt, ApiDelivery, ApiReceipt, PublicInvoice } from "../../src/domain/wire";
import { ApiError, api, messageOf } from "../api";
import { el, fill } from "../el";
import { amount, badge, type Column, kv, rowsOrNone, table, time, yesNo } from "../format";
import { t, tx } from "../i18n";
import { confirmAction, errorBox, notice, section } from "../ui";

const POLL_MS = 2000;
const POLL_LIMIT = 30;

const postbackColumns = (): Column<ApiReceipt>[] => [
  { head: t("col.received"), cell: (p) => time(p.received_at) },
  { head: t("col.status"), cell: (p) => badge(p.status) },
  { head: t("col.amount"), cell: (p) => amount(p.amount_crypto, p.currency) },
  { head: t("col.order"), cell: (p) => el("span", { class: "mono" }, p.order_id ?? "—"), wide: true },
  { head: t("col.test"), cell: (p) => yesNo(p.test_mode) },
  { head: t("col.format"), cell: (p) => t("invoice.format", { type: p.content_type || "—", version: p.api_version }) },
  { head: t("col.request"), cell: (p) => el("span", { class: "mono" }, p.request_id || "—"), wide: true },
];

const attemptColumns = (): Column<ApiAttempt>[] => [
  { head: t("col.round"), cell: (a) => a.round },
  { head: t("col.attempt"), cell: (a) => a.attempt },
  { head: t("col.started"), cell: (a) => time(a.started_at) },
  { head: t("col.http"), cell: (a) => (a.status_code === null ? "—" : el("span", { class: "mono" }, String(a.status_code))) },
  { head: t("col.error"), cell: (a) => a.error_class ?? "—" },
  { head: t("col.latency"), cell: (a) => t("invoice.ms", { ms: a.latency_ms }) },
  { head: t("col.reply"), cell: (a) => (a.response_body ? el("pre", { class: "reply" }, a.response_body) : "—"), wide: true },
];

const loading = (): HTMLElement => el("div", null, el("p", { class: "muted" }, t("common.loading")));

export async function invoice(view: HTMLElement, id: string): Promise<void> {
  const out = notice();
  const fields = loading();
  const postbacks = loading();
  const deliveries = loading();
  let polls = 0;
  const reload = async (): Promise<void> => {
    const pending = await loadDeliveries(deliveries, id);
    // Follow a delivery in flight until it settles, while this view is on screen.
    if (pending && deliveries.isConnected && polls++ < POLL_LIMIT) setTimeout(() => deliveries.isConnected && void reload(), POLL_MS);
  };
  const redeliver = async (): Promise<void> => {
    if (!(await confirmAction(t("invoice.confirm", { id }), t("invoice.explain"), t("invoice.redeliver")))) return;
    out.show("info", t("common.queuing"));
    try {
      const r = await api<{ deliveries: string[] }>(`/invoices/${encodeURIComponent(id)}/redeliver`, { method: "POST" });
      const n = r.deliveries.length;
      out.show("ok", n === 0 ? t("invoice.queuedNone") : t("invoice.queued", { count: n, ids: r.deliveries.join(", ") }));
      polls = 0;
      await reload();
    } catch (e) {
      out.show("error", messageOf(e));
    }
  };
  view.append(
    el("p", null, el("a", { href: "#/invoices" }, t("invoice.back"))),
    el("h1", { tabindex: -1 }, ...tx("invoice.title", { id: el("span", { class: "mono" }, id) })),
    el(
      "p",
      { class: "actions" },
      el("button", { onclick: () => void redeliver() }, t("invoice.redeliver")),
      el("button", { class: "secondary", onclick: () => void reload() }, t("invoice.refresh")),
    ),
    out.node,
    section(t("invoice.fields"), fields),
    section(t("invoice.postbacks"), postbacks),
    section(t("nav.deliveries"), deliveries),
  );
  const path = `/invoices/${encodeURIComponent(id)}`;
  await Promise.all([
    api<PublicInvoice>(path).then(
      (i) => fill(fields, kv(i as unknown as Record<string, unknown>)),
      (e) => fill(fields, errorBox(e instanceof ApiError && e.status === 404 ? t("invoice.notFound", { id }) : e)),
    ),
    api<{ postbacks: ApiReceipt[]; pruned?: boolean }>(`${path}/postbacks`).then(
      (r) =>
        fill(
          postbacks,
          r.pruned ? el("p", { class: "muted" }, t("invoice.prunedPostbacks")) : null,
          r.pruned && r.postbacks.length === 0 ? null : rowsOrNone(postbackColumns(), r.postbacks, t("invoice.noPostbacks")),
        ),
      (e) =>
        fill(
          postbacks,
          e instanceof ApiError && e.status === 404 ? el("p", { class: "muted" }, t("invoice.noPostbackHistory")) : errorBox(e),
        ),
    ),
    reload(),
  ]);
}

/** Draws the deliveries; true while one is still pending. */
async function loadDeliveries(box: HTMLElement, id: string): Promise<boolean> {
  try {
    const r = await api<{ deliveries: ApiDelivery[]; pruned?: boolean }>(`/invoices/${encodeURIComponent(id)}/deliveries`);
    if (r.deliveries.length === 0)
      fill(box, el("p", { class: "muted" }, r.pruned ? t("invoice.prunedDeliveries") : t("invoice.noDeliveries")));
    else fill(box, ...r.deliveries.map(delivery));
    return r.deliveries.some((d) => d.state === "pending");
  } catch (e) {
    fill(box, errorBox(e));
    return false;
  }
}

export function delivery(d: ApiDelivery): HTMLElement {
  const { attempts = [], destination, state, id, ...rest } = d;
  const facts = { round: d.round, count: d.attempt_count };
  return el(
    "article",
    { class: "delivery", "data-delivery": id },
    el("h3", null, badge(state), " ", el("span", { class: "mono" }, destination)),
    el(
      "p",
      { class: "muted" },
      ...(state === "pending" ? tx("invoice.summaryNext", { ...facts, next: time(d.next_attempt_at) }) : tx("invoice.summary", facts)),
      d.last_error ? el("span", null, " · ", t("invoice.lastError", { error: d.last_error })) : null,
    ),
    el("details", null, el("summary", null, ...tx("invoice.deliveryId", { id: el("span", { class: "mono" }, id) })), kv(rest)),
    attemptsOf(attempts, d.attempt_count > 0 || d.round > 1),
  );
}

const SHOWN_ATTEMPTS = 3;
/** The latest attempts in view; earlier ones folded, so 14 failed tries do not make a phone scroll for pages. */
function attemptsOf(attempts: ApiAttempt[], attempted: boolean): HTMLElement {
  if (attempts.length <= SHOWN_ATTEMPTS)
    return rowsOrNone(attemptColumns(), attempts, attempted ? t("invoice.prunedAttempts") : t("invoice.noAttempt"));
  const earlier = attempts.slice(0, -SHOWN_ATTEMPTS);
  return el(
    "div",
    null,
    el("details", null, el("summary", null, t("invoice.earlier", { count: earlier.length })), table(attemptColumns(), earlier).node),
    table(attemptColumns(), attempts.slice(-SHOWN_ATTEMPTS)).node,
  );
}
