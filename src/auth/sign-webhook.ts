// Standard Webhooks signatures (https://www.standardwebhooks.com): HMAC-SHA256 over
// "id.timestamp.body" with the secret's decoded bytes, sent as "v1,<base64>".

import { hmacKey } from "./hmac-key";

const encoder = new TextEncoder();
const whsecBytes = (secret: string): Uint8Array => Uint8Array.from(atob(secret.replace(/^whsec_/, "")), (c) => c.charCodeAt(0));
const signingKey = (secret: string): Promise<CryptoKey> => hmacKey(secret, "sign", whsecBytes);

const toBase64 = (buf: ArrayBuffer): string => btoa(String.fromCharCode(...new Uint8Array(buf)));

/** The webhook-signature header: one `v1,<sig>` per secret, space-separated (rotation). */
export async function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): Promise<string> {
  const content = encoder.encode(`${id}.${timestamp}.${body}`);
  const sigs = await Promise.all(
    secrets.map(async (s) => `v1,${toBase64(await crypto.subtle.sign("HMAC", await signingKey(s), content))}`),
  );
  return sigs.join(" ");
}

export async function webhookHeaders(secrets: readonly string[], id: string, now: Date, body: string): Promise<Record<string, string>> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "cryptocloud-postback/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(secrets, id, timestamp, body),
  };
}
