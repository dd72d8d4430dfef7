// The shops this Worker serves (GET /health's `projects`, slugs from the configuration). With one,
// the page looks as it always did; with several, lists get a Shop column and a filter, and the
// overview a selector.
import { api } from "./api";
import { el } from "./el";
import { t } from "./i18n";

let slugs: readonly string[] = [];

export const manyProjects = (): boolean => slugs.length > 1;

/** Read once after sign-in; a Worker without projects (or an error) leaves the page as it was. */
export async function loadProjects(): Promise<void> {
  try {
    const h = await api<{ projects?: { slug: string }[] }>("/health", { accept: [503] });
    slugs = (h.projects ?? []).map((p) => p.slug);
  } catch {
    slugs = [];
  }
}

/** "Shop: [all | shop-a | …]", or nothing with a single project. */
export function projectSelect(current: string, onchange: (slug: string) => void): HTMLElement[] {
  if (!manyProjects()) return [];
  const select = el(
    "select",
    { id: "f-project", name: "project", onchange: () => onchange(select.value) },
    el("option", { value: "" }, t("project.all")),
    ...slugs.map((s) => el("option", { value: s, selected: s === current }, s)),
  );
  return [el("label", { for: "f-project" }, t("project.label")), select];
}

/** The Shop column, for lists whose rows carry `project`, only when there are several. */
export const projectColumn = <T extends { project?: unknown }>() =>
  manyProjects() ? [{ head: t("project.label"), cell: (r: T) => el("span", { class: "mono" }, String(r.project ?? "—")) }] : [];
