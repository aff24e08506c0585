// @licensing/client — ES module, no runtime dependencies, WebCrypto only. Works in browsers, browser extensions and
// Node 20+. Follows docs/license-keys.md and docs/certificates.md exactly.

const subtle = globalThis.crypto.subtle;
const HALF_ORDER = hexBytes('7FFFFFFF800000007FFFFFFFFFFFFFFFDE737D56D38BCF4279DCE5617E3192A8');

function hexBytes(hex) { return Uint8Array.from(hex.match(/../g).map((b) => parseInt(b, 16))); }
function hex(bytes) { return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(''); }
const ascii = (s) => new TextEncoder().encode(s);

export function b64urlDecode(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) throw new Error('not base64url');
  const s = text.replace(/-/g, '+').replace(/_/g, '/') + '==='.slice((text.length + 3) % 4);
  const bin = atob(s);
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}
export function b64urlEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
function decodeCanonical(text, length) {
  try {
    const bytes = b64urlDecode(text);
    return bytes.length === length && b64urlEncode(bytes) === text ? bytes : null;
  } catch { return null; }
}
function isLowS(sig) {
  for (let i = 0; i < 32; i++) {
    if (sig[32 + i] < HALF_ORDER[i]) return true;
    if (sig[32 + i] > HALF_ORDER[i]) return false;
  }
  return true;
}

/** Every delegated kid starts with this; no root kid does. */
export const DELEGATED_KID_PREFIX = 'dlg-';

/** A delegated key: the JWK has a `dlg` member (its root-signed delegation) or a kid in the delegated namespace. Never a root key. */
export function isDelegated(jwk) {
  return Object.prototype.hasOwnProperty.call(jwk, 'dlg') || typeof jwk.kid !== 'string' || jwk.kid.startsWith(DELEGATED_KID_PREFIX);
}

/**
 * The root keys of a set (docs/license-keys.md step 1): the keys that are not delegated, less any kid that appears
 * more than once in the set (which of them is genuine cannot be told, so none is used).
 */
export function rootKeys(keys) {
  const count = new Map();
  for (const k of keys) count.set(k.kid, (count.get(k.kid) ?? 0) + 1);
  return keys.filter((k) => !isDelegated(k) && count.get(k.kid) === 1);
}

/** Parses a JWKS (GET /v1/keys) into its EC P-256 ES256 keys, root and delegated; `rootOnly` keeps the root keys. */
export function parseJwks(jwks, { rootOnly = false } = {}) {
  const doc = typeof jwks === 'string' ? JSON.parse(jwks) : jwks;
  const keys = doc.keys.filter((k) => k && k.kty === 'EC' && k.crv === 'P-256' && (k.alg === undefined || k.alg === 'ES256')
    && typeof k.kid === 'string' && typeof k.x === 'string' && typeof k.y === 'string');
  return rootOnly ? rootKeys(keys) : keys;
}

async function verifyWith(jwk, data, signature) {
  try {
    const key = await subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
    return await subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, signature, data);
  } catch { return false; } // not a P-256 point: verifies nothing
}

/**
 * Whether the key is a signed key (`LK1.`…), the only kind checked offline. A short key (`XXXXX-XXXXX-XXXXX-XXXXX-XXXXX`)
 * carries a MAC only the server can check: it is sent to the server, and offline trust rests on its certificate.
 */
export function isSignedKey(key) { return typeof key === 'string' && key.startsWith('LK1.'); }

async function keyHash(key) { return hex(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(key)))); }

/** docs/license-keys.md: { accountId, licenseId } for a key signed by a root key of `keys`, else null. No network. */
export async function verifyKeyOffline(key, keys) {
  if (!isSignedKey(key) || key.length !== 127 || key[40] !== '.') return null;
  const payload = decodeCanonical(key.slice(4, 40), 27);
  const signature = decodeCanonical(key.slice(41), 64);
  if (!payload || !signature || payload[0] !== 1 || !isLowS(signature)) return null;
  const input = ascii(key.slice(0, 40));
  for (const jwk of rootKeys(keys)) {
    const hint = new Uint8Array(await subtle.digest('SHA-256', ascii(jwk.kid))).slice(0, 6);
    if (hex(hint) !== hex(payload.slice(1, 7))) continue;
    if (await verifyWith(jwk, input, signature)) {
      return { accountId: 'acct_' + hex(payload.slice(7, 15)), licenseId: 'lic_' + hex(payload.slice(15, 27)) };
    }
  }
  return null;
}

