import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP server on loopback that plays the merchant's downstream receiver and CryptoCloud's
 * API in tests. Each test uses its own key in the path, so tests never see each other's traffic:
 *   POST /hook/<key>[?status=500&fail_first=2&sleep_ms=3000&slow_first=1&retry_after=120&location=...]
 *     (slow_first=N: only the first N requests sleep sleep_ms)
 *   POST /api/<key>/v2/invoice/merchant/info   (answers what /_program/<key> was told)
 *   POST /_program/<key>   body {status, body, sleep_ms, times}: queue canned API replies
 *   POST /_list/<key>      body {items, limit_means?, ignore_offset?, fail_from?, fail_status?, fail_body?, flaky?, keys?}:
 *                          a stateful fake of merchant/list (pages items by offset and limit) and merchant/info (by uuids);
 *                          `flaky` fails a share of requests (503 at once, or after a stall), `keys` holds several
 *                          projects: each API key sees only its projects' items, any other key gets 401
 *   GET  /_requests/<key>  what that key received, oldest first
 *   PUT  /_jwks            body {keys: [...]}: the key set a fake Cloudflare Access team publishes ("down": 503)
 *   GET  /_jwks            {fetches}: how many times the key set was fetched
 *   GET  /cdn-cgi/access/certs   the key set (this server's origin is then the team domain)
 */
export interface Received {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** A fake CryptoCloud account: its invoices, and how its merchant/list pages them. */
export interface ListProgram {
  items: unknown[]; // invoices as merchant/list returns them (each with its `uuid`)
  limit_means?: "count" | "end"; // the docs' two readings of `limit`
  ignore_offset?: boolean; // a broken API that always answers the first page
  fail_from?: number; // from this request number on (1-based), answer fail_status
  fail_status?: number;
  fail_body?: unknown;
  flaky?: { rate: number; seed: number; stall_ms?: number }; // a flaky API: `rate` of requests fail, half of them after a stall
  keys?: Record<string, string[]>; // API key → the project ids (project.id of items) it sees
}

interface Canned {
  status: number;
  body: unknown;
  sleep_ms?: number;
}

/**
 * Programs a fake CryptoCloud account on a running server (from Node; workerd tests use
 * fakeAccount in ./cryptocloud.ts, the same endpoint). Returns the CRYPTOCLOUD_API_URL to use.
 */
export async function fakeAccountAt(serverUrl: string, key: string, program: ListProgram): Promise<string> {
  await fetch(`${serverUrl}/_list/${key}`, { method: "POST", body: JSON.stringify(program) });
  return `${serverUrl}/api/${key}`;
}

export interface LocalServer {
  url: string;
  close(): Promise<void>;
}

export async function startLocalServer(port = 0): Promise<LocalServer> {
  const received = new Map<string, Received[]>();
  const programs = new Map<string, Canned[]>();
  const accounts = new Map<string, ListProgram>();
  const jwks = { body: '{"keys":[]}', fetches: 0 };
  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://local");
    const [, kind, key = ""] = url.pathname.split("/");
    if (kind === "_requests") return json(res, 200, received.get(key) ?? []);
    if (kind === "_jwks") {
      if (req.method === "PUT") jwks.body = body;
      return json(res, 200, { fetches: jwks.fetches });
    }
    if (url.pathname === "/cdn-cgi/access/certs") {
      jwks.fetches++;
      if (jwks.body === "down") return json(res, 503, { error: "down" });
      return res.writeHead(200, { "content-type": "application/json" }).end(jwks.body);
    }
    if (kind === "_list") {
      accounts.set(key, JSON.parse(body) as ListProgram);
      return json(res, 200, { ok: true });
    }
    if (kind === "_program") {
      programs.set(key, [...(programs.get(key) ?? []), ...(JSON.parse(body) as Canned[])]);
      return json(res, 200, { ok: true });
    }
    const list = received.get(key) ?? [];
    list.push({ method: req.method ?? "", path: url.pathname + url.search, headers: flat(req), body, at: Date.now() });
    received.set(key, list);
    const account = accounts.get(key);
    if (kind === "api" && account)
      return answerAccount(res, account, { ...(list[list.length - 1] as Received), path: url.pathname }, list.length);
    if (kind === "api") {
      const queue = programs.get(key) ?? [];
      const canned = queue.length > 1 ? queue.shift() : queue[0];
      if (!canned) return json(res, 500, { status: "error" });
      if (canned.sleep_ms) await sleep(canned.sleep_ms);
      return json(res, canned.status, canned.body);
    }
    const q = url.searchParams;
    const nth = list.length; // this request's number under its key, fixed before any sleep
    const failFirst = Number(q.get("fail_first") ?? 0);
    const status = nth <= failFirst ? Number(q.get("fail_status") ?? 500) : Number(q.get("status") ?? 200);
    const sleepMs = Number(q.get("sleep_ms") ?? 0);
    const slowFirst = q.get("slow_first");
    if (sleepMs && (slowFirst === null || nth <= Number(slowFirst))) await sleep(sleepMs);
    const headers: Record<string, string> = { "content-type": "text/plain" };
    const retryAfter = q.get("retry_after");
    if (retryAfter) headers["retry-after"] = retryAfter;
    const location = q.get("location");
    if (location) headers.location = location;
    res.writeHead(status, headers).end(q.get("reply") ?? `status ${status}`);
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Sends JSON in which a string "#num:<digits>" is written as that exact number (JSON numbers beyond a double's precision). */
function exactJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value).replace(/"#num:([0-9.eE+-]+)"/g, "$1");
  res.writeHead(status, { "content-type": "application/json" }).end(text);
}

/** A deterministic number in [0, 1) for the nth request under a seed: the same failures on every run of a test. */
const chance = (seed: number, nth: number): number => {
  let h = (seed * 2654435761 + nth * 40503) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 2246822507) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 3266489909) >>> 0;
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
};

async function answerAccount(res: ServerResponse, account: ListProgram, req: Received, nth: number) {
  const { body } = req;
  const path = req.path;
  if (account.fail_from !== undefined && nth >= account.fail_from) {
    return json(res, account.fail_status ?? 500, account.fail_body ?? { status: "error", result: "down" });
  }
  const roll = account.flaky ? chance(account.flaky.seed, nth) : 1;
  if (account.flaky && roll < account.flaky.rate) {
    if (account.flaky.stall_ms && roll < account.flaky.rate / 2) await sleep(account.flaky.stall_ms);
    return json(res, 503, { status: "error", result: "unavailable" });
  }
  let items = account.items as { uuid: string; project?: { id?: unknown } }[];
  if (account.keys) {
    const seen = account.keys[(req.headers.authorization ?? "").replace(/^Token /, "")];
    if (!seen) return json(res, 401, { status: "error", result: { authorization: "invalid token" } });
    items = items.filter((i) => seen.includes(String(i.project?.id)));
  }
  const request = JSON.parse(body || "{}") as { offset?: number; limit?: number; uuids?: string[] };
  if (path.endsWith("/merchant/info")) {
    const wanted = new Set((request.uuids ?? []).map((u) => (u.startsWith("INV-") ? u : `INV-${u}`)));
    return exactJson(res, 200, { status: "success", result: items.filter((i) => wanted.has(i.uuid)) });
  }
  const offset = account.ignore_offset ? 0 : (request.offset ?? 0);
  const limit = request.limit ?? 10;
  const end = Math.min(account.limit_means === "end" ? limit : offset + limit, offset + 100);
  return exactJson(res, 200, { status: "success", result: items.slice(offset, Math.max(offset, end)) });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
}

function flat(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
