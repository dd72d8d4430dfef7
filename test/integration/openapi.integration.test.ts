import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/app";
import { openapi } from "../../src/openapi";
import { call } from "../support/worker";

/** The app's routes as "METHOD /path/{param}", leaving out middleware and the catch-all 405. */
function appRoutes(): string[] {
  const routes = buildApp().routes.filter((r) => r.method !== "ALL");
  return [...new Set(routes.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, "{$1}").replace(/(.)\/$/, "$1")}`))].sort();
}

function documented(): string[] {
  return Object.entries(openapi.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort();
}

describe("GET /openapi.json", () => {
  it("documents every route the app serves, and nothing it does not", () => {
    expect(documented()).toEqual(appRoutes());
  });

  it("is served as JSON without auth", async () => {
    const res = await call(new Request("https://worker.test/openapi.json"));
    expect(res.status).toBe(200);
    expect(((await res.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });
});
