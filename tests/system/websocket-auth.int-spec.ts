import { CloseCodes, type ServerFrame } from '@chat4all/contracts';
import { RealtimeClient } from '@chat4all/sdk';
import { adminCli, clientToken, newCaller, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

type Outcome = { opened: boolean; frames: string[]; status?: number; authenticate?: string };

// Opens /ws and reports what happened: refused on the upgrade (status), or opened with its frames.
function connect(url: string, waitForFrames = 1): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const outcome: Outcome = { opened: false, frames: [] };
    const ws = new WebSocket(url);
    ws.on('unexpected-response', (_req, res) => {
      outcome.status = res.statusCode;
      outcome.authenticate = res.headers['www-authenticate'];
      res.resume();
      res.on('end', () => resolve(outcome));
    });
    ws.on('open', () => (outcome.opened = true));
    ws.on('message', (data: Buffer) => {
      outcome.frames.push(data.toString());
      if (outcome.frames.length >= waitForFrames) {
        ws.close();
        resolve(outcome);
      }
    });
    ws.on('close', () => resolve(outcome));
    ws.on('error', (error) => (outcome.status ? undefined : reject(error)));
  });
}

interface OpenSocket {
  ws: WebSocket;
  frames: ServerFrame[];
  /** How and when the server closed it, once it did. */
  close?: { code: number; reason: string; at: number };
}

/** An open socket (ready received) that records its frames and how it closed. */
async function openSocket(url: string): Promise<OpenSocket> {
  const socket: OpenSocket = { ws: new WebSocket(url), frames: [] };
  socket.ws.on('message', (data: Buffer) => socket.frames.push(JSON.parse(data.toString()) as ServerFrame));
  socket.ws.on('close', (code, reason) => (socket.close = { code, reason: reason.toString(), at: Date.now() }));
  await waitFor(() => socket.frames.find((f) => f.type === 'ready'), { timeoutMs: 10_000, description: 'ready frame' });
  return socket;
}

const closeOf = (socket: OpenSocket, timeoutMs: number) => waitFor(() => socket.close, { timeoutMs, intervalMs: 50, description: 'socket closed by the server' });

const sendMessage = (gatewayUrl: string, token: string) =>
  fetch(`${gatewayUrl}/v1/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ message_id: randomUUID(), conversation_id: randomUUID(), payload: { type: 'text', text: 'hi' } }),
  });

/** auth, gateway and realtime wired together, with extra env for auth and for the two verifiers. */
async function startAuthStack(authEnv: Record<string, string> = {}, verifierEnv: Record<string, string> = {}) {
  const auth = await startApp('auth', { env: authEnv });
  const env = { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, ...verifierEnv };
  // Token requests count against the per-IP write limit, whose Redis counters every test's gateway
  // shares (127.0.0.1): this file is not about limits, so another file's traffic must not reach them.
  const gateway = await startApp('gateway', { env: { ...env, RATE_LIMIT_WRITE_PER_MINUTE: '100000' } });
  // realtime loads each user's conversations from gateway's MessagingService.
  const realtime = await startApp('realtime', { env: { ...env, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
  return { auth, gateway, realtime, wsUrl: `ws://127.0.0.1:${realtime.httpPort}/ws` };
}

