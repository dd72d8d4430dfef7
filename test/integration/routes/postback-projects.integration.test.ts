import { env } from "cloudflare:workers";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { hook, runConsumer } from "../../support/delivery";
import { captureLogs } from "../../support/logs";
import { cryptoCloudToken, fields, invoiceInfo } from "../../support/postbacks";
import { postbackTo, projectsVariable, SHOP_A, SHOP_B } from "../../support/projects";
import { api, call, newInvoiceId, received, rows, uniqueKey } from "../../support/worker";

const logs = captureLogs();
const PROJECTS = { CRYPTOCLOUD_PROJECTS: projectsVariable() };
const signed = async (id: string, secret: string, extra = {}) => fields(id, { token: await cryptoCloudToken(id, { secret }), ...extra });
const projectOf = async (id: string) =>
  (await rows<{ project: string }>("SELECT project FROM invoices WHERE invoice_id = ?", id))[0]?.project;
const receipts = async (id: string) => (await rows("SELECT id FROM postbacks WHERE invoice_id = ?", id)).length;

describe("POST /postback/<slug>: each project verifies only its own postbacks", () => {
  it("records a postback under the project whose URL it came to", async () => {
    const id = newInvoiceId();
    expect((await call(postbackTo("shop-a", await signed(id, SHOP_A.secret)), PROJECTS)).status).toBe(200);
    expect(await projectOf(id)).toBe("shop-a");
  });

  it("refuses (401) a token another project's key verifies, and records nothing", async () => {
    const id = newInvoiceId();
    for (const secret of [SHOP_B.secret, env.CRYPTOCLOUD_SECRET_KEY]) {
      const res = await call(postbackTo("shop-a", await signed(id, secret)), PROJECTS);
      expect(res.status).toBe(401);
    }
    expect(await rows("SELECT * FROM invoices WHERE invoice_id = ?", id)).toEqual([]);
    expect(await receipts(id)).toBe(0);
    expect(await env.INVOICES.get(`invoice:${id}`)).toBeNull();
  });

  it("answers 404 for a slug no project has", async () => {
    const id = newInvoiceId();
    const res = await call(postbackTo("shop-z", await signed(id, SHOP_A.secret)), PROJECTS);
    expect(res.status).toBe(404);
    expect(await receipts(id)).toBe(0);
  });

  it("serves `default` at /postback/default too", async () => {
    const id = newInvoiceId();
    expect((await call(postbackTo("default", await fields(id)), PROJECTS)).status).toBe(200);
    expect(await projectOf(id)).toBe("default");
  });
});

describe("POST /postback: the key that verifies decides the project", () => {
  it("routes each token to its own project, `default` included", async () => {
    const [a, b, d] = [newInvoiceId(), newInvoiceId(), newInvoiceId()];
    for (const [id, secret] of [
      [a, SHOP_A.secret],
      [b, SHOP_B.secret],
      [d, env.CRYPTOCLOUD_SECRET_KEY],
    ] as const) {
      expect((await call(postbackTo(null, await signed(id, secret)), PROJECTS)).status).toBe(200);
    }
    expect([await projectOf(a), await projectOf(b), await projectOf(d)]).toEqual(["shop-a", "shop-b", "default"]);
  });

  it("never lets the unsigned invoice_info.project.id decide: it only orders the keys", async () => {
    const id = newInvoiceId();
    const info = { ...invoiceInfo(id), project: { id: Number(SHOP_A.projectId), name: "claims shop-a" } };
    expect((await call(postbackTo(null, await signed(id, SHOP_B.secret, { invoice_info: info })), PROJECTS)).status).toBe(200);
    expect(await projectOf(id)).toBe("shop-b");
  });

  it("refuses (409) an invoice verified under a second project, logs it, and leaves the first record untouched", async () => {
    const id = newInvoiceId();
    expect((await call(postbackTo("shop-a", await signed(id, SHOP_A.secret)), PROJECTS)).status).toBe(200);
    const [before] = await rows("SELECT * FROM invoices WHERE invoice_id = ?", id);
    for (const slug of ["shop-b", null]) {
      const res = await call(
        postbackTo(slug, await signed(id, SHOP_B.secret, { invoice_info: invoiceInfo(id, { status: "overpaid" }) })),
        PROJECTS,
      );
      expect(res.status).toBe(409);
      expect(((await res.json()) as { code: string }).code).toBe("project_conflict");
    }
    expect(await rows("SELECT * FROM invoices WHERE invoice_id = ?", id)).toEqual([before]);
    expect(await receipts(id)).toBe(1);
    expect(await rows("SELECT id FROM events WHERE invoice_id = ?", id)).toEqual([{ id: `evt_${id}_paid` }]);
    expect(logs.some((l) => l.includes('"postback.project_conflict"') && l.includes(id))).toBe(true);
  });
});

