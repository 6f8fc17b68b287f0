// P1 cold open, P3 filter keystroke-to-paint and P5 memory, in headless Chromium (issue 3).
//
//   node bench/browser/p1.mjs [S M L]       (after trunk build --release and
//                                            cargo run -p rapport-bench --release -- S M L)
//
// For each size: a fresh browser profile; the generated workspace
// (bench/tmp/<size>.automerge) is stored in IndexedDB as the app stores a
// snapshot; the app is opened once so its worker loads it and saves the
// read-model cache (as it does on a rep's tablet after first use); then the
// page is opened again and timed from navigation until the first screen is
// interactive (account rows, or the empty workspace shown), and until the
// worker has the document open. A PerformanceObserver records the longest
// main-thread task from navigation until the document is open. In the same
// page, a bare `AutoCommit::load` of the same bytes is timed through the
// app's bench hook, and the wasm memory of the page and of the worker is
// read. Medians of REPEAT runs. Writes bench/results/browser.md.

import { mkdtemp, readFile, writeFile, mkdir, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { execSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const { chromium } = await import(path.join(repo, 'tests/e2e/node_modules/playwright-core/index.mjs'));
const { startServer } = await import(path.join(repo, 'tests/e2e/serve.mjs'));

const REPEAT = Number(process.env.REPEAT ?? 3);
const sizes = process.argv.slice(2).length ? process.argv.slice(2) : ['S', 'M'];
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(0)} ms`;

async function withProfile(fn) {
  const dir = await mkdtemp(path.join(tmpdir(), 'rapport-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
    viewport: { width: 1024, height: 768 },
  });
  context.setDefaultTimeout(600_000);
  try {
    return await fn(context);
  } finally {
    await context.close();
    await rm(dir, { recursive: true, force: true });
  }
}

/** Navigates; returns ms from navigation start to an interactive first
 * screen, to the document open in the worker, and the longest main-thread
 * task in between. */
async function coldOpen(page, url) {
  await page.goto(url, { waitUntil: 'commit' });
  await page.waitForSelector('[data-testid=account-row], [data-testid=empty-workspace]');
  const first = await page.evaluate(() => performance.now());
  await page.waitForSelector('[data-testid=app][data-loaded=true]');
  return page.evaluate(async (first) => {
    const loaded = performance.now();
    // Long tasks buffered since navigation (the observer was registered by
    // the init script before the page's own scripts ran).
    await new Promise((r) => setTimeout(r, 50));
    return { first, loaded, longest: window.__longest ?? 0 };
  }, first);
}

async function measure(server, size) {
  const bytes = size === 'empty' ? null : await readFile(path.join(repo, 'bench/tmp', `${size}.automerge`));
  return withProfile(async (context) => {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      window.__longest = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longest = Math.max(window.__longest, e.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.route('**/bench-data/workspace.automerge', (route) =>
      route.fulfill({ status: 200, contentType: 'application/octet-stream', body: bytes ?? Buffer.alloc(0) }));
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=app][data-ready=true]');
    if (bytes) {
      await page.evaluate(async () => {
        const data = new Uint8Array(await (await fetch('/bench-data/workspace.automerge')).arrayBuffer());
        await new Promise((resolve, reject) => {
          const open = indexedDB.open('rapport-workspace');
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const tx = open.result.transaction('chunks', 'readwrite');
            tx.objectStore('chunks').add({ kind: 'snapshot', bytes: data, saved_at: Date.now() });
            tx.oncomplete = () => { open.result.close(); resolve(); };
            tx.onerror = () => reject(tx.error);
          };
        });
      });
    }
    // First use: the worker loads the snapshot and saves the read-model cache.
    await page.goto(server.url);
    await page.waitForSelector('[data-testid=app][data-loaded=true]');
    await page.waitForFunction(() => new Promise((resolve) => {
      const open = indexedDB.open('rapport-workspace');
      open.onsuccess = () => {
        const req = open.result.transaction('model').objectStore('model').count();
        req.onsuccess = () => { open.result.close(); resolve(req.result > 0); };
        req.onerror = () => { open.result.close(); resolve(false); };
      };
      open.onerror = () => resolve(false);
    }), null, { polling: 200 });
    const opens = [];
    for (let i = 0; i < REPEAT; i++) opens.push(await coldOpen(page, server.url));
    const rows = await page.locator('[data-testid=account-row]').count();
    // P3: keystroke to paint in the account filter, typing then erasing a query.
    const filter = await page.evaluate(async () => {
      const input = document.querySelector('[data-testid=account-filter]');
      const word = 'Завод Волга';
      const queries = [];
      for (let i = 1; i <= word.length; i++) queries.push(word.slice(0, i));
      for (let i = word.length - 1; i >= 0; i--) queries.push(word.slice(0, i));
      const times = [];
      const works = [];
      // A task queued now runs after the update's microtasks (Leptos's
      // effects) and whatever rendering the browser slots in before it.
      const nextTask = () => new Promise((resolve) => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        channel.port2.postMessage(0);
      });
      for (const q of queries) {
        const start = performance.now();
        input.value = q;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        await nextTask();
        works.push(performance.now() - start);
        // After the next frame is painted: a task queued from requestAnimationFrame.
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
        times.push(performance.now() - start);
      }
      const mid = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      return { median: mid(times), max: Math.max(...times), work: mid(works), workMax: Math.max(...works) };
    });
    const memory = await page.evaluate(() => window.wasmBindings.benchMemoryBytes());
    const workerMemory = await page.evaluate(() => window.wasmBindings.benchWorkerMemory());
    const bare = [];
    if (bytes) {
      for (let i = 0; i < REPEAT; i++) {
        bare.push(await page.evaluate(async () => {
          const data = new Uint8Array(await (await fetch('/bench-data/workspace.automerge')).arrayBuffer());
          return window.wasmBindings.benchBareLoad(data);
        }));
      }
    }
    // P5 storage: what IndexedDB holds after the app's own compaction.
    // Importing the same file merges nothing new but folds every stored
    // record into one snapshot, as the worker does after bulk changes.
    // Measured last: the import loads a second copy in the worker.
    let stored = null;
    if (bytes && !process.env.BUDGET) {
      await page.setInputFiles('[data-testid=import-workspace]', {
        name: `${size}.automerge`, mimeType: 'application/octet-stream', buffer: bytes,
      });
      await page.waitForSelector('[data-testid=import-result]:not([hidden])', { timeout: 600_000 });
      stored = await page.evaluate(() => new Promise((resolve, reject) => {
        const size = (v) => (v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? v.byteLength
          : v && typeof v === 'object' ? Object.values(v).reduce((n, x) => n + size(x), 0) : 0);
        const open = indexedDB.open('rapport-workspace');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const out = {};
          const tx = db.transaction([...db.objectStoreNames], 'readonly');
          for (const name of db.objectStoreNames) {
            out[name] = { records: 0, bytes: 0 };
            tx.objectStore(name).openCursor().onsuccess = (e) => {
              const cursor = e.target.result;
              if (!cursor) return;
              out[name].records += 1;
              out[name].bytes += size(cursor.value);
              cursor.continue();
            };
          }
          tx.oncomplete = async () => {
            db.close();
            out.usage = (await navigator.storage.estimate()).usage;
            resolve(out);
          };
          tx.onerror = () => reject(tx.error);
        };
      }));
    }
    return {
      size, bytes: bytes?.length ?? 0, stored,
      open: median(opens.map((o) => o.first)),
      loaded: median(opens.map((o) => o.loaded)),
      longest: median(opens.map((o) => o.longest)),
      bare: bare.length ? median(bare) : null, memory, workerMemory, rows, filter,
    };
  });
}

const server = await startServer(path.join(repo, 'dist'));
const results = [];
try {
  for (const size of ['empty', ...sizes]) {
    process.stderr.write(`P1: ${size}… `);
    const r = await measure(server, size);
    process.stderr.write(`${ms(r.open)}\n`);
    results.push(r);
  }
} finally {
  await server.close();
}

const empty = results[0].open;
const commit = execSync('git rev-parse --short HEAD', { cwd: repo }).toString().trim();
let out = `# Browser measurements (P1 cold open, P5 memory)\n\n`;
out += `Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores; headless Chromium (Debian). `;
out += `Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC. Commit: ${commit}. Medians of ${REPEAT}.\n\n`;
out += `| workspace | saved bytes | cold open to interactive | ÷ empty (budget ≤ 2) | bare AutoCommit::load | open ÷ bare load (budget ≤ 0.3) | document open in worker | longest main-thread task while opening | wasm memory page + worker | memory ÷ saved bytes (budget ≤ 20) | filter update median / max (P3 ≤ 16 ms) | filter keystroke→next painted frame median / max |\n`;
out += `|---|---|---|---|---|---|---|---|---|---|---|---|\n`;
const mib = (x) => `${(x / 1048576).toFixed(1)} MiB`;
for (const r of results) {
  const total = r.memory + Math.max(r.workerMemory, 0);
  out += `| ${r.size} | ${r.bytes} | ${ms(r.open)} | ${(r.open / empty).toFixed(2)} | ${r.bare == null ? '—' : ms(r.bare)} | `;
  out += `${r.bare == null ? '—' : (r.open / r.bare).toFixed(2)} | ${ms(r.loaded)} | ${ms(r.longest)} | ${mib(r.memory)} + ${mib(r.workerMemory)} | `;
  out += `${r.bytes ? (total / r.bytes).toFixed(1) : '—'} | ${r.filter.work.toFixed(1)} / ${r.filter.workMax.toFixed(1)} ms | `;
  out += `${r.filter.median.toFixed(1)} / ${r.filter.max.toFixed(1)} ms |\n`;
}
// P5 storage, per change of the generated history (its count is in
// bench/results/native.md, from the generator).
const native = (() => {
  try { return readFileSync(path.join(repo, 'bench/results/native.md'), 'utf8'); } catch { return ''; }
})();
const changeCount = (size) => Number(native.match(new RegExp(`^\\| ${size} \\|[^|]*\\|[^|]*\\| (\\d+) \\|`, 'm'))?.[1] ?? NaN);
if (results.some((r) => r.stored)) {
  out += `\nP5 storage: IndexedDB after the app's own compaction (an import of the same file folds every record into one snapshot). `;
  out += `Record bytes are the stored values' byte arrays; usage is \`navigator.storage.estimate()\` for the origin (disk, with the database's own overhead).\n\n`;
  out += `| workspace | changes | workspace records (chunks) | their bytes | bytes per change | read-model cache (rows + model) | usage | usage per change |\n|---|---|---|---|---|---|---|---|\n`;
  for (const r of results.filter((r) => r.stored)) {
    const n = changeCount(r.size);
    const chunks = r.stored.chunks ?? { records: 0, bytes: 0 };
    const per = (x) => (Number.isFinite(n) ? (x / n).toFixed(1) : '—');
    out += `| ${r.size} | ${Number.isFinite(n) ? n : '—'} | ${chunks.records} | ${chunks.bytes} | ${per(chunks.bytes)} | ${r.stored.model?.bytes ?? 0} | ${r.stored.usage} | ${per(r.stored.usage)} |\n`;
  }
}
if (!process.env.BUDGET) await writeFile(path.join(repo, 'bench/results/browser.json'), JSON.stringify({ commit: execSync('git rev-parse --short HEAD', { cwd: repo }).toString().trim(), results }, null, 2));
// BUDGET=1 (scripts/budget-browser.sh): check the ratios measured in this
// run instead of writing bench/results/ — cold open within 2 × the empty
// workspace's, no main-thread task over 200 ms while opening, and the
// account filter's median update within one frame (16 ms).
if (process.env.BUDGET) {
  console.log(out);
  const broken = [];
  for (const r of results.slice(1)) {
    if (r.open / empty > 2) broken.push(`P1 ${r.size}: cold open ${ms(r.open)} is ${(r.open / empty).toFixed(2)} × empty (budget 2)`);
    if (r.longest > 200) broken.push(`P3 ${r.size}: a ${ms(r.longest)} main-thread task while opening (budget 200 ms)`);
    if (r.filter.work > 16) broken.push(`P3 ${r.size}: the account filter's median update took ${r.filter.work.toFixed(1)} ms (budget: one frame, 16 ms)`);
  }
  for (const b of broken) console.error(`budget: ${b} BROKEN`);
  if (broken.length) process.exit(1);
  console.error('budget: browser ratios within budget');
} else {
  await mkdir(path.join(repo, 'bench/results'), { recursive: true });
  await writeFile(path.join(repo, 'bench/results/browser.md'), out);
  console.log(out);
}
