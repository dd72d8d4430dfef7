// docs/events.md shows the receivers in full; the copies there must be the files that
// test/e2e/receivers.e2e.test.ts runs, so what a merchant copies from the page is what was tested.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const doc = readFileSync("docs/events.md", "utf8");
const copies = [...doc.matchAll(/<!-- receiver: (\S+) [^\n]*-->\n```\w+\n([\s\S]*?)\n```/g)].map((m) => ({
  file: m[1] ?? "",
  text: m[2] ?? "",
}));

describe("docs/events.md", () => {
  it("shows the four receivers", () => {
    expect(copies.map((c) => c.file)).toEqual([
      "docs/receivers/receiver.py",
      "docs/receivers/receiver.php",
      "docs/receivers/node.ts",
      "docs/receivers/hono-worker.ts",
    ]);
  });

  it.each(copies)("shows $file exactly as the file is", ({ file, text }) => {
    expect(text).toBe(readFileSync(file, "utf8").trimEnd());
  });
});
