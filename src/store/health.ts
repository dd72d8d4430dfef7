/**
 * Problems found while running (not in the configuration) that /health reports until they are
 * cleared: e.g. CryptoCloud's API refusing the key. One row per problem code.
 */
export interface HealthProblemRow {
  code: string;
  message: string;
  updated_at: string;
}

export const setHealthProblem = (db: D1Database, code: string, message: string, now: Date): D1PreparedStatement =>
  db
    .prepare(
      "INSERT INTO health_problems (key, value, updated_at) VALUES (?1, ?2, ?3) ON CONFLICT (key) DO UPDATE SET value = ?2, updated_at = ?3",
    )
    .bind(code, message, now.toISOString());

export const clearHealthProblem = (db: D1Database, code: string): D1PreparedStatement =>
  db.prepare("DELETE FROM health_problems WHERE key = ?1").bind(code);

export async function listHealthProblems(db: D1Database): Promise<HealthProblemRow[]> {
  const { results } = await db
    .prepare("SELECT key AS code, value AS message, updated_at FROM health_problems ORDER BY key")
    .all<HealthProblemRow>();
  return results;
}
