// End-to-end tests of Rapport in Debian's Chromium, driven by playwright-core.
//
//   node tests/e2e/run.mjs [name-filter ...]
//
// Serves dist/ (built by `trunk build --release`) with ./serve.mjs on a random
// 127.0.0.1 port, unless BASE_URL is set. Each test gets its own browser with a
// fresh user-data-dir, so a fresh IndexedDB. Any console error or page error
// fails the test. Screenshots go to tests/e2e/artifacts/.
//
// Environment: DIST (default <repo>/dist), BASE_URL, CHROMIUM (default
// /usr/bin/chromium), E2E_TIMEOUT_MS (per wait, default 15000).
//
// The data-testid contract is the one in the app's UI; see the helpers below.

import { chromium } from 'playwright-core';
import { cp, mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile, spawn } from 'node:child_process';
import { createServer as createTcpServer } from 'node:net';
import { startServer } from './serve.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const ARTIFACTS = path.join(here, 'artifacts');
const DIST = process.env.DIST ?? path.join(repo, 'dist');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const WAIT = Number(process.env.E2E_TIMEOUT_MS ?? 15000);
const TEST_TIMEOUT = 120_000;
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let BASE = process.env.BASE_URL;
const notes = []; // observations that are not failures, printed at the end

// ---------------------------------------------------------------- harness ---

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

class Browser {
  constructor(testName) {
    this.testName = testName;
    this.errors = [];
    this.problems = []; // failed soft checks: the test goes on, then fails
    this.dirs = [];
    this.contexts = [];
    this.cleanups = [];
  }

