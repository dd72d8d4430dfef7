import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig, defineProject } from "vitest/config";

// Tests that run inside workerd. The bindings are declared here rather than read from
// wrangler.toml on purpose: wrangler.toml also wires the queue *consumer*, and these tests drive
// the consumer themselves (createMessageBatch/getQueueResult) so that every ack and retry is
// observed. The e2e project runs wrangler.toml as it is, consumer included.
const workers = defineProject({
  plugins: [
    cloudflareTest(async ({ inject }) => ({
      main: "./src/index.ts",
      miniflare: {
        compatibilityDate: "2026-10-30",
        d1Databases: ["DB"],
        kvNamespaces: ["INVOICES"],
        queueProducers: {
          DELIVERIES: { queueName: "cryptocloud-postback-deliveries" },
          DEAD_LETTERS: { queueName: "cryptocloud-postback-deliveries-dlq" },
        },
        ratelimits: {
          POSTBACK_LIMITER: { namespace_id: "1001", simple: { limit: 600, period: 60 } },
          POSTBACK_FAILURE_LIMITER: { namespace_id: "1002", simple: { limit: 30, period: 60 } },
          AUTH_FAILURE_LIMITER: { namespace_id: "1003", simple: { limit: 20, period: 60 } },
        },
        bindings: {
          TEST_MIGRATIONS: await readD1Migrations("./migrations"),
          LOCAL_SERVER: inject("localServer" as never) as string,
          TEST_VERBOSE: process.env.TEST_VERBOSE ?? "",
          CRYPTOCLOUD_SECRET_KEY: "test-secret-key-0001",
          API_TOKEN: "test-api-token-0123456789",
          FORWARD_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
          FORWARD_URL: "",
          FORWARD_ALLOW_PRIVATE: "true",
          FORWARD_RETRY_DELAYS: "5,60,300,1800,3600,10800,21600,43200,43200,43200,43200,43200,43200",
          FORWARD_TIMEOUT_MS: "2000",
          REJECT_TEST_MODE: "false",
          DESTINATION_SECRETS_KEY: "test-destination-secrets-key-0123456789abcdef",
          CIRCUIT_FAILURES: "10",
          CIRCUIT_PROBE_SECONDS: "30",
          DISABLE_AFTER_HOURS: "72",
          CRYPTOCLOUD_API_URL: "https://api.cryptocloud.plus",
          CRYPTOCLOUD_API_KEY: "",
          RECONCILE_INTERVAL_MINUTES: "10",
          RECONCILE_LOOKBACK_DAYS: "2",
          CRYPTOCLOUD_PROJECT_ID: "",
          CRYPTOCLOUD_PROJECTS: "",
          CRYPTOCLOUD_API_TIMEOUT_MS: "10000",
          ALERT_URL: "",
          ALERT_COOLDOWN_MINUTES: "60",
          ALERT_LANGUAGE: "en",
          DIGEST_HOUR_UTC: "",
          RETENTION_DAYS: "90",
          AUDIT_RETENTION_DAYS: "365",
          ACCESS_TEAM_DOMAIN: "",
          ACCESS_AUD: "",
          API_READ_TOKEN: "",
          UNDELIVERED_RETENTION_DAYS: "365",
          DELIVERY_QUEUE: "cryptocloud-postback-deliveries",
          DEAD_LETTER_QUEUE: "cryptocloud-postback-deliveries-dlq",
        },
      },
    })),
  ],
  test: {
    name: "workers",
    include: ["test/unit/**/*.test.ts", "test/integration/**/*.test.ts"],
    setupFiles: ["./test/support/apply-migrations.ts"],
    globalSetup: ["./test/support/global-setup.ts"],
  },
});

// Tests that run in Node: the e2e test (the built Worker in workerd through Miniflare) and the
// scripts' own tests.
const node = defineProject({
  test: {
    name: "node",
    include: ["test/e2e/**/*.test.ts", "test/node/**/*.test.ts"],
    environment: "node",
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

// The operator page in a real Chromium (playwright-core, a system browser), against the built
// Worker with its static assets.
const browser = defineProject({
  test: {
    name: "browser",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});

export default defineConfig({ test: { projects: [workers, node, browser] } });
