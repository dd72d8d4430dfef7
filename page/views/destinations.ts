// Destinations: each with its state, circuit, waiting deliveries, success rate and last error; create,
// edit, pause/resume, rotate the secret (shown once), test, delete. Every change is confirmed first.
import { api, messageOf } from "../api";
import { type Child, el, fill } from "../el";
import { badge, type Column, table, time } from "../format";
import { confirmAction, notice, section } from "../ui";

/** Every string this view shows (to be moved into the page's translation table). */
export const TEXT = {
  title: "Destinations",
  intro: "Where events go. FORWARD_URL's destinations are managed by the configuration; the others here.",
  loading: "Loading…",
  none: "No destinations: set FORWARD_URL or add one below.",
  cols: {
    url: "URL",
    managed: "Managed by",
    state: "State",
    circuit: "Circuit",
    waiting: "Waiting",
    rate: "Delivered",
    error: "Last error",
    actions: "Actions",
  },
  recorded: "(recorded in the audit log)",
  pause: "Pause",
  resume: "Resume",
  rotate: "Rotate secret",
  test: "Send test",
  edit: "Edit",
  del: "Delete",
  confirm: "Confirm",
  ask: {
    pause: "Pause this destination? New and waiting deliveries are held until you resume it.",
    resume: "Resume this destination? Every held delivery is sent at once.",
    rotate: "Rotate the secret? The old one keeps signing for 24 hours; update your backend meanwhile.",
    test: "Send a signed destination.test event to it now?",
    del: "Delete this destination? Its waiting deliveries become canceled (you can redeliver them).",
    create: "Create this destination? Its secret is shown once.",
    edit: "Save these changes?",
  },
  create: "Add a destination",
  fields: {
    url: "URL",
    description: "Description",
    statuses: "Statuses (empty: all)",
    testMode: "Test mode",
    currencies: "Currencies (comma-separated, empty: all)",
  },
  testModes: { any: "any", live: "live only", test: "test only" },
  save: "Save",
  add: "Add destination",
  secretShown: "The secret, shown once: copy it into your backend now.",
  copy: "Copy",
  copied: "Copied.",
  tested: (code: number | null, ms: number, error: string | null) =>
    `Answered ${code ?? "nothing"} in ${ms} ms${error ? ` (${error})` : ""}.`,
  done: "Done.",
} as const;

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
  const list = el("div", null, el("p", { class: "muted" }, TEXT.loading));
  const act = async (title: string, ask: string, run: () => Promise<Child>) => {
    if (!(await confirmAction(title, el("p", null, ask, " ", TEXT.recorded), TEXT.confirm))) return;
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
      { class: "secondary", onclick: () => void navigator.clipboard?.writeText(secret).then(() => fill(copy, TEXT.copied)) },
      TEXT.copy,
    );
    return el("div", null, el("p", null, TEXT.secretShown), code, " ", copy);
  };
  const button = (label: string, onclick: () => void) =>
    el("button", { class: "secondary", title: `${label} ${TEXT.recorded}`, onclick }, label);
  const path = (d: Destination, action = "") => `/destinations/${encodeURIComponent(d.id)}${action}`;
  const actions = (d: Destination): HTMLElement =>
    el(
      "span",
      { class: "actions" },
      d.state === "active"
        ? button(
            TEXT.pause,
            () => void act(TEXT.pause, TEXT.ask.pause, () => api(path(d, "/pause"), { method: "POST" }).then(() => TEXT.done)),
          )
        : button(
            TEXT.resume,
            () => void act(TEXT.resume, TEXT.ask.resume, () => api(path(d, "/resume"), { method: "POST" }).then(() => TEXT.done)),
          ),
      button(
        TEXT.test,
        () =>
          void act(TEXT.test, TEXT.ask.test, async () => {
            const { attempt: a } = await api<{ attempt: { status_code: number | null; latency_ms: number; error: string | null } }>(
              path(d, "/test"),
              { method: "POST" },
            );
            return TEXT.tested(a.status_code, a.latency_ms, a.error);
          }),
      ),
      d.managed_by === "api" &&
        button(
          TEXT.rotate,
          () =>
            void act(TEXT.rotate, TEXT.ask.rotate, () =>
              api<{ secret: string }>(path(d, "/rotate-secret"), { method: "POST" }).then((r) => secretBox(r.secret)),
            ),
        ),
      d.managed_by === "api" && button(TEXT.edit, () => view.querySelector("#dst-form")?.replaceWith(form(d))),
      d.managed_by === "api" &&
        button(TEXT.del, () => void act(TEXT.del, TEXT.ask.del, () => api(path(d), { method: "DELETE" }).then(() => TEXT.done))),
    );
  const columns: Column<Destination>[] = [
    { head: TEXT.cols.url, cell: (d) => el("span", { class: "mono" }, d.url), wide: true },
    { head: TEXT.cols.managed, cell: (d) => d.managed_by },
    { head: TEXT.cols.state, cell: (d) => badge(d.state) },
    {
      head: TEXT.cols.circuit,
      cell: (d) => el("span", null, badge(d.circuit.state), d.circuit.opened_at ? el("span", null, " ", time(d.circuit.opened_at)) : null),
    },
    { head: TEXT.cols.waiting, cell: (d) => d.stats.waiting },
    { head: TEXT.cols.rate, cell: (d) => rate(d.stats) },
    { head: TEXT.cols.error, cell: (d) => d.stats.last_error ?? "—", wide: true },
    { head: TEXT.cols.actions, cell: actions, wide: true },
  ];
  async function reload(): Promise<void> {
    try {
      const { destinations: rows } = await api<{ destinations: Destination[] }>("/destinations");
      list.replaceChildren(rows.length ? table(columns, rows).node : el("p", { class: "muted" }, TEXT.none));
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
      ...Object.entries(TEXT.testModes).map(([v, l]) => el("option", { value: v, selected: editing?.filter.test_mode === v }, l)),
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
      void act(editing ? TEXT.edit : TEXT.add, editing ? TEXT.ask.edit : TEXT.ask.create, () =>
        editing
          ? api(path(editing), { method: "PATCH", body }).then(() => TEXT.done)
          : api<{ secret: string }>("/destinations", { method: "POST", body }).then((r) => secretBox(r.secret)),
      );
    };
    const label = (id: string, text: string, input: HTMLElement) => el("p", null, el("label", { for: id }, text), input);
    return el(
      "form",
      { id: "dst-form", class: "card", onsubmit: submit },
      el("h2", null, editing ? `${TEXT.edit}: ${editing.id}` : TEXT.create),
      label("dst-url", TEXT.fields.url, url),
      label("dst-description", TEXT.fields.description, description),
      el("fieldset", null, el("legend", null, TEXT.fields.statuses), ...statuses.flatMap((s) => [s, el("label", { for: s.id }, s.value)])),
      label("dst-test-mode", TEXT.fields.testMode, testMode),
      label("dst-currencies", TEXT.fields.currencies, currencies),
      el("button", { type: "submit", title: `${TEXT.recorded}` }, `${editing ? TEXT.save : TEXT.add} ${TEXT.recorded}`),
    );
  }
  view.append(el("h1", { tabindex: -1 }, TEXT.title), el("p", { class: "muted" }, TEXT.intro), out.node, section(TEXT.title, list), form());
  void reload();
}
