// `npm run postback` and `npm run listen` as a user runs them: spawned with Node, against a real
// loopback server (postback) or a real signed event (listen).
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { jwtVerify } from "jose";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../support/wait-for";

const SCRIPTS = resolve("scripts");
const FORWARD_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node scripts/<script> ...args` to its end (asynchronously: the servers below share this process). */
function run(script: string, args: string[], cwd = process.cwd()): Promise<Run> {
  return new Promise((done) => {
    execFile(process.execPath, [join(SCRIPTS, script), ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      done({ code: err ? (typeof err.code === "number" ? err.code : null) : 0, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "");
const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe("npm run postback", () => {
  let server: Server;
  let url: string;
  const received: { contentType: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      received.push({ contentType: req.headers["content-type"] ?? "", body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "application/json" }).end('{"message":"Postback received"}');
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/postback`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("labels a postback without invoice_info v1, and prints what the README shows", async () => {
    const out = await run("postback.mjs", ["--url", url, "--secret", "k", "--invoice", "DZLF4212"]);
    expect(out.code).toBe(0);
    const [sent, answer, body] = lines(out.stdout);
    expect(sent).toBe(`→ POST ${url}  invoice DZLF4212  0.4567 BTC  (form, v1)`);
    expect(answer).toMatch(/^← 200 OK in \d+ ms$/);
    expect(body).toBe('{"message":"Postback received"}');
    expect(new URLSearchParams(received.at(-1)?.body).has("invoice_info")).toBe(false);
  });

  it("labels --v2 v2, and sends the invoice_info", async () => {
    const out = await run("postback.mjs", ["--url", url, "--secret", "k", "--invoice", "X1", "--v2", "--format", "json"]);
    expect(out.code).toBe(0);
    expect(lines(out.stdout)[0]).toBe(`→ POST ${url}  invoice X1  0.4567 BTC  (json, v2)`);
    expect(JSON.parse(received.at(-1)?.body ?? "{}").invoice_info).toMatchObject({ uuid: "INV-X1", status: "paid" });
  });

  it("labels v2 when --status or --test-mode needs the invoice_info, without --v2", async () => {
    const out = await run("postback.mjs", ["--url", url, "--secret", "k", "--invoice", "X2", "--status", "overpaid", "--test-mode"]);
    expect(lines(out.stdout)[0]).toBe(`→ POST ${url}  invoice X2  0.4567 BTC  (form, v2, overpaid, test mode)`);
    const info = JSON.parse(new URLSearchParams(received.at(-1)?.body).get("invoice_info") ?? "{}");
    expect(info).toMatchObject({ status: "overpaid", test_mode: true });
  });

  it("signs with the first of several secrets, separated by commas or whitespace, from --secret or .dev.vars", async () => {
    const tokenOf = () => new URLSearchParams(received.at(-1)?.body).get("token") ?? "";
    const key = (s: string) => new TextEncoder().encode(s);
    await run("postback.mjs", ["--url", url, "--secret", "first, second", "--invoice", "S1"]);
    await expect(jwtVerify(tokenOf(), key("first"))).resolves.toMatchObject({ payload: { id: "S1" } });

    const dir = mkdtempSync(join(tmpdir(), "postback-"));
    writeFileSync(join(dir, ".dev.vars"), "CRYPTOCLOUD_SECRET_KEY=new-key old-key\n");
    await run("postback.mjs", ["--url", url, "--invoice", "S2"], dir);
    await expect(jwtVerify(tokenOf(), key("new-key"))).resolves.toMatchObject({ payload: { id: "S2" } });
  });

  it("answers an unknown option, a missing value or a bad --format with one line and exit 2", async () => {
    for (const args of [["--bogus"], ["--url"], ["--format", "xml"], ["stray"]]) {
      const out = await run("postback.mjs", args);
      expect(out.code, args.join(" ")).toBe(2);
      expect(lines(out.stderr), args.join(" ")).toHaveLength(1);
      expect(out.stderr).toMatch(/^postback: /);
      noStackTrace(out.stderr);
    }
    expect((await run("postback.mjs", ["--bogus"])).stderr).toContain("Unknown option '--bogus'");
  });

  it("answers a refused connection with one line and exit 1", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));

    const out = await run("postback.mjs", ["--url", `http://127.0.0.1:${port}/postback`, "--secret", "k"]);
    expect(out.code).toBe(1);
    expect(lines(out.stderr)).toEqual([
      `← no answer: connection refused by 127.0.0.1:${port}: is \`npm run dev\` running? (or pass --url)`,
    ]);
    noStackTrace(out.stderr);
  });
});

describe("npm run listen", () => {
  let child: ChildProcess;
  let url: string;
  const output: string[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, [
      join(SCRIPTS, "listen.mjs"),
      "--port",
      "0",
      "--secret",
      `whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA, ${FORWARD_SECRET}`,
    ]);
    child.stdout?.setEncoding("utf8").on("data", (chunk: string) => output.push(...lines(chunk)));
    url = await new Promise<string>((found, failed) => {
      child.stdout?.on("data", () => {
        const m = /^listening on (http:\/\/\S+) \(any path\); set FORWARD_URL=\1\/webhook$/.exec(output[0] ?? "");
        if (m?.[1]) found(m[1]);
      });
      child.on("exit", (code) => failed(new Error(`listen exited ${code}`)));
    });
  });
  afterAll(() => {
    child.kill();
  });

  const send = async (id: string, secret: string) => {
    const body = JSON.stringify({
      type: "invoice.paid",
      timestamp: "2026-11-23T19:33:07.000Z",
      data: { invoice_id: "DZLF4212", amount_crypto: "0.4567", currency: "BTC", test_mode: null },
    });
    const now = new Date();
    const headers = {
      "content-type": "application/json",
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
      "webhook-signature": new Webhook(secret).sign(id, now, body),
    };
    const res = await fetch(`${url}/webhook`, { method: "POST", headers, body });
    await res.text();
    return { status: res.status, when: new Date(Math.floor(now.getTime() / 1000) * 1000).toISOString() };
  };
  const lineFor = (id: string) =>
    waitFor(() => output.find((l) => l.includes(id)), { timeoutMs: 2000, everyMs: 20, what: `the line for ${id}` });

  it("answers 200 to a verified event (signed with any of its secrets) and prints the README's line", async () => {
    const { status, when } = await send("evt_DZLF4212_paid", FORWARD_SECRET);
    expect(status).toBe(200);
    expect(await lineFor("evt_DZLF4212_paid")).toBe(
      `invoice.paid      DZLF4212    0.4567 BTC                verified      evt_DZLF4212_paid  ${when}  attempt 1 → 200`,
    );
  });

  it("answers 401 to an event that fails verification, and still prints it", async () => {
    const { status } = await send("evt_forged", "whsec_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
    expect(status).toBe(401);
    expect(await lineFor("evt_forged")).toMatch(/^\?\s+\?\s+\?\s+NOT VERIFIED {2}evt_forged {2}\S+Z {2}attempt 1 → 401$/);
  });

  it("answers a bad option with one line and exit 2", async () => {
    for (const args of [["--nope"], ["--status", "abc"], ["--port", "70000"]]) {
      const out = await run("listen.mjs", args);
      expect(out.code, args.join(" ")).toBe(2);
      expect(lines(out.stderr), args.join(" ")).toHaveLength(1);
      noStackTrace(out.stderr);
    }
  });
});