  /**
   * A new persistent context (fresh profile, so fresh IndexedDB) and its
   * first page. `options` go to the context (e.g. `serviceWorkers: 'block'`).
   */
  async open(options = {}) {
    const dir = await mkdtemp(path.join(tmpdir(), 'rapport-e2e-'));
    this.dirs.push(dir);
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1024, height: 768 },
      ...options,
    });
    this.contexts.push(context);
    context.setDefaultTimeout(WAIT);
    context.on('page', (p) => this.watch(p));
    for (const p of context.pages()) this.watch(p);
    const page = context.pages()[0] ?? (await context.newPage());
    return { context, page };
  }

  /** Runs an independent assertion; a failure is recorded and the test goes on. */
  async check(what, fn) {
    try {
      await fn();
    } catch (err) {
      this.problems.push(`${what}: ${err.message.split('\n')[0]}`);
    }
  }

  watch(page) {
    if (page.__watched) return;
    page.__watched = true;
    const where = () => {
      try {
        return new URL(page.url()).pathname + new URL(page.url()).search;
      } catch {
        return page.url();
      }
    };
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        const loc = msg.location();
        this.errors.push(`console.error at ${where()}: ${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (err) => this.errors.push(`page error at ${where()}: ${err.stack ?? err.message}`));
    page.on('dialog', async (d) => {
      notes.push(`[${this.testName}] unexpected ${d.type()} dialog: "${d.message()}" (accepted)`);
      await d.accept().catch(() => {});
    });
  }

  async close() {
    for (const f of this.cleanups) await f().catch(() => {});
    for (const c of this.contexts) await c.close().catch(() => {});
    for (const d of this.dirs) await rm(d, { recursive: true, force: true }).catch(() => {});
  }
}

async function shot(page, name, opts = {}) {
  await mkdir(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true, ...opts });
}

function withTimeout(promise, ms, what) {
  let t;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      t = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

// ---------------------------------------------------------------- helpers ---

const tid = (page, id) => page.getByTestId(id);
const nonEmpty = /\S/;

async function step(what, fn) {
  try {
    return await fn();
  } catch (err) {
    err.message = `${what}: ${err.message.split('\n')[0]}`;
    throw err;
  }
}

/** Loads `path` and waits for <main data-testid=app data-ready=true>. */
async function gotoApp(page, urlPath = '/', base = BASE) {
  await step(`open ${urlPath}`, () => page.goto(base + urlPath));
  await waitReady(page);
}

async function waitReady(page) {
  await step('wait for [data-testid=app][data-ready=true]', () =>
    page.locator('[data-testid="app"][data-ready="true"]').waitFor({ state: 'attached' }),
  );
}

async function reload(page) {
  await step('reload', () => page.reload());
  await waitReady(page);
}

/** Waits until save-state says `saved`, and still says so a moment later. */
async function waitSaved(page) {
  await step('wait for save-state data-state=saved', async () => {
    const deadline = Date.now() + WAIT;
    let lastSaved = false;
    let last;
    await page.waitForTimeout(150); // let a debounced save start
    while (Date.now() < deadline) {
      last = await page
        .locator('[data-testid="save-state"]')
        .first()
        .getAttribute('data-state', { timeout: 2000 })
        .catch(() => 'missing');
      if (last === 'error') {
        const text = await tid(page, 'save-state').first().innerText().catch(() => '');
        throw new Error(`save-state is "error" (${text.trim()})`);
      }
      if (last === 'saved') {
        if (lastSaved) return;
        lastSaved = true;
        await page.waitForTimeout(250);
        continue;
      }
      lastSaved = false;
      await page.waitForTimeout(100);
    }
    throw new Error(`save-state stayed "${last}"`);
  });
}

async function waitCount(locator, n, what) {
  await step(`wait for ${n} × ${what}`, async () => {
    const deadline = Date.now() + WAIT;
    let c = -1;
    while (Date.now() < deadline) {
      c = await locator.count();
      if (c === n) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`found ${c}`);
  });
}

async function waitText(locator, text, what) {
  await step(`wait for ${what} containing "${text}"`, () =>
    locator.filter({ hasText: text }).first().waitFor(),
  );
}

async function expectEq(actual, expected, what) {
  if (actual !== expected) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

const rows = (page) => tid(page, 'account-row');
const row = (page, name) => rows(page).filter({ hasText: name });
const visibleFormErrors = (page) => tid(page, 'form-error').filter({ hasText: nonEmpty });

/** On the account list (route /); from an account page follows back-to-accounts. */
async function toList(page) {
  const p = new URL(page.url()).pathname;
  if (p !== '/') {
    await step('click back-to-accounts', () => tid(page, 'back-to-accounts').click());
    await page.waitForURL((u) => u.pathname === '/');
  }
}

/** Fills and submits the account form (opening it with new-account if it is closed). */
async function submitAccount(page, { name, city = '', industry = '' }) {
  await toList(page);
  const nameInput = tid(page, 'account-name');
  if (!(await nameInput.isVisible())) {
    await step('click new-account', () => tid(page, 'new-account').click());
  }
  await step('fill account-name', () => nameInput.fill(name));
  if (city) await step('fill account-city', () => tid(page, 'account-city').fill(city));
  if (industry) await step('fill account-industry', () => tid(page, 'account-industry').fill(industry));
  await step('click save-account', () => tid(page, 'save-account').click());
}

/** Creates an account and ends on the list showing it. */
async function createAccount(page, fields) {
  await submitAccount(page, fields);
  // The app opens the new account's page after creating it; a list that
  // stays put would do too.
  await step(`wait for "${fields.name}" in account-list (or its page)`, () =>
    row(page, fields.name)
      .first()
      .or(tid(page, 'account-title').filter({ hasText: fields.name }))
      .first()
      .waitFor(),
  );
  await toList(page);
  await row(page, fields.name).first().waitFor();
}

/** From the list, opens an account and checks URL and title. */
async function openAccount(page, name) {
  await toList(page);
  await step(`click account-row "${name}"`, () => row(page, name).first().click());
  await step('wait for /accounts/<uuid>', () =>
    page.waitForURL((u) => /^\/accounts\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(u.pathname)),
  );
  await waitText(tid(page, 'account-title'), name, 'account-title');
  return new URL(page.url()).pathname;
}

/** Logs a touch on the open account page. */
async function logTouch(page, { kind = 'visit', note }) {
  await step(`click touch-kind-${kind}`, () => tid(page, `touch-kind-${kind}`).click());
  await step('fill touch-note', () => tid(page, 'touch-note').fill(note));
  await step('click log-touch', () => tid(page, 'log-touch').click());
  await waitText(tid(page, 'timeline-item'), note.slice(0, 40), 'timeline-item');
}

/** Clicks `first`, then `confirm` when the app asks for a confirmation. */
async function clickAndConfirm(scope, first, confirm) {
  await step(`click ${first}`, () => scope.getByTestId(first).click());
  const c = scope.getByTestId(confirm);
  await step(`click ${confirm}`, () => c.click({ timeout: 3000 }));
}

async function browserToday(page) {
  return page.evaluate(() => {
    const d = new Date();
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  });
}

async function noticeText(page) {
  const n = tid(page, 'notice');
  if ((await n.count()) === 0) return null;
  const texts = await n.allInnerTexts();
  const t = texts.join(' | ').trim();
  return t || null;
}


// ------------------------------------------------------------------ relay ---

const RELAY_BIN = process.env.RELAY_BIN ?? path.join(repo, 'target', 'debug', 'rapport-relay');

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createTcpServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The relay binary serving dist/ (or `staticDir`) on 127.0.0.1, with its own data directory.
 * stop() kills it (SIGKILL: an outage, not a goodbye); start() brings it back
 * on the same port and data, as after a restart.
 */
async function startRelay(b, { staticDir = DIST } = {}) {
  const port = await freePort();
  const data = await mkdtemp(path.join(tmpdir(), 'rapport-relay-'));
  b.dirs.push(data);
  const url = `http://127.0.0.1:${port}`;
  let child = null;
  const log = [];
  const relay = {
    url,
    log,
    async start() {
      child = spawn(RELAY_BIN, ['--listen', `127.0.0.1:${port}`, '--data-dir', data, '--static-dir', staticDir, '--open-team-creation'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout.on('data', (d) => log.push(String(d)));
      child.stderr.on('data', (d) => log.push(String(d)));
      const deadline = Date.now() + WAIT;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`relay exited (${child.exitCode}): ${log.join('')}`);
        const ok = await fetch(`${url}/health`).then((r) => r.ok).catch(() => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`relay did not answer /health on ${url}`);
    },
    async stop() {
      // A killed child has a signalCode and no exitCode: stopping twice
      // (the test, then its cleanup) must not wait for a second exit.
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  b.cleanups.push(() => relay.stop());
  await relay.start();
  return relay;
}

/**
 * Shows the invite QR code and reads it as a camera would: the SVG drawn on
 * a canvas at 4 px per module, decoded by jsQR (independent of the app's
 * encoder). Hides it again.
 */
async function readInviteQr(page) {
  await step('click show-qr', () => tid(page, 'show-qr').click());
  await step('invite-qr shown', () => tid(page, 'invite-qr').waitFor());
  await page.addScriptTag({ path: path.join(here, 'node_modules', 'jsqr', 'dist', 'jsQR.js') });
  const text = await step('decode invite-qr', () =>
    page.evaluate(async () => {
      const svg = document.querySelector('[data-testid="invite-qr"]');
      const side = svg.viewBox.baseVal.width * 4;
      const image = new Image();
      image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(new XMLSerializer().serializeToString(svg))}`;
      await image.decode();
      const canvas = Object.assign(document.createElement('canvas'), { width: side, height: side });
      const context = canvas.getContext('2d');
      context.drawImage(image, 0, 0, side, side);
      const pixels = context.getImageData(0, 0, side, side);
      return window.jsQR(pixels.data, side, side)?.data ?? null;
    }),
  );
  await shot(page, 'invite-qr');
  await step('click show-qr (hide)', () => tid(page, 'show-qr').click());
  return text;
}

/** Edits the phone of the contact `name` on the open account page. */
async function editContactPhone(page, name, phone) {
  const contact = tid(page, 'contact-row').filter({ hasText: name });
  await step(`edit ${name}`, () => contact.getByTestId('edit-contact').click());
  await tid(page, 'contact-phone').fill(phone);
  await step('click save-contact', () => tid(page, 'save-contact').click());
  await waitText(tid(page, 'contact-row'), phone, `${name}'s new phone`);
}

/** Waits for the sync indicator to show `slug` (data-state). */
async function waitSync(page, slug, timeout = WAIT) {
  await step(`wait for sync-state data-state=${slug}`, () =>
    page.locator(`[data-testid="sync-state"][data-state="${slug}"]`).waitFor({ state: 'attached', timeout }),
  );
}

/** Names the rep on a fresh device (the welcome prompt). */
async function nameRep(page, name) {
  await step('fill welcome-name', () => tid(page, 'welcome-name').fill(name));
  await step('submit the name', () => tid(page, 'welcome-name').press('Enter'));
  await step('name prompt goes away', () => tid(page, 'welcome-name').waitFor({ state: 'detached' }));
}

/** Opens the account's edit form, sets `fields` ({city, industry, note}), saves. */
async function editAccount(page, fields) {
  await step('click edit-account', () => tid(page, 'edit-account').click());
  for (const [k, v] of Object.entries(fields)) {
    await step(`fill account-${k}`, () => tid(page, `account-${k}`).fill(v));
  }
  await step('click save-account', () => tid(page, 'save-account').click());
  await step('edit form closes', () => tid(page, 'save-account').waitFor({ state: 'detached' }));
}

// ------------------------------------------------------------------ tests ---

test('a: account, contact, touch survive a reload', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await step('empty-workspace visible', () => tid(page, 'empty-workspace').waitFor());
  await expectEq(await rows(page).count(), 0, 'account rows on a fresh workspace');
  await shot(page, 'empty-workspace');

  await createAccount(page, { name: 'Boulangerie Martin', city: 'Lyon', industry: 'Bakery' });
  await createAccount(page, { name: 'Garage Dupont', city: 'Grenoble', industry: 'Automotive' });
  await waitCount(rows(page), 2, 'account-row');
  await step('empty-workspace gone once accounts exist', () =>
    tid(page, 'empty-workspace').waitFor({ state: 'detached' }),
  );
  await shot(page, 'account-list');

  // Links within the app open without a page load, and Back and Forward
  // move between the screens (src/ui/screen.rs).
  await page.evaluate(() => { window.__samePage = true; });
  const accountPath = await openAccount(page, 'Garage Dupont');
  await step('go back to the list', () => page.goBack());
  await row(page, 'Boulangerie Martin').first().waitFor();
  await expectEq(new URL(page.url()).pathname, '/', 'path after Back');
  await step('go forward to the account', () => page.goForward());
  await waitText(tid(page, 'account-title'), 'Garage Dupont', 'account-title after Forward');
  await expectEq(new URL(page.url()).pathname, accountPath, 'path after Forward');
  await expectEq(await page.evaluate(() => window.__samePage === true), true, 'no page load between screens');
  await gotoApp(page, '/no-such-page');
  await waitText(page.locator('main p.empty'), 'This page does not exist', 'unknown path');
  await step('click "Go to accounts"', () => page.locator('main p.empty a').click());
  await waitCount(rows(page), 2, 'account-row after "Go to accounts"');

  const martinPath = await openAccount(page, 'Boulangerie Martin');

  // A contact, to pick in the touch form.
  await step('click add-contact', () => tid(page, 'add-contact').click());
  await tid(page, 'contact-name').fill('Claire Martin');
  await tid(page, 'contact-role').fill('Owner');
  await tid(page, 'contact-phone').fill('+33 4 78 00 00 00');
  await tid(page, 'contact-email').fill('claire@example.com');
  await step('click save-contact', () => tid(page, 'save-contact').click());
  await waitText(tid(page, 'contact-row'), 'Claire Martin', 'contact-row');

  // The touch form: date defaults to today.
  await step('touch-form visible', () => tid(page, 'touch-form').waitFor());
  const today = await browserToday(page);
  await expectEq(await tid(page, 'touch-date').inputValue(), today, 'touch-date default');
  await step('click touch-kind-call', () => tid(page, 'touch-kind-call').click());
  const contactSelect = tid(page, 'touch-contact');
  const option = await step('find Claire in touch-contact', () =>
    contactSelect.evaluate((sel) => {
      const o = [...sel.options].find((o) => o.textContent.includes('Claire Martin'));
      return o ? o.value : null;
    }),
  );
  if (option === null) throw new Error('touch-contact has no option for the new contact "Claire Martin"');
  await contactSelect.selectOption(option);
  const note = 'Spring order: 40 kg of flour, call back Tuesday';
  await tid(page, 'touch-note').fill(note);
  await shot(page, 'touch-form');
  await step('click log-touch', () => tid(page, 'log-touch').click());
  await waitText(tid(page, 'timeline-item'), note, 'timeline-item');
  await waitCount(tid(page, 'timeline-item'), 1, 'timeline-item');
  const noteAfter = await tid(page, 'touch-note').inputValue();
  if (noteAfter !== '') notes.push(`[a] touch-note is not cleared after log-touch ("${noteAfter.slice(0, 30)}")`);
  await shot(page, 'account-page');

  await waitSaved(page);
  await reload(page);
  await expectEq(new URL(page.url()).pathname, martinPath, 'path after reload');
  await waitText(tid(page, 'account-title'), 'Boulangerie Martin', 'account-title after reload');
  await waitText(tid(page, 'timeline-item'), note, 'timeline-item after reload');
  await waitCount(tid(page, 'timeline-item'), 1, 'timeline-item after reload');
  await waitText(tid(page, 'contact-row'), 'Claire Martin', 'contact-row after reload');

  await page.setViewportSize({ width: 768, height: 1024 });
  await shot(page, 'account-page-portrait');
  await page.setViewportSize({ width: 1024, height: 768 });

  await toList(page);
  await waitCount(rows(page), 2, 'account-row after reload');
  const n = await noticeText(page);
  if (n) notes.push(`[a] notice shown: "${n}"`);
});

test('b: edits made offline are saved', async (b) => {
  const { context, page } = await b.open();
  await gotoApp(page, '/');
  await context.setOffline(true);
  await createAccount(page, { name: 'Ferme des Alpes', city: 'Annecy' });
  await openAccount(page, 'Ferme des Alpes');
  await logTouch(page, { kind: 'visit', note: 'Written while offline' });
  await waitSaved(page);
  await shot(page, 'offline-account-page');
  await context.setOffline(false);
  await reload(page);
  await waitText(tid(page, 'account-title'), 'Ferme des Alpes', 'account-title after reload');
  await waitText(tid(page, 'timeline-item'), 'Written while offline', 'timeline-item after reload');
});

test('c: two tabs editing the same workspace', async (b) => {
  const { context, page: tab1 } = await b.open();
  await gotoApp(tab1, '/');
  const tab2 = await context.newPage();
  await gotoApp(tab2, '/');

  await createAccount(tab1, { name: 'Alpha Outils' });
  await waitSaved(tab1);
  // Tab 2 edits without a reload, whether or not it has seen Alpha yet.
  await createAccount(tab2, { name: 'Beta Fournitures' });
  await waitSaved(tab2);

  for (const [name, tab] of [['tab 1', tab1], ['tab 2', tab2]]) {
    await step(`${name} shows both accounts without a reload`, async () => {
      await row(tab, 'Alpha Outils').first().waitFor();
      await row(tab, 'Beta Fournitures').first().waitFor();
    });
  }
  await tab1.bringToFront();
  await shot(tab1, 'two-tabs-tab1');
  await shot(tab2, 'two-tabs-tab2');

  // An edit in tab 2 on an account tab 1 created, seen by tab 1.
  await openAccount(tab2, 'Alpha Outils');
  await logTouch(tab2, { kind: 'email', note: 'Sent the catalogue from tab 2' });
  await waitSaved(tab2);
  await openAccount(tab1, 'Alpha Outils');
  await waitText(tid(tab1, 'timeline-item'), 'Sent the catalogue from tab 2', 'tab 1 timeline-item');

  for (const [name, tab] of [['tab 1', tab1], ['tab 2', tab2]]) {
    await reload(tab);
    await waitText(tid(tab, 'timeline-item'), 'Sent the catalogue from tab 2', `${name} timeline-item after reload`);
    await toList(tab);
    await step(`${name} shows both accounts after reload`, async () => {
      await row(tab, 'Alpha Outils').first().waitFor();
      await row(tab, 'Beta Fournitures').first().waitFor();
    });
    await waitCount(rows(tab), 2, `${name} account-row after reload`);
  }
});

test('d: bad input is refused with an inline error', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');

  await b.check('empty account name shows a form-error', async () => {
    await submitAccount(page, { name: '' });
    try {
      await visibleFormErrors(page).first().waitFor({ timeout: 3000 });
    } catch (err) {
      const native = await tid(page, 'account-name')
        .evaluate((el) => (el.validity && el.validity.valueMissing ? el.validationMessage : null))
        .catch(() => null);
      if (native) {
        throw new Error(`no form-error: the browser's own "required" validation blocks the submit ("${native}")`);
      }
      throw err;
    }
  });
  await shot(page, 'error-empty-name');
  await expectEq(await rows(page).count(), 0, 'account rows after an empty name');

  await b.check('blank account name ("   ") shows a form-error', async () => {
    await submitAccount(page, { name: '   ' });
    await visibleFormErrors(page).first().waitFor({ timeout: 3000 });
    await expectEq(await rows(page).count(), 0, 'account rows after a blank name');
  });

  await createAccount(page, { name: 'Quincaillerie Roux' });
  await waitCount(rows(page), 1, 'account-row');
  await b.check('duplicate account name shows a form-error', async () => {
    await submitAccount(page, { name: 'Quincaillerie Roux' });
    await visibleFormErrors(page).first().waitFor({ timeout: 5000 });
    await shot(page, 'error-duplicate-name');
    await page.waitForTimeout(300);
    await toList(page);
    await expectEq(await rows(page).count(), 1, 'account rows after a duplicate name');
  });

  // Same name, other case and spacing: an observation, not a contract.
  await submitAccount(page, { name: '  quincaillerie roux ' });
  await page.waitForTimeout(500);
  await toList(page);
  if ((await rows(page).count()) !== 1) {
    notes.push('[d] "  quincaillerie roux " is accepted next to "Quincaillerie Roux" (duplicate check is case/space-sensitive)');
  }

  await openAccount(page, 'Quincaillerie Roux');
  await b.check('a 1,000,000-character note shows a form-error and logs nothing', async () => {
    await step('set a 1,000,000-character touch-note', () =>
      tid(page, 'touch-note').evaluate((el, n) => {
        el.value = 'x'.repeat(n);
        el.dispatchEvent(new Event('input', { bubbles: true }));
        el.dispatchEvent(new Event('change', { bubbles: true }));
      }, 1_000_000),
    );
    await step('click log-touch', () => tid(page, 'log-touch').click());
    await step('form-error', () => visibleFormErrors(page).first().waitFor({ timeout: 5000 }));
    const msg = await visibleFormErrors(page).first().innerText();
    notes.push(`[d] huge-note error: "${msg.trim()}"`);
    await shot(page, 'error-huge-note');
    await page.waitForTimeout(300);
    await expectEq(await tid(page, 'timeline-item').count(), 0, 'timeline items after a huge note');
  });

  await waitSaved(page);
  await reload(page);
  await waitText(tid(page, 'account-title'), 'Quincaillerie Roux', 'account-title after reload');
  await expectEq(await tid(page, 'timeline-item').count(), 0, 'timeline items after reload');
});

test('e: demo seeder and filter', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await step('click seed-demo', () => tid(page, 'seed-demo').click());
  await step('account rows after seed-demo', () => rows(page).first().waitFor());
  const seeded = await rows(page).count();
  if (seeded < 2) throw new Error(`seed-demo created ${seeded} account(s)`);
  await step('empty-workspace gone after seeding', () => tid(page, 'empty-workspace').waitFor({ state: 'detached' }));
  await shot(page, 'demo-seeded');
  notes.push(`[e] seed-demo created ${seeded} accounts`);

  // ?demo=40 in a fresh profile.
  const { page: p40 } = await b.open();
  await gotoApp(p40, '/?demo=40');
  await waitCount(rows(p40), 40, 'account-row after /?demo=40');
  await waitSaved(p40);
  await shot(p40, 'demo-40');

  // Reloading with the flag again must not seed a second time.
  await reload(p40);
  await p40.waitForTimeout(500);
  const again = await rows(p40).count();
  if (again !== 40) notes.push(`[e] reloading /?demo=40 leaves ${again} accounts (seeds again?)`);

  // The filter, on an account whose name no demo account can contain.
  await createAccount(p40, { name: 'Zyxwv Filtertest' });
  const all = await rows(p40).count();
  const filter = tid(p40, 'account-filter');
  await filter.fill('Zyxwv');
  await waitCount(rows(p40), 1, 'account-row for filter "Zyxwv"');
  await row(p40, 'Zyxwv Filtertest').first().waitFor();
  await shot(p40, 'demo-filtered');
  await filter.fill('zyxwv');
  await p40.waitForTimeout(300);
  if ((await rows(p40).count()) !== 1) notes.push('[e] the filter is case-sensitive');
  await filter.fill('qqzz-no-such-account');
  await waitCount(rows(p40), 0, 'account-row for a filter matching nothing');
  await filter.fill('');
  await waitCount(rows(p40), all, 'account-row with the filter cleared');
  // A seeded account's name narrows the list too. The row may show more than
  // the name (city, industry), so try the row's first line, then shorter
  // word prefixes of it.
  const firstLine = (await rows(p40).first().innerText()).split('\n')[0].trim();
  const words = firstLine.split(/\s+/);
  const candidates = [...new Set([firstLine, ...words.map((_, i) => words.slice(0, words.length - i).join(' '))])];
  let narrowed = null;
  for (const term of candidates) {
    await filter.fill(term);
    const deadline = Date.now() + 2000;
    while (Date.now() < deadline && narrowed === null) {
      const c = await rows(p40).count();
      if (c >= 1 && c < all) narrowed = `"${term}" → ${c} rows`;
      else await p40.waitForTimeout(100);
    }
    if (narrowed) break;
  }
  if (!narrowed) throw new Error(`no prefix of the seeded row "${firstLine}" narrows the list`);
  await filter.fill('');
  await waitCount(rows(p40), all, 'account-row with the filter cleared');
});

test('f: edit, delete touch, delete account', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await createAccount(page, { name: 'Pharmacie Blanc', city: 'Chambéry' });
  await createAccount(page, { name: 'Keep Me SA' });
  await openAccount(page, 'Pharmacie Blanc');
  await logTouch(page, { kind: 'visit', note: 'First visit' });
  await logTouch(page, { kind: 'message', note: 'Second, by message' });
  await waitCount(tid(page, 'timeline-item'), 2, 'timeline-item');

  await clickAndConfirm(
    tid(page, 'timeline-item').filter({ hasText: 'First visit' }),
    'delete-touch',
    'confirm-delete-touch',
  );
  await waitCount(tid(page, 'timeline-item'), 1, 'timeline-item after delete-touch');
  await waitText(tid(page, 'timeline-item'), 'Second, by message', 'remaining timeline-item');

  await step('click edit-account', () => tid(page, 'edit-account').click());
  const nameInput = tid(page, 'account-name');
  await expectEq(await nameInput.inputValue(), 'Pharmacie Blanc', 'account-name prefilled in the edit form');
  await nameInput.fill('Pharmacie Blanc & Fils');
  await step('click save-account', () => tid(page, 'save-account').click());
  await waitText(tid(page, 'account-title'), 'Pharmacie Blanc & Fils', 'account-title after edit');

  // Renaming to another account's name is a duplicate too.
  await step('click edit-account', () => tid(page, 'edit-account').click());
  await tid(page, 'account-name').fill('Keep Me SA');
  await step('click save-account', () => tid(page, 'save-account').click());
  await step('form-error for renaming to an existing name', () => visibleFormErrors(page).first().waitFor());

  await waitSaved(page);
  await reload(page);
  await waitText(tid(page, 'account-title'), 'Pharmacie Blanc & Fils', 'account-title after reload');
  await waitCount(tid(page, 'timeline-item'), 1, 'timeline-item after reload');

  // A person added and deleted.
  await step('click add-contact', () => tid(page, 'add-contact').click());
  await tid(page, 'contact-name').fill('Paul Blanc');
  await step('click save-contact', () => tid(page, 'save-contact').click());
  await waitText(tid(page, 'contact-row'), 'Paul Blanc', 'contact-row');
  await clickAndConfirm(tid(page, 'contact-row').filter({ hasText: 'Paul Blanc' }), 'delete-contact', 'confirm-delete-contact');
  await waitCount(tid(page, 'contact-row'), 0, 'contact-row after delete');

  await clickAndConfirm(page, 'delete-account', 'confirm-delete');
  await page.waitForURL((u) => u.pathname === '/').catch(() => {});
  await toList(page);
  await waitCount(rows(page), 1, 'account-row after delete');
  await waitSaved(page);
  await reload(page);
  await waitCount(rows(page), 1, 'account-row after delete and reload');
  await waitText(rows(page), 'Keep Me SA', 'account-row');
});

// ------------------------------------------------- stored-data troubles ---

/** Runs `fn(db)` in the page against the app's IndexedDB database; returns its result. */
async function withDb(page, what, fn, arg) {
  return step(what, () =>
    page.evaluate(
      async ({ src, arg }) => {
        const db = await new Promise((resolve, reject) => {
          const r = indexedDB.open('rapport-workspace');
          r.onsuccess = () => resolve(r.result);
          r.onerror = () => reject(r.error);
          r.onblocked = () => reject(new Error('open blocked'));
        });
        const req = (r) =>
          new Promise((resolve, reject) => {
            r.onsuccess = () => resolve(r.result);
            r.onerror = () => reject(r.error);
          });
        try {
          // eslint-disable-next-line no-new-func
          return await new Function('db', 'req', 'arg', `return (${src})(db, req, arg);`)(db, req, arg);
        } finally {
          db.close();
        }
      },
      { src: fn.toString(), arg },
    ),
  );
}

/** Every record of `store`: [{ key, value }], values with bytes as plain arrays. */
async function storeRecords(page, store) {
  return withDb(
    page,
    `read the ${store} store`,
    async (db, req, store) => {
      const tx = db.transaction([store], 'readonly');
      const s = tx.objectStore(store);
      const keys = await req(s.getAllKeys());
      const values = await req(s.getAll());
      return keys.map((key, i) => {
        const v = { ...values[i] };
        if (v.bytes instanceof Uint8Array) v.bytes = Array.from(v.bytes);
        return { key, value: v };
      });
    },
    store,
  );
}

test('g: a damaged stored chunk is set aside and the rest loads', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await createAccount(page, { name: 'Librairie Morel', city: 'Dijon' });
  await openAccount(page, 'Librairie Morel');
  await logTouch(page, { kind: 'visit', note: 'Looked at the autumn catalogue' });
  await waitSaved(page);

  const BOGUS = [133, 111, 74, 131, 1, 2, 3, 4, 5]; // automerge's magic bytes, then garbage
  const before = await storeRecords(page, 'chunks');
  if (before.length === 0) throw new Error('no chunks stored after saving');
  const bogusKey = await withDb(
    page,
    'add a damaged chunk',
    async (db, req, bytes) => {
      const tx = db.transaction(['chunks'], 'readwrite');
      const key = await req(
        tx.objectStore('chunks').add({ kind: 'change', bytes: new Uint8Array(bytes), saved_at: Date.now() }),
      );
      await new Promise((resolve, reject) => {
        tx.oncomplete = resolve;
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error ?? new Error('aborted'));
      });
      return key;
    },
    BOGUS,
  );

  await reload(page);
  await toList(page);
  await step('account-row "Librairie Morel" after reload', () => row(page, 'Librairie Morel').first().waitFor());
  const notice = tid(page, 'notice').filter({ hasText: 'set aside' });
  await step('notice "… set aside …"', () => notice.first().waitFor());
  notes.push(`[g] notice: "${(await notice.first().innerText()).trim()}"`);
  await shot(page, 'set-aside-notice');
  await b.check('the account page still has its touch', async () => {
    await openAccount(page, 'Librairie Morel');
    await waitText(tid(page, 'timeline-item'), 'Looked at the autumn catalogue', 'timeline-item');
    await toList(page);
  });

  const aside = await storeRecords(page, 'set_aside');
  const chunks = await storeRecords(page, 'chunks');
  await b.check('set_aside holds the damaged chunk', async () => {
    await expectEq(aside.length, 1, 'records in set_aside');
    const v = aside[0].value;
    await expectEq(JSON.stringify(v.bytes), JSON.stringify(BOGUS), 'set-aside bytes');
    await expectEq(v.original_key, bogusKey, 'set-aside original_key');
    if (typeof v.reason !== 'string' || !v.reason.trim()) throw new Error(`set-aside reason is ${JSON.stringify(v.reason)}`);
    notes.push(`[g] set-aside reason: "${v.reason}"`);
  });
  await b.check('the damaged chunk is gone from chunks', async () => {
    if (chunks.some((c) => c.key === bogusKey)) throw new Error(`chunk ${bogusKey} is still in chunks`);
    if (chunks.some((c) => JSON.stringify(c.value.bytes) === JSON.stringify(BOGUS))) {
      throw new Error('the damaged bytes are still in chunks');
    }
    if (chunks.length === 0) throw new Error('chunks is empty');
  });

  // Set-aside chunks are not read again: no notice on the next start.
  await reload(page);
  await toList(page);
  await step('account-row "Librairie Morel" after a second reload', () => row(page, 'Librairie Morel').first().waitFor());
  await page.waitForTimeout(500);
  const again = await noticeText(page);
  if (again) throw new Error(`a notice is shown after the second reload: "${again}"`);
  await expectEq((await storeRecords(page, 'set_aside')).length, 1, 'records in set_aside after the second reload');
});

