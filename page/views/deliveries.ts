// Deliveries by state, newest first; each opens its invoice (with every attempt). Bulk redeliver.
import { api, messageOf } from "../api";
import { el } from "../el";
import { badge, type Column, invoiceLink, time } from "../format";
import type { Delivery, Page } from "../types";
import { confirmAction, notice, paged, section } from "../ui";

const STATES = ["pending", "delivered", "failed", "exhausted", "canceled"];

const columns: Column<Delivery>[] = [
  { head: "Invoice", cell: (d) => (d.invoice_id ? invoiceLink(d.invoice_id) : "—") },
  { head: "State", cell: (d) => badge(d.state) },
  { head: "Destination", cell: (d) => el("span", { class: "mono" }, d.destination), wide: true },
  { head: "Round", cell: (d) => d.round },
  { head: "Attempts", cell: (d) => d.attempt_count },
  { head: "Next attempt", cell: (d) => (d.state === "pending" ? time(d.next_attempt_at) : "—") },
  { head: "Last error", cell: (d) => d.last_error ?? "—", wide: true },
  { head: "Updated", cell: (d) => time(d.updated_at) },
];

export function deliveries(view: HTMLElement, params: URLSearchParams): void {
  const state = params.get("state") ?? "";
  const select = el(
    "select",
    {
      id: "f-state",
      onchange: () => {
        location.hash = select.value ? `#/deliveries?state=${encodeURIComponent(select.value)}` : "#/deliveries";
      },
    },
    el("option", { value: "" }, "All states"),
    ...STATES.map((s) => el("option", { value: s, selected: s === state }, s)),
  );
  const load = async (cursor: string | null): Promise<Page<Delivery>> => {
    const q = new URLSearchParams({ limit: "50" });
    if (state) q.set("state", state);
    if (cursor) q.set("cursor", cursor);
    const r = await api<{ deliveries: Delivery[]; next_cursor: string | null }>(`/deliveries?${q}`);
    return { rows: r.deliveries, next: r.next_cursor };
  };
  view.append(
    el("h1", { tabindex: -1 }, "Deliveries"),
    el("form", { class: "filters", onsubmit: (e: Event) => e.preventDefault() }, el("label", { for: "f-state" }, "State"), select),
    paged(columns, load, state ? `No ${state} deliveries.` : "No deliveries yet."),
    bulkRedeliver(),
  );
}

/** "Redeliver exhausted since …": after the backend's outage, replay what gave up during it. */
function bulkRedeliver(): HTMLElement {
  const out = notice();
  const yesterday = new Date(Date.now() - 86_400_000 - new Date().getTimezoneOffset() * 60_000);
  const since = el("input", { id: "f-since", type: "datetime-local", required: true, value: yesterday.toISOString().slice(0, 16) });
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    const at = new Date(since.value);
    if (Number.isNaN(at.getTime())) return out.show("error", "Pick a date and time.");
    const iso = at.toISOString();
    const text = el("p", null, "Every delivery that became exhausted since ", time(iso), " is sent again, with its original webhook-id.");
    if (!(await confirmAction("Redeliver exhausted deliveries?", text, "Redeliver"))) return;
    out.show("info", "Queuing…");
    try {
      const q = new URLSearchParams({ state: "exhausted", since: iso });
      const r = await api<{ count: number; more?: boolean }>(`/deliveries/redeliver?${q}`, { method: "POST" });
      out.show(
        "ok",
        `Requeued ${r.count} exhausted deliver${r.count === 1 ? "y" : "ies"} since `,
        time(iso),
        r.more ? ". More remain: run it again." : ".",
      );
    } catch (err) {
      out.show("error", messageOf(err));
    }
  };
  return section(
    "Redeliver exhausted since …",
    el(
      "form",
      { class: "filters", onsubmit: (e: Event) => void submit(e) },
      el("label", { for: "f-since" }, "Since (your local time)"),
      since,
      el("button", { type: "submit" }, "Redeliver exhausted"),
    ),
    out.node,
  );
}
