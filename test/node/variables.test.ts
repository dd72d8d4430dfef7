// Every variable the Worker reads is declared where a merchant looks for it, with a description:
// settings in wrangler.toml [vars] (a comment line right above each), secrets in .dev.vars.example (a
// comment line right above each) and in package.json `cloudflare.bindings` (what the Deploy to
// Cloudflare button shows), bindings in wrangler.toml. The list comes from the code, so a variable
// added anywhere in src/ without its description fails here.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const NAME = "[A-Z][A-Z0-9_]*";
/** env.X, c.env.X, env["X"], and config.ts's readers: str(env, "X"), list(env, "X"), int(env, "X", …). */
const READS = [
  new RegExp(`\\benv\\.(${NAME})\\b`, "g"),
  new RegExp(`\\benv\\[\\s*"(${NAME})"\\s*\\]`, "g"),
  new RegExp(`\\benv\\s*,\\s*"(${NAME})"`, "g"),
];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

function namesReadBy(code: string[]): Set<string> {
  const names = new Set<string>();
  for (const text of code) for (const re of READS) for (const m of text.matchAll(re)) if (m[1]) names.add(m[1]);
  return names;
}

/** NAME → whether the line right above it is a comment, for `NAME = …` (toml) or `NAME=…` (dotenv) lines. */
function described(lines: string[], assignment: RegExp): Map<string, boolean> {
  const out = new Map<string, boolean>();
  lines.forEach((line, i) => {
    const m = assignment.exec(line);
    if (m?.[1]) out.set(m[1], /^\s*#\s*\S/.test(lines[i - 1] ?? ""));
  });
  return out;
}

const toml = readFileSync("wrangler.toml", "utf8");
const varsSection = toml.slice(toml.indexOf("[vars]"), toml.indexOf("\n[", toml.indexOf("[vars]") + 1)).split("\n");
const vars = described(varsSection, new RegExp(`^(${NAME})\\s*=`));
const secrets = described(readFileSync(".dev.vars.example", "utf8").split("\n"), new RegExp(`^(${NAME})=`));
const bindings = new Set([...toml.matchAll(new RegExp(`^(?:binding|name)\\s*=\\s*"(${NAME})"`, "gm"))].map((m) => m[1]));
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { cloudflare?: { bindings?: Record<string, { description?: string }> } };
const buttonDescriptions = pkg.cloudflare?.bindings ?? {};
const read = namesReadBy(sources("src").map((f) => readFileSync(f, "utf8")));

describe("the variables the Worker reads", () => {
  it("finds them in the code (env.X and config.ts's readers)", () => {
    expect(
      namesReadBy(['env.DB.prepare(x); str(env, "FORWARD_URL"); int(env, "RETENTION_DAYS", "retention"); c.env["API_TOKEN"]']),
    ).toEqual(new Set(["DB", "FORWARD_URL", "RETENTION_DAYS", "API_TOKEN"]));
    for (const known of ["DB", "CRYPTOCLOUD_SECRET_KEY", "FORWARD_URL", "RETENTION_DAYS"]) expect(read).toContain(known);
  });

  it("are each declared: a binding or a setting in wrangler.toml, or a secret in .dev.vars.example", () => {
    const undeclared = [...read].filter((n) => !bindings.has(n) && !vars.has(n) && !secrets.has(n));
    expect(undeclared, "add them to wrangler.toml [vars] or .dev.vars.example, each with a comment above").toEqual([]);
  });

  it("have a comment line right above them, in wrangler.toml [vars] and in .dev.vars.example", () => {
    const bare = [...vars, ...secrets].filter(([, ok]) => !ok).map(([n]) => n);
    expect(bare, "write a one-line description above each").toEqual([]);
  });

  it("are a setting or a secret, never both (a deploy with both names fails)", () => {
    expect([...secrets.keys()].filter((n) => vars.has(n))).toEqual([]);
  });

  it("give every secret a description for the Deploy to Cloudflare button (package.json cloudflare.bindings)", () => {
    const missing = [...secrets.keys()].filter((n) => !buttonDescriptions[n]?.description?.trim());
    expect(missing, "add package.json cloudflare.bindings.<NAME>.description").toEqual([]);
    const stale = Object.keys(buttonDescriptions).filter((n) => !secrets.has(n) && !vars.has(n));
    expect(stale, "describes a variable that is declared nowhere").toEqual([]);
  });

  it("declare nothing the code does not read", () => {
    expect([...vars.keys(), ...secrets.keys()].filter((n) => !read.has(n))).toEqual([]);
  });
});
