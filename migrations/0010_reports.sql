-- The daily digest (DIGEST_HOUR_UTC): one row per day it reported. The cron claims the day by inserting
-- its row, in the same batch as the day's `report.daily` alerts, so however many isolates run the cron,
-- the PRIMARY KEY lets one of them send it, once.
CREATE TABLE digests (
  day         TEXT PRIMARY KEY,                  -- YYYY-MM-DD (UTC): the day reported
  claim       TEXT NOT NULL,                     -- the claiming run's token: only its alert inserts take effect
  alerts      INTEGER NOT NULL DEFAULT 0,        -- alerts queued (one per ALERT_URL)
  created_at  TEXT NOT NULL                      -- when it was sent
);
