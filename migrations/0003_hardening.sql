-- Operational problems that /health reports (the API refusing the key, …). Was `flags`.
ALTER TABLE flags RENAME TO health_problems;

-- Every write of an attempt's outcome is fenced on (round, attempt_count, lease_token): a consumer
-- whose lease expired cannot overwrite a newer attempt. A claim sets a fresh token.
ALTER TABLE deliveries ADD COLUMN lease_token TEXT;
-- When the delivery last entered `pending` (created or redelivered): /stats' backlog age and the
-- backlog.stale alert measure from here. Retries and the sweeper do not move it.
ALTER TABLE deliveries ADD COLUMN pending_since TEXT;
UPDATE deliveries SET pending_since = created_at WHERE state = 'pending';
CREATE INDEX deliveries_pending_since ON deliveries (pending_since) WHERE state = 'pending';
-- Set when the queue send after the commit failed; cleared when the sweeper re-enqueues it.
ALTER TABLE deliveries ADD COLUMN enqueue_failed_at TEXT;

-- Why an invoice's event was not forwarded (e.g. 'test_mode' under REJECT_TEST_MODE), or NULL.
ALTER TABLE invoices ADD COLUMN not_forwarded TEXT;
-- GET /invoices?order_id= finds a shop's order.
CREATE INDEX invoices_order ON invoices (order_id, first_received_at DESC, invoice_id DESC) WHERE order_id IS NOT NULL;
-- Invoices held below paid (pending_confirmation, unconfirmed): /health and the re-check look here.
CREATE INDEX invoices_held ON invoices (status, first_received_at) WHERE status_rank = 0;

-- Confirmation re-checks from the cron after the retries ran out, or after an `unconfirmed`.
ALTER TABLE confirmations ADD COLUMN rechecks INTEGER NOT NULL DEFAULT 0;
ALTER TABLE confirmations ADD COLUMN lease_token TEXT;
-- What made the invoice: 'postback', or 'reconciliation' for a paid invoice whose postback never came.
ALTER TABLE invoices ADD COLUMN source TEXT NOT NULL DEFAULT 'postback';
