-- Destinations as stored objects: the config ones (one per FORWARD_URL entry, id derived from the URL)
-- and the ones created through the API. Each has its own circuit breaker. Never a signing secret:
-- an API destination's secret is derived (HKDF) from DESTINATION_SECRETS_KEY, its id and generation.
CREATE TABLE destinations (
  id                    TEXT PRIMARY KEY,            -- dst_… (config: dst_cfg_<hash of the URL>)
  url                   TEXT NOT NULL,
  description           TEXT,
  managed_by            TEXT NOT NULL,               -- config | api
  filter_json           TEXT NOT NULL DEFAULT '{}',  -- {statuses?, test_mode?, currencies?, projects?}
  state                 TEXT NOT NULL DEFAULT 'active', -- active | paused | disabled
  secret_generation     INTEGER NOT NULL DEFAULT 1,  -- api: which derived secret signs now
  previous_expires_at   TEXT,                        -- api: until then generation - 1 signs too
  circuit_state         TEXT NOT NULL DEFAULT 'closed', -- closed | open | half_open
  circuit_generation    INTEGER NOT NULL DEFAULT 0,  -- bumped by every open/close/disable: fences transitions
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  opened_at             TEXT,
  next_probe_at         TEXT,
  probe_token           TEXT,                        -- set by the consumer that claimed the current probe
  last_success_at       TEXT,
  last_failure_at       TEXT,
  last_error            TEXT,
  removed_at            TEXT,                        -- deleted (api) or no longer in FORWARD_URL (config)
  created_at            TEXT NOT NULL,
  updated_at            TEXT NOT NULL
);
CREATE INDEX destinations_live ON destinations (managed_by) WHERE removed_at IS NULL;

-- Which destination a delivery goes to. `destination` keeps the URL it was created for (history, the
-- API's field); NULL destination_id only on rows older than this migration, filled in by the cron.
ALTER TABLE deliveries ADD COLUMN destination_id TEXT;
CREATE UNIQUE INDEX deliveries_event_destination ON deliveries (event_id, destination_id);
CREATE INDEX deliveries_legacy_destination ON deliveries (destination) WHERE destination_id IS NULL;
-- Held while its destination's circuit is open or it is paused/disabled: not attempted, no retry used.
ALTER TABLE deliveries ADD COLUMN held_since TEXT;
CREATE INDEX deliveries_held ON deliveries (destination_id, created_at, id) WHERE held_since IS NOT NULL AND state = 'pending';
-- Attempts that do not count against the retry schedule (failed circuit probes).
ALTER TABLE deliveries ADD COLUMN probes INTEGER NOT NULL DEFAULT 0;
CREATE INDEX deliveries_destination_state ON deliveries (destination_id, state);

-- The circuit breaker replaces the failure streak.
DROP TABLE destination_health;
