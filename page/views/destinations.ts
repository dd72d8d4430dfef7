// Destinations: each with its state, circuit, waiting deliveries, success rate and last error; create,
// edit, pause/resume, rotate the secret (shown once), test, delete. Every change is confirmed first.
import { api, messageOf } from "../api";
import { type Child, el, fill } from "../el";
import { badge, type Column, statusLabel, table, time } from "../format";
import { t } from "../i18n";
import { confirmAction, notice, section } from "../ui";

interface Destination {
  id: string;
  url: string;
  description: string | null;
  managed_by: "config" | "api";
  filter: { statuses: string[] | null; test_mode: string; currencies: string[] | null };
  state: string;
  circuit: { state: string; opened_at: string | null };
  stats: {
    pending: number;
    waiting: number;
    delivered: number;
    failed: number;
    exhausted: number;
    canceled: number;
    last_error: string | null;
  };
}

const rate = (s: Destination["stats"]): string => {
  const done = s.delivered + s.failed + s.exhausted;
  return done === 0 ? "—" : `${Math.round((100 * s.delivered) / done)} %`;
};

export function destinations(view: HTMLElement): void {
  const out = notice();
  const list = el("div", null, el("p", { class: "muted" }, t("dst.loading")));
  const act = async (title: string, ask: string, run: () => Promise<Child>) => {
    if (!(await confirmAction(title, el("p", null, ask), t("dst.confirm")))) return;
    try {
      out.show("ok", await run());
      await reload();
    } catch (e) {
      out.show("error", messageOf(e));
    }
  };
  const secretBox = (secret: string): HTMLElement => {
    const code = el("code", { class: "mono", id: "dst-secret" }, secret);
    const copy = el(
      "button",
      { class: "secondary", onclick: () => void navigator.clipboard?.writeText(secret).then(() => fill(copy, t("dst.copied"))) },
      t("dst.copy"),
    );
    return el("div", null, el("p", null, t("dst.secretShown")), code, " ", copy);
  };
  const button = (label: string, onclick: () => void) =>
    el("button", { class: "secondary", title: t("dst.buttonRecorded", { label }), onclick }, label);
  const path = (d: Destination, action = "") => `/destinations/${encodeURIComponent(d.id)}${action}`;
  const actions = (d: Destination): HTMLElement =>
    el(
      "span",
      { class: "actions" },
      d.state === "active"
        ? button(
            t("dst.pause"),
            () => void act(t("dst.pause"), t("dst.ask.pause"), () => api(path(d, "/pause"), { method: "POST" }).then(() => t("dst.done"))),
          )
        : button(
            t("dst.resume"),
            () =>
              void act(t("dst.resume"), t("dst.ask.resume"), () => api(path(d, "/resume"), { method: "POST" }).then(() => t("dst.done"))),
          ),
      button(
        t("dst.test"),
        () =>
          void act(t("dst.test"), t("dst.ask.test"), async () => {
            const { attempt: a } = await api<{ attempt: { status_code: number | null; latency_ms: number; error: string | null } }>(
              path(d, "/test"),
              { method: "POST" },
            );
            return a.error
              ? t("dst.testedError", { code: a.status_code ?? "—", ms: a.latency_ms, error: a.error })
              : t("dst.tested", { code: a.status_code ?? "—", ms: a.latency_ms });
          }),
      ),
      d.managed_by === "api" &&
        button(
          t("dst.rotate"),
          () =>
            void act(t("dst.rotate"), t("dst.ask.rotate"), () =>
              api<{ secret: string }>(path(d, "/rotate-secret"), { method: "POST" }).then((r) => secretBox(r.secret)),
            ),
        ),
      d.managed_by === "api" && button(t("dst.edit"), () => view.querySelector("#dst-form")?.replaceWith(form(d))),
      d.managed_by === "api" &&
        button(
          t("dst.del"),
          () => void act(t("dst.del"), t("dst.ask.del"), () => api(path(d), { method: "DELETE" }).then(() => t("dst.done"))),
        ),
    );
  const columns = (): Column<Destination>[] => [
    { head: t("dst.cols.url"), cell: (d) => el("span", { class: "mono" }, d.url), wide: true },
    { head: t("dst.cols.managed"), cell: (d) => t(d.managed_by === "api" ? "dst.managed.api" : "dst.managed.config") },
    { head: t("dst.cols.state"), cell: (d) => badge(d.state) },
    {
      head: t("dst.cols.circuit"),
      cell: (d) => el("span", null, badge(d.circuit.state), d.circuit.opened_at ? el("span", null, " ", time(d.circuit.opened_at)) : null),
    },
    { head: t("dst.cols.waiting"), cell: (d) => d.stats.waiting },
    { head: t("dst.cols.rate"), cell: (d) => rate(d.stats) },
    { head: t("dst.cols.error"), cell: (d) => d.stats.last_error ?? "—", wide: true },
    { head: t("dst.cols.actions"), cell: actions, wide: true },
  ];
  async function reload(): Promise<void> {
    try {
      const { destinations: rows } = await api<{ destinations: Destination[] }>("/destinations");
      list.replaceChildren(rows.length ? table(columns(), rows).node : el("p", { class: "muted" }, t("dst.none")));
    } catch (e) {
      list.replaceChildren(el("p", { class: "notice error", role: "alert" }, messageOf(e)));
    }
  }
  function form(editing: Destination | null = null): HTMLElement {
    const url = el("input", { id: "dst-url", type: "url", required: true, value: editing?.url ?? "" });
    const description = el("input", { id: "dst-description", maxlength: 200, value: editing?.description ?? "" });
    const statuses = ["paid", "overpaid", "partial"].map((s) =>
      el("input", { type: "checkbox", value: s, id: `dst-st-${s}`, checked: editing?.filter.statuses?.includes(s) ?? false }),
    );
    const testMode = el(
      "select",
      { id: "dst-test-mode" },
      ...(["any", "live", "test"] as const).map((v) =>
        el("option", { value: v, selected: editing?.filter.test_mode === v }, t(`dst.testModes.${v}`)),
      ),
    );
    const currencies = el("input", { id: "dst-currencies", value: editing?.filter.currencies?.join(", ") ?? "" });
    const submit = (e: Event) => {
      e.preventDefault();
      const picked = statuses.filter((s) => s.checked).map((s) => s.value);
      const codes = currencies.value.split(/[\s,]+/).filter(Boolean);
      const filter = {
        ...(picked.length ? { statuses: picked } : {}),
        test_mode: testMode.value,
        ...(codes.length ? { currencies: codes } : {}),
      };
      const body = { url: url.value.trim(), description: description.value.trim() || null, filter };
      void act(editing ? t("dst.edit") : t("dst.add"), editing ? t("dst.ask.edit") : t("dst.ask.create"), () =>
        editing
          ? api(path(editing), { method: "PATCH", body }).then(() => t("dst.done"))
          : api<{ secret: string }>("/destinations", { method: "POST", body }).then((r) => secretBox(r.secret)),
      );
    };
    const label = (id: string, text: string, input: HTMLElement) => el("p", null, el("label", { for: id }, text), input);
    return el(
      "form",
      { id: "dst-form", class: "card", onsubmit: submit },
      el("h2", null, editing ? t("dst.editing", { id: editing.id }) : t("dst.create")),
      label("dst-url", t("dst.fields.url"), url),
      label("dst-description", t("dst.fields.description"), description),
      el(
        "fieldset",
        null,
        el("legend", null, t("dst.fields.statuses")),
        ...statuses.flatMap((s) => [s, el("label", { for: s.id }, statusLabel(s.value))]),
      ),
      label("dst-test-mode", t("dst.fields.testMode"), testMode),
      label("dst-currencies", t("dst.fields.currencies"), currencies),
      el("button", { type: "submit", title: t("dst.recorded") }, editing ? t("dst.saveRecorded") : t("dst.addRecorded")),
    );
  }
  view.append(
    el("h1", { tabindex: -1 }, t("dst.title")),
    el("p", { class: "muted" }, t("dst.intro")),
    out.node,
    section(t("dst.title"), list),
    form(),
  );
  void reload();
}
