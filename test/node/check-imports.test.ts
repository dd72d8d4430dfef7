import { describe, expect, it } from "vitest";
import { checkImports } from "../../scripts/check-imports.mjs";

const tree = (files: Record<string, string>) => new Map(Object.entries(files));

describe("the import rule (npm run lint)", () => {
  it("accepts imports that run one way", () => {
    expect(
      checkImports(
        tree({
          "routes/invoices.ts": 'import { getInvoice } from "../store/invoices";\nimport type { X } from "../domain/x";',
          "store/invoices.ts": 'import { type Cursor } from "../domain/cursor";',
          "delivery/consumer.ts": 'import {\n  leaseDelivery,\n} from "../store/deliveries";',
          "domain/plan.ts": 'import { buildEvent } from "./event";',
        }),
      ),
    ).toEqual([]);
  });

  it.each([
    ["domain/accept.ts", 'import { verifyToken } from "../auth/verify-token";', "domain → auth"],
    ["store/deliveries.ts", 'import type { Decision } from "../delivery/policy";', "store → delivery"],
    ["delivery/consumer.ts", 'import { confirmInvoice } from "../confirm/consumer";', "delivery → confirm"],
    ["config.ts", 'import { checkDestination } from "./delivery/destinations";', "config → delivery"],
    ["store/ledger.ts", 'export { x } from "../routes/x";', "store → routes"],
  ])("refuses %s importing against the layers (%s)", (path, text, arrow) => {
    expect(checkImports(tree({ [path]: text }))).toEqual([expect.stringContaining(arrow)]);
  });

  it("refuses a file in a folder it does not know", () => {
    expect(checkImports(tree({ "misc/util.ts": "" }))).toEqual([expect.stringContaining("not a known layer")]);
  });
});
