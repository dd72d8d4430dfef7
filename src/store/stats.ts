/** The oldest pending delivery, measured from when it became due (created or redelivered), and how many are pending. */
export async function pendingBacklog(db: D1Database): Promise<{ oldestSince: string | null; pending: number; enqueueFailed: number }> {
  const row = await db
    .prepare("SELECT min(pending_since) AS at, count(*) AS n, count(enqueue_failed_at) AS failed FROM deliveries WHERE state = 'pending'")
    .first<{ at: string | null; n: number; failed: number }>();
  return { oldestSince: row?.at ?? null, pending: Number(row?.n ?? 0), enqueueFailed: Number(row?.failed ?? 0) };
}

/** Invoices held below paid, and confirmations whose retries ran out: money that may be stuck. */
export async function heldInvoices(db: D1Database, olderThan: Date): Promise<{ waiting: number; exhausted: number; unconfirmed: number }> {
  const row = await db
    .prepare(
      `SELECT
         (SELECT count(*) FROM invoices WHERE status_rank = 0 AND status = 'pending_confirmation' AND first_received_at < ?1) AS waiting,
         (SELECT count(*) FROM confirmations WHERE state = 'exhausted') AS exhausted,
         (SELECT count(*) FROM invoices WHERE status_rank = 0 AND status = 'unconfirmed') AS unconfirmed`,
    )
    .bind(olderThan.toISOString())
    .first<{ waiting: number; exhausted: number; unconfirmed: number }>();
  return { waiting: Number(row?.waiting ?? 0), exhausted: Number(row?.exhausted ?? 0), unconfirmed: Number(row?.unconfirmed ?? 0) };
}

/** What an operator checks first: counts by status and state. */
export async function countsByState(db: D1Database) {
  const [invoices, deliveries, confirmations, projects] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT status, count(*) AS n FROM invoices GROUP BY status"),
    db.prepare("SELECT state, count(*) AS n FROM deliveries GROUP BY state"),
    db.prepare("SELECT state, count(*) AS n FROM confirmations GROUP BY state"),
    db.prepare("SELECT project, count(*) AS n FROM invoices GROUP BY project"),
  ]);
  const counts = (rows: Record<string, unknown>[] | undefined, key: string) =>
    Object.fromEntries((rows ?? []).map((r) => [String(r[key]), Number(r.n)]));
  return {
    invoices_by_status: counts(invoices?.results, "status"),
    deliveries_by_state: counts(deliveries?.results, "state"),
    confirmations_by_state: counts(confirmations?.results, "state"),
    invoices_by_project: counts(projects?.results, "project"),
  };
}

/**
 * Recorded, not forwarded (yet): invoices whose current event (since `since`, RETENTION_DAYS back,
 * and past where the forward repair has looked) has no delivery at all, though nothing held it back
 * (not `not_forwarded`, not test mode under REJECT_TEST_MODE). Postbacks taken while forwarding was
 * misconfigured land here until the repair gives them deliveries; events the repair has passed
 * without forwarding (no FORWARD_URL, on purpose) are not counted.
 */
export async function recordedNotForwarded(db: D1Database, rejectTestMode: boolean, since: string): Promise<number> {
  const row = await db
    .prepare(
      `SELECT count(*) AS n FROM events e JOIN invoices i ON i.invoice_id = e.invoice_id
       WHERE e.created_at >= ?2
         AND e.created_at > coalesce((SELECT json_extract(cursor_json, '$.at') FROM jobs WHERE name = 'forward_missing'), '')
         AND e.type = 'invoice.' || i.status AND i.not_forwarded IS NULL
         AND NOT (?1 = 1 AND coalesce(i.test_mode, 0) = 1)
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id)`,
    )
    .bind(rejectTestMode ? 1 : 0, since)
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}
