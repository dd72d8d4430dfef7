// The provisioning script's parsing, against wrangler 4.155's output formats. There is no Cloudflare
// account here: the JSON fixtures follow the API objects wrangler prints, and the queue table is made
// with cli-table3, the library wrangler's logger.table() uses, exactly as wrangler calls it.

import { readFileSync } from "node:fs";
import Table from "cli-table3";
import { describe, expect, it } from "vitest";
import { findD1Id, findKvId, NAMES, queueNames, writeIds } from "../../scripts/provision-lib.mjs";

const d1List = `
 ⛅️ wrangler 4.155.0
───────────────────
[
  { "uuid": "0f1e2d3c-aaaa-bbbb-cccc-000000000001", "name": "other-db", "created_at": "2026-01-02T00:00:00.000Z", "version": "production", "num_tables": 3, "file_size": 12288 },
  { "uuid": "9a8b7c6d-aaaa-bbbb-cccc-000000000002", "name": "cryptocloud-postback", "created_at": "2026-11-23T00:00:00.000Z", "version": "production", "num_tables": 6, "file_size": 65536 }
]`;

const kvList = `[
  { "id": "11112222333344445555666677778888", "title": "cryptocloud-postback-invoices", "supports_url_encoding": true },
  { "id": "99990000aaaabbbbccccddddeeeeffff", "title": "sessions", "supports_url_encoding": true }
]`;

function queueTable(names: string[]): string {
  const head = ["id", "name", "created_on", "modified_on", "producers", "consumers"];
  const t = new Table({ style: { head: [], border: [] }, wordWrap: false, head });
  t.push(...names.map((n, i) => [`q${i}`, n, "2026-11-23T00:00:00Z", "2026-11-23T00:00:00Z", "1", "1"]));
  return t.toString();
}

describe("npm run provision", () => {
  it("finds the D1 database by name in `wrangler d1 list --json`, past the banner", () => {
    expect(findD1Id(d1List, NAMES.d1)).toBe("9a8b7c6d-aaaa-bbbb-cccc-000000000002");
    expect(findD1Id("[]", NAMES.d1)).toBeNull();
  });

  it("finds the KV namespace by title", () => {
    expect(findKvId(kvList, NAMES.kv)).toBe("11112222333344445555666677778888");
    expect(findKvId(kvList, "missing")).toBeNull();
  });

  it("reads queue names from wrangler's table", () => {
    expect(queueNames(queueTable([NAMES.queue, "unrelated-queue"]))).toEqual([NAMES.queue, "unrelated-queue"]);
    expect(queueNames(queueTable([]))).toEqual([]);
  });

  it("writes the ids into wrangler.toml and changes nothing else", () => {
    const before = readFileSync("wrangler.toml", "utf8");
    const after: string = writeIds(before, { d1Id: "d1-real-id", kvId: "kv-real-id" });
    expect(after).toContain('database_id = "d1-real-id"');
    expect(after).toMatch(/binding = "INVOICES"\nid = "kv-real-id"/);
    const changed = after.split("\n").filter((l, i) => l !== before.split("\n")[i]);
    expect(changed).toEqual(['database_id = "d1-real-id"', 'id = "kv-real-id"']);
  });

  it("is idempotent: writing the same ids twice gives the same file", () => {
    const once: string = writeIds(readFileSync("wrangler.toml", "utf8"), { d1Id: "a", kvId: "b" });
    expect(writeIds(once, { d1Id: "a", kvId: "b" })).toBe(once);
  });
});
