// Budget Bee's web app's calls, made as the web app makes them: @supabase/postgrest-js (pinned in
// package.json) with the headers the app sets on every client (Authorization: Bearer <token>,
// Accept: application/json and its non-standard `contenttype: application/json`), from a page
// of another origin, so a browser would preflight each of them: cors_fetch.mjs does that here.
//
// Usage: node web_app.mjs <api url> <page origin>. Reads one call per line on stdin:
//   {"token": "...", "from": "table", "chain": [["method", ...args], ...]}
//   {"token": "...", "rpc": "fn", "args": {...}, "options": {...}, "chain": [...]}
// and answers each with one line on stdout:
//   {"result": {status, statusText, data, error, count}, "exchanges": [{preflight, request,
//    response, problems}]}
// Nothing here decides what is right beyond what a browser checks: the Rust test compares the
// exchanges and results with what PostgREST v13 answers.
import { PostgrestClient } from '@supabase/postgrest-js';
import { createInterface } from 'node:readline';
import { corsFetch } from './cors_fetch.mjs';

const [url, origin] = process.argv.slice(2);

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === '') continue;
  const call = JSON.parse(line);
  const exchanges = [];
  const client = new PostgrestClient(url, {
    headers: {
      Authorization: `Bearer ${call.token}`,
      Accept: 'application/json',
      contenttype: 'application/json',
    },
    fetch: corsFetch(origin, exchanges),
  });
  let query = call.rpc !== undefined
    ? client.rpc(call.rpc, call.args ?? {}, call.options ?? {})
    : client.from(call.from);
  for (const [method, ...args] of call.chain ?? []) {
    query = query[method](...args);
  }
  const { status, statusText, data, error, count } = await query;
  process.stdout.write(JSON.stringify({ result: { status, statusText, data, error, count }, exchanges }) + '\n');
}
