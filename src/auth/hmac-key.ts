const cache = new Map<string, Promise<CryptoKey>>();

/**
 * An HMAC-SHA-256 key, imported once per isolate. `secret` is the configured string (the cache key);
 * `raw` turns it into key bytes: CryptoCloud uses its UTF-8 bytes, Standard Webhooks the base64 after whsec_.
 */
export function hmacKey(secret: string, usage: "sign" | "verify", raw: (secret: string) => Uint8Array): Promise<CryptoKey> {
  const id = `${usage}:${secret}`;
  let key = cache.get(id);
  if (!key) {
    key = crypto.subtle.importKey("raw", raw(secret), { name: "HMAC", hash: "SHA-256" }, false, [usage]);
    cache.set(id, key);
  }
  return key;
}
