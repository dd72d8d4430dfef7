import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { splitList } from "../../scripts/cli.mjs";
import { readDevVars } from "../../scripts/dev-vars.mjs";
import { postbackBody } from "../../scripts/sign-postback.mjs";

describe("the CLIs' helpers", () => {
  it("read .dev.vars like wrangler: comments, quotes, empty values", () => {
    const dir = mkdtempSync(join(tmpdir(), "devvars-"));
    const file = join(dir, ".dev.vars");
    writeFileSync(file, '# comment\nCRYPTOCLOUD_SECRET_KEY="a b,c"\nAPI_TOKEN=tok\nEMPTY=\n  FORWARD_SECRET = whsec_x \n');
    expect(readDevVars(file)).toEqual({ CRYPTOCLOUD_SECRET_KEY: "a b,c", API_TOKEN: "tok", EMPTY: "", FORWARD_SECRET: "whsec_x" });
    expect(readDevVars(join(dir, "missing"))).toEqual({});
  });

  it("split a multi-value variable on commas or whitespace, like the Worker", () => {
    expect(splitList("a,b c\td , e")).toEqual(["a", "b", "c", "d", "e"]);
    expect(splitList(" , ")).toEqual([]);
    expect(splitList(undefined)).toEqual([]);
  });

  it("write a JSON postback's amount as a number with its exact digits", () => {
    const { body, contentType } = postbackBody({
      invoice: "X1",
      amount: "0.123456789012345678",
      currency: "ETH",
      token: "t",
      format: "json",
    });
    expect(contentType).toBe("application/json");
    expect(body).toContain('"amount_crypto":0.123456789012345678');
  });

  it("put a v2 form postback's invoice_info in as a JSON string", () => {
    const { body } = postbackBody({
      invoice: "X1",
      amount: "1",
      currency: "BTC",
      token: "t",
      format: "form",
      v2: true,
      status: "partial",
      testMode: true,
    });
    const info = JSON.parse(new URLSearchParams(body).get("invoice_info") ?? "{}");
    expect(info).toMatchObject({ uuid: "INV-X1", status: "partial", test_mode: true });
  });
});
