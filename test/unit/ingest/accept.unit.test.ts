import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { fieldsFromForm, fieldsFromJson, formPairs } from "../../../src/domain/fields";
import { acceptPostback } from "../../../src/ingest/accept";
import v1 from "../../fixtures/cryptocloud/v1.json";
import v2 from "../../fixtures/cryptocloud/v2.json";

const SECRET = "project-secret-key";
const NOW = new Date("2026-11-28T10:00:00Z");
const OPTIONS = {
  rejectTestMode: false,
  configDestinations: null,
  contentType: "json",
  requestId: "r",
};
/** One project per list of keys, as the route's candidates. */
const keys =
  (...secretKeys: string[]) =>
  () => [{ slug: "default", secretKeys, apiKey: null, projectIds: [] }];
const token = (id: string, secret = SECRET, exp = Math.floor(NOW.getTime() / 1000) + 300) =>
  new SignJWT({ id, exp }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).sign(new TextEncoder().encode(secret));

/** A fixture body from shared/fixtures, with a real token in place of its placeholder. */
async function fixtureFields(fixture: Record<string, unknown>, secret = SECRET) {
  const body = JSON.stringify({ ...fixture, token: await token(String(fixture.invoice_id), secret) });
  const fields = fieldsFromJson(body);
  if (!fields.ok) throw new Error("fixture did not parse");
  return fields.value;
}

describe("acceptPostback: validate, verify, plan", () => {
  it("accepts CryptoCloud's v1 sample body", async () => {
    const r = await acceptPostback(await fixtureFields(v1), keys(SECRET), OPTIONS, NOW);
    expect(r.ok && r.value.postback).toMatchObject({
      invoiceId: "DZLF4212",
      amountCrypto: "0.4567",
      currency: "BTC",
      apiVersion: 1,
      status: "paid",
    });
    expect(r.ok && r.value.entry.event?.id).toBe("evt_DZLF4212_paid");
  });

  it("accepts CryptoCloud's v2 sample body and reads its invoice_info", async () => {
    const r = await acceptPostback(await fixtureFields(v2), keys(SECRET), OPTIONS, NOW);
    expect(r.ok && r.value.postback).toMatchObject({
      invoiceId: "XXXXXXXX",
      status: "overpaid",
      testMode: false,
      apiVersion: 2,
      amountCrypto: "100",
    });
  });

  it("accepts the v1 form sample", async () => {
    const pairs = formPairs(
      `status=success&invoice_id=DZLF4212&amount_crypto=0.4567&currency=BTC&order_id=ORD99999&token=${await token("DZLF4212")}`,
    );
    const fields = pairs.ok ? fieldsFromForm(pairs.value) : pairs;
    const r = fields.ok ? await acceptPostback(fields.value, keys(SECRET), { ...OPTIONS, contentType: "form" }, NOW) : fields;
    expect(r.ok).toBe(true);
  });

  it("says which key of a rotation matched", async () => {
    const r = await acceptPostback(await fixtureFields(v1, "new-secret"), keys("old-secret", "new-secret"), OPTIONS, NOW);
    expect(r.ok && r.value.keyIndex).toBe(1);
  });

  it("refuses an invalid field before any crypto (400)", async () => {
    const fields = await fixtureFields({ ...v1, amount_crypto: "-1" });
    expect(await acceptPostback(fields, keys(SECRET), OPTIONS, NOW)).toMatchObject({
      ok: false,
      error: { code: "invalid_field", field: "amount_crypto" },
    });
  });

  it("refuses a token signed with another key (401), with the reason for the logs", async () => {
    const r = await acceptPostback(await fixtureFields(v1, "the-api-key"), keys(SECRET), OPTIONS, NOW);
    expect(r).toEqual({ ok: false, error: { code: "invalid_token", failure: { reason: "bad_signature" } } });
  });
});
