-- One row per CryptoCloud invoice. Keyed by the id without the INV- prefix, upper case.
CREATE TABLE invoices (
  invoice_id          TEXT PRIMARY KEY,
  status              TEXT NOT NULL,             -- paid | overpaid | partial | pending_confirmation | unconfirmed
  status_rank         INTEGER NOT NULL,          -- the status never moves to a lower rank
  amount_crypto       TEXT NOT NULL,             -- exact decimal string, never a float
  currency            TEXT NOT NULL,
  order_id            TEXT,
  test_mode           INTEGER,                   -- 1, 0, or NULL when unknown
  confirmed           INTEGER NOT NULL DEFAULT 0,-- 1 once CryptoCloud's API agreed
  detail_json         TEXT,                      -- postback vs API values, confirmation reason
  first_received_at   TEXT NOT NULL,             -- ISO 8601, UTC, ms
  last_received_at    TEXT NOT NULL,
  postback_count      INTEGER NOT NULL DEFAULT 1,
  updated_at          TEXT NOT NULL,             -- last change of any kind
  version             INTEGER NOT NULL DEFAULT 1,-- bumped on every change
  projected_version   INTEGER NOT NULL DEFAULT 0 -- the version the sweeper last checked KV for
);
CREATE INDEX invoices_newest ON invoices (first_received_at DESC, invoice_id DESC);
CREATE INDEX invoices_stale_projection ON invoices (updated_at) WHERE projected_version < version;

-- Receipt log: every accepted postback. Never the token.
CREATE TABLE postbacks (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  invoice_id      TEXT NOT NULL,
  received_at     TEXT NOT NULL,
  content_type    TEXT NOT NULL,
  api_version     INTEGER NOT NULL,              -- 1, or 2 when invoice_info was present
  status          TEXT NOT NULL,                 -- the status this postback claimed
  amount_crypto   TEXT NOT NULL,
  currency        TEXT NOT NULL,
  order_id        TEXT,
  test_mode       INTEGER,
  request_id      TEXT NOT NULL
);
CREATE INDEX postbacks_invoice ON postbacks (invoice_id, id);

-- The outbox. One event per (invoice, status): its id is the stable webhook-id.
CREATE TABLE events (
  id          TEXT PRIMARY KEY,                  -- evt_<INVOICE_ID>_<status>
  invoice_id  TEXT NOT NULL,
  type        TEXT NOT NULL,                     -- invoice.paid | invoice.overpaid | invoice.partial
  payload     TEXT NOT NULL,                     -- the exact JSON body sent downstream
  created_at  TEXT NOT NULL,
  UNIQUE (invoice_id, type)
);

-- One delivery per (event, destination). The queue carries only deliveries.id.
CREATE TABLE deliveries (
  id               TEXT PRIMARY KEY,
  event_id         TEXT NOT NULL REFERENCES events (id),
  invoice_id       TEXT NOT NULL,
  destination      TEXT NOT NULL,
  state            TEXT NOT NULL,                -- pending | delivered | failed | exhausted
  round            INTEGER NOT NULL DEFAULT 1,   -- bumped by a redeliver
  attempt_count    INTEGER NOT NULL DEFAULT 0,   -- attempts in this round
  next_attempt_at  TEXT NOT NULL,
  lease_until      TEXT,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  UNIQUE (event_id, destination)
);
CREATE INDEX deliveries_due ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_invoice ON deliveries (invoice_id);
CREATE INDEX deliveries_state_created ON deliveries (state, created_at DESC, id DESC);

-- Every delivery attempt.
CREATE TABLE delivery_attempts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  delivery_id   TEXT NOT NULL REFERENCES deliveries (id),
  round         INTEGER NOT NULL,
  attempt       INTEGER NOT NULL,
  started_at    TEXT NOT NULL,
  status_code   INTEGER,                         -- NULL when no HTTP answer
  error_class   TEXT,                            -- timeout | network | http_4xx | http_5xx | redirect | gone | ...
  latency_ms    INTEGER NOT NULL,
  response_body TEXT,                            -- the first 1 KB
  UNIQUE (delivery_id, round, attempt)
);
