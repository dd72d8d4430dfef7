"""A receiver for cryptocloud-postback's events: Python 3.9+, standard library only.

    FORWARD_SECRET=whsec_... PORT=3000 python3 receiver.py

It verifies the Standard Webhooks signature by hand (HMAC-SHA256, constant-time compare, a 5-minute
timestamp tolerance), then handles each event once: per webhook-id (a retry repeats the id) and per
order (invoice.paid then invoice.overpaid are two ids for one payment), in one SQLite transaction.
"""

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 5 * 60
# Several secrets, separated by spaces or commas, while you rotate FORWARD_SECRET.
SECRETS = [base64.b64decode(s.removeprefix("whsec_")) for s in os.environ["FORWARD_SECRET"].replace(",", " ").split()]
DB_PATH = os.environ.get("RECEIVER_DB", "shop.db")

SCHEMA = """
CREATE TABLE IF NOT EXISTS processed_webhooks (webhook_id TEXT PRIMARY KEY, type TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orders (id TEXT PRIMARY KEY, status TEXT NOT NULL, invoice_id TEXT, amount TEXT, currency TEXT);
"""


def verify(headers, body: bytes) -> bool:
    """The Standard Webhooks check: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, any secret, any signature."""
    msg_id, timestamp, signatures = (headers.get(h, "") for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if not msg_id or not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # missing headers, or a replay of an old request
    signed = f"{msg_id}.{timestamp}.".encode() + body
    expected = [base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()) for key in SECRETS]
    for candidate in signatures.split():
        version, _, signature = candidate.partition(",")
        if version == "v1" and any(hmac.compare_digest(signature.encode(), e) for e in expected):
            return True
    return False


def handle(db: sqlite3.Connection, webhook_id: str, event: dict) -> str:
    """Returns what happened, for the log. Both writes commit together, or neither."""
    with db:  # one transaction
        fresh = db.execute(
            "INSERT INTO processed_webhooks (webhook_id, type) VALUES (?, ?) ON CONFLICT DO NOTHING", (webhook_id, event["type"])
        ).rowcount == 1
        if not fresh:
            return f"duplicate {webhook_id}"
        data = event["data"]
        if event["type"] not in ("invoice.paid", "invoice.overpaid"):
            return f"ignored {event['type']} {webhook_id}"  # partial, destination.test, an alert: nothing to fulfil
        if data["test_mode"] is True or data["order_id"] is None:
            return f"ignored {event['type']} {webhook_id}"
        # Exact decimals: Decimal("0.4567"), never float(). In your shop, compare the amount and
        # currency with the order's price here before you mark it paid.
        amount = Decimal(data["amount_crypto"])
        changed = db.execute(
            "INSERT INTO orders (id, status, invoice_id, amount, currency) VALUES (?, 'paid', ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET status = 'paid' WHERE orders.status != 'paid'",
            (data["order_id"], data["invoice_id"], str(amount), data["currency"]),
        ).rowcount == 1
        return f"paid {data['order_id']} {data['invoice_id']} {amount} {data['currency']}" if changed else f"already paid {data['order_id']}"


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length") or 0))  # the raw bytes: verify before parsing
        if not verify(self.headers, body):
            self.send_response(401)
            self.end_headers()
            return
        db = sqlite3.connect(DB_PATH)
        try:
            print(handle(db, self.headers["webhook-id"], json.loads(body)), flush=True)
        finally:
            db.close()
        self.send_response(204)  # answer fast; fulfil from the orders table in a job
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    sqlite3.connect(DB_PATH).executescript(SCHEMA)
    server = ThreadingHTTPServer(("127.0.0.1", int(os.environ.get("PORT", "3000"))), Receiver)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    server.serve_forever()
