// The pure half of `npm run provision` (the fallback for accounts where `wrangler deploy` cannot create
// resources itself) and of `npm run deploy`: reading wrangler's output, writing ids into wrangler.toml,
// and turning a failed wrangler command into one line that says what to do.
// Tested against wrangler 4.155's output formats (test/node/provision.test.ts).

export const NAMES = {
  d1: "cryptocloud-postback",
  kv: "cryptocloud-postback-invoices",
  queue: "cryptocloud-postback-deliveries",
  dlq: "cryptocloud-postback-deliveries-dlq",
};

/** Output may carry wrangler's banner and warnings before the JSON: take the JSON array. */
function jsonArray(output) {
  const start = output.indexOf("[");
  const end = output.lastIndexOf("]");
  if (start < 0 || end < start) throw new Error("no JSON list in wrangler's output");
  return JSON.parse(output.slice(start, end + 1));
}

/** `wrangler d1 list --json` → the database id (uuid) named `name`, or null. */
export function findD1Id(output, name) {
  return jsonArray(output).find((db) => db.name === name)?.uuid ?? null;
}

/** `wrangler kv namespace list` → the namespace id titled `title`, or null. */
export function findKvId(output, title) {
  return jsonArray(output).find((ns) => ns.title === title)?.id ?? null;
}

/** `wrangler queues list` (a cli-table3 table) → the queue names in it. */
export function queueNames(output) {
  const names = [];
  let nameColumn = -1;
  for (const line of output.split("\n")) {
    if (!line.includes("│")) continue;
    const cells = line.split("│").map((c) => c.trim());
    if (nameColumn < 0) {
      nameColumn = cells.indexOf("name");
      continue;
    }
    const name = cells[nameColumn];
    if (name) names.push(name);
  }
  return names;
}

/** Sets `key = "value"` inside the first `[[section]]` block whose binding is `binding`. */
function setInBlock(toml, section, binding, key, value) {
  const blocks = toml.split(/(?=^\[)/m);
  let done = false;
  const out = blocks.map((block) => {
    if (done || !block.startsWith(`[[${section}]]`) || !new RegExp(`^binding\\s*=\\s*"${binding}"`, "m").test(block)) return block;
    done = true;
    const line = new RegExp(`^${key}\\s*=\\s*"[^"]*"`, "m");
    // wrangler.toml carries no ids (wrangler deploy provisions by name): the id goes under the binding.
    if (line.test(block)) return block.replace(line, `${key} = "${value}"`);
    return block.replace(new RegExp(`^(binding\\s*=\\s*"${binding}".*)$`, "m"), `$1\n${key} = "${value}"`);
  });
  if (!done) throw new Error(`wrangler.toml has no [[${section}]] with binding = "${binding}"`);
  return out.join("");
}

/** wrangler.toml with the real ids of the D1 database and the KV namespace. */
export function writeIds(toml, { d1Id, kvId }) {
  return setInBlock(setInBlock(toml, "d1_databases", "DB", "database_id", d1Id), "kv_namespaces", "INVOICES", "id", kvId);
}

export const SECRETS = [
  ["CRYPTOCLOUD_SECRET_KEY", "required: the project's SECRET KEY (Integration & API), not the API KEY"],
  ["API_TOKEN", "required for the read API: a long random string, e.g. openssl rand -hex 32"],
  ["FORWARD_SECRET", "needed with FORWARD_URL: whsec_ + base64 of 32 random bytes"],
  ["CRYPTOCLOUD_API_KEY", "optional: turns on confirmation with CryptoCloud's API"],
];

/** A wrangler command that exited non-zero; `output` is its stdout and stderr. */
export class WranglerFailed extends Error {
  /** @param {string[]} args @param {string} output */
  constructor(args, output) {
    super(`wrangler ${args.join(" ")} failed`);
    this.name = "WranglerFailed";
    this.args = args;
    this.output = output;
  }
}

// Wrangler 4.155's words. Not logged in, non-interactive: "In a non-interactive environment, it's
// necessary to set a CLOUDFLARE_API_TOKEN environment variable…"; an expired login or a token
// without permission: the API's "Authentication error [code: 10000]" (or 9106, 9109, 10001).
const SEVERAL_ACCOUNTS = /CLOUDFLARE_ACCOUNT_ID/;
const NOT_LOGGED_IN = /CLOUDFLARE_API_TOKEN environment variable|not authenticated|Not logged in|wrangler login/i;
const REFUSED = /Authentication error|Invalid access token|credentials may have expired|\[code: (9106|9109|10000|10001)\]/i;
const OFFLINE = /Unable to resolve Cloudflare's API hostname|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|fetch failed/i;

/** One line for a failed `wrangler <args>`: what went wrong and what to run. */
export function wranglerFailureLine(args, output, rerun = "npm run provision") {
  const text = output.replace(/\x1b\[[0-9;]*m/g, "");
  const again = `then run ${rerun} again`;
  if (SEVERAL_ACCOUNTS.test(text))
    return `Your Cloudflare login has several accounts: set CLOUDFLARE_ACCOUNT_ID to one of them (npx wrangler whoami lists them), ${again}.`;
  if (NOT_LOGGED_IN.test(text)) return `Not logged in to Cloudflare: run \`npx wrangler login\` (or set CLOUDFLARE_API_TOKEN), ${again}.`;
  if (REFUSED.test(text))
    return `Cloudflare refused the login (expired, or a token without the needed permissions): run \`npx wrangler login\` (or set CLOUDFLARE_API_TOKEN), ${again}.`;
  if (OFFLINE.test(text)) return `wrangler could not reach Cloudflare's API: check the internet connection, ${again}.`;
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const error = lines.find((l) => l.includes("[ERROR]")) ?? lines.at(-1) ?? "no output";
  return `wrangler ${args.join(" ")} failed: ${error.replace(/^✘\s*\[ERROR\]\s*/, "")}`;
}

// `wrangler d1 migrations apply DB --remote` before the first deploy (4.155): "Couldn't find a D1 DB
// named 'cryptocloud-postback' (bound as 'DB') in the API. Run 'wrangler d1 create …' to create it."
// (or, for a binding without a name, "Couldn't find an auto-provisioned D1 DB named …").
const MISSING_DATABASE = /Couldn't find (?:an auto-provisioned |a )D1 DB named/i;

/** Whether a failed `d1 migrations apply` failed only because the database does not exist yet. */
export const isMissingDatabase = (output) => MISSING_DATABASE.test(output.replace(/\x1b\[[0-9;]*m/g, ""));
