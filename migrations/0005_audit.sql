-- The audit log: one row per operator action that changed something, written in the same D1 batch
-- as the change itself (an action and its entry commit together, or neither). Reads write nothing.
CREATE TABLE audit_log (
  id          TEXT PRIMARY KEY,                  -- aud_<random>
  at          TEXT NOT NULL,                     -- ISO 8601, UTC, ms
  actor_kind  TEXT NOT NULL,                     -- access | token
  actor_id    TEXT NOT NULL,                     -- the Access email or common name, or api_token
  action      TEXT NOT NULL,                     -- invoice.redeliver | deliveries.redeliver | …
  target      TEXT,                              -- what it acted on (an invoice id, a destination id, …)
  request_id  TEXT NOT NULL,
  summary_json TEXT NOT NULL                     -- what it did, as counts and ids; never a secret
);
CREATE INDEX audit_newest ON audit_log (at DESC, id DESC);
