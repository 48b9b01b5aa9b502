// Drives budgetbee with the client Budget Bee's web app uses, @supabase/postgrest-js (pinned in
// package.json). Reads {"url", "calls": [...]} as JSON on stdin; each call is
//   {"headers": {...}, "schema": "...",
//    "rpc": "fn", "args": {...}, "options": {"head", "get", "count"}   (client.rpc)
//    or "from": "table"                                              (client.from)
//    "chain": [["method", ...args], ...]}                            (then, in order)
// and prints, as one JSON array on stdout, what the client resolved each call to:
// {status, statusText, data, error, count}. Nothing here decides what is right: the Rust test
// compares these with what PostgREST v13 answers.
import { PostgrestClient } from '@supabase/postgrest-js';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const input = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const results = [];
for (const call of input.calls) {
  const client = new PostgrestClient(input.url, {
    headers: call.headers ?? {},
    schema: call.schema,
  });
  let query = call.rpc !== undefined
    ? client.rpc(call.rpc, call.args ?? {}, call.options ?? {})
    : client.from(call.from);
  for (const [method, ...args] of call.chain ?? []) {
    query = query[method](...args);
  }
  const { status, statusText, data, error, count } = await query;
  results.push({ status, statusText, data, error, count });
}
process.stdout.write(JSON.stringify(results));
