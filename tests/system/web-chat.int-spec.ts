import { adminCli, freePort, REPO_ROOT, startApp, stackVariables, waitFor, type RunningApp } from '@chat4all/testing';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { get, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';

// The web chat in a real browser (Debian's chromium, driven by playwright-core): two users, each in
// their own browser context, sign in through the page, talk in one private conversation and see
// each other's messages, receipts and an offline spell, all through the web-chat server's one origin
// (HTTPS, /auth and /v1 proxied to the gateway, /ws to realtime). As under npm start, gateway and
// realtime serve HTTPS/WSS with a self-signed certificate, which the web chat trusts (TLS_CA_FILE).
interface User {
  userId: string;
  clientId: string;
  clientSecret: string;
}

describe('web chat: two browsers, one conversation', () => {
  let auth: RunningApp, gateway: RunningApp, relay: RunningApp, worker: RunningApp, realtime: RunningApp, files: RunningApp;
  let webChat: { url: string; process: ChildProcess; output: () => string };
  let browser: Browser;
  let alice: User, bob: User;
  let desktop: BrowserContext, phone: BrowserContext;
  let a: Page, b: Page;
  const UI_TIMEOUT_MS = 15_000;
  const pageProblems: string[] = [];

  beforeAll(async () => {
    const tls = throwAwayCertificate();
    ca = readFileSync(tls.TLS_CERT_FILE);
    auth = await startApp('auth');
    worker = await startApp('message-worker');
    relay = await startApp('outbox-relay');
    files = await startApp('file-service', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, FILE_CHUNK_SIZE_BYTES: String(5 * 1024 * 1024) } });
    gateway = await startApp('gateway', {
      env: {
        ...tls,
        AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`,
        DELIVERY_GRPC_URL: `127.0.0.1:${worker.grpcPort}`,
        FILE_GRPC_URL: `127.0.0.1:${files.grpcPort}`,
        FILE_SERVICE_URL: files.url,
        RATE_LIMIT_WRITE_PER_MINUTE: '100000',
      },
    });
    realtime = await startApp('realtime', { env: { ...tls, AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
    webChat = await startWebChat(tls, `https://127.0.0.1:${gateway.httpPort}`, `https://127.0.0.1:${realtime.httpPort}`);
    [alice, bob] = [newUser('web-alice'), newUser('web-bob')];
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--ignore-certificate-errors'],
    });
    desktop = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1200, height: 760 } });
    phone = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    a = await desktop.newPage();
    b = await phone.newPage();
    // What the page itself reports: a script error, or anything the CSP blocked.
    for (const page of [a, b]) {
      page.on('pageerror', (error) => pageProblems.push(`pageerror: ${error.message}`));
      page.on('console', (msg) => msg.type() === 'error' && /Content.Security.Policy|Refused to/i.test(msg.text()) && pageProblems.push(msg.text()));
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    if (webChat) writeFileSync(join(REPO_ROOT, '.stack/logs/tests/web-chat.log'), webChat.output());
    webChat?.process.kill('SIGTERM');
    await Promise.all([auth, gateway, relay, worker, realtime, files].map((app) => app?.stop('SIGTERM')));
  }, 60_000);

  const connection = (page: Page) => page.locator('.connection');
  const messages = (page: Page) => page.getByRole('log', { name: 'Messages' }).getByRole('listitem');
  const message = (page: Page, text: string) => messages(page).filter({ hasText: text });
  const hasStatus = (item: Locator, status: string) => item.and(item.page().locator(`[data-status="${status}"]`));

  async function signIn(page: Page, who: User): Promise<void> {
    await page.goto(webChat.url);
    await page.getByLabel('Client ID').fill(who.clientId);
    await page.getByLabel('Client secret').fill(who.clientSecret);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.connection[data-state="connected"]').waitFor({ timeout: UI_TIMEOUT_MS });
  }

  async function send(page: Page, text: string): Promise<number> {
    const box = page.getByLabel('Message', { exact: true });
    await box.fill(text);
    const sentAt = Date.now();
    await box.press('Enter');
    return sentAt;
  }

  it('serves the page with a same-origin CSP, and its health', async () => {
    const page = await fetchTls(`${webChat.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['content-security-policy']).toMatch(/connect-src 'self' wss:\/\/127\.0\.0\.1:\d+/);
    expect((await fetchTls(`${webChat.url}/health/live`)).status).toBe(200);
    // An unknown page route gets the app (SPA fallback); an unknown API path stays a 404.
    expect((await fetchTls(`${webChat.url}/conversations/anything`, { accept: 'text/html' })).status).toBe(200);
    // Proxied to the gateway over HTTPS (its 401 without a token, problem+json).
    const api = await fetchTls(`${webChat.url}/v1/me`);
    expect(api.status).toBe(401);
    expect(api.headers['content-type']).toContain('application/problem+json');
    expect((await fetchTls(`${webChat.url}/v1/nowhere`)).status).toBe(404);
  });

  it('two users sign in, talk live, see receipts, and one catches up after being offline', async () => {
    await Promise.all([signIn(a, alice), signIn(b, bob)]);

    // Alice starts the conversation from the page; Bob's list picks it up live (conversation.joined).
    await a.getByRole('button', { name: 'New conversation' }).click();
    await a.getByLabel('Member user ids').fill(bob.userId);
    await a.getByRole('button', { name: 'Create' }).click();
    const opened = a.locator('nav[aria-label="Conversations"] button[aria-current="true"]');
    await opened.waitFor({ timeout: UI_TIMEOUT_MS });
    const conversationId = await opened.getAttribute('data-conversation-id');
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

    const atBob = b.locator(`nav[aria-label="Conversations"] button[data-conversation-id="${conversationId}"]`);
    await atBob.waitFor({ timeout: UI_TIMEOUT_MS });

    // A message while Bob looks at his list: an unread badge and its preview.
    await send(a, 'Hi Bob, are you there?');
    await atBob.getByLabel('1 unread').waitFor({ timeout: UI_TIMEOUT_MS });
    await atBob.filter({ hasText: 'Hi Bob, are you there?' }).waitFor({ timeout: UI_TIMEOUT_MS });

    // Bob opens it (on the phone the list gives way to the timeline): it is read, Alice sees READ.
    await atBob.click();
    await message(b, 'Hi Bob, are you there?').waitFor({ timeout: UI_TIMEOUT_MS });
    await hasStatus(message(a, 'Hi Bob, are you there?'), 'READ').waitFor({ timeout: UI_TIMEOUT_MS });
    await atBob.getByLabel('1 unread').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    // Live: from Alice pressing Enter to the message on Bob's screen.
    const sentAt = await send(a, 'How fast is this?');
    await message(b, 'How fast is this?').waitFor({ timeout: UI_TIMEOUT_MS });
    const latencyMs = Date.now() - sentAt;
    process.stdout.write(`web-chat: A→B latency ${latencyMs} ms\n`);
    expect(latencyMs).toBeLessThan(1000);
    await hasStatus(message(a, 'How fast is this?'), 'READ').waitFor({ timeout: UI_TIMEOUT_MS });

    // Bob's phone goes offline: the page says so and stops its socket; Alice sends five.
    await phone.setOffline(true);
    await b.locator('.connection[data-state="offline"]').waitFor({ timeout: UI_TIMEOUT_MS });
    const batch = Array.from({ length: 5 }, (_, i) => `While you were away ${i + 1}`);
    for (const text of batch) await send(a, text);
    for (const text of batch) await hasStatus(message(a, text), 'SENT').waitFor({ timeout: UI_TIMEOUT_MS });
    // Processed (SENT) but not received by Bob's client: nothing of it on his screen.
    expect(await messages(b).filter({ hasText: 'While you were away' }).count()).toBe(0);
    expect(await hasStatus(message(a, batch[4]), 'DELIVERED').count()).toBe(0);

    // Back online, without a reload: the client reconnects and resumes; all five, once, in order.
    await phone.setOffline(false);
    await b.locator('.connection[data-state="connected"]').waitFor({ timeout: UI_TIMEOUT_MS });
    await waitFor(async () => (await messages(b).filter({ hasText: 'While you were away' }).count()) === batch.length, {
      timeoutMs: UI_TIMEOUT_MS,
      description: 'the five messages on Bob’s page',
    });
    const shown = (await messages(b).locator('.body').allTextContents()).filter((t) => t.startsWith('While you were away'));
    expect(shown).toEqual(batch);
    await hasStatus(message(a, batch[4]), 'READ').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await connection(a).getAttribute('data-state')).toBe('connected');

    mkdirSync(join(REPO_ROOT, 'docs/images'), { recursive: true });
    await a.screenshot({ path: join(REPO_ROOT, 'docs/images/web-chat-desktop.png') });
    await b.screenshot({ path: join(REPO_ROOT, 'docs/images/web-chat-phone.png') });
    expect(pageProblems).toEqual([]);
    // The socket's URL carries the access token: the web chat logs paths, never the query.
    expect(webChat.output()).toContain('"path":"/ws"');
    expect(webChat.output()).not.toMatch(/token=ey/);
  }, 120_000);

  // Last: it needs the conversation of the test above. Two chunks of 5 MiB through the web chat's proxy.
  it('uploads a file with a progress bar and sends it; the other member gets the file message', async () => {
    const line = 'a line of the notes the web chat uploads in two chunks\n';
    const notes = Buffer.from(line.repeat(Math.ceil((6 * 1024 * 1024) / line.length)));
    await a.getByLabel('Attach a file').setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: notes });
    await a.getByRole('progressbar').waitFor({ timeout: UI_TIMEOUT_MS });
    await message(b, 'notes.txt').waitFor({ timeout: 30_000 });
    await a.getByRole('progressbar').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await hasStatus(message(a, 'notes.txt'), 'READ').waitFor({ timeout: UI_TIMEOUT_MS });
    expect(pageProblems).toEqual([]);
  }, 60_000);

  it('loads older messages when the timeline is scrolled to the top', async () => {
    // 120 messages from Bob over the API; then Alice opens the page afresh (a page that was open
    // would have them all from the WebSocket already), which signs her in again.
    const token = (await apiCall<{ access_token: string }>('POST', '/auth/token', { grant_type: 'client_credentials', client_id: bob.clientId, client_secret: bob.clientSecret })).access_token;
    const { id } = await apiCall<{ id: string }>('POST', '/v1/conversations', { type: 'private', member_ids: [alice.userId], title: 'History' }, token);
    for (let i = 1; i <= 120; i++) await apiCall('POST', '/v1/messages', { message_id: randomUUID(), conversation_id: id, payload: { type: 'text', text: `history ${i}` } }, token);
    await signIn(a, alice);

    const item = a.locator(`nav[aria-label="Conversations"] button[data-conversation-id="${id}"]`);
    await item.getByLabel('120 unread').waitFor({ timeout: UI_TIMEOUT_MS });
    await item.click();
    const shown = () => messages(a).count();
    await waitFor(async () => (await shown()) === 50, { timeoutMs: UI_TIMEOUT_MS, description: 'the latest page' });
    expect(await messages(a).first().textContent()).toContain('history 71');
    // Home in the focused timeline scrolls to the top: the page before comes in above, twice.
    const timeline = a.locator('.messages');
    await timeline.focus();
    await timeline.press('Home');
    await waitFor(async () => (await shown()) === 100, { timeoutMs: UI_TIMEOUT_MS, description: 'one older page' });
    await timeline.press('Home');
    await waitFor(async () => (await shown()) === 120, { timeoutMs: UI_TIMEOUT_MS, description: 'the whole history' });
    await a.getByText('Beginning of the conversation').waitFor({ timeout: UI_TIMEOUT_MS });
    const texts = await messages(a).locator('.body').allTextContents();
    expect(texts).toEqual(Array.from({ length: 120 }, (_, i) => `history ${i + 1}`));
    await item.getByLabel('120 unread').waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });

    await a.getByRole('button', { name: 'Sign out' }).click();
    await a.getByRole('button', { name: 'Sign in' }).waitFor({ timeout: UI_TIMEOUT_MS });
  }, 60_000);

  /** A call to the gateway through the web chat (HTTPS, its certificate trusted): JSON, or a form for /auth/token. */
  function apiCall<T = unknown>(method: string, path: string, body: Record<string, unknown>, token?: string): Promise<T> {
    const form = path.startsWith('/auth/');
    const payload = form ? new URLSearchParams(body as Record<string, string>).toString() : JSON.stringify(body);
    const headers = { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
    return new Promise((resolve, reject) => {
      const req = request(`${webChat.url}${path}`, { method, ca, headers }, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => ((res.statusCode ?? 0) < 300 ? resolve(JSON.parse(text) as T) : reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`))));
      });
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** A user with an API client (admin CLI): what a person signs in with. */
  function newUser(prefix: string): User {
    const user = adminCli('create-user', `${prefix}-${randomUUID()}`);
    const client = adminCli('create-client', user.name, '--scopes', 'read,write');
    return { userId: user.user_id, clientId: client.client_id, clientSecret: client.client_secret };
  }

  /** The web-chat server (built: dist/apps/web-chat) over HTTPS; it trusts its own certificate for the upstreams. */
  async function startWebChat(tls: { TLS_CERT_FILE: string; TLS_KEY_FILE: string }, gatewayUrl: string, realtimeUrl: string) {
    const port = await freePort();
    const env = { PATH: process.env.PATH ?? '', TZ: 'UTC', NODE_ENV: 'test', ...stackVariables(), ...tls, WEB_CHAT_PORT: String(port), GATEWAY_URL: gatewayUrl, REALTIME_URL: realtimeUrl };
    const child = spawn(process.execPath, ['--enable-source-maps', join(REPO_ROOT, 'dist/apps/web-chat/src/main.js')], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const url = `https://127.0.0.1:${port}`;
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`web-chat exited with ${child.exitCode}: ${output.slice(-2000)}`);
      return (await fetchTls(`${url}/health/ready`).catch(() => undefined))?.status === 200;
    }, { timeoutMs: 30_000, description: 'web-chat /health/ready' });
    return { url, process: child, output: () => output };
  }
});

let ca: Buffer | undefined;

/** One self-signed certificate for 127.0.0.1, for gateway, realtime and the web chat (like .stack/tls). */
function throwAwayCertificate(): { TLS_CERT_FILE: string; TLS_KEY_FILE: string } {
  const dir = mkdtempSync(join(tmpdir(), 'chat4all-web-chat-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert,
  ], { stdio: 'ignore' });
  return { TLS_CERT_FILE: cert, TLS_KEY_FILE: key };
}

/** A GET that trusts the web chat's throw-away certificate. */
function fetchTls(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    get(url, { ca, headers }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    }).on('error', reject);
  });
}