test('h: a full disk keeps the change in the tab and saves it on retry', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await waitSaved(page);
  // The workspace worker writes IndexedDB: break it there.
  const worker = await step('the workspace worker is running', async () => {
    for (let i = 0; i < 100 && page.workers().length === 0; i++) await page.waitForTimeout(50);
    if (page.workers().length !== 1) throw new Error(`${page.workers().length} workers`);
    return page.workers()[0];
  });
  await step('make IDBObjectStore.add throw QuotaExceededError in the worker', () =>
    worker.evaluate(() => {
      self.__origAdd = IDBObjectStore.prototype.add;
      IDBObjectStore.prototype.add = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    }),
  );

  await createAccount(page, { name: 'Cave Lambert', city: 'Beaune' });
  const saveState = tid(page, 'save-state').first();
  const quota = tid(page, 'notice').filter({ hasText: 'storage is full' });
  await step('save-state data-state=error', () =>
    page.locator('[data-testid="save-state"][data-state="error"]').first().waitFor(),
  );
  await step('notice "… storage is full …"', () => quota.first().waitFor());
  notes.push(`[h] save-state: "${(await saveState.innerText()).trim()}"; notice: "${(await quota.first().innerText()).trim()}"`);
  await shot(page, 'storage-full-notice');
  // Still there in the tab, and still "error" a moment later.
  await page.waitForTimeout(500);
  await row(page, 'Cave Lambert').first().waitFor();
  await expectEq(await saveState.getAttribute('data-state'), 'error', 'save-state data-state while the disk is full');

  await step('restore IDBObjectStore.add', () =>
    worker.evaluate(() => {
      IDBObjectStore.prototype.add = self.__origAdd;
    }),
  );
  await step('click "Try again" in the notice', () =>
    quota.first().getByRole('button', { name: 'Try again' }).click(),
  );
  await waitSaved(page);
  await step('the storage-full notice goes', () => quota.first().waitFor({ state: 'detached' }));
  const left = await noticeText(page);
  if (left) throw new Error(`a notice is still shown after the retry: "${left}"`);

  await reload(page);
  await toList(page);
  await step('account-row "Cave Lambert" after reload', () => row(page, 'Cave Lambert').first().waitFor());
  await waitCount(rows(page), 1, 'account-row after reload');
});

test('k: the first screen comes from the saved read model; a stale one is brought up to date', async (b) => {
  // The test refuses the worker script with page.route, which cannot see
  // requests the service worker answers from its cache: so no service worker.
  const { page } = await b.open({ serviceWorkers: 'block' });
  await gotoApp(page, '/?demo=40');
  await waitCount(rows(page), 40, 'account-row after /?demo=40');
  await waitSaved(page);
  // Seeding ends with a snapshot, which saves the read-model cache. One more
  // change makes that cache stale.
  await createAccount(page, { name: 'Zz Late Account' });
  await waitSaved(page);

  // Without the workspace worker (its script refused), the page still draws
  // the list from the cache, and says the workspace cannot be changed.
  await page.route('**/public/worker.js', (route) => route.abort());
  await step('reload without the worker', () => page.reload());
  await waitReady(page);
  await waitCount(rows(page), 40, 'account-row drawn from the cache alone');
  await expectEq(await row(page, 'Zz Late Account').count(), 0, 'rows of the change made after the cache');
  await step('notice that the worker could not start', () =>
    tid(page, 'notice').filter({ hasText: 'last saved view' }).first().waitFor(),
  );
  await step('save-state data-state=error without the worker', () =>
    page.locator('[data-testid="save-state"][data-state="error"]').first().waitFor(),
  );
  // Edits are refused with a clear message rather than kept where they
  // could not be saved.
  await submitAccount(page, { name: 'Never Saved' });
  await waitText(visibleFormErrors(page), 'not open for editing', 'form-error');
  notes.push(`[k] without the worker: ${await rows(page).count()} rows from the cache; notice: "${await noticeText(page)}"; form: "${await visibleFormErrors(page).first().innerText()}"`);
  await shot(page, 'cache-without-worker');

  // With the worker back, the stale cache is brought up to date.
  await page.unroute('**/public/worker.js');
  await reload(page);
  await step('row "Zz Late Account" after the worker caught up', () => row(page, 'Zz Late Account').first().waitFor());
  await waitCount(rows(page), 41, 'account-row with the worker');
  await waitSaved(page);
  const left = await noticeText(page);
  if (left) throw new Error(`a notice is still shown: "${left}"`);
});

// ------------------------------------------------------------------- main ---

test('i: export on one device, import on another: merged, nothing replaced', async (b) => {
  // Device A: an account with a touch, exported to a file.
  const a = await b.open();
  await gotoApp(a.page, '/');
  await createAccount(a.page, { name: 'Maison Dubois', city: 'Tours' });
  await openAccount(a.page, 'Maison Dubois');
  await logTouch(a.page, { kind: 'call', note: 'Exported with the workspace' });
  await waitSaved(a.page);
  await toList(a.page);
  const [download] = await Promise.all([
    a.page.waitForEvent('download'),
    step('click export-workspace', () => tid(a.page, 'export-workspace').click()),
  ]);
  const file = path.join(await mkdtemp(path.join(tmpdir(), 'rapport-export-')), download.suggestedFilename());
  await download.saveAs(file);
  await expectEq(/^rapport-workspace-\d{4}-\d{2}-\d{2}\.automerge\.gz$/.test(download.suggestedFilename()), true,
    `export file name (${download.suggestedFilename()})`);

  // Device B: its own account, then the import.
  const bDev = await b.open();
  await gotoApp(bDev.page, '/');
  await createAccount(bDev.page, { name: 'Atelier Petit', city: 'Nantes' });
  await waitSaved(bDev.page);
  await step('set import-workspace file', () => tid(bDev.page, 'import-workspace').setInputFiles(file));
  await waitText(tid(bDev.page, 'import-result'), 'Nothing was replaced', 'import-result');
  await row(bDev.page, 'Maison Dubois').first().waitFor();
  await row(bDev.page, 'Atelier Petit').first().waitFor();
  await waitSaved(bDev.page);
  await shot(bDev.page, 'after-import');
  await reload(bDev.page);
  await waitCount(rows(bDev.page), 2, 'account rows after import and reload');
  await openAccount(bDev.page, 'Maison Dubois');
  await waitText(tid(bDev.page, 'timeline-item'), 'Exported with the workspace', 'imported touch');

  // The file is a gzipped Automerge document: gunzipped, it is the plain
  // format any automerge tool reads, and that imports too.
  const plain = gunzipSync(await readFile(file));
  await expectEq([...plain.subarray(0, 4)].join(','), '133,111,74,131', 'automerge magic bytes inside the export');
  const plainFile = path.join(path.dirname(file), 'plain.automerge');
  await writeFile(plainFile, plain);
  await toList(bDev.page);
  await step('import the gunzipped file', () => tid(bDev.page, 'import-workspace').setInputFiles(plainFile));
  await waitText(tid(bDev.page, 'import-result'), 'holds nothing new', 'import-result for the plain file');

  // A file that is not a workspace changes nothing and says so.
  const junk = path.join(path.dirname(file), 'notes.automerge');
  await writeFile(junk, 'definitely not a workspace');
  await toList(bDev.page);
  await step('set a junk import file', () => tid(bDev.page, 'import-workspace').setInputFiles(junk));
  await waitText(tid(bDev.page, 'import-result'), 'Nothing was changed', 'import-result for junk');
  await expectEq(await rows(bDev.page).count(), 2, 'account rows after a junk import');
});

