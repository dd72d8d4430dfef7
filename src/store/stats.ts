/** What an operator checks first: counts by status and state, and how far behind delivery is. */
export async function readStats(db: D1Database, now: Date) {
  const [invoices, deliveries, oldest, confirmations] = await db.batch<Record<string, unknown>>([
    db.prepare("SELECT status, count(*) AS n FROM invoices GROUP BY status"),
    db.prepare("SELECT state, count(*) AS n FROM deliveries GROUP BY state"),
    db.prepare("SELECT min(created_at) AS at FROM deliveries WHERE state = 'pending'"),
    db.prepare("SELECT state, count(*) AS n FROM confirmations GROUP BY state"),
  ]);
  const counts = (rows: Record<string, unknown>[] | undefined, key: string) =>
    Object.fromEntries((rows ?? []).map((r) => [String(r[key]), Number(r.n)]));
  const oldestAt = oldest?.results[0]?.at;
  return {
    invoices_by_status: counts(invoices?.results, "status"),
    deliveries_by_state: counts(deliveries?.results, "state"),
    oldest_pending_delivery_age_seconds:
      typeof oldestAt === "string" ? Math.max(0, Math.round((now.getTime() - Date.parse(oldestAt)) / 1000)) : null,
    confirmations_by_state: counts(confirmations?.results, "state"),
  };
}
