// The pure half of `npm run provision`: reading wrangler's output and rewriting wrangler.toml.
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
    return line.test(block) ? block.replace(line, `${key} = "${value}"`) : block.replace(/\n*$/, `\n${key} = "${value}"\n\n`);
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