test('l: devices sync through the relay: apart edits of one account merge, the conflict is shown and settled, a third device joins by link and is removed', async (b) => {
  const relay = await startRelay(b);
  const A = await b.open();
  const B = await b.open();

  // A starts a team; B joins with the invite link.
  await gotoApp(A.page, '/', relay.url);
  await nameRep(A.page, 'Анна');
  await waitSync(A.page, 'not-set-up');
  await step('click create-team', () => tid(A.page, 'create-team').click());
  await waitSync(A.page, 'up-to-date');
  const invite = await step('read invite-link', async () => {
    await A.page.locator('[data-testid="invite-link"]').waitFor();
    return tid(A.page, 'invite-link').inputValue();
  });
  await expectEq(invite.startsWith(`${relay.url}/#join=`), true, `invite link (${invite.slice(0, 40)}…)`);
  await expectEq(await readInviteQr(A.page), invite, 'the invite QR code, as a camera reads it');
  await createAccount(A.page, { name: 'Boulangerie Martin', city: 'Lyon' });
  await shot(A.page, 'sync-team-created');

  await gotoApp(B.page, invite.slice(relay.url.length), relay.url);
  await nameRep(B.page, 'Борис');
  await step('click join-team', () => tid(B.page, 'join-team').click());
  await step('the key leaves the address bar', () => B.page.waitForURL((u) => !u.hash.includes('join=')));
  await waitSync(B.page, 'up-to-date');
  await step('A\'s account reaches B', () => row(B.page, 'Boulangerie Martin').first().waitFor());
  // Only devices the admin approved get a new key when one is removed.
  await approveDevice(A.page, B.page, 'B');

  // Live: a touch logged on B shows on A without a reload.
  await openAccount(A.page, 'Boulangerie Martin');
  await openAccount(B.page, 'Boulangerie Martin');
  await logTouch(B.page, { kind: 'call', note: 'Called about the Christmas order' });
  await waitText(tid(A.page, 'timeline-item'), 'Christmas order', 'B\'s touch on A');
  await step('click add-contact', () => tid(A.page, 'add-contact').click());
  await tid(A.page, 'contact-name').fill('Claire Martin');
  await tid(A.page, 'contact-phone').fill('+33 4 78 00 00 00');
  await step('click save-contact', () => tid(A.page, 'save-contact').click());
  await waitText(tid(B.page, 'contact-row'), 'Claire Martin', 'A\'s contact on B');

  // The relay goes away; both edit the same account. Nothing blocks, and
  // both say the edits are saved on the tablet.
  await relay.stop();
  await waitSync(A.page, 'connecting');
  await waitSync(B.page, 'connecting');
  await editAccount(A.page, { city: 'Villeurbanne', industry: 'Bakery' });
  await editAccount(B.page, { city: 'Caluire', note: 'Orders on Mondays' });
  await editContactPhone(A.page, 'Claire Martin', '+33 6 11 11 11 11');
  await editContactPhone(B.page, 'Claire Martin', '+33 6 22 22 22 22');
  await waitSaved(A.page);
  await waitSaved(B.page);
  await b.check('the indicator says the edit waits for the relay', async () => {
    const title = await tid(B.page, 'sync-state').getAttribute('title');
    if (!/saved on this device.*waiting to be sent/.test(title ?? '')) throw new Error(`sync-state title: ${title}`);
  });
  await shot(B.page, 'sync-apart');

  // Back: both devices hold both edits, and show the city conflict.
  await relay.start();
  for (const [who, dev] of [['A', A], ['B', B]]) {
    await waitSync(dev.page, 'up-to-date', 70_000);
    await step(`${who} shows the conflict`, () => tid(dev.page, 'conflict').filter({ hasText: 'City' }).waitFor({ timeout: 20_000 }));
    const values = await tid(dev.page, 'conflict-value').allInnerTexts();
    await expectEq(values.some((v) => v.includes('Villeurbanne') && v.includes('Анна')), true, `${who}: Villeurbanne by Анна in ${JSON.stringify(values)}`);
    await expectEq(values.some((v) => v.includes('Caluire') && v.includes('Борис')), true, `${who}: Caluire by Борис in ${JSON.stringify(values)}`);
    await waitText(dev.page.locator('.meta'), 'Bakery', `${who}: A's industry`);
    await waitText(dev.page.locator('.standing-note'), 'Orders on Mondays', `${who}: B's note`);
  }
  await shot(A.page, 'sync-conflict');

  // What came from B is stored (a page of changes in one record): after a
  // reload A still holds both edits, from its own storage.
  const kinds = (await storeRecords(A.page, 'chunks')).map((r) => r.value.kind);
  await expectEq(kinds.includes('changes'), true, `a page of B's changes stored as one record (A's chunks: ${kinds.join(', ')})`);
  await reload(A.page);
  await waitSync(A.page, 'up-to-date');
  await step('A still shows the conflict after a reload', () =>
    tid(A.page, 'conflict').filter({ hasText: 'City' }).waitFor({ timeout: 20_000 }));
  await waitText(A.page.locator('.standing-note'), 'Orders on Mondays', 'A: B\'s note after a reload');

  // The contact's phone, changed on both, shows both numbers in its row;
  // B keeps A's.
  for (const [who, dev] of [['A', A], ['B', B]]) {
    const claire = tid(dev.page, 'contact-row').filter({ hasText: 'Claire Martin' });
    await step(`${who} shows the phone conflict`, () => claire.getByTestId('conflict').filter({ hasText: 'Phone' }).waitFor({ timeout: 20_000 }));
    const values = await claire.getByTestId('conflict-value').allInnerTexts();
    await expectEq(values.some((v) => v.includes('+33 6 11 11 11 11') && v.includes('Анна')), true, `${who}: A's phone in ${JSON.stringify(values)}`);
    await expectEq(values.some((v) => v.includes('+33 6 22 22 22 22') && v.includes('Борис')), true, `${who}: B's phone in ${JSON.stringify(values)}`);
  }
  await shot(B.page, 'sync-contact-conflict');
  await step('B keeps A\'s phone', () =>
    tid(B.page, 'contact-row').filter({ hasText: 'Claire Martin' }).getByTestId('conflict-value')
      .filter({ hasText: '+33 6 11 11 11 11' }).getByTestId('keep-value').click());
  for (const [who, dev] of [['A', A], ['B', B]]) {
    const claire = tid(dev.page, 'contact-row').filter({ hasText: 'Claire Martin' });
    await step(`${who}: phone conflict settled`, () => claire.getByTestId('conflicts').waitFor({ state: 'detached', timeout: 20_000 }));
    await waitText(claire, '+33 6 11 11 11 11', `${who}: the kept phone`);
  }

  // A keeps B's city: the conflict is gone on both.
  await step('keep Caluire', () => tid(A.page, 'conflict-value').filter({ hasText: 'Caluire' }).getByTestId('keep-value').click());
  for (const [who, dev] of [['A', A], ['B', B]]) {
    await step(`${who}: conflict settled`, () => tid(dev.page, 'conflicts').waitFor({ state: 'detached', timeout: 20_000 }));
    await waitText(dev.page.locator('.meta'), 'Caluire', `${who}: the kept city`);
  }

  // A third device joins by the link and gets everything.
  const C = await b.open();
  await gotoApp(C.page, invite.slice(relay.url.length), relay.url);
  await step('click join-team', () => tid(C.page, 'join-team').click());
  await waitSync(C.page, 'up-to-date');
  await openAccount(C.page, 'Boulangerie Martin');
  await waitText(C.page.locator('.meta'), 'Caluire', 'C: the city');
  await waitText(C.page.locator('.standing-note'), 'Orders on Mondays', 'C: the note');
  await waitText(tid(C.page, 'timeline-item'), 'Christmas order', 'C: the touch');
  await shot(C.page, 'sync-third-device');

  // The team's creator removes C: the relay refuses it, and it gets
  // nothing written after that, while B still does.
  await toList(C.page);
  const cCode = (await tid(C.page, 'this-device').innerText()).replace('This device:', '').trim();
  await expectEq(/^[0-9a-f]{4}-[0-9a-f]{4}$/.test(cCode), true, `C's device code (${cCode})`);
  await toList(A.page);
  const cRow = A.page.locator(`[data-testid="team-device"][data-code="${cCode}"]`);
  await step('C is in A\'s device list', () => cRow.waitFor());
  await step('remove C', () => cRow.getByTestId('revoke-device').click());
  await step('C shows as removed', () =>
    A.page.locator(`[data-testid="team-device"][data-code="${cCode}"][data-revoked="true"]`).waitFor());
  await shot(A.page, 'sync-device-removed');
  await waitSync(C.page, 'problem');
  await waitText(tid(C.page, 'sync-detail'), 'no longer admits this device', 'C is told why');
  await step('C no longer offers its invite link', () => tid(C.page, 'invite-link').waitFor({ state: 'detached' }));
  await openAccount(A.page, 'Boulangerie Martin');
  await logTouch(A.page, { kind: 'visit', note: 'Visited after C was removed' });
  await waitText(tid(B.page, 'timeline-item'), 'after C was removed', 'B still gets new work');
  await openAccount(C.page, 'Boulangerie Martin');
  await C.page.waitForTimeout(3000);
  await expectEq(await tid(C.page, 'timeline-item').filter({ hasText: 'after C was removed' }).count(), 0,
    'touches reaching the removed device');
  await shot(C.page, 'sync-removed-device');

  // Removing C changed the team key. The relay logged it, and A's invite
  // link now carries the new key: the old link admits nobody.
  await b.check('the relay logged the key rotation', async () => {
    const log = relay.log.join('').replace(/\x1b\[[0-9;]*m/g, '');
    if (!/team key rotated.*epoch=1/.test(log)) throw new Error('no "team key rotated" line in the relay log');
    if (!/sent a device its new key/.test(log)) throw new Error('no device was sent its new key');
  });
  await toList(A.page);
  const newInvite = await step('read the new invite-link', () => tid(A.page, 'invite-link').inputValue());
  await expectEq(newInvite !== invite && newInvite.startsWith(`${relay.url}/#join=`), true, 'a new invite link after the rotation');
  const E = await b.open();
  await gotoApp(E.page, invite.slice(relay.url.length), relay.url);
  await step('E: click join-team (old link)', () => tid(E.page, 'join-team').click());
  await waitSync(E.page, 'problem');
  await shot(E.page, 'sync-old-invite-refused');

  // A fourth device joins by the new link: the key chain lets it read
  // what was sealed before the rotation, too.
  const D = await b.open();
  await gotoApp(D.page, newInvite.slice(relay.url.length), relay.url);
  await step('D: click join-team', () => tid(D.page, 'join-team').click());
  await waitSync(D.page, 'up-to-date');
  await openAccount(D.page, 'Boulangerie Martin');
  await waitText(tid(D.page, 'timeline-item'), 'Christmas order', 'D: a touch sealed before the rotation');
  await waitText(tid(D.page, 'timeline-item'), 'after C was removed', 'D: a touch sealed after it');
  await logTouch(D.page, { kind: 'call', note: 'Called from the fourth tablet' });
  await waitText(tid(B.page, 'timeline-item'), 'fourth tablet', 'B gets D\'s touch (B follows the new key)');
  await shot(D.page, 'sync-joined-after-rotation');

  // C, removed, is given the new link and opens it in a new tab while its
  // first tab (the one that syncs) stays open: it joins again, as a new
  // device.
  const C2 = await step('C: open the new link in a second tab', () => C.context.newPage());
  await gotoApp(C2, newInvite.slice(relay.url.length), relay.url);
  await waitSync(C2, 'problem');
  await step('C: click join-team (new link, second tab)', () => tid(C2, 'join-team').click());
  await waitSync(C2, 'up-to-date');
  await waitSync(C.page, 'up-to-date');
  const cAgain = await deviceCode(C2);
  await expectEq(cAgain !== cCode, true, `C joins again as a new device (${cCode} -> ${cAgain})`);
  await openAccount(C2, 'Boulangerie Martin');
  await waitText(tid(C2, 'timeline-item'), 'fourth tablet', 'C reads what was written while it was out');
  await logTouch(C2, { kind: 'visit', note: 'Back in the team' });
  await waitText(tid(B.page, 'timeline-item'), 'Back in the team', 'B gets C\'s touch after C joined again');
  await shot(C2, 'sync-removed-device-rejoined');
});

/** Device ids (hex) the relay logged as joining, oldest first. */
function relayJoins(relay) {
  const text = relay.log.join('').replace(/\x1b\[[0-9;]*m/g, '');
  return [...text.matchAll(/device joined.*?device=([0-9a-f]+)/g)].map((m) => m[1]);
}

/**
 * The admin approves a device that joined: both tablets show the same
 * security code for it (the two people compare them), and then the
 * admin's list marks it approved. Ends on both lists.
 */
async function approveDevice(admin, device, who) {
  const code = await deviceCode(device);
  const own = await step(`${who}: read its security code`, () => tid(device, 'this-fingerprint').innerText());
  await expectEq(/^\d{4} \d{4} \d{4} \d{4}$/.test(own), true, `${who}: a security code of four groups (${own})`);
  await toList(admin);
  const rowOf = admin.locator(`[data-testid="team-device"][data-code="${code}"]`);
  await step(`${who} waits for approval on the admin's tablet`, () =>
    admin.locator(`[data-testid="team-device"][data-code="${code}"][data-approved="false"]`).waitFor({ timeout: 20_000 }));
  const shown = await rowOf.getByTestId('device-fingerprint').innerText();
  await expectEq(shown, own, `${who}: the admin's tablet shows the same security code`);
  await shot(device, `security-code-${who}`);
  await shot(admin, `security-code-${who}-on-admin`);
  await step(`approve ${who}`, () => rowOf.getByTestId('approve-device').click());
  await step(`${who} approved`, () =>
    admin.locator(`[data-testid="team-device"][data-code="${code}"][data-approved="true"]`).waitFor());
}

/** The device code the team panel shows ("4f2a-91c3"); ends on the list. */
async function deviceCode(page) {
  await toList(page);
  const code = await step('read this-device', async () =>
    (await tid(page, 'this-device').innerText()).replace('This device:', '').trim(),
  );
  await expectEq(/^[0-9a-f]{4}-[0-9a-f]{4}$/.test(code), true, `device code (${code})`);
  return code;
}

/** The sync indicator as the rep reads it: words, then the title. */
async function syncWords(page) {
  const badge = tid(page, 'sync-state');
  return `${(await badge.innerText()).trim()} [${await badge.getAttribute('data-state')}] — "${await badge.getAttribute('title')}"`;
}

test('m: two tabs of one device keep syncing with the team: the second tab\'s edits go out, the team\'s reach both tabs, and the second tab takes over when the first closes', async (b) => {
  const relay = await startRelay(b);
  // No service worker here: while one controls the tab, Chromium ends a
  // closed tab's worker only when its running task ends, so the 120 s busy
  // loop below would hold the sync lock for 120 s (measured: with a 5 s loop
  // the second tab takes over). This test is about the takeover itself.
  const A = await b.open({ serviceWorkers: 'block' });
  const B = await b.open();

  // Every relay WebSocket, seen from the browser (a worker's socket shows
  // as its page's): a device should never have two open at once.
  const sockets = { A: { open: 0, most: 0, by: [] }, B: { open: 0, most: 0, by: [] } };
  const countSockets = (who, tab, page) =>
    page.on('websocket', (ws) => {
      if (!ws.url().endsWith('/sync')) return;
      const s = sockets[who];
      s.open += 1;
      s.most = Math.max(s.most, s.open);
      s.by.push(tab);
      let open = true;
      const gone = () => {
        if (open) {
          open = false;
          s.open -= 1;
        }
      };
      ws.on('close', gone);
      page.on('close', gone);
    });
  countSockets('A', 'tab 1', A.page);
  countSockets('B', 'B', B.page);

  // As in l: A starts a team, B joins with the invite link.
  await gotoApp(A.page, '/', relay.url);
  await nameRep(A.page, 'Анна');
  await step('click create-team', () => tid(A.page, 'create-team').click());
  await waitSync(A.page, 'up-to-date');
  const invite = await step('read invite-link', async () => {
    await A.page.locator('[data-testid="invite-link"]').waitFor();
    return tid(A.page, 'invite-link').inputValue();
  });
  await createAccount(A.page, { name: 'Fromagerie Roux', city: 'Annecy' });
  await gotoApp(B.page, invite.slice(relay.url.length), relay.url);
  await nameRep(B.page, 'Борис');
  await step('click join-team', () => tid(B.page, 'join-team').click());
  await waitSync(B.page, 'up-to-date');
  await step('A\'s account reaches B', () => row(B.page, 'Fromagerie Roux').first().waitFor());

  // A opens a second tab: same device, same workspace; the first tab,
  // which opened first, keeps leading sync.
  const A2 = await step('open a second tab on A', () => A.context.newPage());
  countSockets('A', 'tab 2', A2);
  await gotoApp(A2, '/', relay.url);
  await step('A\'s second tab shows the workspace', () => row(A2, 'Fromagerie Roux').first().waitFor());
  await expectEq(await tid(A2, 'welcome-name').count(), 0, 'name prompts in the second tab');
  // The second tab shows where sync stands as the first tab reports it.
  await waitSync(A.page, 'up-to-date');
  await waitSync(A2, 'up-to-date');
  const aCode = await deviceCode(A.page);
  await expectEq(await deviceCode(A2), aCode, 'device code in the second tab');
  const bCode = await deviceCode(B.page);
  // The team's devices show in the tab that does not sync too (it asks
  // the syncing tab).
  await step('A\'s second tab lists B among the team\'s devices', () =>
    A2.locator(`[data-testid="team-device"][data-code="${bCode}"]`).waitFor());
  await shot(A.page, 'tabs-first-tab');
  await shot(A2, 'tabs-second-tab');
  notes.push(`[m] tab 1: ${await syncWords(A.page)}`);
  notes.push(`[m] tab 2: ${await syncWords(A2)}`);


  // A touch logged in the second tab reaches B (through the first tab's
  // link) and the first tab; one logged on B reaches both tabs.
  for (const page of [A.page, A2, B.page]) await openAccount(page, 'Fromagerie Roux');
  await logTouch(A2, { kind: 'visit', note: 'Tasted the spring Comté (second tab)' });
  await waitText(tid(B.page, 'timeline-item'), 'spring Comté', 'the second tab\'s touch on B');
  await waitText(tid(A.page, 'timeline-item'), 'spring Comté', 'the second tab\'s touch in the first tab');
  await logTouch(B.page, { kind: 'call', note: 'Called about the Easter order' });
  await waitText(tid(A.page, 'timeline-item'), 'Easter order', 'B\'s touch in A\'s first tab');
  await waitText(tid(A2, 'timeline-item'), 'Easter order', 'B\'s touch in A\'s second tab');
  await shot(A.page, 'tabs-first-tab-both-touches');
  await shot(A2, 'tabs-second-tab-both-touches');
  const joins = (code) => relayJoins(relay).filter((d) => d.startsWith(code.replace('-', ''))).length;
  await b.check('while the first tab leads, A has joined the relay once', async () => {
    await expectEq(joins(aCode), 1, `relay "device joined" lines for A (${aCode})`);
    await expectEq(sockets.A.by.join(', '), 'tab 1', 'tabs of A that opened a relay socket');
  });

  // An outage (the first tab reconnects; the second never does) shows in both tabs, and so does the way back.
  await relay.stop();
  await waitSync(A.page, 'connecting');
  await waitSync(A2, 'connecting');
  await shot(A2, 'tabs-second-tab-outage');
  await relay.start();
  await waitSync(A.page, 'up-to-date');
  await waitSync(A2, 'up-to-date');

  // The first tab's worker is busy (as on a big first sync) when the rep
  // logs a touch in the second tab, and the first tab closes before it
  // ever sealed that touch: the second tab takes over the device's sync
  // and must send it.
  const busy = await step('find A\'s first tab\'s worker', async () => {
    const workers = A.page.workers();
    if (workers.length !== 1) throw new Error(`expected one worker in tab 1, found ${workers.length}`);
    return workers[0];
  });
  // Never awaited: the loop ends with the tab.
  busy.evaluate(() => { for (const end = Date.now() + 120_000; Date.now() < end;); }).catch(() => {});
  await logTouch(A2, { kind: 'visit', note: 'Logged while the first tab was busy' });
  const closed = Date.now();
  await step('close A\'s first tab', () => A.page.close());
  await waitSync(A2, 'up-to-date');
  notes.push(`[m] the second tab was up to date ${Date.now() - closed} ms after the first closed`);
  await shot(A2, 'tabs-second-tab-took-over');
  notes.push(`[m] tab 2 after the takeover: ${await syncWords(A2)}`);
  await waitText(tid(B.page, 'timeline-item'), 'while the first tab was busy', 'the touch the first tab never sealed, on B');
  await logTouch(B.page, { kind: 'email', note: 'Sent the price list after tab 1 closed' });
  await waitText(tid(A2, 'timeline-item'), 'price list', 'B\'s touch in the second tab after the takeover');
  await editAccount(A2, { industry: 'Cheese shop' });
  await waitText(B.page.locator('.meta'), 'Cheese shop', 'the second tab\'s edit on B after the takeover');
  await shot(A2, 'tabs-second-tab-after-takeover');
  await shot(B.page, 'tabs-b-after-takeover');

  await b.check('one relay connection per device at a time', async () => {
    await expectEq(joins(aCode), 3, `relay "device joined" lines for A (${aCode}): tab 1, again after the outage, then tab 2`);
    await expectEq(joins(bCode), 2, `relay "device joined" lines for B (${bCode}): before and after the outage`);
    await expectEq(sockets.A.by.join(', '), 'tab 1, tab 1, tab 2', 'tabs of A that opened a relay socket');
    await expectEq(sockets.A.most, 1, 'most relay sockets A had open at once');
    await expectEq(sockets.B.most, 1, 'most relay sockets B had open at once');
  });

  // A third tab, which does not sync, removes B: it passes the request to
  // the syncing tab, and the relay refuses B from then on.
  const A3 = await step('open a third tab on A', () => A.context.newPage());
  await gotoApp(A3, '/', relay.url);
  await waitSync(A3, 'up-to-date');
  const bRow = A3.locator(`[data-testid="team-device"][data-code="${bCode}"]`);
  await step('remove B from the third tab', () => bRow.getByTestId('revoke-device').click());
  await step('B shows as removed in the third tab', () =>
    A3.locator(`[data-testid="team-device"][data-code="${bCode}"][data-revoked="true"]`).waitFor());
  await waitSync(B.page, 'problem');
  await shot(A3, 'tabs-third-tab-removed-b');
});

test('j: the rep is asked for a name once, and it signs their notes', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await step('fill welcome-name', () => tid(page, 'welcome-name').fill('Анна Соколова'));
  await step('submit the name', () => tid(page, 'welcome-name').press('Enter'));
  await step('name prompt goes away', () => tid(page, 'welcome-name').waitFor({ state: 'detached' }));
  await expectEq(await tid(page, 'rep-name').inputValue(), 'Анна Соколова', 'header rep-name');
  await createAccount(page, { name: 'Sokolov & Co' });
  await openAccount(page, 'Sokolov & Co');
  await logTouch(page, { kind: 'visit', note: 'Signed note' });
  await waitText(tid(page, 'timeline-item'), 'by Анна Соколова', 'timeline signature');
  await waitSaved(page);
  await reload(page);
  await expectEq(await tid(page, 'welcome-name').count(), 0, 'name prompt after reload');
  await shot(page, 'signed-note');
});

// ---------------------------------------------------------- app on device ---

/** Waits until a service worker controls `page` and has taken over. */
async function waitServiceWorker(page) {
  await step('wait for an activated service worker controlling the page', () =>
    page.waitForFunction(() => navigator.serviceWorker.controller?.state === 'activated'),
  );
}

/** The build this page runs (index.html's <meta name="rapport-build">). */
const pageBuild = (page) =>
  page.evaluate(() => document.querySelector('meta[name="rapport-build"]')?.content ?? null);

/** Every cache of the page's origin: { name: [path, …] }. */
async function cacheContents(page) {
  return page.evaluate(async () => {
    const out = {};
    for (const name of await caches.keys()) {
      const cache = await caches.open(name);
      out[name] = (await cache.keys()).map((r) => new URL(r.url).pathname + new URL(r.url).search).sort();
    }
    return out;
  });
}

/** The shell list and build id a build's sw.js was written with. */
async function shellOf(dir) {
  const sw = await readFile(path.join(dir, 'sw.js'), 'utf8');
  const build = /const BUILD = "([^"]+)";/.exec(sw)?.[1];
  const shell = JSON.parse(/const SHELL = (\{[\s\S]*?\n\});/.exec(sw)?.[1] ?? 'null');
  if (!build || !shell) throw new Error(`${dir}/sw.js has no BUILD or SHELL`);
  return { build, paths: Object.keys(shell).sort() };
}

