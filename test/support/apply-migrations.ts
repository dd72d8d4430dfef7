import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, beforeEach } from "vitest";
import { setLogSink } from "../../src/log";

// Idempotent: d1_migrations records what was applied.
beforeAll(async () => {
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
});

// The Worker's JSON logs are quiet in tests unless asked for (tests that read them capture them).
beforeEach(() => {
  if (!env.TEST_VERBOSE) setLogSink(() => {});
});
