import { getConfig } from "../config";
import { alertTarget, redactUrl } from "../domain/alert";
import { postOnce } from "../net/post";
import { alertRequest } from "./send";

export interface TestAlertResult {
  destination: string; // redacted: chat webhooks carry their secret in the URL
  status: number | null; // the HTTP status, or null when there was no answer
  error: string | null;
}

/** POST /alerts/test: a `test` alert to every ALERT_URL now, straight (no queue), with each answer. */
export async function sendTestAlerts(env: Env, now: Date): Promise<TestAlertResult[]> {
  const config = getConfig(env);
  return Promise.all(
    config.alerts.urls.map(async (url) => {
      const id = `alr_test_${crypto.randomUUID().replaceAll("-", "")}`;
      const { headers, body } = await alertRequest(
        url,
        id,
        "test",
        { requested_at: now.toISOString() },
        0,
        config.forward.secrets,
        now,
        config.alerts.language,
      );
      const result = await postOnce(alertTarget(url).url, headers, body, 10_000);
      const status = result.outcome.kind === "response" ? result.outcome.status : null;
      return {
        destination: redactUrl(url),
        status,
        error: status !== null && status < 300 && status >= 200 ? null : status === null ? result.outcome.kind : `http_${status}`,
      };
    }),
  );
}
