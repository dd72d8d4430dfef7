-- Several CryptoCloud projects (shops) in one deployment. Every invoice records the project whose key
-- verified it; rows from before are the single-project variables' project, `default`.
ALTER TABLE invoices ADD COLUMN project TEXT NOT NULL DEFAULT 'default';
CREATE INDEX invoices_project ON invoices (project, first_received_at DESC, invoice_id DESC);

-- An invoice's project never changes: a postback for a known invoice verified under another project
-- aborts its whole batch (the receipt, the event, everything), so the first record stays untouched.
CREATE TRIGGER invoices_project_fixed BEFORE UPDATE OF project ON invoices
WHEN NEW.project IS NOT OLD.project
BEGIN
  SELECT RAISE(ABORT, 'project_conflict');
END;

-- Reconciliation per project: where its listing stands and how its passes went. The `jobs` row
-- 'reconcile' stays the lease that keeps one run at a time; each run shares its API requests
-- among the projects that have work.
CREATE TABLE reconcile_projects (
  project               TEXT PRIMARY KEY,            -- the slug
  cursor_json           TEXT,                        -- the unfinished pass's next page, or NULL
  pass_started_at       TEXT,                        -- when the unfinished (or last) pass began
  last_pass_at          TEXT,                        -- when a pass last listed the whole window
  last_run_at           TEXT,                        -- when a run last asked the API for this project
  last_error            TEXT,                        -- why the last page failed, or NULL
  last_error_code       TEXT,                        -- api_error | api_unauthorized | multiple_projects
  consecutive_failures  INTEGER NOT NULL DEFAULT 0,
  recovered_total       INTEGER NOT NULL DEFAULT 0,
  last_result_json      TEXT                         -- the last run's counts for this project
);
