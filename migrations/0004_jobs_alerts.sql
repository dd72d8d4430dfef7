-- Scheduled jobs (reconciliation, retention): one row each. A run claims the row with a lease, so one
-- Worker's many isolates never run the same job twice at once; `cursor_json` lets a bounded run resume.
CREATE TABLE jobs (
  name                  TEXT PRIMARY KEY,          -- reconcile | retention
  lease_until           TEXT,
  lease_token           TEXT,
  last_run_at           TEXT,                      -- when the last run started
  last_success_at       TEXT,
  last_error            TEXT,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  cursor_json           TEXT,                      -- where an unfinished run resumes, or NULL
  total                 INTEGER NOT NULL DEFAULT 0,-- reconcile: invoices recovered; retention: rows removed
  last_result_json      TEXT                       -- the last run's summary
);

-- Something alert-worthy happened. Written in the same batch as the fact itself; the cron turns
-- signals into alerts through the cooldown, then deletes them.
CREATE TABLE alert_signals (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  data_json   TEXT NOT NULL,
  created_at  TEXT NOT NULL
);

-- At most one alert per (kind, subject) per cooldown window; the rest are counted.
CREATE TABLE alert_cooldowns (
  kind        TEXT NOT NULL,
  subject     TEXT NOT NULL,
  opened_at   TEXT NOT NULL,                       -- the window's start: when its alert was sent
  window_id   TEXT NOT NULL,                       -- set by the signal that opened the window: only it creates alerts
  suppressed  INTEGER NOT NULL DEFAULT 0,          -- held back in this window
  carried     INTEGER NOT NULL DEFAULT 0,          -- held back in the previous window: "and N more"
  PRIMARY KEY (kind, subject)
);

-- The alert outbox: one row per alert per ALERT_URL, sent by the queue consumer with a few retries.
CREATE TABLE alerts (
  id               TEXT PRIMARY KEY,
  kind             TEXT NOT NULL,
  subject          TEXT NOT NULL,
  destination      TEXT NOT NULL,
  data_json        TEXT NOT NULL,
  suppressed       INTEGER NOT NULL DEFAULT 0,
  state            TEXT NOT NULL,                  -- pending | sent | failed
  attempt_count    INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  TEXT NOT NULL,
  lease_until      TEXT,
  lease_token      TEXT,
  last_error       TEXT,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX alerts_due ON alerts (state, next_attempt_at);
CREATE INDEX alerts_finished ON alerts (updated_at) WHERE state <> 'pending';

-- Consecutive failed attempts per destination: destination.failing at 5, destination.recovered after.
CREATE TABLE destination_health (
  destination           TEXT PRIMARY KEY,
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  updated_at            TEXT NOT NULL
);

-- Retention prunes finished deliveries by age on this index. (Receipts are pruned in id order, which is
-- time order: no index on received_at, so the hot path pays for one index fewer.)
CREATE INDEX deliveries_finished ON deliveries (updated_at) WHERE state <> 'pending';