function parseJws(token) {
  const parts = typeof token === 'string' ? token.split('.') : [];
  if (parts.length !== 3) return null;
  try {
    const json = (p) => JSON.parse(new TextDecoder().decode(b64urlDecode(p)));
    const signature = b64urlDecode(parts[2]);
    const header = json(parts[0]);
    const claims = json(parts[1]);
    const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
    if (signature.length !== 64 || !isObject(header) || !isObject(claims)) return null;
    return { header, claims, input: ascii(parts[0] + '.' + parts[1]), signature };
  } catch { return null; }
}

const isSeconds = (v) => Number.isSafeInteger(v) && v >= 0;

/**
 * docs/certificates.md: the delegated key a delegation certifies, or null. An ES256 JWS of type dlg+jwt, signed
 * (low-S) by the root key of `keys` its header names, issued by urn:licensing, whose `jwk` is the P-256 key of its
 * `sub`, valid at `now` (ms). To check a delegated JWK of the JWKS, compare the result's kid, x and y with it.
 */
export async function verifyDelegation(delegation, keys, now = Date.now(), skewSeconds = 300) {
  const dlg = parseJws(delegation);
  if (!dlg || dlg.header.alg !== 'ES256' || dlg.header.typ !== 'dlg+jwt') return null;
  const root = rootKeys(keys).find((k) => k.kid === dlg.header.kid);
  if (!root || !isLowS(dlg.signature) || !(await verifyWith(root, dlg.input, dlg.signature))) return null;
  const { iss, sub, jwk, nbf, exp } = dlg.claims;
  if (iss !== 'urn:licensing' || typeof sub !== 'string' || !jwk || typeof jwk !== 'object') return null;
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || jwk.kid !== sub || typeof jwk.x !== 'string' || typeof jwk.y !== 'string') return null;
  if (!isSeconds(nbf) || !isSeconds(exp) || nbf * 1000 > now + skewSeconds * 1000 || exp * 1000 < now - skewSeconds * 1000) return null;
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: sub, alg: 'ES256', use: 'sig', dlg: delegation };
}

/**
 * docs/certificates.md: verifies the delegation (dlg) with a root key of `keys`, then the certificate with the
 * delegated key, then its lifetime at `now` (ms). Returns the claims or null.
 */
export async function verifyCertificate(token, keys, now = Date.now(), skewSeconds = 300) {
  const cert = parseJws(token);
  if (!cert || cert.header.alg !== 'ES256') return null;
  const delegated = await verifyDelegation(cert.header.dlg, keys, now, skewSeconds);
  if (!delegated || delegated.kid !== cert.header.kid || !(await verifyWith(delegated, cert.input, cert.signature))) return null;
  const c = cert.claims;
  if (!isSeconds(c.exp) || !isSeconds(c.nbf) || c.exp * 1000 < now - skewSeconds * 1000 || c.nbf * 1000 > now + skewSeconds * 1000) return null;
  return { ...c, token };
}

/** Storage adapters: a small async key-value interface { get(name), set(name, value|null) }. */
export function memoryStorage() {
  const m = new Map();
  return { async get(n) { return m.has(n) ? m.get(n) : null; }, async set(n, v) { if (v == null) m.delete(n); else m.set(n, v); } };
}
export function localStorageStorage(prefix = 'licensing:') {
  return {
    async get(n) { return globalThis.localStorage.getItem(prefix + n); },
    async set(n, v) { if (v == null) globalThis.localStorage.removeItem(prefix + n); else globalThis.localStorage.setItem(prefix + n, v); },
  };
}
export function chromeStorage(area = globalThis.chrome?.storage?.local, prefix = 'licensing:') {
  return {
    async get(n) { const r = await area.get(prefix + n); return r[prefix + n] ?? null; },
    async set(n, v) { if (v == null) await area.remove(prefix + n); else await area.set({ [prefix + n]: v }); },
  };
}

/**
 * The client: check the key offline, ask the server, keep the signed certificate, re-ask after revalidateAfter,
 * and when the server cannot be reached keep the last verdict until the certificate expires. 5xx, 429 and network
 * faults never become "unlicensed".
 */