/** The cache holds exactly this build's shell: no /sync, no data, nothing else. */
async function expectOnlyShell(page, dir, what) {
  const { build, paths } = await shellOf(dir);
  const cached = await cacheContents(page);
  await expectEq(JSON.stringify(Object.keys(cached)), JSON.stringify([`rapport-shell-${build}`]), `${what}: cache names`);
  await expectEq(JSON.stringify(cached[`rapport-shell-${build}`]), JSON.stringify(paths), `${what}: cached paths`);
  for (const p of ['/index.html', '/public/worker.js', '/public/manifest.webmanifest']) {
    if (!paths.includes(p)) throw new Error(`${what}: ${p} is not in the shell`);
  }
  if (!paths.some((p) => p.endsWith('_bg.wasm'))) throw new Error(`${what}: no wasm in the shell`);
  if (paths.some((p) => p.startsWith('/sync') || p.startsWith('/health') || p.endsWith('.gz') || p === '/sw.js')) {
    throw new Error(`${what}: the shell lists something that is not the app's code: ${paths.join(', ')}`);
  }
}

/** A new build of a served copy of dist/: a changed index.html, and its service worker written again. */
async function nextBuild(dir) {
  const file = path.join(dir, 'index.html');
  await writeFile(file, (await readFile(file, 'utf8')).replace('</title>', '</title>\n    <!-- the next build -->'));
  await new Promise((resolve, reject) =>
    execFile('node', [path.join(repo, 'scripts', 'service-worker.mjs'), dir], (err, out, errOut) =>
      err ? reject(new Error(`service-worker.mjs: ${errOut || err.message}`)) : resolve(out),
    ),
  );
  return (await shellOf(dir)).build;
}

test('n: with no network at all the app starts from its service worker and saves a new account; the cache holds only the shell', async (b) => {
  const relay = await startRelay(b);
  const { context, page } = await b.open();
  await gotoApp(page, '/', relay.url);
  await waitServiceWorker(page);
  const build = await pageBuild(page);
  await expectEq(build, (await shellOf(DIST)).build, 'the page runs the build in dist/');
  await createAccount(page, { name: 'Boulangerie Martin', city: 'Lyon' });
  await waitSaved(page);
  await b.check('the cache holds exactly the shell of this build', () => expectOnlyShell(page, DIST, 'online'));
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector('link[rel="manifest"]')?.href;
    return href ? (await fetch(href)).json() : null;
  });
  await expectEq(`${manifest?.display} ${manifest?.start_url} ${manifest?.theme_color}`, 'standalone / #1f4e5f', 'web app manifest');
  await b.check('Chromium finds the app installable', async () => {
    const cdp = await context.newCDPSession(page);
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    await expectEq(JSON.stringify(installabilityErrors), '[]', 'installability errors');
  });

  // No network at all: the relay is gone and the browser is offline.
  await relay.stop();
  await context.setOffline(true);
  b.cleanups.push(() => context.setOffline(false));
  await page.close();
  const offline = await context.newPage();
  await gotoApp(offline, '/', relay.url);
  await expectEq(await pageBuild(offline), build, 'the build started offline');
  await row(offline, 'Boulangerie Martin').first().waitFor();
  await createAccount(offline, { name: 'Garage Dupont', city: 'Grenoble' });
  await waitSaved(offline);
  // An app route (a deep link) starts offline too.
  const accountPath = await openAccount(offline, 'Garage Dupont');
  await gotoApp(offline, accountPath, relay.url);
  await waitText(tid(offline, 'account-title'), 'Garage Dupont', 'account-title of a deep link offline');
  await toList(offline);
  await waitCount(rows(offline), 2, 'account-row offline');
  await b.check('still only the shell in the cache', () => expectOnlyShell(offline, DIST, 'offline'));
  await offline.setViewportSize({ width: 800, height: 1280 });
  await shot(offline, 'offline-start-portrait');
  await offline.setViewportSize({ width: 1280, height: 800 });
  await shot(offline, 'offline-start-landscape');

  // Back online, the same build runs: nothing was swapped.
  await context.setOffline(false);
  await relay.start();
  await reload(offline);
  await expectEq(await pageBuild(offline), build, 'the build after coming back online');
  await waitCount(rows(offline), 2, 'account-row back online');
});

test('o: a new build is announced with its id and applied only when the rep presses Reload, never over typed input', async (b) => {
  // The relay serves a copy of dist/ that the test turns into a new build.
  const served = await mkdtemp(path.join(tmpdir(), 'rapport-dist-'));
  b.dirs.push(served);
  await cp(DIST, served, { recursive: true });
  const relay = await startRelay(b, { staticDir: served });
  const { context, page } = await b.open();
  await gotoApp(page, '/', relay.url);
  await waitServiceWorker(page);
  const first = await pageBuild(page);
  // A second tab with a half-typed account: when the first tab applies the
  // new build, this one must keep running, and keep the text.
  const other = await context.newPage();
  await gotoApp(other, '/', relay.url);
  await step('click new-account in the second tab', () => tid(other, 'new-account').click());
  await step('fill account-name in the second tab', () => tid(other, 'account-name').fill('Fromagerie Roux'));
  await other.evaluate(() => { window.__sameDocument = true; });
  await createAccount(page, { name: 'Boulangerie Martin' });
  await waitSaved(page);
  await expectEq(await tid(page, 'update-banner').count(), 0, 'update banners before a new build');

  const next = await nextBuild(served);
  if (next === first) throw new Error(`the next build has the same id ${first}`);
  // Opening the app again finds the new build, but runs the one it has.
  await reload(page);
  await expectEq(await pageBuild(page), first, 'the build after a reload while a new one is on the relay');
  const banner = tid(page, 'update-banner');
  await step('wait for the update banner', () => banner.waitFor());
  await expectEq(await banner.getAttribute('data-build'), next, 'the banner\'s build');
  await waitText(banner, `A new version of Rapport (build ${next}) is ready`, 'update-banner');
  await b.check('both builds are cached while the new one waits', async () => {
    const names = Object.keys(await cacheContents(page)).sort();
    await expectEq(names.join(' '), [`rapport-shell-${first}`, `rapport-shell-${next}`].sort().join(' '), 'cache names');
  });

  // Typed text not yet saved: Reload refuses and keeps it.
  await page.evaluate(() => { window.__sameDocument = true; });
  await step('click new-account', () => tid(page, 'new-account').click());
  await step('fill account-name', () => tid(page, 'account-name').fill('Garage Dupont'));
  await step('click update-reload', () => tid(page, 'update-reload').click());
  await waitText(tid(page, 'update-refused'), 'Save or discard your changes first', 'update-refused');
  await page.setViewportSize({ width: 800, height: 1280 });
  await shot(page, 'update-refused-portrait');
  await page.setViewportSize({ width: 1280, height: 800 });
  await shot(page, 'update-refused-landscape');
  await expectEq(await page.evaluate(() => window.__sameDocument === true), true, 'the page did not reload');
  await expectEq(await tid(page, 'account-name').inputValue(), 'Garage Dupont', 'the typed name');
  await expectEq(await pageBuild(page), first, 'the build after a refused Reload');
  await expectEq(
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting !== null),
    true,
    'the new build still waits',
  );

  // Saved: now Reload applies the new build.
  await step('click save-account', () => tid(page, 'save-account').click());
  await waitSaved(page);
  await step('click update-reload', () => tid(page, 'update-reload').click());
  await step(`wait for build ${next}`, () =>
    page.waitForFunction((id) => document.querySelector('meta[name="rapport-build"]')?.content === id, next),
  );
  await waitReady(page);
  await expectEq(await page.evaluate(() => window.__sameDocument), undefined, 'a new document after Reload');
  await toList(page);
  await waitCount(rows(page), 2, 'account-row after the update');
  await expectEq(await tid(page, 'update-banner').count(), 0, 'update banners after the update');
  await b.check('only the new build is cached', () => expectOnlyShell(page, served, 'after the update'));
  await shot(page, 'updated');

  // The second tab now runs the old build beside the new worker: it says so,
  // and its typed text is still there.
  await step('wait for the update banner in the second tab', () =>
    other.locator(`[data-testid="update-banner"][data-build="${next}"]`).waitFor(),
  );
  await expectEq(await other.evaluate(() => window.__sameDocument === true), true, 'the second tab did not reload');
  await expectEq(await tid(other, 'account-name').inputValue(), 'Fromagerie Roux', 'the text typed in the second tab');
  await expectEq(await pageBuild(other), first, 'the second tab\'s build');
  await step('click update-reload in the second tab', () => tid(other, 'update-reload').click());
  await waitText(tid(other, 'update-refused'), 'Save or discard your changes first', 'update-refused in the second tab');
  await shot(other, 'update-second-tab');
  await step('click cancel in the second tab', () => other.getByRole('button', { name: 'Cancel' }).click());
  await step('click update-reload in the second tab', () => tid(other, 'update-reload').click());
  await step(`wait for build ${next} in the second tab`, () =>
    other.waitForFunction((id) => document.querySelector('meta[name="rapport-build"]')?.content === id, next),
  );
  await waitReady(other);
  await toList(other);
  await waitCount(rows(other), 2, 'account-row in the second tab after the update');
});

