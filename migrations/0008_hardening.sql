-- Alerts keep trying a channel that is down (about a day and a half with backoff). While the oldest
-- alert to a channel keeps failing, younger alerts to it are parked as 'missed' instead of each
-- retrying; when a send succeeds, one 'alerts.missed' summary replaces them and they become
-- 'summarized'. Both lookups are per channel.
CREATE INDEX alerts_channel ON alerts (destination, state, created_at);

-- The sweeper's forward repair walks events in creation order from a saved cursor (jobs row
-- 'forward_missing'), so it reads each event once, not every event every minute.
CREATE INDEX events_created ON events (created_at, id);
