#!/usr/bin/env node
// Lighthouse accessibility of the login page, the hazard list and a hazard detail (issue 10: each ≥ 95).
//
//   node scripts/lighthouse.mjs [base URL]        (default http://127.0.0.1:5000, as `make run` serves it)
//
// Lighthouse is not a dependency of the app (too heavy for every `npm ci`): a pinned copy is installed once
// into .cache/lighthouse. It drives Debian's Chromium (CHROME_PATH, default /usr/bin/chromium) through the
// puppeteer-core it ships with: the login page is audited signed out; then the script signs in as the demo
// officer in the same browser, and audits the two hazard pages without resetting storage (the session lives in
// IndexedDB). Prints one line per page and exits 1 if any score is under the bar.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const LIGHTHOUSE_VERSION = '12.8.2';
const BAR = 95;
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(ROOT, '.cache', 'lighthouse');
const BASE = (process.argv[2] || 'http://127.0.0.1:5000').replace(/\/$/, '');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
// As tests/e2e/conftest.py CHROMIUM_ARGS.
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PHONE = { mobile: true, width: 360, height: 740, deviceScaleFactor: 2, disabled: false };

function installLighthouse() {
  const manifest = join(CACHE, 'node_modules', 'lighthouse', 'package.json');
  const require = createRequire(import.meta.url);
  if (existsSync(manifest) && require(manifest).version === LIGHTHOUSE_VERSION) return;
  console.error(`installing lighthouse@${LIGHTHOUSE_VERSION} into ${CACHE} …`);
  execFileSync('npm', ['install', '--prefix', CACHE, '--no-save', '--no-audit', '--no-fund', `lighthouse@${LIGHTHOUSE_VERSION}`],
    { stdio: 'inherit' });
}

async function audit(lighthouse, page, url) {
  const flags = { onlyCategories: ['accessibility'], formFactor: 'mobile', screenEmulation: PHONE, disableStorageReset: true,
    logLevel: 'error', locale: 'zh' };
  const result = await lighthouse(url, flags, undefined, page);
  const lhr = result.lhr;
  const failing = Object.values(lhr.audits)
    .filter((a) => a.score === 0 && a.scoreDisplayMode === 'binary')
    .map((a) => `${a.id} (${(a.details?.items ?? []).slice(0, 3).map((i) => i.node?.selector).join(' | ')})`);
  return { score: Math.round(lhr.categories.accessibility.score * 100), failing };
}

async function firstHazardId(page) {
  return page.evaluate(async () => {
    const db = await new Promise((ok, fail) => {
      const r = indexedDB.open('safety-ledger');
      r.onsuccess = () => ok(r.result);
      r.onerror = fail;
    });
    const rows = await new Promise((ok) => {
      const q = db.transaction('hazards').objectStore('hazards').getAll();
      q.onsuccess = () => ok(q.result);
    });
    db.close();
    return rows[0]?.id ?? null;
  });
}

async function main() {
  installLighthouse();
  const lighthouse = (await import(pathToFileURL(join(CACHE, 'node_modules', 'lighthouse', 'core', 'index.js')))).default;
  const puppeteer = (await import(pathToFileURL(join(CACHE, 'node_modules', 'puppeteer-core', 'lib', 'esm', 'puppeteer', 'puppeteer-core.js')))).default;
  const browser = await puppeteer.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });
  const scores = [];
  try {
    const page = await browser.newPage();
    await page.setViewport({ width: 360, height: 740, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
    scores.push(['登录页 /#/login', await audit(lighthouse, page, `${BASE}/#/login`)]);

    await page.goto(`${BASE}/#/login`, { waitUntil: 'networkidle0' });
    await page.type('input[name=username]', 'officer-a');
    await page.type('input[name=password]', 'demo1234');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => !location.hash.startsWith('#/login'), { timeout: 20_000 });
    await page.waitForFunction(async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('safety-ledger'); r.onsuccess = () => ok(r.result); });
      const n = await new Promise((ok) => { const q = db.transaction('hazards').objectStore('hazards').count(); q.onsuccess = () => ok(q.result); });
      db.close();
      return n > 0;
    }, { timeout: 30_000, polling: 500 });
    const hazardId = await firstHazardId(page);
    scores.push(['隐患列表 /#/hazards', await audit(lighthouse, page, `${BASE}/#/hazards`)]);
    scores.push([`隐患详情 /#/hazards/${hazardId}`, await audit(lighthouse, page, `${BASE}/#/hazards/${hazardId}`)]);
  } finally {
    await browser.close();
  }
  let ok = true;
  for (const [name, { score, failing }] of scores) {
    console.log(`${score}\t${name}${failing.length ? `\tfailing: ${failing.join(', ')}` : ''}`);
    if (score < BAR) ok = false;
  }
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