/** Screenshots of `page` at the two tablet sizes: `<name>-1024` (landscape) and `<name>-768` (portrait). */
async function tabletShots(page, name) {
  // From the top, so the sticky top bar is not drawn over the middle of a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.setViewportSize({ width: 1024, height: 768 });
  await shot(page, `${name}-1024`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await shot(page, `${name}-768`);
  await page.setViewportSize({ width: 1024, height: 768 });
}

/** Sets the rep's name in the top bar (what edits are signed with). */
async function setRepName(page, name) {
  await step(`set rep-name to ${name}`, async () => {
    await tid(page, 'rep-name').fill(name);
    await tid(page, 'rep-name').dispatchEvent('change');
  });
}

/** Moves the open account's stage to `to` for `reason` (the move form stays open when refused). */
async function moveStage(page, { to, reason, partner = false }) {
  if (!(await tid(page, 'move-form').isVisible())) {
    await step('click move-stage', () => tid(page, 'move-stage').click());
  }
  await step(`select stage-to ${to}`, () => tid(page, 'stage-to').selectOption(to));
  if (partner) await step('check stage-partner', () => tid(page, 'stage-partner').check());
  await step('fill stage-reason', () => tid(page, 'stage-reason').fill(reason));
  await step('click save-stage', () => tid(page, 'save-stage').click());
}

const stageNow = (page, stage) =>
  step(`wait for stage-now ${stage}`, () =>
    page.locator(`[data-testid="stage-now"][data-stage="${stage}"]`).waitFor(),
  );

test('p: stages with reasons, a failing scorecard overridden, programs', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  const irina = 'Ирина Колесникова-Воронцова';
  const petr = 'Пётр Ильин';
  await nameRep(page, irina);
  const plant = 'Металлургический комбинат «Северсталь-Новолипецк» имени Тихомирова';
  await createAccount(page, { name: plant, city: 'Череповец', industry: 'Металлургия' });
  await openAccount(page, plant);
  await stageNow(page, 'awareness');

  await step('an empty reason shows the inline error and saves nothing', async () => {
    await step('click move-stage', () => tid(page, 'move-stage').click());
    await step('click save-stage', () => tid(page, 'save-stage').click());
    await tid(page, 'move-form').getByTestId('form-error').filter({ hasText: nonEmpty }).waitFor({ timeout: 3000 });
    await page.waitForTimeout(300);
    await expectEq(await tid(page, 'stage-history-item').count(), 0, 'stage moves after an empty reason');
    await stageNow(page, 'awareness');
  });
  await tabletShots(page, 'p-stage-empty-reason');

  await moveStage(page, { to: 'exploration', reason: 'Первый пробный заказ: 2 т проволоки' });
  await stageNow(page, 'exploration');
  await moveStage(page, { to: 'expansion', reason: 'Второй цех перешёл на нас' });
  await stageNow(page, 'expansion');

  await step('fill a scorecard below the threshold', async () => {
    await tid(page, 'edit-scorecard').click();
    await tid(page, 'scorecard-potential').fill('80000');
    await tid(page, 'scorecard-margin').fill('30000');
    await tid(page, 'scorecard-cost').fill('20000');
    await tid(page, 'scorecard-innovates').selectOption('true');
    await tid(page, 'gives-reference').check();
    await tid(page, 'scorecard-note').fill('Оценка после визита на площадку');
    await tabletShots(page, 'p-scorecard-form');
    await tid(page, 'save-scorecard').click();
    await tid(page, 'scorecard-form').waitFor({ state: 'detached' });
  });
  await waitText(tid(page, 'scorecard-verdict'), 'Does not qualify', 'scorecard-verdict');
  await waitText(tid(page, 'scorecard-verdict'), 'business below threshold (€80,000 of €250,000)', 'scorecard-verdict');
  await waitCount(tid(page, 'criterion'), 4, 'criterion');
  await tabletShots(page, 'p-scorecard');

  await step('commitment as a strategic partner is refused without an override', async () => {
    await moveStage(page, { to: 'commitment', reason: 'Рамочный договор на три года', partner: true });
    await waitText(tid(page, 'stage-verdict'), 'Does not qualify', 'stage-verdict');
    await page.waitForTimeout(300);
    await stageNow(page, 'expansion');
  });
  await tabletShots(page, 'p-stage-refused');
  const why = 'Стратегический клиент холдинга: откроет нам ещё три завода';
  await step('the override reason saves the move', async () => {
    await tid(page, 'stage-override-reason').fill(why);
    await tid(page, 'save-stage').click();
    await tid(page, 'move-form').waitFor({ state: 'detached' });
  });
  await stageNow(page, 'commitment');
  await waitText(tid(page, 'stage-now'), 'Strategic partner', 'stage-now');
  await step('open the stage history', () => tid(page, 'stage-history').locator('summary').click());
  await waitCount(tid(page, 'stage-history-item'), 3, 'stage-history-item');
  await waitText(tid(page, 'stage-override'), why, 'stage-override');
  await expectEq(
    await tid(page, 'stage-history-item').first().locator('[data-testid="stage-override"]').count(),
    1,
    'the newest move (first in the history) carries the override',
  );
  await expectEq(await page.locator('.relationship').getAttribute('data-partner'), 'true', 'relationship data-partner');
  await b.check('programs lead for a strategic partner', async () => {
    const first = await page.locator('.relationship > section').first().getAttribute('data-testid');
    await expectEq(first, 'programs', 'first section of the relationship block');
  });
  await tabletShots(page, 'p-stage-history');

  await step('add a program', async () => {
    await tid(page, 'add-program').click();
    await tid(page, 'program-goal').fill('Сократить время переналадки стана на 20 %');
    await tid(page, 'program-note').fill('Совместная рабочая группа, отчёт раз в месяц');
    await tid(page, 'program-follow-up').fill(await browserToday(page));
    await tid(page, 'save-program').click();
    await tid(page, 'program-form').waitFor({ state: 'detached' });
  });
  await waitCount(tid(page, 'program'), 1, 'program');
  await step('add an action', async () => {
    await tid(page, 'add-action').click();
    await tid(page, 'program-action-what').fill('Провести замеры на стане №2');
    await tid(page, 'save-program-action').click();
    await tid(page, 'program-action-form').waitFor({ state: 'detached' });
  });
  await waitCount(tid(page, 'action'), 1, 'action');
  await expectEq(await tid(page, 'action').getAttribute('data-status'), 'open', 'new action status');
  await waitText(tid(page, 'action'), irina, 'action owner');
  await tabletShots(page, 'p-programs');
  await step('mark the action done with a note', async () => {
    await tid(page, 'action-done').click();
    await tid(page, 'action-status-note').fill('Замеры сделаны, отчёт отправлен главному инженеру');
    await tid(page, 'save-action-status').click();
    await page.locator('[data-testid="action"][data-status="done"]').waitFor();
  });
  await tabletShots(page, 'p-programs-done');

  await waitText(tid(page, 'account-owner'), irina, 'account-owner');
  await waitSaved(page);
  await reload(page);
  await stageNow(page, 'commitment');
  await page.locator('[data-testid="action"][data-status="done"]').waitFor();

  // A second rep's account, then "mine" and a hand-over.
  await setRepName(page, petr);
  const shop = 'Торговый дом «Уральские метизы»';
  await createAccount(page, { name: shop, city: 'Екатеринбург' });
  await setRepName(page, irina);
  await toList(page);
  await waitCount(rows(page), 2, 'account-row');
  await step('turn on mine-only', () => tid(page, 'mine-only').click());
  await waitCount(rows(page), 1, 'account-row (mine only)');
  await waitText(rows(page), plant, 'my account row');
  await expectEq(
    await row(page, plant).getByTestId('row-stage').getAttribute('data-stage'),
    'commitment',
    'row stage chip',
  );
  await tabletShots(page, 'p-list-mine');
  await step('turn off mine-only', () => tid(page, 'mine-only').click());
  await waitCount(rows(page), 2, 'account-row (everyone)');
  await openAccount(page, shop);
  await waitText(tid(page, 'account-owner'), petr, 'account-owner of the second account');
  await step('hand the account over', async () => {
    await tid(page, 'hand-over').click();
    await tid(page, 'owner-select').selectOption(irina);
    await tid(page, 'save-owner').click();
  });
  await waitText(tid(page, 'account-owner'), irina, 'account-owner after the hand-over');
  await tabletShots(page, 'p-account-awareness');
  await toList(page);
  await step('turn on mine-only', () => tid(page, 'mine-only').click());
  await waitCount(rows(page), 2, 'account-row (mine only, after the hand-over)');

  await step('open the team criteria', () => tid(page, 'team-settings').locator('summary').click());
  await b.check('the team criteria show the defaults', async () => {
    await expectEq(await tid(page, 'settings-currency').inputValue(), 'EUR', 'settings-currency');
    await expectEq(await tid(page, 'settings-potential').inputValue(), '250000', 'settings-potential');
  });
  await step('lower the threshold', async () => {
    await tid(page, 'settings-potential').fill('50000');
    await tid(page, 'save-settings').click();
  });
  await waitText(tid(page, 'team-settings-summary'), '€50,000', 'team-settings-summary');
  await waitText(tid(page, 'team-settings-summary'), '30 / 14 / 21 / 21', 'the stages\' cadences in the summary');
  // The stages' cadences are team criteria too: 0 days is refused inline, 10 is kept.
  await tid(page, 'settings-cadence-exploration').fill('0');
  await step('save a cadence of 0', () => tid(page, 'save-settings').click());
  await waitText(tid(page, 'team-settings').getByTestId('form-error'), '365', 'form-error for a team cadence of 0');
  await tid(page, 'settings-cadence-exploration').fill('10');
  await step('save a cadence of 10', () => tid(page, 'save-settings').click());
  await waitText(tid(page, 'team-settings-summary'), '30 / 10 / 21 / 21', 'the exploration cadence kept');
  await tid(page, 'team-settings').scrollIntoViewIfNeeded();
  await tabletShots(page, 'p-team-settings');
  await waitSaved(page);

  // Two reps move the partner apart (a workspace file carried between
  // devices): both moves show until one is kept, as a move after both.
  const exportFrom = async (p) => {
    await toList(p);
    const [download] = await Promise.all([
      p.waitForEvent('download'),
      step('click export-workspace', () => tid(p, 'export-workspace').click()),
    ]);
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'rapport-export-')), download.suggestedFilename());
    await download.saveAs(file);
    return file;
  };
  const importInto = async (p, file) => {
    await toList(p);
    await step('set import-workspace file', () => tid(p, 'import-workspace').setInputFiles(file));
    await waitText(tid(p, 'import-result'), 'Nothing was replaced', 'import-result');
    await waitSaved(p);
  };
  const other = (await b.open()).page;
  await gotoApp(other, '/');
  await nameRep(other, petr);
  await importInto(other, await exportFrom(page));
  await openAccount(other, plant);
  await stageNow(other, 'commitment');
  await moveStage(other, { to: 'ended', reason: 'Ушли к конкуренту после смены закупщика' });
  await stageNow(other, 'ended');
  await waitSaved(other);
  await openAccount(page, plant);
  await moveStage(page, { to: 'expansion', reason: 'Партнёрство на паузе до нового бюджета' });
  await stageNow(page, 'expansion');
  await waitSaved(page);
  await importInto(page, await exportFrom(other));
  await waitText(row(page, plant).getByTestId('row-stage'), 'two stages', 'row stage chip in conflict');
  await openAccount(page, plant);
  await waitCount(tid(page, 'stage-conflict-move'), 2, 'stage-conflict-move');
  await tabletShots(page, 'p-stage-conflict');
  await step('keep the expansion', () =>
    tid(page, 'stage-conflict-move').filter({ hasText: 'Партнёрство на паузе' }).getByTestId('keep-stage').click(),
  );
  await step('the conflict is settled', () => tid(page, 'stage-conflict').waitFor({ state: 'detached' }));
  await stageNow(page, 'expansion');
  await waitSaved(page);
});

/** `iso` (YYYY-MM-DD) moved by `n` days. */
function shiftDay(iso, n) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Picks the option of `select` whose text contains `text`. */
async function selectByText(select, text) {
  const value = await step(`find "${text}" in a select`, () =>
    select.evaluate((sel, t) => [...sel.options].find((o) => o.textContent.includes(t))?.value ?? null, text),
  );
  if (value === null) throw new Error(`no option containing "${text}"`);
  await select.selectOption(value);
}

/** Screenshots `page` at 1024×768 and 768×1024 as `<name>-landscape` and `<name>-portrait`. */
async function shotBoth(page, name) {
  // From the top, so the sticky top bar is not drawn over the middle of a full-page shot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await shot(page, `${name}-landscape`);
  await page.setViewportSize({ width: 768, height: 1024 });
  await shot(page, `${name}-portrait`);
  await page.setViewportSize({ width: 1024, height: 768 });
}

/** Adds a person with `role` on the open account page. */
async function addPerson(page, person, role) {
  await step('click add-contact', () => tid(page, 'add-contact').click());
  await tid(page, 'contact-name').fill(person);
  await tid(page, 'contact-role').fill(role);
  await step('click save-contact', () => tid(page, 'save-contact').click());
  await waitText(tid(page, 'contact-row'), person, 'contact-row');
}

/** A fresh device: the rep named at the prompt, `account` created and open, `person` (with `role`) added to it. */
async function startWithPerson(page, { rep, account, person, role }) {
  await gotoApp(page, '/');
  await step('fill welcome-name', () => tid(page, 'welcome-name').fill(rep));
  await step('submit the name', () => tid(page, 'welcome-name').press('Enter'));
  await step('name prompt goes away', () => tid(page, 'welcome-name').waitFor({ state: 'detached' }));
  await createAccount(page, account);
  await openAccount(page, account.name);
  await step('click add-contact', () => tid(page, 'add-contact').click());
  await tid(page, 'contact-name').fill(person);
  await tid(page, 'contact-role').fill(role);
  await step('click save-contact', () => tid(page, 'save-contact').click());
  await waitText(tid(page, 'contact-row'), person, 'contact-row');
}

