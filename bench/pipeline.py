#!/usr/bin/env python3
"""Issuance rate and a Stripe webhook burst against a running local host (docs/performance.md).

  bench/pipeline.py --base-url http://127.0.0.1:7071/api --admin-key KEY [--events 1000] [--issue 500] [--import-keys 2000]

Needs: the local host (its Azurite, its queues and timers running), smtp4dev (API on http://127.0.0.1:5000) receiving
the host's e-mail. Creates its own account and product, then:
  1. issuance: --issue licenses through POST /v1/licenses at concurrency 16 -> licenses/s;
  2. import: --import-keys keys sold elsewhere through POST /v1/licenses/import, 1,000 per request, one request at a
     time as the command line sends them; four in five with a status or a past expiry, as in an EDD export -> keys/s;
  3. burst: --events signed checkout.session.completed events (one customer each, unique addresses of this run)
     posted at once (--senders concurrent connections) -> time until every webhook answered, every license exists
     (GET /v1/licenses pages, every second) and every e-mail reached smtp4dev (searched by this run's address suffix
     every 0.1 s; smtp4dev keeps only its newest messages, so every recipient ever seen counts), and the rate
     of each stage. Python standard library only.
"""
import argparse
import concurrent.futures
import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

SECRET = "whsec_pipeline_bench_secret"


def call(method, url, body=None, bearer=None, headers=None, raw=None):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if bearer:
        request.add_header("Authorization", "Bearer " + bearer)
    for k, v in (headers or {}).items():
        request.add_header(k, v)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            text = response.read()
            return response.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def checkout_event(run, i, account):
    session = {
        "id": f"cs_{run}_{i}", "object": "checkout.session", "mode": "payment", "payment_status": "paid",
        "status": "complete", "customer_details": {"email": f"burst{i}-{run}@perf-burst.example", "name": "Burst"},
        "metadata": {"productId": "bench-plugin", "plan": "pro"}, "subscription": None, "payment_intent": None,
    }
    event = {
        "id": f"evt_{run}_{i}", "object": "event", "api_version": "2025-11-17.clover", "created": int(time.time()),
        "data": {"object": session}, "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None}, "type": "checkout.session.completed", "account": None,
    }
    return json.dumps(event).encode()


