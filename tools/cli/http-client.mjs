// A small client of the gateway for the command-line tools and benchmarks: node:http(s) with a
// keep-alive agent (and the local self-signed CA), bodies streamed with an exact Content-Length, and
// a client-credentials access token renewed before it expires.
import http from 'node:http';
import https from 'node:https';

export function createClient({ baseUrl, ca, clientId, clientSecret, token: fixedToken, maxSockets = 16 }) {
  const base = new URL(baseUrl);
  const secure = base.protocol === 'https:';
  const agent = secure ? new https.Agent({ keepAlive: true, maxSockets, ca }) : new http.Agent({ keepAlive: true, maxSockets });
  const inflight = new Set();
  let token = fixedToken;
  let renewAt = fixedToken ? Infinity : 0;

  function request(method, path, headers, body) {
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(new URL(path, base), { method, headers, agent }, (res) => {
        const pieces = [];
        res.on('data', (p) => pieces.push(p));
        res.on('end', () => {
          inflight.delete(req);
          const text = Buffer.concat(pieces).toString();
          let parsed = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: kept as text
          }
          resolve({ status: res.statusCode, headers: res.headers, body: parsed });
        });
        res.on('error', reject);
      });
      inflight.add(req);
      req.on('error', (error) => {
        inflight.delete(req);
        reject(error);
      });
      if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) req.end(body);
      else {
        body.on('error', (error) => req.destroy(error));
        body.pipe(req);
      }
    });
  }

  async function bearer() {
    if (Date.now() >= renewAt) {
      const form = 'grant_type=client_credentials';
      const res = await request('POST', '/auth/token', {
        authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': Buffer.byteLength(form),
      }, form);
      if (res.status !== 200) throw Object.assign(new Error(`POST /auth/token → ${res.status}: ${res.body?.title ?? JSON.stringify(res.body)}`), { status: res.status });
      token = res.body.access_token;
      renewAt = Date.now() + Math.max(10, (res.body.expires_in ?? 300) - 60) * 1000;
    }
    return `Bearer ${token}`;
  }

  return {
    /** A JSON request (body optional); resolves { status, headers, body }. */
    async json(method, path, body) {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const headers = { authorization: await bearer(), ...(text === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }) };
      return request(method, path, headers, text);
    },
    /** Streams `length` bytes of application/octet-stream from a readable (or a Buffer). */
    async stream(method, path, body, length, extraHeaders = {}) {
      const headers = { authorization: await bearer(), 'content-type': 'application/octet-stream', 'content-length': length, ...extraHeaders };
      return request(method, path, headers, body);
    },
    /** Aborts every request in flight (Ctrl-C). */
    abortAll() {
      for (const req of inflight) req.destroy(new Error('aborted'));
    },
    close() {
      agent.destroy();
    },
  };
}