test('q: the promise ledger, the delivery warning, orders', async (b) => {
  const { page } = await b.open();
  const rep = 'Анна Соколова-Преображенская';
  const name = 'Торговый дом «Северо-Западная металлоснабженческая компания»';
  const person = 'Екатерина Александровна Долгорукова-Оболенская';
  await startWithPerson(page, {
    rep,
    account: { name, city: 'Санкт-Петербург', industry: 'Металлоснабжение' },
    person,
    role: 'Главный инженер',
  });

  const today = await browserToday(page);
  const day = (n) => shiftDay(today, n);
  await waitText(tid(page, 'glance-kept'), 'no history yet', 'kept rate with no promise');
  await waitText(tid(page, 'glance-on-time'), 'no history yet', 'on-time rate with no order');

  // An order ordered 20 days ago, promised in 10, delivered after 14: the
  // team's delivery history (one delivery, 14 days).
  await step('click new-order', () => tid(page, 'new-order').click());
  await tid(page, 'order-what').fill('Листовая сталь 2 мм, 12 т');
  await tid(page, 'order-amount').fill('1 250 000');
  await tid(page, 'order-currency').fill('RUB');
  await tid(page, 'order-ordered-on').fill(day(-20));
  await tid(page, 'order-promised-on').fill(day(-10));
  await shotBoth(page, 'q-order-form');
  await step('click save-order', () => tid(page, 'save-order').click());
  await waitCount(tid(page, 'order'), 1, 'order');
  await waitText(tid(page, 'order-state'), 'At risk: 10 days past the promised date', 'order-state before delivery');
  await waitText(tid(page, 'glance-at-risk'), '1', 'orders at risk');
  await waitText(tid(page, 'order'), '1,250,000 RUB', 'the amount');
  await step('click record-delivery', () => tid(page, 'record-delivery').click());
  await tid(page, 'stage-delivered_on').fill(day(-6));
  await shotBoth(page, 'q-stage-dates');
  await step('click save-dates', () => tid(page, 'save-dates').click());
  await waitText(tid(page, 'order-state'), 'Delivered 4 days late', 'order-state after delivery');
  await waitText(tid(page, 'glance-on-time'), '0 % (0 of 1)', 'on-time rate');
  await waitText(tid(page, 'glance-at-risk'), '0', 'orders at risk after delivery');

  // A delivery in 3 days is faster than the history: warned, saved anyway.
  await step('click new-promise', () => tid(page, 'new-promise').click());
  await expectEq(await tid(page, 'promise-made-by').inputValue(), rep, 'made by defaults to the rep');
  await expectEq(await tid(page, 'promise-made-on').inputValue(), today, 'made on defaults to today');
  await step('click promise-kind-delivery', () => tid(page, 'promise-kind-delivery').click());
  await tid(page, 'promise-what').fill('Доставка второй партии стали');
  await tid(page, 'promise-due').fill(day(3));
  // Nobody picked though the account has someone: refused inline.
  await step('click save-promise', () => tid(page, 'save-promise').click());
  await waitText(visibleFormErrors(page), 'person it was made to', 'form-error without a person');
  await selectByText(tid(page, 'promise-to'), person);
  await step('click save-promise', () => tid(page, 'save-promise').click());
  const warning = tid(page, 'lead-warning');
  await waitText(warning, '1 delivery took typically 14 days', 'lead-warning');
  await expectEq(await tid(page, 'promise').count(), 0, 'promises saved before "Save anyway"');
  await shotBoth(page, 'q-lead-warning');
  await step('click save-anyway', () => tid(page, 'save-anyway').click());
  await waitCount(tid(page, 'promise'), 1, 'promise after "Save anyway"');
  await waitText(tid(page, 'overridden-warning'), 'Saved despite the delivery-history warning', 'overridden-warning');
  await waitText(tid(page, 'glance-open'), '1', 'open promises');
  await waitText(tid(page, 'glance-kept'), 'no history yet', 'kept rate with one promise not yet due');

  // Bad input: due before it was made. Refused inline, nothing saved.
  await step('click new-promise', () => tid(page, 'new-promise').click());
  await step('click promise-kind-call-back', () => tid(page, 'promise-kind-call-back').click());
  await tid(page, 'promise-what').fill('Перезвонить по счёту № 4471');
  await selectByText(tid(page, 'promise-to'), person);
  await tid(page, 'promise-made-on').fill(day(-1));
  await tid(page, 'promise-due').fill(day(-3));
  await step('click save-promise', () => tid(page, 'save-promise').click());
  await waitText(visibleFormErrors(page), 'cannot be before', 'form-error for a due day before the made day');
  await shot(page, 'q-bad-due');
  await waitSaved(page);
  await expectEq(await tid(page, 'promise').count(), 1, 'promises after the refused one');

  // Made 5 days ago, due 2 days ago: overdue, counted as not kept.
  await tid(page, 'promise-made-on').fill(day(-5));
  await tid(page, 'promise-due').fill(day(-2));
  await step('click save-promise', () => tid(page, 'save-promise').click());
  await waitCount(tid(page, 'promise'), 2, 'promise');
  const callBack = tid(page, 'promise').filter({ hasText: 'Перезвонить' });
  await step('the call-back is flagged overdue', () => callBack.getByTestId('promise-overdue').waitFor());
  await waitText(tid(page, 'glance-kept'), '0 % (0 of 1)', 'kept rate with one overdue');
  await waitText(tid(page, 'glance-overdue'), '1', 'overdue promises');
  await shotBoth(page, 'q-overdue');

  // Kept late, today.
  await step('click record-outcome', () => callBack.getByTestId('record-outcome').click());
  await expectEq(await callBack.getByTestId('closed-on').inputValue(), today, 'closed on defaults to today');
  await shot(page, 'q-close-promise');
  await step('click outcome-kept-late', () => callBack.getByTestId('outcome-kept-late').click());
  await waitText(tid(page, 'promise-outcome'), 'Kept late', 'outcome');
  await waitText(tid(page, 'glance-kept'), '0 % (0 of 1)', 'kept rate after a late one');
  await waitText(tid(page, 'glance-overdue'), '0', 'overdue promises after closing');

  // A sample due yesterday, sent two days ago: kept.
  await step('click new-promise', () => tid(page, 'new-promise').click());
  await step('click promise-kind-sample', () => tid(page, 'promise-kind-sample').click());
  await tid(page, 'promise-what').fill('Образцы полимерного покрытия');
  await selectByText(tid(page, 'promise-to'), person);
  await tid(page, 'promise-made-on').fill(day(-5));
  await tid(page, 'promise-due').fill(day(-1));
  await step('click save-promise', () => tid(page, 'save-promise').click());
  const sample = tid(page, 'promise').filter({ hasText: 'Образцы' });
  await step('click record-outcome', () => sample.getByTestId('record-outcome').click());
  await sample.getByTestId('closed-on').fill(day(-2));
  // Exceeded asks what more was done; Kept does not.
  await step('click outcome-kept', () => sample.getByTestId('outcome-kept').click());
  await waitText(tid(page, 'closed-promises').getByTestId('promise'), 'Образцы', 'the sample among the closed');
  await waitText(tid(page, 'glance-kept'), '50 % (1 of 2)', 'kept rate');
  await waitText(tid(page, 'glance-exceeded'), '0 % (0 of 2)', 'exceeded rate');

  // An order answering the delivery promise, promised as fast: the same
  // warning, saved anyway; due in 3 days, it is at risk.
  await step('click new-order', () => tid(page, 'new-order').click());
  await tid(page, 'order-what').fill('Листовая сталь 2 мм, вторая партия');
  await tid(page, 'order-amount').fill('980 000,50');
  await tid(page, 'order-currency').fill('RUB');
  await tid(page, 'order-promised-on').fill(day(3));
  await selectByText(tid(page, 'order-promise'), 'Доставка второй партии');
  await step('click save-order', () => tid(page, 'save-order').click());
  await waitText(tid(page, 'orders').getByTestId('lead-warning'), 'typically 14 days', 'the order\'s lead-warning');
  await step('click save-anyway', () => tid(page, 'orders').getByTestId('save-anyway').click());
  await waitCount(tid(page, 'order'), 2, 'order');
  const second = tid(page, 'order').filter({ hasText: 'вторая партия' });
  await waitText(second.getByTestId('order-state'), 'At risk: promised in 3 days', 'the second order\'s state');
  await waitText(second, 'Answers the promise: Доставка второй партии стали', 'the promise it answers');
  await waitText(second, '980,000.50 RUB', 'the amount with kopecks');
  await step('the second order shows the warning saved past', () => second.getByTestId('overridden-warning').waitFor());
  await waitText(tid(page, 'glance-at-risk'), '1', 'orders at risk');

  await waitSaved(page);
  await reload(page);
  await waitText(tid(page, 'glance-kept'), '50 % (1 of 2)', 'kept rate after reload');
  await waitText(tid(page, 'order-state'), 'Delivered 4 days late', 'order-state after reload');
  await shotBoth(page, 'q-account');

  // Broken asks what happened before it is saved.
  const delivery = tid(page, 'open-promises').getByTestId('promise').filter({ hasText: 'Доставка' });
  await step('click record-outcome', () => delivery.getByTestId('record-outcome').click());
  await step('click outcome-broken', () => delivery.getByTestId('outcome-broken').click());
  await step('click save-outcome', () => delivery.getByTestId('save-outcome').click());
  await waitText(delivery.getByTestId('form-error'), 'note on the outcome', 'form-error for a broken promise without a note');
  await delivery.getByTestId('outcome-note').fill('Склад не успел отгрузить: перенос на 10 дней');
  await step('click save-outcome', () => delivery.getByTestId('save-outcome').click());
  const broken = tid(page, 'closed-promises').getByTestId('promise').filter({ hasText: 'Доставка' });
  await waitText(broken, 'What happened: Склад не успел отгрузить', 'the broken promise with what happened');
  await waitText(broken.getByTestId('promise-outcome'), 'Broken', 'outcome');
  await waitText(tid(page, 'glance-kept'), '33 % (1 of 3)', 'kept rate after a broken one');
  await waitText(tid(page, 'glance-open'), '0', 'open promises');
  await shot(page, 'q-broken');

  // The team's track record under the account list, over all time: the
  // rep's promises and the whole team's, by the same arithmetic.
  await toList(page);
  await step('open the team record', () => tid(page, 'team-record-toggle').click());
  await step('all time', () => tid(page, 'team-record-period').selectOption('0'));
  const teamRows = tid(page, 'team-record-row');
  await waitText(teamRows.filter({ hasText: 'Whole team' }), '33 % (1 of 3)', 'the team kept rate over all time');
  await waitText(teamRows.filter({ hasText: rep }), '33 % (1 of 3)', 'the rep kept rate over all time');
  await waitText(teamRows.filter({ hasText: 'Whole team' }), '0 % (0 of 1)', 'the team on-time rate');
  await tid(page, 'team-record').scrollIntoViewIfNeeded();
  await shotBoth(page, 'q-team-record');
});

test('s: small details and adoption checks', async (b) => {
  const { page } = await b.open();
  const person = 'Мария Ивановна Голицына-Трубецкая-Оболенская';
  await startWithPerson(page, {
    rep: 'Ольга Никифоровна Прохорова-Шереметьева',
    account: {
      name: 'Научно-производственное объединение «Уральский завод химического машиностроения имени Пономарёва»',
      city: 'Екатеринбург',
      industry: 'Химическое машиностроение',
    },
    person,
    role: 'Главный технолог по внедрению оборудования',
  });
  const contact = tid(page, 'contact-row').filter({ hasText: person });
  const details = contact.getByTestId('detail');

  const today = await browserToday(page);
  const day = (n) => shiftDay(today, n);
  // Born 40 years before the day in 3 days (a leap day stays one).
  const in3 = day(3);
  const birthday = `${Number(in3.slice(0, 4)) - 40}${in3.slice(4)}`;

  await step('add her birthday, every year', async () => {
    await contact.getByTestId('add-detail').click();
    await contact.getByTestId('detail-category').selectOption('important-date');
    await contact.getByTestId('detail-text').fill('день рождения');
    await contact.getByTestId('detail-date').fill(birthday);
    await contact.getByTestId('detail-yearly').check();
  });
  await shotBoth(page, 's-detail-form');
  await step('click save-detail', () => contact.getByTestId('save-detail').click());
  await waitCount(details, 1, 'detail');
  await waitText(details, `${birthday}, every year`, 'the birthday with its date');
  await waitText(contact.getByTestId('detail-coming-up'), 'in 3 days', 'the birthday flagged coming up');
  await waitText(tid(page, 'coming-up-item'), `${person} — день рождения in 3 days`, 'the account\'s dates coming up');

  await step('add "no calls before 10"', async () => {
    await contact.getByTestId('add-detail').click();
    await contact.getByTestId('detail-category').selectOption('how-to-reach');
    await contact.getByTestId('detail-text').fill('не звонить до 10 утра, лучше писать в мессенджер');
    await contact.getByTestId('save-detail').click();
  });
  await waitCount(details, 2, 'detail');
  await waitText(details.filter({ hasText: 'не звонить до 10' }), 'How to reach them', 'the category badge');
  await expectEq(
    await details.filter({ hasText: 'не звонить' }).getByTestId('detail-coming-up').isVisible(),
    false,
    'an undated detail is not flagged coming up',
  );

  await step('an empty detail is refused inline, nothing saved', async () => {
    await contact.getByTestId('add-detail').click();
    await contact.getByTestId('save-detail').click();
    await waitText(visibleFormErrors(page), 'Please enter the text', 'form-error for an empty detail');
    await page.waitForTimeout(300);
    await expectEq(await details.count(), 2, 'details after the empty one');
  });
  await shotBoth(page, 's-detail-empty');
  await step('cancel the detail form', () =>
    contact.getByTestId('detail-form').getByRole('button', { name: 'Cancel' }).click(),
  );
  await shotBoth(page, 's-details');

  await step('a detail is deleted from its edit form, after asking', async () => {
    await contact.getByTestId('add-detail').click();
    await contact.getByTestId('detail-category').selectOption('family');
    await contact.getByTestId('detail-text').fill('дочь Анна поступает в Горный университет');
    await contact.getByTestId('save-detail').click();
    await waitCount(details, 3, 'detail');
    await details.filter({ hasText: 'дочь Анна' }).getByTestId('edit-detail').click();
    await expectEq(await contact.getByTestId('detail-category').inputValue(), 'family', 'the edit form\'s category');
    await contact.getByTestId('delete-detail').click();
  });
  await shotBoth(page, 's-detail-delete');
  await step('click confirm-delete-detail', () => contact.getByTestId('confirm-delete-detail').click());
  await waitCount(details, 2, 'detail after the delete');

  // An order, as test q records one, then a check of it.
  await step('click new-order', () => tid(page, 'new-order').click());
  await tid(page, 'order-what').fill('Реактор-смеситель РС-2500 с системой автоматического дозирования');
  await tid(page, 'order-amount').fill('4 800 000');
  await tid(page, 'order-currency').fill('RUB');
  await tid(page, 'order-ordered-on').fill(day(-60));
  await tid(page, 'order-promised-on').fill(day(-30));
  await step('click save-order', () => tid(page, 'save-order').click());
  await waitCount(tid(page, 'order'), 1, 'order');

  const adoption = tid(page, 'adoption');
  await waitText(adoption, 'Not checked yet', 'the adoption card before a check');
  await step('record a check of the order: partly, training', async () => {
    await tid(page, 'new-check').click();
    await expectEq(await tid(page, 'check-checked-on').inputValue(), today, 'checked on defaults to today');
    await selectByText(tid(page, 'check-order'), 'Реактор-смеситель');
    await tid(page, 'check-finding').selectOption('partly');
    await tid(page, 'check-follow-up').selectOption('training');
    await tid(page, 'check-next').fill(day(30));
    await tid(page, 'check-note').fill('Работают только в ручном режиме: автоматическое дозирование не освоили');
  });
  await shotBoth(page, 's-check-form');
  await step('click save-check', () => tid(page, 'save-check').click());
  const last = tid(page, 'last-finding');
  await waitText(last.getByTestId('finding'), 'Uses it partly', 'the last finding');
  await waitText(last, 'Реактор-смеситель РС-2500', 'what was checked');
  await waitText(last, `Checked on: ${today} · Follow-up: Training · Next check: ${day(30)}`, 'when, the follow-up, the next check');
  await expectEq(await last.getByTestId('check-overdue').isVisible(), false, 'a next check to come is not flagged');
  await shotBoth(page, 's-adoption');

  await step('a next check before the check is refused inline, nothing saved', async () => {
    await tid(page, 'new-check').click();
    await tid(page, 'check-product').fill('Программа управления дозированием «ДозаМастер»');
    await tid(page, 'check-checked-on').fill(day(-10));
    await tid(page, 'check-next').fill(day(-12));
    await tid(page, 'save-check').click();
    await waitText(visibleFormErrors(page), 'must be after the check date', 'form-error for a next check before the check');
    await page.waitForTimeout(300);
    await expectEq(await adoption.getByTestId('check').count(), 0, 'earlier checks after the refused one');
  });
  await shotBoth(page, 's-check-refused');
  // Corrected: a product not used at all, checked again yesterday at the latest.
  await step('save the corrected check', async () => {
    await tid(page, 'check-finding').selectOption('not-at-all');
    await tid(page, 'check-follow-up').selectOption('support-visit');
    await tid(page, 'check-next').fill(day(-1));
    await tid(page, 'save-check').click();
  });
  const earlier = adoption.getByTestId('check');
  await waitCount(earlier, 1, 'earlier check');
  await waitText(earlier.getByTestId('finding'), 'Does not use it', 'the earlier finding');
  await waitText(earlier.getByTestId('check-overdue'), 'Overdue', 'the earlier check, due yesterday');
  await waitText(last.getByTestId('finding'), 'Uses it partly', 'the last finding stays the latest check');

  await waitSaved(page);
  await reload(page);
  await waitText(tid(page, 'last-finding').getByTestId('finding'), 'Uses it partly', 'the last finding after reload');
  await waitText(tid(page, 'coming-up-item'), 'in 3 days', 'the dates coming up after reload');
  await shotBoth(page, 's-account');
});

