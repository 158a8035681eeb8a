// Benchmark (issue 3): the cost of verifying an access token per request, in microseconds, and the
// throughput of POST /auth/token through the gateway (scrypt-checked client secret, refresh token
// row, ES256 signature). Runs against the real stack; prints its figures.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { exportJWK, importPKCS8, SignJWT } from 'jose';
import { fmt, percentile, ROOT, startApp } from './lib.mjs';

const require = (await import('node:module')).createRequire(import.meta.url);
const { TokenVerifier } = require(join(ROOT, 'dist/libs/auth-guard/src/index.js'));

const VERIFY_ITERATIONS = Number(process.env.BENCH_VERIFY_ITERATIONS ?? 20_000);
const TOKEN_SECONDS = Number(process.env.BENCH_TOKEN_SECONDS ?? 10);
const TOKEN_CONCURRENCY = Number(process.env.BENCH_TOKEN_CONCURRENCY ?? 8);

async function verificationCost() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg: 'ES256', use: 'sig' };
  const verifier = new TokenVerifier({
    issuer: 'https://auth.chat4all.local',
    audience: 'chat4all-api',
    clockToleranceSeconds: 30,
    jwks: { fetch: async () => ({ keys: [jwk] }) },
  });
  const key = await importPKCS8(privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'ES256');
  const token = await new SignJWT({ user_id: randomUUID(), tenant_id: 'chat4all', scope: 'read write', client_id: 'bench' })
    .setProtectedHeader({ alg: 'ES256', kid: 'bench', typ: 'at+jwt' })
    .setSubject(randomUUID())
    .setIssuer('https://auth.chat4all.local')
    .setAudience('chat4all-api')
    .setIssuedAt()
    .setExpirationTime('15m')
    .setJti(randomUUID())
    .sign(key);
  for (let i = 0; i < 500; i++) await verifier.verify(token); // warm-up: JIT, key import, JWKS cache
  const samples = new Float64Array(VERIFY_ITERATIONS);
  const started = process.hrtime.bigint();
  for (let i = 0; i < VERIFY_ITERATIONS; i++) {
    const t0 = process.hrtime.bigint();
    await verifier.verify(token);
    samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
  }
  const totalUs = Number(process.hrtime.bigint() - started) / 1000;
  const sorted = Array.from(samples).sort((a, b) => a - b);
  return { mean: totalUs / VERIFY_ITERATIONS, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

async function tokenThroughput() {
  const auth = await startApp('auth');
  const gateway = await startApp('gateway', {
    AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
    RATE_LIMIT_WRITE_PER_MINUTE: '1000000',
    RATE_LIMIT_TOKEN_PER_CLIENT_PER_MINUTE: '100000',
  });
  try {
    const admin = (...args) => JSON.parse(execFileSync(process.execPath, [join(ROOT, 'dist/apps/auth/src/cli/admin.js'), ...args]).toString());
    const user = `bench-${randomUUID()}`;
    admin('create-user', user);
    const { client_id, client_secret } = admin('create-client', user);
    const body = new URLSearchParams({ grant_type: 'client_credentials' }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${client_id}:${client_secret}`).toString('base64')}` };
    const latencies = [];
    let errors = 0;
    const deadline = Date.now() + TOKEN_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: TOKEN_CONCURRENCY }, async () => {
        while (Date.now() < deadline) {
          const t0 = performance.now();
          const res = await fetch(`${gateway.url}/auth/token`, { method: 'POST', headers, body });
          await res.arrayBuffer();
          if (res.status === 200) latencies.push(performance.now() - t0);
          else errors++;
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return { ok: latencies.length, errors, perSecond: latencies.length / TOKEN_SECONDS, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  } finally {
    gateway.stop();
    auth.stop();
  }
}

const v = await verificationCost();
console.log(`token verification (ES256, cached JWKS, in-process): mean ${fmt(v.mean)} µs, p50 ${fmt(v.p50)} µs, p99 ${fmt(v.p99)} µs over ${VERIFY_ITERATIONS} tokens`);
const t = await tokenThroughput();
console.log(
  `POST /auth/token via gateway→auth gRPC: ${fmt(t.perSecond)} tokens/s at concurrency ${TOKEN_CONCURRENCY} for ${TOKEN_SECONDS} s ` +
    `(p50 ${fmt(t.p50)} ms, p99 ${fmt(t.p99)} ms, ${t.ok} ok, ${t.errors} errors)`,
);
