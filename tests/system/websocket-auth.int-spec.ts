import { adminCli, startApp, type RunningApp } from '@chat4all/testing';
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

describe('WebSocket authentication (FR-AUTH-08, NFR-019)', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let realtime: RunningApp;
  let wsUrl: string;

  beforeAll(async () => {
    auth = await startApp('auth');
    const env = { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}` };
    gateway = await startApp('gateway', { env });
    // realtime loads each user's conversations from gateway's MessagingService.
    realtime = await startApp('realtime', { env: { ...env, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
    wsUrl = `ws://127.0.0.1:${realtime.httpPort}/ws`;
  }, 60_000);

  afterAll(async () => {
    await Promise.all([auth, gateway, realtime].map((a) => a?.stop('SIGKILL')));
  });

  async function accessToken(): Promise<string> {
    const run = (...args: string[]) =>
      adminCli<{ client_id: string; client_secret: string }>(...args);
    const user = `ws-${randomUUID()}`;
    run('create-user', user);
    const c = run('create-client', user);
    const res = await fetch(`${gateway.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: c.client_id, client_secret: c.client_secret }).toString(),
    });
    return ((await res.json()) as { access_token: string }).access_token;
  }

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
    expect(JSON.parse(outcome.frames[0] ?? '{}')).toMatchObject({ type: 'ready', connection_id: expect.any(String), heartbeat_ms: 30_000 });
  });
});
