// A first deploy: the Worker is live before `wrangler d1 migrations apply` has run (npm run deploy
// creates the database by deploying, then migrates). The built Worker in workerd, on a D1 database
// without its migrations, must answer 503 (retry later), never 500, and /health must say why; once
// the migrations are applied, the same postback is recorded.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker } from "../../scripts/build.mjs";
import { applyMigrations, startLocalWorker } from "../../scripts/local-worker.mjs";
import { cryptoCloudToken, postbackBody } from "../../scripts/sign-postback.mjs";

const SECRET_KEY = "e2e-schema-secret-key";
let worker: Awaited<ReturnType<typeof startLocalWorker>>;

beforeAll(async () => {
  worker = await startLocalWorker({
    entry: buildWorker().entry,
    migrate: false,
    vars: { CRYPTOCLOUD_SECRET_KEY: SECRET_KEY, API_TOKEN: "e2e-api-token-0123456789" },
  });
});

afterAll(async () => {
  await worker?.dispose();
});

async function postback(invoice: string): Promise<Response> {
  const token = await cryptoCloudToken(invoice, SECRET_KEY);
  const { body, contentType } = postbackBody({ invoice, amount: "0.4567", currency: "BTC", order: "ORD1", token, format: "form" });
  return fetch(`${worker.url}/postback`, { method: "POST", headers: { "content-type": contentType }, body });
}

describe("a Worker whose D1 migrations have not run", () => {
  it("answers a signed postback 503 schema_pending with Retry-After, and records nothing", async () => {
    const res = await postback("SCHEMA1");
    expect(res.status).toBe(503);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    const problem = (await res.json()) as { code: string; status: number };
    expect(problem).toMatchObject({ code: "schema_pending", status: 503 });
  });

  it("answers the read API 503 too, not 500", async () => {
    const res = await fetch(`${worker.url}/invoices`, { headers: { authorization: "Bearer e2e-api-token-0123456789" } });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("schema_pending");
  });

  it("says on /health that migrations are pending", async () => {
    const res = await fetch(`${worker.url}/health`);
    expect(res.status).toBe(503);
    const health = (await res.json()) as { storage: string; errors: string[] };
    expect(health.storage).toBe("migrations_pending");
    expect(health.errors.join(" ")).toMatch(/migrations are pending/);
  });

  it("records the same postback once the migrations are applied", async () => {
    await applyMigrations(await worker.mf.getD1Database("DB"));
    const res = await postback("SCHEMA1");
    expect(res.status).toBe(200);
    const health = (await (await fetch(`${worker.url}/health`)).json()) as { storage: string };
    expect(health.storage).toBe("ok");
    const invoice = await fetch(`${worker.url}/invoices/SCHEMA1`, { headers: { authorization: "Bearer e2e-api-token-0123456789" } });
    expect(invoice.status).toBe(200);
  });
});
