// Reads .dev.vars (wrangler's dotenv format) so the CLIs use the same secrets as `npm run dev`, and
// writes the first one from .dev.vars.example.
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";

/** @returns {Record<string, string>} */
export function readDevVars(path = ".dev.vars") {
  if (!existsSync(path)) return {};
  const vars = {};
  for (const line of readFileSync(path, "utf8").split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m) continue;
    let v = m[2].trim();
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1);
    vars[m[1]] = v;
  }
  return vars;
}

/**
 * Local values for the secrets .dev.vars.example leaves empty. The example stays empty on purpose: the
 * Deploy to Cloudflare button pre-fills its values, and a known API_TOKEN must never reach production.
 */
const LOCAL_SECRETS = {
  CRYPTOCLOUD_SECRET_KEY: () => "dev-secret-key-change-me",
  API_TOKEN: () => `dev-${randomBytes(16).toString("hex")}`,
  FORWARD_SECRET: () => `whsec_${randomBytes(32).toString("base64")}`,
};

/** Settings for this machine only (wrangler.toml's [vars] are production's): `npm run listen` as the backend. */
const LOCAL_ONLY = `
# Local development only (not in .dev.vars.example, so never deployed): the receiver of \`npm run listen\`,
# which needs private addresses allowed.
FORWARD_URL=http://127.0.0.1:9000/webhook
FORWARD_ALLOW_PRIVATE=true
`;

/** The text of a first .dev.vars: the example with its empty secrets filled in, and the local-only settings. */
export function firstDevVars(example) {
  const filled = example.replace(/^([A-Z_][A-Z0-9_]*)=[ \t]*$/gm, (line, name) =>
    LOCAL_SECRETS[name] ? `${name}=${LOCAL_SECRETS[name]()}` : line,
  );
  return `${filled.trimEnd()}\n${LOCAL_ONLY}`;
}
