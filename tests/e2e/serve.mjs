// A tiny static server for Trunk's dist/ folder, with no dependencies.
//
//   node tests/e2e/serve.mjs [distDir] [port]     (port 0 or absent: random)
//   import { startServer } from './serve.mjs'; const { url, close } = await startServer('dist');
//
// Listens on 127.0.0.1 only. A path without a file extension that has no file
// gets index.html (the app's client-side routes, e.g. /accounts/<id>); a missing
// path with an extension is a 404.

import { createServer } from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

async function fileAt(p) {
  try {
    const s = await stat(p);
    return s.isFile() ? s : null;
  } catch {
    return null;
  }
}

export async function startServer(distDir, { port = 0, host = '127.0.0.1', log = false } = {}) {
  const root = path.resolve(distDir);
  const index = path.join(root, 'index.html');
  if (!(await fileAt(index))) {
    throw new Error(`no index.html in ${root}: build the app first (trunk build --release)`);
  }

  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { Allow: 'GET, HEAD' }).end();
        return;
      }
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      } catch {
        res.writeHead(400).end('bad request');
        return;
      }
      let file = path.join(root, path.normalize(pathname));
      if (file !== root && !file.startsWith(root + path.sep)) {
        res.writeHead(403).end('forbidden');
        return;
      }
      if (pathname.endsWith('/')) file = path.join(file, 'index.html');
      let st = await fileAt(file);
      if (!st) {
        if (path.extname(pathname) !== '') {
          if (log) console.log(`404 ${req.url}`);
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
          return;
        }
        file = index; // SPA fallback
        st = await fileAt(file);
      }
      const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
      res.writeHead(200, {
        'Content-Type': type,
        'Content-Length': st.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (log) console.log(`200 ${req.url} -> ${path.relative(root, file)}`);
      if (req.method === 'HEAD') {
        res.end();
        return;
      }
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: actual } = server.address();
  return {
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const dist = process.argv[2] ?? path.join(here, '..', '..', 'dist');
  const port = Number(process.argv[3] ?? process.env.PORT ?? 0);
  const { url, close } = await startServer(dist, { port, log: !!process.env.SERVE_LOG });
  console.log(`Serving ${path.resolve(dist)} on ${url}`);
  const stop = async () => {
    await close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