test('r: remarks and complaints, early warnings', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  const rep = 'Ольга Владимировна Никифорова-Ростовцева';
  await nameRep(page, rep);
  const name = 'Акционерное общество «Уральский завод промышленной автоматики и приборостроения»';
  await createAccount(page, { name, city: 'Нижний Тагил', industry: 'Приборостроение' });
  await openAccount(page, name);
  const person = 'Константин Эдуардович Вишневецкий-Заозёрный';
  await addPerson(page, person, 'Начальник участка сборки');
  await moveStage(page, { to: 'exploration', reason: 'Первая партия датчиков в опытной эксплуатации' });
  await stageNow(page, 'exploration');
  const today = await browserToday(page);
  // From the top, so the sticky top bar is not drawn over the middle of a full-page shot.
  const shots = async (name) => {
    await page.evaluate(() => window.scrollTo(0, 0));
    await shotBoth(page, name);
  };
  const open = () => tid(page, 'open-remarks').getByTestId('remark');
  const ended = () => tid(page, 'ended-remarks').getByTestId('remark');

  // A complaint while the account is in exploration: the chance.
  await step('click new-remark', () => tid(page, 'new-remark').click());
  const form = tid(page, 'remark-form');
  await expectEq(await tid(page, 'remark-day').inputValue(), today, 'the remark day defaults to today');
  await selectByText(tid(page, 'remark-from'), person);
  await tid(page, 'remark-role').selectOption('user');
  await tid(page, 'remark-topic').selectOption('delivery');
  await tid(page, 'remark-sentiment').selectOption('negative');
  await tid(page, 'remark-severity').selectOption('complaint');
  await tid(page, 'remark-text').fill('Датчики пришли без паспортов, монтаж встал на два дня');
  await shots('r-remark-form');
  await step('click save-remark', () => tid(page, 'save-remark').click());
  await step('the form closes', () => form.waitFor({ state: 'detached' }));
  await waitCount(open(), 1, 'open remark');
  const complaint = open().filter({ hasText: 'без паспортов' });
  await step('the complaint is the chance', () => complaint.getByTestId('remark-chance').waitFor());
  await step('the complaint needs an action', () => complaint.getByTestId('remark-needs-action').waitFor());
  await waitText(complaint, 'handled well, it moves the client towards expansion', 'the chance hint');
  await waitText(complaint.getByTestId('remark-age'), 'open since today', 'the age');
  await waitText(complaint, `From: ${person}`, 'who said it');
  await shots('r-chance');

  // Resolved without an action: refused inline, nothing saved.
  await step('click resolve-remark', () => complaint.getByTestId('resolve-remark').click());
  await expectEq(await complaint.getByTestId('end-day').inputValue(), today, 'the end day defaults to today');
  await complaint.getByTestId('end-note').fill('Отправили паспорта курьером');
  await step('click save-end', () => complaint.getByTestId('save-end').click());
  await waitText(complaint.getByTestId('form-error'), 'Please enter the action taken', 'form-error resolving without an action');
  await waitSaved(page);
  await expectEq(await ended().count(), 0, 'ended remarks after the refused resolve');
  await shots('r-resolve-refused');
  await step('cancel', () => complaint.getByTestId('end-form').getByRole('button', { name: 'Cancel' }).click());

  // Act on it: by the rep, in two days.
  await step('click act-on-remark', () => complaint.getByTestId('act-on-remark').click());
  await expectEq(await complaint.getByTestId('action-by').inputValue(), rep, 'the action is the rep\'s to start with');
  await complaint.getByTestId('action-what').fill('Привезти паспорта на площадку и извиниться перед участком лично');
  await complaint.getByTestId('action-due').fill(shiftDay(today, 2));
  await shots('r-act');
  await step('click save-action', () => complaint.getByTestId('save-action').click());
  await waitText(complaint.getByTestId('remark-action'), 'Привезти паспорта', 'the action line');
  await waitText(complaint.getByTestId('remark-action'), rep, 'who acts');
  await waitCount(complaint.getByTestId('remark-needs-action'), 0, 'needs-action flag once acted on');

  // Resolved, it moves among the ended ones, still the chance it was.
  await step('click resolve-remark', () => complaint.getByTestId('resolve-remark').click());
  await complaint.getByTestId('end-note').fill('Паспорта привезли, монтаж возобновлён; начальник участка поблагодарил');
  await step('click save-end', () => complaint.getByTestId('save-end').click());
  await waitCount(open(), 0, 'open remark after resolving');
  const resolved = ended().filter({ hasText: 'без паспортов' });
  await waitText(resolved.getByTestId('remark-end'), 'Resolved', 'how it ended');
  await waitText(resolved, 'Паспорта привезли', 'what was done');
  await step('still the chance', () => resolved.getByTestId('remark-chance').waitFor());
  await shots('r-resolved');

  // A negative remark from nobody while the account has someone: refused inline.
  await step('click new-remark', () => tid(page, 'new-remark').click());
  await tid(page, 'remark-topic').selectOption('billing');
  await tid(page, 'remark-sentiment').selectOption('negative');
  await tid(page, 'remark-text').fill('Счета приходят с ошибками в реквизитах');
  await step('click save-remark', () => tid(page, 'save-remark').click());
  await waitText(form.getByTestId('form-error'), 'person who said it', 'form-error without a person');
  await waitSaved(page);
  await expectEq(await open().count(), 0, 'open remarks after the refused one');
  await shots('r-remark-refused');
  await step('cancel', () => form.getByRole('button', { name: 'Cancel' }).click());

  // An early warning heard from a user: flagged.
  const flagged = () => tid(page, 'open-warnings').getByTestId('warning');
  const followed = () => tid(page, 'followed-up-warnings').getByTestId('warning');
  await step('click new-warning', () => tid(page, 'new-warning').click());
  await selectByText(tid(page, 'warning-from'), person);
  await tid(page, 'warning-role').selectOption('user');
  await tid(page, 'warning-seriousness').selectOption('high');
  await tid(page, 'warning-heard').fill('the operators avoid the new panel');
  await shots('r-warning-form');
  await step('click save-warning', () => tid(page, 'save-warning').click());
  await waitCount(flagged(), 1, 'flagged warning');
  const panel = flagged().filter({ hasText: 'the operators avoid the new panel' });
  await waitText(panel.getByTestId('badge-seriousness'), 'A complaint in the making', 'how serious');
  await waitText(panel, 'Their role: User', 'the role');
  await shots('r-warning-flagged');

  // Turned into a complaint: the complaint appears, the warning is followed up.
  await step('click to-complaint', () => panel.getByTestId('to-complaint').click());
  const fromWarning = open().filter({ hasText: 'the operators avoid the new panel' });
  await waitText(fromWarning.getByTestId('badge-severity'), 'Complaint', 'the complaint it became');
  await step('it needs an action', () => fromWarning.getByTestId('remark-needs-action').waitFor());
  await waitCount(flagged(), 0, 'flagged warnings after the complaint');
  await waitText(followed().getByTestId('warning-end'), 'Became a complaint', 'how the warning was followed up');
  await expectEq((await tid(page, 'warning-error').innerText()).trim(), '', 'no error after the two commands');
  await shots('r-became-complaint');

  // Another, closed with a note.
  await step('click new-warning', () => tid(page, 'new-warning').click());
  await selectByText(tid(page, 'warning-from'), person);
  await tid(page, 'warning-role').selectOption('technical');
  await tid(page, 'warning-seriousness').selectOption('low');
  await tid(page, 'warning-heard').fill('Наладчик ворчит: перенастройка линии через меню занимает полчаса');
  await step('click save-warning', () => tid(page, 'save-warning').click());
  const grumble = flagged().filter({ hasText: 'Наладчик' });
  await step('click close-warning', () => grumble.getByTestId('close-warning').click());
  await step('click save-close without a note', () => grumble.getByTestId('save-close').click());
  await waitText(grumble.getByTestId('form-error'), 'note on how it ended', 'form-error closing without a note');
  await grumble.getByTestId('end-note').fill('Показал быстрые профили настройки; наладчик доволен');
  await shots('r-close-warning');
  await step('click save-close', () => grumble.getByTestId('save-close').click());
  await waitCount(flagged(), 0, 'flagged warnings after closing');
  const closed = followed().filter({ hasText: 'Наладчик' });
  await waitText(closed.getByTestId('warning-end'), 'Closed', 'how it was followed up');
  await waitText(closed, 'быстрые профили', 'the note');

  await waitSaved(page);
  await reload(page);
  await waitCount(ended(), 1, 'ended remark after reload');
  await waitCount(open(), 1, 'open remark after reload');
  await waitCount(followed(), 2, 'followed-up warnings after reload');
  await tid(page, 'remarks').scrollIntoViewIfNeeded();
  await shots('r-account');
});

test('t: staying in touch and the account health', async (b) => {
  const { page } = await b.open();
  await gotoApp(page, '/');
  await nameRep(page, 'Анна Соколова-Преображенская');
  const name = 'ООО «Северо-Кавказская агропромышленная компания „Заря Кубани“»';
  await createAccount(page, { name, city: 'Краснодар', industry: 'Агропромышленность' });
  await openAccount(page, name);
  const today = await browserToday(page);

  // New, in awareness: in touch every 30 days, counted from today.
  await waitText(tid(page, 'glance-in-touch'), 'Due in 30 days', 'in-touch tile of a new account');
  await waitText(tid(page, 'glance-in-touch'), "every 30 days (awareness's)", 'the stage gives the cadence');
  await waitText(tid(page, 'health-status'), 'Healthy', 'a new account is healthy');

  // A cadence of 0 or of 10 years is refused inline; 7 is the account's own.
  await step('click edit-account', () => tid(page, 'edit-account').click());
  for (const bad of ['0', '3650']) {
    await tid(page, 'account-cadence').fill(bad);
    await step('click save-account', () => tid(page, 'save-account').click());
    await waitText(visibleFormErrors(page), '365', `form-error for a cadence of ${bad}`);
  }
  await shot(page, 't-bad-cadence');
  await tid(page, 'account-cadence').fill('7');
  await step('click save-account', () => tid(page, 'save-account').click());
  await step('edit form closes', () => tid(page, 'save-account').waitFor({ state: 'detached' }));
  await waitText(tid(page, 'glance-in-touch'), "every 7 days (the account's own)", 'the account cadence');

  // A visit 20 days ago: 13 days overdue on a 7-day cadence, poor.
  await tid(page, 'touch-date').fill(shiftDay(today, -20));
  await logTouch(page, { kind: 'visit', note: 'Обход полей с агрономом, договорились о пробной партии' });
  await waitText(tid(page, 'glance-in-touch'), 'Overdue by 13 days', 'in-touch tile overdue');
  await waitText(tid(page, 'health-status'), 'Poor', 'overdue longer than the cadence is poor');
  await waitText(tid(page, 'health-factor').first(), 'Touch: overdue by 13 days', 'the touch factor says why');
  await shotBoth(page, 't-health-poor');

  // The losing-touch list has it, with how long.
  await toList(page);
  await step('open losing-touch', () => tid(page, 'losing-touch-toggle').click());
  await waitText(tid(page, 'losing-touch-row').first(), name, 'losing-touch lists the account');
  await waitText(tid(page, 'losing-touch-row').first(), 'Overdue by 13 days', 'with how long');
  await tid(page, 'losing-touch').scrollIntoViewIfNeeded();
  await shotBoth(page, 't-losing-touch');

  // A thank-you with no deal pending resets the cadence.
  await openAccount(page, name);
  await logTouch(page, { kind: 'thank-you', note: 'Позвонила поблагодарить за быструю приёмку' });
  await waitText(tid(page, 'glance-in-touch'), 'Due in 7 days', 'in-touch tile after the thank-you');
  await waitText(tid(page, 'health-status'), 'Healthy', 'healthy again');
  await waitText(tid(page, 'health-since'), `since ${today}; poor before`, 'the trend: what it was and since when');
  await shotBoth(page, 't-health-healthy');
  await toList(page);
  if ((await tid(page, 'losing-touch-toggle').getAttribute('aria-expanded')) !== 'true') {
    await step('open losing-touch', () => tid(page, 'losing-touch-toggle').click());
  }
  await waitText(tid(page, 'losing-touch'), 'Nobody is overdue for a touch.', 'the account left the list');
  await expectEq(await tid(page, 'losing-touch-row').count(), 0, 'losing-touch rows after the thank-you');
});

async function main() {
  const filters = process.argv.slice(2);
  const selected = tests.filter((t) => filters.length === 0 || filters.some((f) => t.name.includes(f)));
  if (selected.length === 0) {
    console.error(`no test matches ${filters.join(', ')}`);
    process.exit(2);
  }
  await rm(ARTIFACTS, { recursive: true, force: true });
  await mkdir(ARTIFACTS, { recursive: true });

  let server;
  if (!BASE) {
    server = await startServer(DIST);
    BASE = server.url;
  }
  console.log(`e2e: ${selected.length} test(s) against ${BASE}`);

  const failures = [];
  for (const t of selected) {
    const started = Date.now();
    const b = new Browser(t.name);
    let error;
    try {
      await withTimeout(t.fn(b), TEST_TIMEOUT, t.name);
    } catch (err) {
      error = err;
    }
    if (!error && b.problems.length) error = new Error(`${b.problems.length} check(s) failed`);
    if (!error && b.errors.length) error = new Error('console/page errors');
    if (error) {
      const safe = t.name.replace(/[^a-z0-9]+/gi, '-');
      for (const [i, c] of b.contexts.entries()) {
        for (const [j, p] of c.pages().entries()) {
          await shot(p, `FAIL-${safe}-${i}-${j}`).catch(() => {});
          const html = await p.content().catch(() => '');
          await writeFile(path.join(ARTIFACTS, `FAIL-${safe}-${i}-${j}.html`), html).catch(() => {});
        }
      }
    }
    await b.close();
    const secs = ((Date.now() - started) / 1000).toFixed(1);
    if (error) {
      failures.push(t.name);
      console.log(`FAIL ${t.name} (${secs}s)\n     ${error.message}`);
      for (const p of b.problems) console.log(`     check failed: ${p}`);
      for (const e of b.errors) console.log(`     ${e.split('\n').slice(0, 4).join('\n       ')}`);
    } else {
      console.log(`ok   ${t.name} (${secs}s)`);
    }
  }
  if (server) await server.close();

  for (const n of notes) console.log(`note: ${n}`);
  console.log(`e2e: ${selected.length - failures.length} passed, ${failures.length} failed; screenshots in ${path.relative(process.cwd(), ARTIFACTS) || ARTIFACTS}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
