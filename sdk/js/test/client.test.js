// node --test sdk/js/test/  — against a local host (scripts/test.sh starts one and sets LICENSING_API and
// LICENSING_ADMIN_KEY) and offline. Certificates are checked with WebCrypto only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { b64urlDecode, b64urlEncode, createLicenseClient, isDelegated, isSignedKey, memoryStorage, parseJwks, rootKeys, verifyCertificate, verifyDelegation, verifyKeyOffline } from '../src/index.js';

const api = process.env.LICENSING_API;
const admin = process.env.LICENSING_ADMIN_KEY;
assert.ok(api && admin, 'set LICENSING_API and LICENSING_ADMIN_KEY (scripts/test.sh does)');

async function call(method, path, body, bearer) {
  const r = await fetch(api + path, { method, headers: { 'content-type': 'application/json', ...(bearer && { authorization: `Bearer ${bearer}` }) }, body: body && JSON.stringify(body) });
  return { status: r.status, json: r.status === 204 ? null : await r.json() };
}

async function license(plan = 'pro', keyFormat = 'signed') {
  const account = await call('POST', 'v1/accounts', { name: 'JS', email: 'js@example.com', tier: 'business' }, admin);
  const key = account.json.apiKey;
  await call('PUT', 'v1/products/widget', { name: 'Widget', keyFormat, plans: [{ id: 'pro', model: 'subscription', durationDays: 365, maxActivations: 2, features: ['export'] }] }, key);
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

test('a trial says it is one through its certificate; a paid license does not', async () => {
  const { apiKey, licenseKey, jwks } = await license();
  await call('PUT', 'v1/products/trial-widget', { name: 'Trial Widget', plans: [{ id: 'pro', model: 'subscription', durationDays: 365, maxActivations: 1, trialDays: 14 }] }, apiKey);
  const { accountId } = (await call('GET', 'v1/account', null, apiKey)).json;
  const trial = await call('POST', 'v1/trials', { accountId, productId: 'trial-widget', plan: 'pro', customerEmail: `js-${Date.now()}-${Math.random().toString(16).slice(2)}@example.com`, domain: 'trial.example-customer.com' });
  assert.equal(trial.status, 201);
  const client = createLicenseClient({ baseUrl: api, jwks });
  const t = await client.validate(trial.json.licenseKey, { domain: 'trial.example-customer.com' });
  assert.equal(t.valid, true);
  assert.equal(t.isTrial, true);
  assert.equal(t.certificate.trial, true);
  const paid = await client.validate(licenseKey, { domain: 'shop.example-customer.com' });
  assert.equal(paid.valid, true);
  assert.equal(paid.isTrial, false);
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

test('a short key is checked by the server; its certificate then carries it offline for that key only', async () => {
  const { licenseKey, licenseId, jwks } = await license('pro', 'short');
  assert.match(licenseKey, /^[0-9A-Z]{5}(-[0-9A-Z]{5}){4}$/);
  assert.equal(isSignedKey(licenseKey), false);
  const storage = memoryStorage();
  const online = createLicenseClient({ baseUrl: api, jwks, storage });
  const s = await online.validate(licenseKey.toLowerCase(), { domain: 'shop.example-customer.com' });
  assert.equal(s.code, 'VALID', s.detail);
  assert.equal(s.certificate.sub, licenseId);
  const offline = createLicenseClient({ baseUrl: api, jwks, storage, fetch: failingFetch(503) });
  const kept = await offline.validate(licenseKey.toLowerCase(), { domain: 'shop.example-customer.com' });
  assert.ok(kept.valid && kept.offline, kept.detail);
  const other = await offline.validate(licenseKey.slice(0, -1) + (licenseKey.endsWith('A') ? 'B' : 'A'), { domain: 'shop.example-customer.com' });
  assert.equal(other.valid, false);
});

test('a forged key is refused without a request', async () => {
  const { jwks } = await license();
  const client = createLicenseClient({ baseUrl: api, jwks, fetch: async () => { throw new Error('no request expected'); } });
  assert.equal((await client.validate('LK1.forged')).code, 'NOT_FOUND');
});

// --- Keys that are not root keys forge nothing -------------------------------------------------------------------

const N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');
const enc = (s) => new TextEncoder().encode(s);
const json64 = (o) => b64urlEncode(enc(JSON.stringify(o)));

/** ES256 with the attacker's key, S in the lower half (docs/license-keys.md), raw R||S. */
async function es256(privateKey, input) {
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, enc(input)));
  const s = BigInt('0x' + Buffer.from(sig.slice(32)).toString('hex'));
  if (s > N / 2n) sig.set(Buffer.from((N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  return b64urlEncode(sig);
}
const jws = async (privateKey, header, claims) => {
  const input = json64(header) + '.' + json64(claims);
  return input + '.' + (await es256(privateKey, input));
};

async function attackerKey(kid) {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  const { x, y } = await crypto.subtle.exportKey('jwk', pair.publicKey);
  return { privateKey: pair.privateKey, jwk: { kty: 'EC', crv: 'P-256', x, y, kid, alg: 'ES256', use: 'sig' } };
}

/** A license key in the documented format naming the ids of `genuine`, signed with the attacker's key under its kid. */
async function forgeKey(attacker, genuine) {
  const payload = b64urlDecode(genuine.slice(4, 40));
  payload.set(new Uint8Array(await crypto.subtle.digest('SHA-256', enc(attacker.jwk.kid))).slice(0, 6), 1);
  const input = 'LK1.' + b64urlEncode(payload);
  return input + '.' + (await es256(attacker.privateKey, input));
}

const fakeDelegation = (attacker, namedRootKid) => {
  const now = Math.floor(Date.now() / 1000);
  return jws(attacker.privateKey, { alg: 'ES256', typ: 'dlg+jwt', kid: namedRootKid },
    { iss: 'urn:licensing', sub: attacker.jwk.kid, jwk: attacker.jwk, iat: now, nbf: now, exp: now + 30 * 86400 });
};

async function validCertificate() {
  const lic = await license();
  const v = await call('POST', 'v1/validate', { key: lic.licenseKey, domain: 'shop.example-customer.com' });
  assert.equal(v.json.code, 'VALID');
  return { ...lic, certificate: v.json.certificate, jwks: await (await fetch(api + 'v1/keys')).json() };
}

test('the JWKS lists root keys plain and delegated keys with a dlg proof that verifies against a root key', async () => {
  const { jwks } = await validCertificate();
  const keys = parseJwks(jwks);
  assert.equal(keys.length, jwks.keys.length);
  assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
  const delegated = keys.filter(isDelegated);
  assert.ok(delegated.length > 0);
  assert.ok(rootKeys(keys).length > 0 && rootKeys(keys).every((k) => !('dlg' in k) && !k.kid.startsWith('dlg-')));
  for (const k of delegated) {
    assert.ok(k.kid.startsWith('dlg-'));
    const proven = await verifyDelegation(k.dlg, keys);
    assert.deepEqual([proven.kid, proven.x, proven.y], [k.kid, k.x, k.y]);
  }
});

for (const rootKid of [false, true]) {
  test(`a key and certificates signed by a key that is not a root key are refused, even when the JWKS lists it (${rootKid ? "under the root's kid" : 'as a dlg- key'})`, async () => {
    const { licenseKey, certificate, jwks } = await validCertificate();
    const root = JSON.parse(new TextDecoder().decode(b64urlDecode(JSON.parse(new TextDecoder().decode(b64urlDecode(certificate.split('.')[0]))).dlg.split('.')[0]))).kid;
    const attacker = await attackerKey(rootKid ? root : 'dlg-' + Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex'));
    const forged = await forgeKey(attacker, licenseKey);
    assert.notEqual(forged, licenseKey);

    // The server: NOT_FOUND.
    assert.equal((await call('POST', 'v1/validate', { key: forged })).json.code, 'NOT_FOUND');

    const proof = await fakeDelegation(attacker, root);
    const claims = JSON.parse(new TextDecoder().decode(b64urlDecode(certificate.split('.')[1])));
    const pirate = { ...claims, domain: 'pirate.example' };
    const direct = await jws(attacker.privateKey, { alg: 'ES256', typ: 'JWT', kid: attacker.jwk.kid, dlg: proof }, pirate);
    const other = await attackerKey('dlg-0000000000000001');
    const otherProof = await jws(attacker.privateKey, { alg: 'ES256', typ: 'dlg+jwt', kid: attacker.jwk.kid },
      { iss: 'urn:licensing', sub: other.jwk.kid, jwk: other.jwk, iat: claims.iat, nbf: claims.iat, exp: claims.exp });
    const chain = await jws(other.privateKey, { alg: 'ES256', typ: 'JWT', kid: other.jwk.kid, dlg: otherProof }, pirate);

    for (const listed of [attacker.jwk, { ...attacker.jwk, dlg: proof }]) {
      const poisoned = { keys: [...jwks.keys, listed] };
      const keys = parseJwks(poisoned);
      assert.equal(await verifyKeyOffline(forged, keys), null);
      const offline = createLicenseClient({ baseUrl: api, jwks: poisoned, fetch: async () => { throw new Error('no request expected'); } });
      assert.equal((await offline.validate(forged)).code, 'NOT_FOUND');
      assert.equal(await verifyDelegation(proof, keys), null);
      for (const cert of [direct, chain]) {
        assert.equal(await verifyCertificate(cert, keys), null);
        const answers = async () => new Response(JSON.stringify({ valid: true, code: 'VALID', detail: 'license is valid', certificate: cert }), { status: 200 });
        const s = await createLicenseClient({ baseUrl: api, jwks: poisoned, fetch: answers }).validate(licenseKey, { domain: 'pirate.example' });
        assert.equal(s.valid, false);
        // A kid listed twice verifies nothing (which key is genuine cannot be told): the key itself is refused first.
        assert.equal(s.code, rootKid ? 'NOT_FOUND' : 'CERTIFICATE_INVALID');
      }
    }
    // What the server publishes still verifies the genuine key and certificate.
    assert.ok(await verifyKeyOffline(licenseKey, parseJwks(jwks)));
    assert.ok(await verifyCertificate(certificate, parseJwks(jwks)));
  });
}
