// What a browser adds to a cross-origin fetch, for Node (whose fetch does no CORS): the
// preflight (Fetch standard, "CORS-preflight fetch", as Chrome sends it) and the checks the
// browser makes on its answer and on the actual response, then the response as a page sees it
// (only the CORS-safelisted response headers and those the server exposes).
//
// corsFetch(origin, log) returns a fetch for postgrest-js's `fetch` option. Every exchange is
// pushed onto `log` ({preflight, request, response}); every check that fails is recorded in the
// exchange's `problems` and the call fails as the browser's does (TypeError: Failed to fetch).

// Fetch standard, "CORS-unsafe request-header byte".
const UNSAFE_BYTE = /[\x00-\x08\x0a-\x1f"():<>?@[\\\]{}\x7f]/;

// Fetch standard, "CORS-safelisted request-header" (name lower-case).
export function isSafelisted(name, value) {
  if (value.length > 128) return false;
  switch (name) {
    case 'accept':
      return !UNSAFE_BYTE.test(value);
    case 'accept-language':
    case 'content-language':
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case 'content-type': {
      if (UNSAFE_BYTE.test(value)) return false;
      const essence = value.split(';')[0].trim().toLowerCase();
      return ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(essence);
    }
    case 'range':
      return /^bytes=[0-9]+-[0-9]*$/.test(value);
    default:
      return false;
  }
}

// Fetch standard, "CORS-unsafe request-header names": the names of the headers that are not
// safelisted (all of them once the safelisted values pass 1024 bytes), lower-case, unique,
// sorted by byte. Chrome sends them joined with "," (no space) as Access-Control-Request-Headers.
export function unsafeHeaderNames(headers) {
  const unsafe = new Set();
  let safelistedBytes = 0;
  const safe = [];
  for (const [name, value] of headers) {
    if (isSafelisted(name, value)) {
      safelistedBytes += value.length;
      safe.push(name);
    } else {
      unsafe.add(name);
    }
  }
  if (safelistedBytes > 1024) for (const name of safe) unsafe.add(name);
  return [...unsafe].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// Fetch standard, "CORS-safelisted response-header name".
const SAFE_RESPONSE = ['cache-control', 'content-language', 'content-length', 'content-type', 'expires', 'last-modified', 'pragma'];

const SIMPLE_METHODS = ['GET', 'HEAD', 'POST'];

function headerList(h) {
  return [...h.entries()];
}

export function corsFetch(origin, log, { allowOrigin = '*', timeoutMs = 15000 } = {}) {
  return async (url, init = {}) => {
    const method = (init.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers);
    const unsafe = unsafeHeaderNames(headers);
    const exchange = { problems: [] };
    log.push(exchange);
    const fail = (what) => {
      exchange.problems.push(what);
    };
    if (!SIMPLE_METHODS.includes(method) || unsafe.length > 0) {
      const pfHeaders = {
        Accept: '*/*',
        'Access-Control-Request-Method': method,
        Origin: origin,
      };
      if (unsafe.length > 0) pfHeaders['Access-Control-Request-Headers'] = unsafe.join(',');
      const pf = await fetch(url, {
        method: 'OPTIONS',
        headers: pfHeaders,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const pfBody = await pf.text();
      exchange.preflight = {
        request: { method: 'OPTIONS', url, headers: Object.entries(pfHeaders) },
        response: { status: pf.status, headers: headerList(pf.headers), body: pfBody },
      };
      // What the browser requires of the answer, and what PostgREST v13 (wai-cors) sends.
      const h = pf.headers;
      if (pf.status !== 200) fail(`preflight status ${pf.status}, want 200`);
      if (h.get('access-control-allow-origin') !== allowOrigin) {
        fail(`preflight Access-Control-Allow-Origin ${h.get('access-control-allow-origin')}, want ${allowOrigin}`);
      }
      const methods = (h.get('access-control-allow-methods') ?? '').split(',').map((m) => m.trim());
      if (!methods.includes(method)) fail(`preflight Access-Control-Allow-Methods ${h.get('access-control-allow-methods')} lacks ${method}`);
      const allowed = (h.get('access-control-allow-headers') ?? '').split(',').map((x) => x.trim().toLowerCase());
      for (const name of unsafe) {
        if (!allowed.includes(name)) fail(`preflight Access-Control-Allow-Headers ${h.get('access-control-allow-headers')} lacks ${name}`);
      }
      if (h.get('access-control-max-age') !== '86400') fail(`preflight Access-Control-Max-Age ${h.get('access-control-max-age')}, want 86400`);
      if (exchange.problems.length > 0) throw new TypeError('Failed to fetch');
    }
    headers.set('Origin', origin);
    const res = await fetch(url, {
      method,
      headers,
      body: init.body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await res.text();
    exchange.request = { method, url, headers: headerList(headers), body: init.body ?? null };
    exchange.response = { status: res.status, statusText: res.statusText, headers: headerList(res.headers), body };
    if (res.headers.get('access-control-allow-origin') !== allowOrigin) {
      fail(`response Access-Control-Allow-Origin ${res.headers.get('access-control-allow-origin')}, want ${allowOrigin}`);
      throw new TypeError('Failed to fetch');
    }
    // The page sees the safelisted response headers and the exposed ones only.
    const exposed = (res.headers.get('access-control-expose-headers') ?? '')
      .split(',')
      .map((x) => x.trim().toLowerCase())
      .filter((x) => x !== '');
    const visible = new Headers();
    for (const [name, value] of res.headers) {
      if (SAFE_RESPONSE.includes(name) || exposed.includes(name)) visible.append(name, value);
    }
    const nullBody = [101, 103, 204, 205, 304].includes(res.status);
    return new Response(nullBody ? null : body, {
      status: res.status,
      statusText: res.statusText,
      headers: visible,
    });
  };
}
