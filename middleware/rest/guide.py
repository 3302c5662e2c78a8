"""The OpenAPI document's `info.description`: what a shop developer needs before the first call."""

GUIDE = """\
Prices, the product mirror and order hand-over between a web shop and the ERP.

## Authentication
Every call except this document sends `Authorization: Bearer <shop API key>` (one of
`MIDDLEWARE_SHOP_API_KEYS`). A missing or wrong key answers `401`.

## Idempotency
`POST /orders` is idempotent on `order_number` and, when sent, the `Idempotency-Key` header: the same
order again answers the first answer (`Idempotent-Replayed: true`), the same number with different
content answers `409`. Retry a hand-over whose answer you did not see; never invent a new number for it.

## Provenance
Each price line carries `source`: `erp` (asked just now), `cache` (an ERP answer from the last minutes) or
`stale` (an older ERP answer, served while the ERP is unreachable). `fetched_at`/`valid_until` say how old
it is. A line the ERP cannot price has a `status` other than `ok` and no price, never `0.00`.

## Errors
Every error is RFC 9457 `application/problem+json` with a readable `detail`; a bad field answers `422`
naming it in `field`; a body that is not JSON answers `400`; unknown keys answer `404`. `503` with
`Retry-After` means the ERP is unavailable and nothing usable is cached. The API never answers `5xx` for
bad input.

## Webhooks
Register endpoints with `POST /webhook-endpoints` (the answer holds the signing secret, once). Each event
(see `webhooks`) is POSTed as JSON with `X-Middleware-Event-Id` and `X-Middleware-Signature:
t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>`. Events arrive at least once
(de-duplicate on `id`) and in order for one order. Answer any 2xx quickly; anything else is retried with
backoff. Verify before trusting the body and reject timestamps older than five minutes:

```python
import hashlib, hmac, time

def verify(secret: str, header: str, body: bytes, tolerance: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    t = int(parts.get("t", "0"))
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return abs(time.time() - t) <= tolerance and hmac.compare_digest(expected, parts.get("v1", ""))
```

```php
function verify(string $secret, string $header, string $body, int $tolerance = 300): bool {
    parse_str(str_replace(',', '&', $header), $parts);
    $t = (int)($parts['t'] ?? 0);
    $expected = hash_hmac('sha256', $t . '.' . $body, $secret);
    return abs(time() - $t) <= $tolerance && hash_equals($expected, $parts['v1'] ?? '');
}
// $ok = verify($secret, $_SERVER['HTTP_X_MIDDLEWARE_SIGNATURE'], file_get_contents('php://input'));
```
"""
