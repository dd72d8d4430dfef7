-- Confirmation with CryptoCloud's merchant/info API (when CRYPTOCLOUD_API_KEY is set). One row per
-- invoice, re-armed by every postback; the queue carries only the invoice id.
CREATE TABLE confirmations (
  invoice_id       TEXT PRIMARY KEY,
  state            TEXT NOT NULL,                -- pending | done | exhausted
  attempt_count    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  lease_until      TEXT,
  last_error       TEXT,                         -- timeout | network | http_5xx | rate_limited | unauthorized | …
  updated_at       TEXT NOT NULL
);
CREATE INDEX confirmations_due ON confirmations (state, next_attempt_at);

-- Operational flags that /health reports (e.g. the API answered 401: a configuration error).
CREATE TABLE flags (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
