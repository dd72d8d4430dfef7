/**
 * CryptoCloud projects as sources: one per shop, each with its own SECRET KEYs (postbacks), API KEY
 * (confirmation and reconciliation) and project ids (to keep another project's listed invoices out).
 * Pure: the caller turns the problems into configuration errors.
 */
export interface Project {
  slug: string; // names the project in URLs, records and events
  secretKeys: string[];
  apiKey: string | null;
  projectIds: string[]; // CryptoCloud's numeric ids as in invoice_info.project.id and merchant/list items
}

/** The slug of the project the single-project variables form. */
export const DEFAULT_PROJECT = "default";
export const PROJECTS_VARIABLE = "CRYPTOCLOUD_PROJECTS";

/** One problem with the projects; `detail` names the slug (or the entry's position), never a value. */
export interface ProjectProblem {
  code: string;
  variable: string;
  detail: string;
}

const SLUG = /^[a-z0-9-]{1,32}$/;
const PROJECT_ID = /^[\w-]{1,64}$/;
const JWT_LIKE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;
const strings = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? v.map((x) => x.trim()).filter(Boolean) : null;

/** Reads one entry of CRYPTOCLOUD_PROJECTS; `where` names it in problems (its slug once known). */
function readEntry(entry: unknown, index: number, problems: ProjectProblem[]): Project | null {
  const bad = (code: string, detail: string) => {
    problems.push({ code, variable: PROJECTS_VARIABLE, detail });
    return null;
  };
  if (typeof entry !== "object" || entry === null || Array.isArray(entry))
    return bad("invalid_project", `entry ${index + 1} is not an object`);
  const e = entry as Record<string, unknown>;
  if (typeof e.slug !== "string" || !SLUG.test(e.slug))
    return bad("invalid_slug", `entry ${index + 1} has no slug of 1 to 32 characters a-z, 0-9 and -`);
  const slug = e.slug;
  const secretKeys = strings(e.secret_keys);
  if (!secretKeys || secretKeys.length === 0) return bad("missing", `project "${slug}" has no secret_keys`);
  if (secretKeys.some((k) => JWT_LIKE.test(k)))
    return bad("looks_like_api_key", `project "${slug}": a secret_keys entry looks like the API KEY (a JWT); use the project's SECRET KEY`);
  if (e.api_key !== undefined && e.api_key !== null && (typeof e.api_key !== "string" || e.api_key.trim() === ""))
    return bad("invalid_api_key", `project "${slug}": api_key must be a string`);
  const rawId = e.project_id;
  const projectId = typeof rawId === "number" ? String(rawId) : rawId;
  if (projectId !== undefined && projectId !== null && (typeof projectId !== "string" || !PROJECT_ID.test(projectId)))
    return bad("invalid_id", `project "${slug}": project_id must be CryptoCloud's project id`);
  return {
    slug,
    secretKeys,
    apiKey: typeof e.api_key === "string" ? e.api_key.trim() : null,
    projectIds: typeof projectId === "string" ? [projectId] : [],
  };
}

/**
 * Every configured project: `default` from the single-project variables (when its SECRET KEY is set),
 * then CRYPTOCLOUD_PROJECTS' entries. Slugs and secret keys must be unique across all of them: a key
 * shared by two projects would let one shop's postback be recorded under the other.
 */
export function parseProjects(raw: string, single: Project | null): { projects: Project[]; problems: ProjectProblem[] } {
  const problems: ProjectProblem[] = [];
  const projects: Project[] = single ? [single] : [];
  if (raw !== "") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed))
      problems.push({ code: "invalid_json", variable: PROJECTS_VARIABLE, detail: "is not a JSON array of projects" });
    else
      for (const [i, entry] of parsed.entries()) {
        const p = readEntry(entry, i, problems);
        if (!p) continue;
        if (projects.some((q) => q.slug === p.slug)) {
          problems.push({ code: "duplicate_slug", variable: PROJECTS_VARIABLE, detail: `has the slug "${p.slug}" twice` });
          continue;
        }
        const shared = projects.find((q) => q.secretKeys.some((k) => p.secretKeys.includes(k)));
        if (shared) {
          problems.push({
            code: "shared_secret_key",
            variable: PROJECTS_VARIABLE,
            detail: `project "${p.slug}" shares a secret key with project "${shared.slug}"`,
          });
          continue;
        }
        projects.push(p);
      }
  }
  return { projects, problems };
}

/** The project of a slug, or undefined. */
export const projectOf = (projects: readonly Project[], slug: string): Project | undefined => projects.find((p) => p.slug === slug);

/**
 * The order in which `POST /postback` tries the projects' keys: the one whose project id the unsigned
 * invoice_info names first (a hint that saves HMACs), then the rest. Only a verified key decides.
 */
export function tryOrder(projects: readonly Project[], hintedProjectId: string | null): Project[] {
  if (hintedProjectId === null) return [...projects];
  const hinted = projects.filter((p) => p.projectIds.includes(hintedProjectId));
  return [...hinted, ...projects.filter((p) => !hinted.includes(p))];
}
