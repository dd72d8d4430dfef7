<?php
// A receiver for cryptocloud-postback's events: PHP 7.4+, no extension beyond the defaults.
//
//     FORWARD_SECRET=whsec_... php -S 127.0.0.1:3000 receiver.php
//
// It verifies the Standard Webhooks signature by hand (HMAC-SHA256, hash_equals, a 5-minute timestamp
// tolerance), then handles each event once. This file keeps its state in files opened with mode "x"
// (create, fail if it exists: an atomic constraint on any filesystem). In your shop (WooCommerce,
// WHMCS) use your database the same way: a UNIQUE key on the webhook-id (INSERT IGNORE) and
// `UPDATE orders SET status = 'paid' WHERE id = ? AND status != 'paid'`, in one transaction.

const TOLERANCE_SECONDS = 300;

/** The Standard Webhooks check: v1,<base64 HMAC-SHA256 of "id.timestamp.body">, any secret, any signature. */
function verify_webhook(string $body, array $secrets): bool
{
    $id = $_SERVER['HTTP_WEBHOOK_ID'] ?? '';
    $timestamp = $_SERVER['HTTP_WEBHOOK_TIMESTAMP'] ?? '';
    $signatures = $_SERVER['HTTP_WEBHOOK_SIGNATURE'] ?? '';
    if ($id === '' || !ctype_digit($timestamp) || abs(time() - (int) $timestamp) > TOLERANCE_SECONDS) {
        return false; // missing headers, or a replay of an old request
    }
    foreach ($secrets as $secret) {
        $key = base64_decode(preg_replace('/^whsec_/', '', $secret), true);
        if ($key === false) {
            continue;
        }
        $expected = base64_encode(hash_hmac('sha256', "$id.$timestamp.$body", $key, true));
        foreach (preg_split('/\s+/', trim($signatures)) as $candidate) {
            $parts = explode(',', $candidate, 2);
            if (count($parts) === 2 && $parts[0] === 'v1' && hash_equals($expected, $parts[1])) {
                return true;
            }
        }
    }
    return false;
}

/** Creates $path only if it does not exist yet: true the first time, false ever after. */
function claim(string $path, string $content): bool
{
    $f = @fopen($path, 'x');
    if ($f === false) {
        return false;
    }
    fwrite($f, $content);
    fclose($f);
    return true;
}

/** Returns what happened, for the log. */
function handle(string $dir, string $webhookId, array $event): string
{
    $type = $event['type'] ?? '';
    $data = $event['data'] ?? [];
    $safe = fn (string $s): string => rawurlencode($s); // ids become file names
    // The order first, then the id: a crash between the two leaves the order paid and the id new, so
    // the retry finds the order already paid and changes nothing.
    if (($type === 'invoice.paid' || $type === 'invoice.overpaid') && ($data['test_mode'] ?? null) !== true && isset($data['order_id'])) {
        // amount_crypto is an exact decimal string: compare it with bccomp() or as strings, never as a float.
        $paid = claim("$dir/order-" . $safe($data['order_id']), json_encode($data));
        $what = $paid ? "paid {$data['order_id']} {$data['invoice_id']} {$data['amount_crypto']} {$data['currency']}" : "already paid {$data['order_id']}";
    } else {
        $what = "ignored $type $webhookId"; // partial, a test, destination.test, an alert: nothing to fulfil
    }
    return claim("$dir/webhook-" . $safe($webhookId), $type) ? $what : "duplicate $webhookId";
}

$secrets = preg_split('/[\s,]+/', trim(getenv('FORWARD_SECRET') ?: ''), -1, PREG_SPLIT_NO_EMPTY);
$dir = getenv('RECEIVER_DATA_DIR') ?: sys_get_temp_dir() . '/cryptocloud-receiver';
if (!is_dir($dir)) {
    mkdir($dir, 0700, true);
}

if ($_SERVER['REQUEST_METHOD'] !== 'POST') {
    http_response_code(405);
    return;
}
$body = file_get_contents('php://input'); // the raw bytes: verify before parsing
if (!verify_webhook($body, $secrets)) {
    http_response_code(401);
    return;
}
$event = json_decode($body, true);
file_put_contents('php://stderr', handle($dir, $_SERVER['HTTP_WEBHOOK_ID'], is_array($event) ? $event : []) . "\n");
http_response_code(204); // answer fast; fulfil paid orders in a job