export function createLicenseClient({ baseUrl, jwks, storage = memoryStorage(), productId, now = () => Date.now(), fetch: fetchImpl = globalThis.fetch, clockToleranceSeconds = 600 }) {
  const roots = parseJwks(jwks, { rootOnly: true });
  const base = baseUrl.endsWith('/') ? baseUrl : baseUrl + '/';
  let current = null;
  const state = (valid, code, detail, certificate = null, offline = false) => ({
    valid, code, detail, certificate, offline,
    hasFeature: (f) => valid && !!certificate && certificate.features.includes(f),
    // The certificate's `trial` claim (docs/trials.md): show "trial" and a buy button.
    isTrial: valid && !!certificate && certificate.trial === true,
  });
  const context = (domain, fingerprint) => `domain=${domain ?? ''}\nfingerprint=${fingerprint ?? ''}`;

  async function tampered() {
    const last = Number(await storage.get('last-seen'));
    return last && now() < last * 1000 - clockToleranceSeconds * 1000
      ? state(false, 'CLOCK_TAMPERED', `the clock is before ${new Date(last * 1000).toISOString()}, the newest certificate seen`) : null;
  }
  // A signed key names its license (checked offline); any other key (a short key) is bound to the certificate given for it.
  async function names(key, cert, fresh) {
    if (!isSignedKey(key)) return fresh || (await storage.get('certificate-key')) === (await keyHash(key));
    const ids = await verifyKeyOffline(key, roots);
    return !!ids && cert.sub === ids.licenseId;
  }
  async function stored(key, domain, fingerprint) {
    const cert = await verifyCertificate(await storage.get('certificate'), roots, now(), 0);
    if (!cert || !(await names(key, cert, false))) return null;
    return (await storage.get('certificate-for')) === context(domain, fingerprint) ? cert : null;
  }
  async function remember(result, certificate, domain, fingerprint) {
    await storage.set('certificate', certificate?.token ?? null);
    if (certificate) await storage.set('certificate-for', context(domain, fingerprint));
    const seen = certificate ? certificate.iat : Math.floor(now() / 1000);
    if (!(Number(await storage.get('last-seen')) >= seen)) await storage.set('last-seen', String(seen));
    return result;
  }
  async function keepLast(key, domain, fingerprint, why) {
    const cert = await stored(key, domain, fingerprint);
    if (cert) return state(true, 'VALID', `${why}; using the stored certificate until ${new Date(cert.exp * 1000).toISOString()}`, cert, true);
    return (await storage.get('certificate'))
      ? state(false, 'CERTIFICATE_EXPIRED', `${why}; the stored certificate's offline grace has ended`, null, true)
      : state(false, 'UNREACHABLE', `${why}; no certificate yet`, null, true);
  }
  async function send(path, body, key, domain, fingerprint) {
    let response;
    try {
      response = await fetchImpl(base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    } catch (e) {
      return keepLast(key, domain, fingerprint, `the licensing service could not be reached: ${e.message}`);
    }
    if (response.status >= 500 || response.status === 429) return keepLast(key, domain, fingerprint, `the licensing service answered ${response.status}`);
    const json = await response.json();
    if (response.status !== 200) return state(false, json.code ?? String(response.status), json.detail ?? 'request refused');
    if (json.code !== 'VALID') return remember(state(false, json.code, json.detail), null, domain, fingerprint);
    const cert = await verifyCertificate(json.certificate, roots, now());
    if (!cert || !(await names(key, cert, true))) return state(false, 'CERTIFICATE_INVALID', "the server's certificate did not verify against the pinned keys");
    await storage.set('certificate-key', await keyHash(key));
    return remember(state(true, 'VALID', json.detail, cert), cert, domain, fingerprint);
  }

  return {
    get current() { return current; },
    hasFeature(feature) { return !!current && current.hasFeature(feature); },

    /** The periodic entry point: the stored certificate while before revalidateAfter, else the server. */
    async check(key, { domain, fingerprint } = {}) {
      const t = await tampered();
      if (t) return (current = t);
      const cert = await stored(key, domain, fingerprint);
      if (cert && now() < cert.rva * 1000) return (current = state(true, 'VALID', 'certificate still fresh', cert));
      return this.validate(key, { domain, fingerprint });
    },

    async validate(key, { domain, fingerprint, features } = {}) {
      if (isSignedKey(key) && !(await verifyKeyOffline(key, roots))) return (current = await remember(state(false, 'NOT_FOUND', 'license key not recognised'), null));
      const t = await tampered();
      if (t) return (current = t);
      const body = { key, ...(domain && { domain }), ...(fingerprint && { fingerprint }), ...(features && { features }), ...(productId && { productId }) };
      return (current = await send('v1/validate', body, key, domain, fingerprint));
    },

    async activate(key, { domain, fingerprint, name } = {}) {
      return (current = await send('v1/activate', { key, ...(domain && { domain }), ...(fingerprint && { fingerprint }), ...(name && { name }) }, key, domain, fingerprint));
    },

    async deactivate(key, { domain, fingerprint } = {}) {
      const response = await fetchImpl(base + 'v1/deactivate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, ...(domain && { domain }), ...(fingerprint && { fingerprint }) }) });
      if (response.status !== 200) return false;
      const json = await response.json();
      if (json.deactivated) { await storage.set('certificate', null); current = null; }
      return json.deactivated;
    },
  };
}
