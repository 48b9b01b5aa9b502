// Budget Bee's web app's calls from a real browser: a page served here on its own loopback port
// (another origin than the API, so Chromium applies CORS: a preflight before every call that
// sends Authorization, and the response's Access-Control-* decide whether the page may read it),
// with @supabase/postgrest-js (pinned in package.json) bundled for the browser by esbuild, in
// Debian's headless Chromium driven by playwright-core.
//
// Usage: node browser.mjs <api url>. Reads {"calls": [{label, token, from|rpc, args, chain}]}
// as JSON on stdin (the shape of web_app.mjs's calls) and prints one JSON object:
//   {origin, results: [{label, result: {status, statusText, data, error, count}}],
//    requests: [{url, method, status, headers}],                     (the page's, to the API)
//    preflights: [{url, method, requestHeaders, status, headers}],   (from the DevTools protocol)
//    console: ["error: ..."]}                                        (what the page logged)
// Nothing here decides what is right: the Rust test (tests/budget_bee_app/browser.rs) does.
import { createServer } from 'node:http';
import { buildSync } from 'esbuild';
import { chromium } from 'playwright-core';

const [api] = process.argv.slice(2);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const { calls } = JSON.parse(Buffer.concat(chunks).toString('utf8'));

// postgrest-js ships CommonJS only; for the browser its @supabase/node-fetch resolves to the
// browser's own fetch (that package's "browser" field).
const bundle = buildSync({
  entryPoints: [new URL('./node_modules/@supabase/postgrest-js/dist/cjs/index.js', import.meta.url).pathname],
  bundle: true,
  format: 'iife',
  globalName: 'postgrest',
  platform: 'browser',
  write: false,
}).outputFiles[0].text;

const page_html = `<!doctype html><html><head><meta charset="utf-8"><title>Budget Bee</title>
<script src="/postgrest.js"></script></head><body>Budget Bee</body></html>`;
const server = createServer((req, res) => {
  if (req.url === '/postgrest.js') {
    res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    res.end(bundle);
  } else {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page_html);
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  // Root has no user namespaces for Chromium's sandbox here; the page is our own.
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
  timeout: 60_000,
});
const output = { origin, results: [], requests: [], preflights: [], console: [] };
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') output.console.push(`${m.type()}: ${m.text()}`);
  });
  page.on('response', (r) => {
    const q = r.request();
    if (q.url().startsWith(api)) {
      output.requests.push({ url: q.url(), method: q.method(), status: r.status(), headers: r.headers() });
    }
  });
  // Preflights are the browser's own requests, invisible to the page; the DevTools protocol
  // reports them (initiator "preflight"), with the headers as sent in its ExtraInfo event.
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const preflights = new Map();
  const preflight = (id) => preflights.get(id) ?? preflights.set(id, { requestHeaders: {} }).get(id);
  const sent = new Map();
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.initiator?.type === 'preflight') {
      const p = preflight(e.requestId);
      Object.assign(p, { url: e.request.url, method: e.request.method });
      Object.assign(p.requestHeaders, e.request.headers);
    } else {
      sent.set(e.requestId, true);
    }
  });
  cdp.on('Network.requestWillBeSentExtraInfo', (e) => {
    if (!sent.has(e.requestId)) Object.assign(preflight(e.requestId).requestHeaders, e.headers);
  });
  cdp.on('Network.responseReceived', (e) => {
    if (e.type === 'Preflight') Object.assign(preflight(e.requestId), { status: e.response.status, headers: e.response.headers });
  });
  await page.goto(origin, { timeout: 30_000 });

  for (const call of calls) {
    const result = await page.evaluate(async ({ api, call }) => {
      const client = new postgrest.PostgrestClient(api, {
        headers: {
          Authorization: `Bearer ${call.token}`,
          Accept: 'application/json',
          contenttype: 'application/json',
        },
      });
      let query = call.rpc !== undefined
        ? client.rpc(call.rpc, call.args ?? {}, call.options ?? {})
        : client.from(call.from);
      for (const [method, ...args] of call.chain ?? []) query = query[method](...args);
      const { status, statusText, data, error, count } = await query;
      return { status, statusText, data, error, count };
    }, { api, call });
    output.results.push({ label: call.label, result });
  }
  // The last preflight's response event may trail its request's.
  await new Promise((resolve) => setTimeout(resolve, 200));
  output.preflights = [...preflights.values()].filter((p) => p.url !== undefined);
} finally {
  await browser.close();
  server.close();
}
process.stdout.write(JSON.stringify(output) + '\n');
