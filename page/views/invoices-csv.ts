// "Download CSV": GET /invoices.csv for a range of UTC days (and the list's status filter). The API
// wants the bearer token, which a plain link cannot send: fetch it, then hand the browser a Blob URL
// through an <a download>.
import { api, messageOf } from "../api";
import { el } from "../el";
import { statusLabel } from "../format";
import { t } from "../i18n";
import { notice, section } from "../ui";
import { lastDays } from "./daily-chart";

export function csvDownload(status: string, project = ""): HTMLElement {
  const range = lastDays();
  const from = el("input", { id: "csv-from", type: "date", required: true, value: range.from });
  const to = el("input", { id: "csv-to", type: "date", required: true, value: range.to });
  const out = notice();
  const button = el("button", { type: "submit" }, t("csv.download"));
  const submit = async (e: Event): Promise<void> => {
    e.preventDefault();
    if (!from.value || !to.value || from.value > to.value) return out.show("error", t("csv.badRange"));
    button.disabled = true;
    out.show("info", t("csv.preparing"));
    try {
      const q = new URLSearchParams({ from: from.value, to: to.value });
      if (status) q.set("status", status);
      if (project) q.set("project", project);
      const blob = await api<Blob>(`/invoices.csv?${q}`, { blob: true });
      const url = URL.createObjectURL(blob);
      const a = el("a", { href: url, download: `invoices-${from.value}-${to.value}.csv`, hidden: true });
      document.body.append(a);
      a.click();
      a.remove();
      // The browser has taken the file by the next task; the URL is not needed after that.
      setTimeout(() => URL.revokeObjectURL(url), 0);
      out.clear();
    } catch (err) {
      out.show("error", messageOf(err));
    } finally {
      button.disabled = false;
    }
  };
  return section(
    t("csv.title"),
    el(
      "form",
      { class: "filters", onsubmit: (e: Event) => void submit(e) },
      el("label", { for: "csv-from" }, t("csv.from")),
      from,
      el("label", { for: "csv-to" }, t("csv.to")),
      to,
      button,
    ),
    el("p", { class: "muted small" }, status ? t("csv.noteStatus", { status: statusLabel(status) }) : t("csv.note")),
    out.node,
  );
}