def stripe_signature(payload):
    t = str(int(time.time()))
    v1 = hmac.new(SECRET.encode(), (t + ".").encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={v1}"


def count_licenses(base, api_key, product):
    total, token = 0, None
    while True:
        url = f"{base}/v1/licenses?productId={product}" + (f"&continuationToken={urllib.parse.quote(token)}" if token else "")
        status, page = call("GET", url, bearer=api_key)
        if status != 200:
            raise SystemExit(f"listing licenses: {status} {page}")
        total += len(page["items"])
        token = page.get("continuationToken")
        if not token:
            return total


def seen_emails(smtp4dev, run, seen):
    """smtp4dev keeps only its newest messages (100 by default, shared by everyone): polled often, and every recipient of
    this run ever listed is counted, so a message delivered and then evicted still counts."""
    with urllib.request.urlopen(f"{smtp4dev}/api/messages?pageSize=500&searchTerms={run}", timeout=30) as r:
        for message in json.loads(r.read())["results"]:
            seen.update(t for t in message["to"] if run in t)
    return len(seen)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base-url", required=True)
    p.add_argument("--admin-key", required=True)
    p.add_argument("--smtp4dev", default="http://127.0.0.1:5000")
    p.add_argument("--events", type=int, default=1000)
    p.add_argument("--issue", type=int, default=500)
    p.add_argument("--import-keys", type=int, default=2000)
    p.add_argument("--senders", type=int, default=100)
    p.add_argument("--timeout", type=int, default=900)
    a = p.parse_args()
    base, run = a.base_url.rstrip("/"), uuid.uuid4().hex[:12]

    status, account = call("POST", f"{base}/v1/accounts", {"name": "Pipeline bench", "email": f"founder-{run}@perf-burst.example",
                                                            "tier": "unlimited"}, a.admin_key)
    assert status == 201, (status, account)
    account_id, api_key = account["accountId"], account["apiKey"]
    product = {"name": "Bench Plugin", "plans": [{"id": "pro", "name": "Pro", "model": "subscription", "durationDays": 365,
                                                  "maxActivations": 3, "features": ["core"]}]}
    assert call("PUT", f"{base}/v1/products/bench-plugin", product, api_key)[0] == 201
    assert call("PUT", f"{base}/v1/integrations/stripe", {"webhookSecret": SECRET}, api_key)[0] == 204
    print(f"run {run}: account {account_id}")

    # 1. Issuance through the API (licenses of another product, so the burst's count is its own).
    assert call("PUT", f"{base}/v1/products/issued-plugin", product, api_key)[0] == 201
    def issue(i):
        s, body = call("POST", f"{base}/v1/licenses", {"productId": "issued-plugin", "customerEmail": f"issued{i}-{run}@perf-burst.example",
                                                      "plan": "pro", "domains": [f"site{i}.example.com"]}, api_key)
        return s == 201
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        issued = sum(pool.map(issue, range(a.issue)))
    elapsed = time.monotonic() - started
    print(f"issuance: {issued}/{a.issue} licenses in {elapsed:.2f} s = {issued / elapsed:.0f} licenses/s (concurrency 16)")

    # 2. An import of keys sold elsewhere (their own product, so the burst's count stays its own).
    if a.import_keys:
        assert call("PUT", f"{base}/v1/products/imported-plugin", product, api_key)[0] == 201
        statuses = ["active", "expired", "revoked", "suspended", "active"]
        past = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 86400 * 30))
        items = [{"key": f"EDD-{run}-{i:06d}", "customerEmail": f"imported{i}-{run}@perf-burst.example", "plan": "pro",
                  "status": statuses[i % 5], **({"expiresAt": past} if i % 5 == 4 else {})} for i in range(a.import_keys)]
        started, imported = time.monotonic(), 0
        for batch in range(0, len(items), 1000):
            s, body = call("POST", f"{base}/v1/licenses/import", {"productId": "imported-plugin", "licenses": items[batch:batch + 1000]}, api_key)
            assert s == 200 and not body["errors"], (s, body)
            imported += body["imported"]
        elapsed = time.monotonic() - started
        print(f"import: {imported}/{a.import_keys} keys in {elapsed:.2f} s = {imported / elapsed:.0f} keys/s (1,000 per request, one at a time)")
    if not a.events:
        return 0

    # 3. The burst: every event built and signed first, then all posted at once.
    payloads = [checkout_event(run, i, account_id) for i in range(a.events)]
    url = f"{base}/v1/webhooks/stripe/{account_id}"
    def post(payload):
        return call("POST", url, raw=payload, headers={"Stripe-Signature": stripe_signature(payload)})[0]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(a.senders) as pool:
        statuses = list(pool.map(post, payloads))
    accepted_at = time.monotonic() - started
    bad = [s for s in statuses if not 200 <= s < 300]
    print(f"webhooks: {len(statuses) - len(bad)}/{a.events} answered 2xx in {accepted_at:.2f} s = {a.events / accepted_at:.0f} events/s"
          + (f" ({len(bad)} failed: {sorted(set(bad))})" if bad else ""))

    licensed_at = mailed_at = None
    licenses = emails = 0
    seen, next_count = set(), 0.0
    while time.monotonic() - started < a.timeout and (licensed_at is None or mailed_at is None):
        if licensed_at is None and time.monotonic() >= next_count:
            licenses = count_licenses(base, api_key, "bench-plugin")
            if licenses >= a.events:
                licensed_at = time.monotonic() - started
            next_count = time.monotonic() + 1.0
        emails = seen_emails(a.smtp4dev, run, seen)
        if emails >= a.events and mailed_at is None:
            mailed_at = time.monotonic() - started
        time.sleep(0.1)
    def stage(name, at, n):
        if at is None:
            print(f"{name}: only {n}/{a.events} after {a.timeout} s")
        else:
            print(f"{name}: all {a.events} after {at:.2f} s = {a.events / at:.0f}/s from the first post")
    stage("licenses", licensed_at, licenses)
    stage("e-mails in smtp4dev", mailed_at, emails)
    if licensed_at and mailed_at:
        print(f"burst: 1 webhook -> license -> e-mail pipeline drained {a.events} events in {mailed_at:.2f} s")
    return 0 if licensed_at and mailed_at and not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())
