import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../src/config";
import { parseProjects, tryOrder } from "../../../src/domain/projects";

const A = { slug: "shop-a", secret_keys: ["secret-a"], api_key: "api-a", project_id: "11" };
const B = { slug: "shop-b", secret_keys: ["secret-b1", "secret-b2"] };
const parse = (raw: unknown) => parseProjects(typeof raw === "string" ? raw : JSON.stringify(raw), null);
const single = { slug: "default", secretKeys: ["s1"], apiKey: null, projectIds: [] };

describe("parseProjects", () => {
  it("reads each project's slug, keys, API key and project id", () => {
    expect(parse([A, { ...B, project_id: 12 }])).toEqual({
      projects: [
        { slug: "shop-a", secretKeys: ["secret-a"], apiKey: "api-a", projectIds: ["11"] },
        { slug: "shop-b", secretKeys: ["secret-b1", "secret-b2"], apiKey: null, projectIds: ["12"] },
      ],
      problems: [],
    });
  });

  it("puts the single-project variables first as `default`, beside the list", () => {
    expect(parseProjects(JSON.stringify([A]), single).projects.map((p) => p.slug)).toEqual(["default", "shop-a"]);
  });

  it.each([
    ["bad JSON", "[{", "invalid_json", /is not a JSON array/],
    ["an object instead of an array", { slug: "x" }, "invalid_json", /JSON array/],
    ["a missing slug", [{ secret_keys: ["k"] }], "invalid_slug", /entry 1 has no slug/],
    ["a slug with capitals", [{ ...A, slug: "Shop" }], "invalid_slug", /entry 1/],
    ["a duplicate slug", [A, { ...B, slug: "shop-a" }], "duplicate_slug", /"shop-a" twice/],
    ["no secret keys", [{ slug: "shop-a", secret_keys: [] }], "missing", /"shop-a" has no secret_keys/],
    [
      "a secret key shared by two projects",
      [A, { ...B, secret_keys: ["secret-a"] }],
      "shared_secret_key",
      /"shop-b" shares a secret key with project "shop-a"/,
    ],
    [
      "an API KEY as a secret key",
      [{ ...A, secret_keys: ["eyJhbGciOiJIUzI1NiJ9.eyJpZCI6MX0.sig_nat-ure"] }],
      "looks_like_api_key",
      /"shop-a".*looks like the API KEY/,
    ],
    ["a project_id that is not an id", [{ ...A, project_id: "1; drop" }], "invalid_id", /"shop-a": project_id/],
  ])("reports %s, naming the variable and the slug, never a value", (_what, raw, code, message) => {
    const { problems } = parse(raw);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code, variable: "CRYPTOCLOUD_PROJECTS" });
    expect(problems[0]?.detail).toMatch(message);
    expect(problems[0]?.detail).not.toMatch(/secret-a|eyJ|drop/);
  });

  it("refuses a slug taken by `default`", () => {
    expect(parseProjects(JSON.stringify([{ ...A, slug: "default" }]), single).problems[0]?.code).toBe("duplicate_slug");
  });
});

describe("the configuration with CRYPTOCLOUD_PROJECTS", () => {
  const base = { API_TOKEN: "token-token-token-1" };

  it("blocks every postback while the list is wrong, naming the variable", () => {
    const c = parseConfig({ ...base, CRYPTOCLOUD_SECRET_KEY: "s1", CRYPTOCLOUD_PROJECTS: "[{" });
    expect(c.postbacksBlockedBy).toBe("CRYPTOCLOUD_PROJECTS");
    expect(c.errors.map((e) => e.message)).toContain("CRYPTOCLOUD_PROJECTS is not a JSON array of projects");
  });

  it("serves the list alone, without the single-project variables", () => {
    const c = parseConfig({ ...base, CRYPTOCLOUD_PROJECTS: JSON.stringify([A, B]) });
    expect(c.postbacksBlockedBy).toBeNull();
    expect(c.projects.map((p) => p.slug)).toEqual(["shop-a", "shop-b"]);
    expect(c.errors).toEqual([]);
  });

  it("keeps a single-project setup exactly as it was: one `default` project", () => {
    const c = parseConfig({ ...base, CRYPTOCLOUD_SECRET_KEY: "s1", CRYPTOCLOUD_API_KEY: "k", CRYPTOCLOUD_PROJECT_ID: "5" });
    expect(c.projects).toEqual([{ slug: "default", secretKeys: ["s1"], apiKey: "k", projectIds: ["5"] }]);
    expect(c.postbacksBlockedBy).toBeNull();
  });

  it("warns that CRYPTOCLOUD_API_KEY serves no project without CRYPTOCLOUD_SECRET_KEY", () => {
    const c = parseConfig({ ...base, CRYPTOCLOUD_API_KEY: "k", CRYPTOCLOUD_PROJECTS: JSON.stringify([A]) });
    expect(c.warnings.map((w) => w.message)).toContain(
      "CRYPTOCLOUD_API_KEY is set but CRYPTOCLOUD_SECRET_KEY is not: it serves no project",
    );
  });

  it("still names CRYPTOCLOUD_SECRET_KEY when no project is configured at all", () => {
    expect(parseConfig(base).postbacksBlockedBy).toBe("CRYPTOCLOUD_SECRET_KEY");
  });
});

describe("tryOrder", () => {
  const projects = parse([A, { ...B, project_id: "12" }]).projects;
  it("tries the project the unsigned project id names first, and every other one after it", () => {
    expect(tryOrder(projects, "12").map((p) => p.slug)).toEqual(["shop-b", "shop-a"]);
    expect(tryOrder(projects, "99").map((p) => p.slug)).toEqual(["shop-a", "shop-b"]);
    expect(tryOrder(projects, null).map((p) => p.slug)).toEqual(["shop-a", "shop-b"]);
  });
});
