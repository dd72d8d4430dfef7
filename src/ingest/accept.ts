import { secretKey, verifyToken } from "../auth/verify-token";
import type { AppError } from "../domain/errors";
import type { RawFields } from "../domain/fields";
import { type LedgerEntry, type PlanOptions, planPostback } from "../domain/plan";
import { normalizePostback, type Postback } from "../domain/postback";
import type { Project } from "../domain/projects";
import { err, ok, type Result } from "../domain/result";

export interface Accepted {
  postback: Postback;
  project: Project; // the one whose SECRET KEY verified the token
  entry: LedgerEntry; // what the one D1 batch writes
  keyIndex: number; // which of that project's SECRET KEYs matched: rotation telemetry
}

/** What the plan needs beyond the verified project (which decides confirmWithApi and the slug). */
export type AcceptOptions = Omit<PlanOptions, "confirmWithApi" | "project">;

/**
 * From a postback's raw fields to what it writes: validate (400), verify the token against the
 * candidate projects' SECRET KEYs in order (401: none verifies), plan the batch. The project is the
 * one whose key verified the token, never what the body claims. No I/O but Web Crypto; the clock is
 * passed in. The route and the benchmark's CPU measurement (bench/core-entry.ts) both run exactly this.
 */
export async function acceptPostback(
  fields: RawFields,
  candidates: (postback: Postback) => readonly Project[],
  options: AcceptOptions,
  now: Date,
): Promise<Result<Accepted, AppError>> {
  const parsed = normalizePostback(fields);
  if (!parsed.ok) return parsed;
  const projects = candidates(parsed.value);
  const owners = projects.flatMap((p) => p.secretKeys.map((_, i) => ({ project: p, index: i })));
  const keys = await Promise.all(projects.flatMap((p) => p.secretKeys.map(secretKey)));
  const verified = await verifyToken(parsed.value.token, keys, parsed.value.invoiceId, now);
  const owner = verified.ok ? owners[verified.value.keyIndex] : undefined;
  if (!verified.ok || !owner) return err({ code: "invalid_token", failure: verified.ok ? { reason: "bad_signature" } : verified.error });
  const plan = { ...options, confirmWithApi: owner.project.apiKey !== null, project: owner.project.slug };
  return ok({ postback: parsed.value, project: owner.project, entry: planPostback(parsed.value, plan, now), keyIndex: owner.index });
}
