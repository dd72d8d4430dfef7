/** One merchant/info call: the only fetch to CryptoCloud. Returns the raw status and body text. */
export async function fetchMerchantInfo(
  apiUrl: string,
  apiKey: string,
  invoiceId: string,
  timeoutMs: number,
): Promise<{ status: number; body: string } | { error: "timeout" | "network" }> {
  try {
    const res = await fetch(`${apiUrl}/v2/invoice/merchant/info`, {
      method: "POST",
      headers: { authorization: `Token ${apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ uuids: [`INV-${invoiceId}`] }),
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    return { error: e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError") ? "timeout" : "network" };
  }
}
