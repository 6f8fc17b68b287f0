// Rapport's service worker: the app's code stays on the device.
//
// scripts/service-worker.mjs writes dist/sw.js from this file, after the build,
// with two constants in front:
//   BUILD  this build's id (a hash of every shell file), also in index.html's
//          <meta name="rapport-build">;
//   SHELL  { "/path": "<SHA-256 of the file, base64>" } for every file of the
//          app shell: index.html, the wasm and its JS, the CSS, public/ (the
//          workspace worker, icons, the manifest), the demo workspaces.
//
// What it promises:
// - The shell of one build is kept in one cache, `rapport-shell-<BUILD>`,
//   filled on install with exactly the files whose hashes SHELL lists (a file
//   that does not match fails the install: no half or mixed build is kept).
// - Shell files are answered from that cache, never from the network first,
//   so while a version is on the device the relay cannot swap the code.
// - A new build's worker waits. It takes over only when a page posts
//   {type: "apply"} (the rep pressed Reload on the update banner); only then
//   are older caches deleted.
// - Nothing else is touched: `/sync` (a WebSocket; never seen here anyway),
//   `/health`, other origins, and any path not in SHELL go to the network as
//   if there were no worker, and nothing from them is stored.

const PREFIX = 'rapport-shell-';
const CACHE = PREFIX + BUILD;

self.addEventListener('install', (event) => {
  event.waitUntil(precache());
});

/** Fetches every shell file, checks its hash, and stores it under CACHE. */
async function precache() {
  const cache = await caches.open(CACHE);
  try {
    await Promise.all(
      Object.entries(SHELL).map(async ([path, hash]) => {
        // `no-cache`: the relay's current file, never an older one from the
        // HTTP cache.
        const response = await fetch(path, { cache: 'no-cache' });
        if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
        const digest = await crypto.subtle.digest('SHA-256', await response.clone().arrayBuffer());
        if (base64(digest) !== hash) throw new Error(`${path} is not the file of build ${BUILD}`);
        await cache.put(path, response);
      }),
    );
  } catch (error) {
    await caches.delete(CACHE);
    throw error;
  }
}

function base64(buffer) {
  return btoa(String.fromCharCode(...new Uint8Array(buffer)));
}

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      }
      // The first install takes the page that installed it, so it works
      // offline from then on without a reload.
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  const message = event.data ?? {};
  if (message.type === 'build') {
    event.ports[0]?.postMessage({ build: BUILD });
  } else if (message.type === 'apply') {
    self.skipWaiting();
  }
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  let path = url.pathname;
  // The app's own routes (`/`, `/accounts/<id>`) are index.html.
  if (request.mode === 'navigate' && !/\.[^/]*$/.test(path)) path = '/index.html';
  if (!Object.hasOwn(SHELL, path)) return;
  event.respondWith(fromShell(path, request));
});

/** The shell file from this build's cache; the network only if it is missing. */
async function fromShell(path, request) {
  const cached = await caches.match(path, { cacheName: CACHE });
  // Missing only if the browser dropped part of the cache: then the network
  // answers (and nothing is stored), rather than the app failing to start.
  return cached ?? fetch(request);
}
