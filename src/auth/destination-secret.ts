// An API destination's signing secret is never stored: it is derived, when needed, from the Worker
// secret DESTINATION_SECRETS_KEY, the destination's id and the secret's generation (HKDF-SHA256). A copy
// of D1 alone cannot sign; rotating bumps the generation. Losing the key changes every API secret.

const encoder = new TextEncoder();

export async function deriveSecret(key: string, destinationId: string, generation: number): Promise<string> {
  const base = await crypto.subtle.importKey("raw", encoder.encode(key), "HKDF", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: encoder.encode(destinationId), info: encoder.encode(`whsec/v1/${generation}`) },
    base,
    256,
  );
  return `whsec_${btoa(String.fromCharCode(...new Uint8Array(bits)))}`;
}

export interface SecretSource {
  id: string;
  managed_by: "config" | "api";
  secret_generation: number;
  previous_expires_at: string | null;
}

/**
 * The secrets that sign an event to this destination, newest first: FORWARD_SECRET's for a config
 * destination; for an API one its current secret, and during a rotation the previous one too until it
 * expires. Null when the needed Worker secret is missing (the delivery waits, /health says why).
 */
export async function signingSecrets(
  d: SecretSource,
  forwardSecrets: readonly string[] | null,
  key: string | null,
  now: Date,
): Promise<string[] | null> {
  if (d.managed_by === "config") return forwardSecrets && forwardSecrets.length > 0 ? [...forwardSecrets] : null;
  if (!key) return null;
  const current = await deriveSecret(key, d.id, d.secret_generation);
  const previousLive = d.previous_expires_at !== null && Date.parse(d.previous_expires_at) > now.getTime() && d.secret_generation > 1;
  return previousLive ? [current, await deriveSecret(key, d.id, d.secret_generation - 1)] : [current];
}