describe("a wrong CRYPTOCLOUD_PROJECTS", () => {
  it("refuses every postback until fixed, and /health names the variable and the slug, never a value", async () => {
    const bad = {
      CRYPTOCLOUD_PROJECTS: JSON.stringify([
        { slug: "shop-a", secret_keys: [SHOP_A.secret] },
        { slug: "shop-b", secret_keys: [SHOP_A.secret] },
      ]),
    };
    const id = newInvoiceId();
    const res = await call(postbackTo(null, await fields(id)), bad);
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string; detail: string }).detail).toContain("CRYPTOCLOUD_PROJECTS");
    expect(await receipts(id)).toBe(0);
    const health = await call(new Request("https://worker.test/health"), bad);
    expect(health.status).toBe(503);
    const text = await health.text();
    expect(text).toContain('CRYPTOCLOUD_PROJECTS project \\"shop-b\\" shares a secret key with project \\"shop-a\\"');
    expect(text).not.toContain(SHOP_A.secret);
  });
});

describe("the project everywhere an invoice goes", () => {
  it("is in the read API, its filters, the KV value and the forwarded event's data.project", async () => {
    const receiver = uniqueKey();
    const overrides = { ...PROJECTS, FORWARD_URL: hook(receiver) };
    const [a, b] = [newInvoiceId(), newInvoiceId()];
    await call(postbackTo("shop-a", await signed(a, SHOP_A.secret)), overrides);
    await call(postbackTo("shop-b", await signed(b, SHOP_B.secret)), overrides);

    const listed = (await (await call(api("/invoices?project=shop-b&limit=200"), overrides)).json()) as {
      invoices: { invoice_id: string; project: string }[];
    };
    expect(listed.invoices.map((i) => i.invoice_id)).toContain(b);
    expect(listed.invoices.every((i) => i.project === "shop-b")).toBe(true);
    expect(((await (await call(api(`/invoices/${a}`), overrides)).json()) as { project: string }).project).toBe("shop-a");
    expect(JSON.parse((await env.INVOICES.get(`invoice:${a}`)) ?? "{}").project).toBe("shop-a");

    const dl = (await (await call(api("/deliveries?project=shop-a&limit=200"), overrides)).json()) as {
      deliveries: { invoice_id: string; project: string }[];
    };
    expect(dl.deliveries.map((d) => d.invoice_id)).toContain(a);
    expect(dl.deliveries.map((d) => d.invoice_id)).not.toContain(b);
    expect(dl.deliveries.every((d) => d.project === "shop-a")).toBe(true);

    const ids = (await rows<{ id: string }>("SELECT id FROM deliveries WHERE invoice_id IN (?, ?)", a, b)).map((r) => r.id);
    await runConsumer(ids, overrides);
    const wh = new Webhook(env.FORWARD_SECRET);
    const events = (await received(receiver)).map((r) => wh.verify(r.body, r.headers) as { data: { invoice_id: string; project: string } });
    expect(Object.fromEntries(events.map((e) => [e.data.invoice_id, e.data.project]))).toEqual({ [a]: "shop-a", [b]: "shop-b" });

    const stats = (await (await call(api("/stats"), overrides)).json()) as {
      projects: string[];
      invoices_by_project: Record<string, number>;
    };
    expect(stats.projects).toEqual(["default", "shop-a", "shop-b"]);
    expect(stats.invoices_by_project["shop-a"]).toBeGreaterThanOrEqual(1);
  });
});