describe('WebSocket authentication (FR-AUTH-08, NFR-019)', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let realtime: RunningApp;
  let wsUrl: string;

  beforeAll(async () => {
    ({ auth, gateway, realtime, wsUrl } = await startAuthStack());
  }, 60_000);

  afterAll(async () => {
    await Promise.all([auth, gateway, realtime].map((a) => a?.stop('SIGKILL')));
  });

  const accessToken = async () => (await newCaller(gateway.url, 'ws')).token;

  it.each([
    ['no token', ''],
    ['a malformed token', '?token=not-a-jwt'],
    ['a tampered token', 'tampered'],
  ])('refuses an upgrade with %s before any frame is sent', async (_name, query) => {
    const suffix = query === 'tampered' ? `?token=${(await accessToken()).slice(0, -2)}xx` : query;
    const outcome = await connect(`${wsUrl}${suffix}`);
    expect(outcome).toMatchObject({ status: 401, opened: false, frames: [] });
    expect(outcome.authenticate).toMatch(/^Bearer realm="chat4all", error="invalid_token"/);
  });

  it('accepts a valid token; the first frame is ready', async () => {
    const outcome = await connect(`${wsUrl}?token=${await accessToken()}`);
    expect(outcome.opened).toBe(true);
    expect(JSON.parse(outcome.frames[0] ?? '{}')).toMatchObject({ type: 'ready', connection_id: expect.any(String), heartbeat_ms: 30_000, expires_at: expect.any(String) });
  });

  // Access ends when it should (issue 16, point 3): auth pushes every change of the revocation list
  // (WatchRevocations, from a trigger on the tables, whoever writes them: here the admin CLI) and
  // verifiers re-read it at once; their poll (AUTH_REVOCATION_POLL_MS, 30 s) cannot be what ends it
  // within 2 s.
  it('a disabled user: its token is refused and its socket closed with 4001 token_revoked within 2 s', async () => {
    const session = await newCaller(gateway.url, 'ws');
    const socket = await openSocket(`${wsUrl}?token=${session.token}`);
    expect((await sendMessage(gateway.url, session.token)).status).toBe(404); // authenticated (no such conversation)
    adminCli('disable-user', session.userName);
    const disabledAt = Date.now();
    await waitFor(async () => (await sendMessage(gateway.url, session.token)).status === 401, { timeoutMs: 2_000, description: 'token refused' });
    expect(await closeOf(socket, 2_000 - (Date.now() - disabledAt))).toMatchObject({ code: CloseCodes.unauthenticated, reason: 'token_revoked' });
    const again = await connect(`${wsUrl}?token=${session.token}`);
    expect(again).toMatchObject({ status: 401, opened: false });
  });

  it('a revoked refresh-token family: the access tokens issued with it are refused within 2 s', async () => {
    const session = await newCaller(gateway.url, 'ws');
    const other = await clientToken(gateway.url, session); // another session of the same client stays valid
    const revoke = await fetch(`${gateway.url}/auth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${session.clientId}:${session.clientSecret}`).toString('base64')}` },
      body: new URLSearchParams({ token: session.refreshToken, token_type_hint: 'refresh_token' }).toString(),
    });
    expect(revoke.status).toBe(200);
    await waitFor(async () => (await sendMessage(gateway.url, session.token)).status === 401, { timeoutMs: 2_000, description: 'token refused' });
    expect((await sendMessage(gateway.url, other.token)).status).toBe(404);
  });
});

describe('WebSocket access ends with its token (test config: 5-second tokens, no clock skew)', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let realtime: RunningApp;
  let wsUrl: string;

  beforeAll(async () => {
    ({ auth, gateway, realtime, wsUrl } = await startAuthStack({ ACCESS_TOKEN_TTL_SECONDS: '5' }, { AUTH_CLOCK_SKEW_SECONDS: '0' }));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([auth, gateway, realtime].map((a) => a?.stop('SIGKILL')));
  });

  it('closes the socket with 4001 token_expired once its token expires', async () => {
    const session = await newCaller(gateway.url, 'ws');
    const socket = await openSocket(`${wsUrl}?token=${session.token}`);
    const ready = socket.frames.find((f) => f.type === 'ready');
    const expiresAt = Date.parse(ready?.type === 'ready' ? ready.expires_at : '');
    const closed = await closeOf(socket, 10_000);
    expect(closed).toMatchObject({ code: CloseCodes.unauthenticated, reason: 'token_expired' });
    expect(closed.at).toBeGreaterThanOrEqual(expiresAt - 50);
    expect(closed.at).toBeLessThan(expiresAt + 2_000);
  });

  it('refuses an auth frame with a bad token, keeping the socket until its own expiry', async () => {
    const session = await newCaller(gateway.url, 'ws');
    const socket = await openSocket(`${wsUrl}?token=${session.token}`);
    socket.ws.send(JSON.stringify({ type: 'auth', token: `${session.token.slice(0, -2)}xx` }));
    await waitFor(() => socket.frames.find((f) => f.type === 'error' && f.code === 'invalid-token'), { timeoutMs: 5_000, description: 'invalid-token error' });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
    expect(await closeOf(socket, 10_000)).toMatchObject({ code: CloseCodes.unauthenticated, reason: 'token_expired' });
  });

  it('realtime-client re-authenticates in band: its socket outlives two token lifetimes', async () => {
    const session = await newCaller(gateway.url, 'ws');
    const events: ServerFrame[] = [];
    const disconnects: { code: number }[] = [];
    const client = new RealtimeClient({ url: wsUrl, token: async () => (await clientToken(gateway.url, session)).token });
    client.on('event', (f: ServerFrame) => events.push(f));
    client.on('disconnected', (d: { code: number }) => disconnects.push(d));
    client.start();
    try {
      const started = Date.now();
      await waitFor(() => events.filter((f) => f.type === 'auth.ok').length >= 2 && Date.now() - started > 11_000, { timeoutMs: 20_000, description: 'two re-authentications' });
      expect(client.connected).toBe(true);
      expect(disconnects).toEqual([]);
    } finally {
      client.stop();
    }
  }, 30_000);
});
