// .dev.vars.example is both the Deploy to Cloudflare button's list of secrets (it pre-fills their
// values) and the seed of a developer's .dev.vars: it must carry no value that could reach production,
// and the .dev.vars that `npm run dev` writes from it must give a Worker with nothing to complain about.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { firstDevVars, readDevVars } from "../../scripts/dev-vars.mjs";
import { parseConfig } from "../../src/config";

const example = readFileSync(".dev.vars.example", "utf8");

describe(".dev.vars.example and the first .dev.vars", () => {
  it("leaves every secret empty, so the Deploy button pre-fills no known token", () => {
    const path = join(mkdtempSync(join(tmpdir(), "devvars-")), ".dev.vars");
    writeFileSync(path, example);
    const values = readDevVars(path);
    expect(Object.keys(values).length).toBeGreaterThan(0);
    expect(Object.entries(values).filter(([, v]) => v !== "")).toEqual([]);
  });

  it("fills in local secrets, fresh each time, and the loopback receiver of npm run listen", () => {
    const path = join(mkdtempSync(join(tmpdir(), "devvars-")), ".dev.vars");
    writeFileSync(path, firstDevVars(example));
    const vars = readDevVars(path);
    expect(vars.API_TOKEN?.length).toBeGreaterThanOrEqual(16);
    expect(vars.FORWARD_SECRET).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(vars.FORWARD_URL).toBe("http://127.0.0.1:9000/webhook");
    expect(readDevVars(path).API_TOKEN).toBe(vars.API_TOKEN);
    writeFileSync(path, firstDevVars(example));
    expect(readDevVars(path).API_TOKEN).not.toBe(vars.API_TOKEN);
    expect(parseConfig(vars).errors).toEqual([]);
    expect(parseConfig(vars).forward.usable).toBe(true);
  });
});
