import { type Caller, gatewayEnv, newCaller, REPO_ROOT, type RunningApp, startApp, waitFor } from '@chat4all/testing';
import { transformSync } from '@swc/core';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import * as sdk from './index';
import { Chat4AllClient } from './index';

/** The README's ```ts blocks, each made into an async function (its imports stay at the top). */
function readmeExamples(): { title: string; run: () => Promise<void> }[] {
  const readme = readFileSync(join(REPO_ROOT, 'libs', 'sdk', 'README.md'), 'utf8');
  return [...readme.matchAll(/### (.+)\n+```ts\n([\s\S]*?)```/g)].map(([, title, code]) => {
    const lines = code.split('\n');
    const imports = lines.filter((l) => l.startsWith('import '));
    const body = lines.filter((l) => !l.startsWith('import '));
    const source = `${imports.join('\n')}\nexport default async function example() {\n${body.join('\n')}\n}\n`;
    const { code: js } = transformSync(source, { filename: 'example.ts', jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
    return {
      title,
      run: async () => {
        const module = { exports: {} as { default?: () => Promise<void> } };
        // '@chat4all/sdk' is this library, as it is for an integrator; the examples import nothing else.
        const requireSdk = (id: string): unknown => {
          if (id === '@chat4all/sdk') return sdk;
          throw new Error(`a README example imports ${id}: only @chat4all/sdk is available to them`);
        };
        // The script runs outside Jest's sandbox: it gets this test's process (and its env) explicitly.
        const wrapped = new Script(`(function (require, module, exports, process) {\n${js}\n})`, { filename: `README: ${title}` }).runInThisContext() as (
          req: typeof requireSdk,
          mod: typeof module,
          exp: typeof module.exports,
          proc: NodeJS.Process,
        ) => void;
        wrapped(requireSdk, module, module.exports, process);
        await module.exports.default!();
      },
    };
  });
}

interface Seen {
  method: string;
  path: string;
  status: number;
  at: number;
  retryAfter: string | null;
  grant?: string | null;
}

/** A fetch that records every request the SDK makes (what the test asserts on), then sends it. */
function recordingFetch(seen: Seen[]) {
  return async (request: Request): Promise<Response> => {
    const grant = request.url.endsWith('/auth/token') ? new URLSearchParams(await request.clone().text()).get('grant_type') : undefined;
    const response = await fetch(request);
    seen.push({ method: request.method, path: new URL(request.url).pathname, status: response.status, at: Date.now(), retryAfter: response.headers.get('retry-after'), grant });
    return response;
  };
}

describe('@chat4all/sdk against the platform', () => {
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let realtime: RunningApp;
  let alice: Caller;
  let bob: Caller;

  beforeAll(async () => {
    // Short-lived tokens (5 s, the shortest allowed) and a small write limit in a 2 s window, so the
    // refresh before expiry and a 429 with Retry-After both happen within the test.
    const auth = await startApp('auth', { env: { ACCESS_TOKEN_TTL_SECONDS: '5' } });
    const [worker, files, relay] = await Promise.all([
      startApp('message-worker'),
      startApp('file-service', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` } }),
      startApp('outbox-relay'),
    ]);
    gateway = await startApp('gateway', {
      env: {
        ...gatewayEnv({ auth, worker, files }),
        RATE_LIMIT_WRITE_PER_MINUTE: '6',
        RATE_LIMIT_WINDOW_SECONDS: '2',
      },
    });
    realtime = await startApp('realtime', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
    apps.push(auth, worker, files, relay, gateway, realtime);
    [alice, bob] = await Promise.all([newCaller(gateway.url, 'sdk-alice'), newCaller(gateway.url, 'sdk-bob')]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
  });

  const clientOf = (who: Caller, seen: Seen[] = []) => new Chat4AllClient({ baseUrl: gateway.url, clientId: who.clientId, clientSecret: who.clientSecret, fetch: recordingFetch(seen) });

  describe('README examples', () => {
    beforeAll(() => {
      Object.assign(process.env, {
        CHAT4ALL_URL: gateway.url,
        CHAT4ALL_REALTIME_URL: `ws://127.0.0.1:${realtime.httpPort}/ws`,
        CHAT4ALL_CLIENT_ID: alice.clientId,
        CHAT4ALL_CLIENT_SECRET: alice.clientSecret,
        CHAT4ALL_PEER_ID: bob.userId,
      });
    });

    // Together they send more writes than this gateway's limit: the SDK waits out the 429s itself.
    it.each(readmeExamples().map((e) => [e.title, e] as const))('%s', async (_title, example) => {
      await example.run();
    }, 60_000);
  });

  it('retries a 429 after the Retry-After the gateway sent, and the message is stored once', async () => {
    const seen: Seen[] = [];
    const client = clientOf(alice, seen);
    const { id } = await client.conversations.create({ type: 'private', member_ids: [bob.userId] });
    const sent = [];
    for (let i = 0; i < 8; i++) sent.push(await client.messages.send(id, `burst ${i}`));

    const limited = seen.findIndex((s) => s.status === 429 && s.path === '/v1/messages');
    expect(limited).toBeGreaterThanOrEqual(0);
    const retry = seen.slice(limited + 1).find((s) => s.path === '/v1/messages');
    expect(retry?.status).toBe(202);
    expect(Number(seen[limited].retryAfter)).toBeGreaterThanOrEqual(1);
    // Waited as asked (Retry-After is whole seconds, rounded up from the window's reset).
    expect(retry!.at - seen[limited].at).toBeGreaterThanOrEqual(Number(seen[limited].retryAfter) * 1000 - 1_000);
    const timeline = await client.conversations.messages(id);
    expect(timeline.map((m) => m.payload.type === 'text' && m.payload.text)).toEqual(sent.map((_, i) => `burst ${i}`));
    expect(new Set(sent.map((s) => s.seq)).size).toBe(8);
  }, 60_000);

  it('refreshes the access token before it expires: no request is refused for an expired token', async () => {
    const seen: Seen[] = [];
    const client = clientOf(bob, seen);
    const first = await client.me();
    const session = client.session!;
    const lifetime = session.expiresAt - session.issuedAt!;
    expect(lifetime).toBe(5_000);
    // Past the refresh point (a fifth of the lifetime before expiry), not yet expired.
    await waitFor(() => Date.now() > session.expiresAt - lifetime / 5 + 100, { timeoutMs: 10_000, description: 'the refresh point' });
    const second = await client.me();
    expect(Date.now()).toBeLessThan(session.expiresAt);
    expect(second.token_expires_at > first.token_expires_at).toBe(true);
    expect(seen.map((s) => [s.method, s.path, s.grant, s.status].filter(Boolean).join(' '))).toEqual([
      'POST /auth/token client_credentials 200',
      'GET /v1/me 200',
      'POST /auth/token refresh_token 200',
      'GET /v1/me 200',
    ]);
  }, 30_000);
});
