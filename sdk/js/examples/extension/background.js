// A browser extension whose license is bound to the sites it runs on (domain activations). Copy src/index.js next
// to this file as licensing.js, paste GET /v1/keys into keys.json at build time, and set the license key in options.
import { createLicenseClient, chromeStorage } from './licensing.js';
import jwks from './keys.json' with { type: 'json' };

const client = createLicenseClient({
  baseUrl: 'https://my-licensing.azurewebsites.net/api/',
  jwks,                                  // pinned root keys: keys and certificates are checked offline
  storage: chromeStorage(chrome.storage.local),
});

async function licensedFor(url) {
  const { licenseKey } = await chrome.storage.sync.get('licenseKey');
  if (!licenseKey) return false;
  const domain = new URL(url).hostname;
  let state = await client.check(licenseKey, { domain });          // offline while the certificate is fresh
  if (!state.valid && state.code === 'DOMAIN_MISMATCH') {
    state = await client.activate(licenseKey, { domain });        // take a slot if one is free
  }
  return state.valid;                                              // faults keep the last verdict, never "unlicensed"
}

chrome.tabs.onUpdated.addListener(async (tabId, info, tab) => {
  if (info.status !== 'complete' || !tab.url?.startsWith('http')) return;
  const ok = await licensedFor(tab.url);
  await chrome.action.setBadgeText({ tabId, text: ok ? '' : '!' });
  if (ok && client.hasFeature('export')) { /* enable the paid feature on this tab */ }
});
