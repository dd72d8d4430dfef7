import { isTimeout } from "./post";
import { readUpTo } from "./read-up-to";

/** CryptoCloud's answer as text, or why there was none. `overflow`: the reply passed the cap. */
export type ApiReply = { status: number; body: string } | { error: "timeout" | "network" | "too_large" };

/** merchant/info for one invoice is a few KB; a page of merchant/list (100 items) well under 256 KB. */
export const MAX_REPLY_BYTES = 512 * 1024;

export interface ApiTarget {
  apiUrl: string;
  apiKey: string;
  timeoutMs: number;
}

/** One POST to CryptoCloud's API, its reply read up to MAX_REPLY_BYTES: the only fetch to CryptoCloud. */
async function call(target: ApiTarget, path: string, body: unknown): Promise<ApiReply> {
  try {
    const res = await fetch(`${target.apiUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Token ${target.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      redirect: "manual",
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    const { bytes, overflow } = await readUpTo(res.body, MAX_REPLY_BYTES);
    if (overflow) return { error: "too_large" };
    return { status: res.status, body: new TextDecoder().decode(bytes) };
  } catch (e) {
    return { error: isTimeout(e) ? "timeout" : "network" };
  }
}

export const fetchMerchantInfo = (target: ApiTarget, invoiceId: string): Promise<ApiReply> =>
  call(target, "/v2/invoice/merchant/info", { uuids: [`INV-${invoiceId}`] });

/** One page of merchant/list: `start` and `end` are dd.mm.yyyy, both included. */
export const fetchMerchantList = (
  target: ApiTarget,
  page: { start: string; end: string; offset: number; limit: number },
): Promise<ApiReply> => call(target, "/v2/invoice/merchant/list", page);
