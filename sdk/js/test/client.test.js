// node --test sdk/js/test/  — against a local host (scripts/test.sh starts one and sets LICENSING_API and
// LICENSING_ADMIN_KEY) and offline. Certificates are checked with WebCrypto only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createLicenseClient, memoryStorage, parseJwks, verifyCertificate, verifyKeyOffline } from '../src/index.js';

const api = process.env.LICENSING_API;
const admin = process.env.LICENSING_ADMIN_KEY;
assert.ok(api && admin, 'set LICENSING_API and LICENSING_ADMIN_KEY (scripts/test.sh does)');

async function call(method, path, body, bearer) {
  const r = await fetch(api + path, { method, headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) }, body: body && JSON.stringify(body) });
  return { status: r.status, json: r.status === 204 ? null : await r.json() };
}

async function license(plan = 'pro') {
  const account = await call('POST', 'v1/accounts', { name: 'JS', email: 'js@example.com', tier: 'business' }, admin);
  const key = account.json.apiKey;
  await call('PUT', 'v1/products/widget', { name: 'Widget', plans: [{ id: 'pro', model: 'subscription', durationDays: 365, maxActivations: 2, features: ['export'] }] }, key);
  const l = await call('POST', 'v1/licenses', { productId: 'widget', customerEmail: 'c@example.com', plan, domains: ['shop.example-customer.com'] }, key);
  const jwks = await (await fetch(api + 'v1/keys')).json();
  return { apiKey: key, licenseKey: l.json.licenseKey, licenseId: l.json.licenseId, jwks };
}

const failingFetch = (status) => async () => new Response(JSON.stringify({ code: 'SERVICE_UNAVAILABLE', detail: 'down' }), { status });
const unreachable = async () => { throw new TypeError('fetch failed'); };

test('verifies the documented key vector and refuses a changed character', async () => {
  const doc = readFileSync(new URL('../../../docs/license-keys.md', import.meta.url), 'utf8');
  const block = (lang) => doc.match(new RegExp('```' + lang + '\\n([\\s\\S]*?)\\n```'))[1].trim();
  const keys = parseJwks(block('jwks'));
  const key = block('license-key');
  assert.deepEqual(await verifyKeyOffline(key, keys), { accountId: 'acct_8dd8b0965f9475c3', licenseId: 'lic_62ba527be2c6d86300018043' });
  assert.equal(await verifyKeyOffline(key.slice(0, 60) + (key[60] === 'A' ? 'B' : 'A') + key.slice(61), keys), null);
});

test('validates online; the certificate verifies through the chain with WebCrypto and pinned root keys', async () => {
  const { licenseKey, licenseId, jwks } = await license();
  const client = createLicenseClient({ baseUrl: api, jwks });
  const s = await client.validate(licenseKey, { domain: 'https://www.shop.example-customer.com/' });
  assert.equal(s.code, 'VALID', s.detail);
  assert.equal(s.certificate.sub, licenseId);
  assert.ok(client.hasFeature('export'));
  assert.ok(!client.hasFeature('white-label'));
  // The same certificate with only the delegated keys missing still verifies (chain); tampering does not.
  const roots = parseJwks(jwks, { rootOnly: true });
  assert.ok(await verifyCertificate(s.certificate.token, roots));
  const [h, p, sig] = s.certificate.token.split('.');
  assert.equal(await verifyCertificate(`${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`, roots), null);
});

test('offline it keeps the last verdict until the certificate expires; faults are never "unlicensed"', async () => {
  const { licenseKey, jwks } = await license();
  const storage = memoryStorage();
  const t0 = Date.now();
  const hour = 3600 * 1000;
  assert.equal((await createLicenseClient({ baseUrl: api, jwks, storage, now: () => t0 }).validate(licenseKey, { domain: 'shop.example-customer.com' })).code, 'VALID');

  const fresh = await createLicenseClient({ baseUrl: api, jwks, storage, now: () => t0 + hour, fetch: failingFetch(503) }).check(licenseKey, { domain: 'shop.example-customer.com' });
  assert.equal(fresh.valid, true);
  assert.equal(fresh.offline, false);
  const grace = await createLicenseClient({ baseUrl: api, jwks, storage, now: () => t0 + 80 * hour, fetch: failingFetch(503) }).check(licenseKey, { domain: 'shop.example-customer.com' });
  assert.equal(grace.valid, true);
  assert.equal(grace.offline, true);
  const down = await createLicenseClient({ baseUrl: api, jwks, storage, now: () => t0 + 80 * hour, fetch: unreachable }).check(licenseKey, { domain: 'shop.example-customer.com' });
  assert.equal(down.valid, true);
  const expired = await createLicenseClient({ baseUrl: api, jwks, storage, now: () => t0 + 250 * hour, fetch: failingFetch(503) }).check(licenseKey, { domain: 'shop.example-customer.com' });
  assert.equal(expired.code, 'CERTIFICATE_EXPIRED');
  assert.equal(expired.valid, false);
  const first = await createLicenseClient({ baseUrl: api, jwks, fetch: failingFetch(502) }).validate(licenseKey);
  assert.equal(first.code, 'UNREACHABLE');
});

test('a clock set back before the last certificate is detected', async () => {
  const { licenseKey, jwks } = await license();
  const storage = memoryStorage();
  await createLicenseClient({ baseUrl: api, jwks, storage }).validate(licenseKey);
  const s = await createLicenseClient({ baseUrl: api, jwks, storage, now: () => Date.now() - 2 * 24 * 3600 * 1000, fetch: failingFetch(503) }).check(licenseKey);
  assert.equal(s.code, 'CLOCK_TAMPERED');
});

test('revocation is refused online and drops the stored certificate', async () => {
  const { licenseKey, licenseId, apiKey, jwks } = await license();
  const storage = memoryStorage();
  const client = createLicenseClient({ baseUrl: api, jwks, storage });
  assert.equal((await client.validate(licenseKey)).code, 'VALID');
  await call('POST', `v1/licenses/${licenseId}/revoke`, null, apiKey);
  assert.equal((await client.validate(licenseKey)).code, 'REVOKED');
  assert.equal((await createLicenseClient({ baseUrl: api, jwks, storage, fetch: failingFetch(503) }).validate(licenseKey)).valid, false);
});

test('activates and deactivates a domain', async () => {
  const { licenseKey, jwks } = await license();
  const client = createLicenseClient({ baseUrl: api, jwks });
  const a = await client.activate(licenseKey, { domain: 'second-site.example-customer.com' });
  assert.equal(a.code, 'VALID', a.detail);
  assert.equal(a.certificate.domain, 'second-site.example-customer.com');
  assert.equal(await client.deactivate(licenseKey, { domain: 'second-site.example-customer.com' }), true);
});

test('a forged key is refused without a request', async () => {
  const { jwks } = await license();
  const client = createLicenseClient({ baseUrl: api, jwks, fetch: async () => { throw new Error('no request expected'); } });
  assert.equal((await client.validate('LK1.forged')).code, 'NOT_FOUND');
});
