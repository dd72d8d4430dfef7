// Shared pieces: the confirmation dialog, status messages, and a list that loads more by cursor.
import { messageOf } from "./api";
import { type Child, el, fill } from "./el";
import { type Column, table } from "./format";
import { t } from "./i18n";
import { recordedNote } from "./session";

/** A native modal <dialog>; resolves true only when the operator presses the confirm button. */
export function confirmAction(title: string, text: Child, ok: string): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = el(
      "dialog",
      { "aria-labelledby": "dlg-title" },
      el(
        "form",
        { method: "dialog" },
        el("h2", { id: "dlg-title" }, title),
        el("div", null, text),
        recordedNote(),
        el(
          "p",
          { class: "actions" },
          el("button", { value: "cancel", class: "secondary" }, t("common.cancel")),
          el("button", { value: "ok" }, ok),
        ),
      ),
    );
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok");
      dialog.remove();
    });
    document.body.append(dialog);
    dialog.showModal();
  });
}

/** A live region for what an action did, or why it failed. */
export function notice(): { node: HTMLElement; show: (kind: "ok" | "error" | "info", ...c: Child[]) => void; clear: () => void } {
  const node = el("div", { class: "notice", role: "status", "aria-live": "polite", hidden: true });
  return {
    node,
    show(kind, ...c) {
      node.hidden = false;
      node.className = `notice ${kind}`;
      fill(node, ...c);
    },
    clear() {
      node.hidden = true;
      fill(node);
    },
  };
}

export const errorBox = (e: unknown): HTMLElement => el("p", { class: "notice error", role: "alert" }, messageOf(e));

export const section = (title: string, ...children: Child[]): HTMLElement =>
  el("section", { class: "card" }, el("h2", null, title), ...children);

/** One page of a cursor-paged list, as the views hand it to paged(). */
export interface Page<T> {
  rows: T[];
  next: string | null;
}

/** A table read page by page: `load(cursor)` returns rows and the next cursor; "Load more" appends. */
export function paged<T>(columns: Column<T>[], load: (cursor: string | null) => Promise<Page<T>>, empty: string): HTMLElement {
  const grid = table(columns);
  const none = el("p", { class: "muted", hidden: true }, empty);
  grid.node.hidden = true;
  const more = el("button", { class: "secondary", hidden: true, onclick: () => void page() }, t("common.loadMore"));
  const status = notice();
  let cursor: string | null = null;
  let count = 0;
  async function page(): Promise<void> {
    more.disabled = true;
    status.show("info", t("common.loading"));
    try {
      const { rows, next } = await load(cursor);
      cursor = next;
      count += rows.length;
      grid.add(rows);
      grid.node.hidden = count === 0;
      none.hidden = count > 0;
      status.clear();
      more.hidden = next === null;
    } catch (e) {
      status.show("error", messageOf(e));
    } finally {
      more.disabled = false;
    }
  }
  void page();
  return el("div", { class: "paged" }, grid.node, none, status.node, el("p", null, more));
}
