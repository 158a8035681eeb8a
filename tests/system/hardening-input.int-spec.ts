import { adminCli, newCaller, startApp, waitFor, type Caller, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';

interface Answer {
  status: number;
  contentType: string;
  headers: Headers;
  body: Record<string, unknown>;
}

const problem = (slug: string) => `https://chat4all.dev/problems/${slug}`;

// Issue 16: whatever a client sends, the answer is never a 5xx. Text PostgreSQL cannot store (NUL,
// an unpaired UTF-16 surrogate) is a 400 naming the field, not a failed insert; members must be
// users auth knows; the HTTP layer's own refusals are problem+json with stable types.
describe('hardening: client input never gets a 5xx', () => {
  let auth: RunningApp;
  let gateway: RunningApp;
  let alice: Caller, bob: Caller, carol: Caller;
  // Every status this file saw: none may be 5xx (checked last).
  const statuses: number[] = [];

  /** One request to the gateway; `body` is sent as given when it is a string. */
  async function call(method: string, path: string, options: { who?: Caller; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const { who, body } = options;
    const res = await fetch(`${gateway.url}${path}`, {
      method,
      headers: { ...(who ? { authorization: `Bearer ${who.token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    statuses.push(res.status);
    const text = await res.text();
    return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  /** Raw bytes on a socket, for requests a client library refuses to send; the status line and the problem body. */
  const raw = (bytes: string) =>
    new Promise<{ status: number; contentType: string; body: Record<string, unknown> }>((resolve, reject) => {
      const socket = connect(gateway.httpPort, '127.0.0.1', () => socket.write(bytes));
      let data = '';
      socket.on('data', (d: Buffer) => (data += d.toString()));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head = '', body = '{}'] = data.split('\r\n\r\n');
        const status = Number(head.split(' ')[1]);
        statuses.push(status);
        resolve({ status, contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '', body: JSON.parse(body) as Record<string, unknown> });
      });
    });

  const conversation = async (who: Caller, memberIds: string[], type = 'private'): Promise<string> => {
    const res = await call('POST', '/v1/conversations', { who, body: { type, member_ids: memberIds } });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  const conversationCount = async (who: Caller) => ((await call('GET', '/v1/conversations?limit=100', { who })).body.conversations as unknown[]).length;

  beforeAll(async () => {
    auth = await startApp('auth');
    gateway = await startApp('gateway', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, RATE_LIMIT_WRITE_PER_MINUTE: '100000' } });
    [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map((name) => newCaller(gateway.url, name)));
  }, 60_000);

  afterAll(async () => {
    await Promise.all([auth?.stop('SIGKILL'), gateway?.stop('SIGKILL')]);
  });

  describe('text PostgreSQL cannot store is a 400 naming the field (was 500), and is never logged', () => {
    const marker = `marker-${randomUUID()}`;

    it.each([
      ['a NUL in a message text', 'payload.text', `${marker} \u0000 end`],
      ['an unpaired high surrogate in a message text', 'payload.text', `${marker} \ud800 end`],
      ['an unpaired low surrogate in a message text', 'payload.text', `${marker} \udfff end`],
    ])('%s', async (_case, field, text) => {
      const conversationId = await conversation(alice, [bob.userId]);
      const requestId = `hardening-${randomUUID()}`;
      // JSON.stringify writes NUL as \u0000 and a lone surrogate as \ud800: valid JSON, as a client sends it.
      const res = await call('POST', '/v1/messages', {
        who: alice,
        body: { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'text', text } },
        headers: { 'x-request-id': requestId },
      });
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: problem('invalid-request'), errors: [{ field, message: expect.any(String) }] });
      expect((await call('GET', `/v1/conversations/${conversationId}`, { who: alice })).body.last_seq).toBe(0);
      // The request's own log line is written: by then any line about it would be, too.
      await waitFor(() => gateway.output().includes(requestId), { timeoutMs: 5_000, description: `the log line of ${requestId}` });
      expect(gateway.output()).not.toContain(marker);
    });

    it('a NUL in a conversation title', async () => {
      const before = await conversationCount(alice);
      const res = await call('POST', '/v1/conversations', { who: alice, body: { type: 'private', member_ids: [bob.userId], title: `${marker} \u0000` } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ type: problem('invalid-request'), errors: [{ field: 'title', message: expect.stringMatching(/NUL/) }] });
      expect(await conversationCount(alice)).toBe(before);
      expect(gateway.output()).not.toContain(marker);
    });

    it('a member id spelled twice, in two cases, is one member (was a duplicate-key 500)', async () => {
      const id = await conversation(alice, [bob.userId.toUpperCase(), bob.userId, carol.userId], 'group');
      const members = (await call('GET', `/v1/conversations/${id}`, { who: alice })).body.members as { user_id: string }[];
      expect(members.map((m) => m.user_id).sort()).toEqual([alice.userId, bob.userId, carol.userId].sort());
    });

    // OAuth clients parse RFC 6749's error body, so /auth/* answers invalid_request in that shape (docs/api.md).
    it.each([
      ['client_id with a NUL (form)', 'client_id', 'application/x-www-form-urlencoded', 'grant_type=client_credentials&client_id=c%00&client_secret=s', {}],
      ['client_secret with a NUL (Basic)', 'client_secret', 'application/x-www-form-urlencoded', 'grant_type=client_credentials', { authorization: `Basic ${Buffer.from('c4a_x:s%00').toString('base64')}` }],
      ['refresh_token with an unpaired surrogate (JSON)', 'refresh_token', 'application/json', JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'r\ud800' }), {}],
      ['token with a NUL on revoke', 'token', 'application/x-www-form-urlencoded', 'token=t%00&client_id=c&client_secret=s', {}],
    ])('/auth: %s → 400 invalid_request naming it', async (_case, field, contentType, body, headers) => {
      const path = field === 'token' ? '/auth/revoke' : '/auth/token';
      const res = await call('POST', path, { body, headers: { 'content-type': contentType, ...headers } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request', error_description: expect.stringContaining(`${field}:`) });
    });
  });

  describe('members must be active users', () => {
    it('one unknown id among known ones → 422 unknown-members naming just it; nothing is created', async () => {
      const stranger = randomUUID();
      const [before, bobBefore] = [await conversationCount(alice), await conversationCount(bob)];
      const res = await call('POST', '/v1/conversations', { who: alice, body: { type: 'group', member_ids: [bob.userId, stranger, carol.userId] } });
      expect(res.status).toBe(422);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: problem('unknown-members'), status: 422, unknown_member_ids: [stranger] });
      expect([await conversationCount(alice), await conversationCount(bob)]).toEqual([before, bobBefore]);
    });

    it('a disabled user is no member either', async () => {
      const dave = adminCli('create-user', `dave-${randomUUID()}`);
      adminCli('disable-user', dave.name);
      const res = await call('POST', '/v1/conversations', { who: alice, body: { type: 'private', member_ids: [dave.user_id] } });
      expect(res.status).toBe(422);
      expect(res.body).toMatchObject({ type: problem('unknown-members'), unknown_member_ids: [dave.user_id] });
    });
  });

  describe("the HTTP layer's own refusals are problem+json with stable types", () => {
    const expectProblem = (res: { status: number; contentType: string; body: Record<string, unknown> }, status: number, slug: string) => {
      expect(res.status).toBe(status);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ type: problem(slug), status });
    };

    it('unknown route → 404 not-found', async () => expectProblem(await call('GET', '/v1/nowhere', { who: alice }), 404, 'not-found'));

    it('a known path with a method it has no route for → 405 method-not-allowed with Allow', async () => {
      const res = await call('PUT', '/v1/messages', { who: alice, body: {} });
      expectProblem(res, 405, 'method-not-allowed');
      expect(res.headers.get('allow')).toBe('POST');
      const conversationId = await conversation(alice, [bob.userId]);
      const remove = await call('DELETE', `/v1/conversations/${conversationId}`, { who: alice });
      expectProblem(remove, 405, 'method-not-allowed');
      expect(remove.headers.get('allow')).toBe('GET, HEAD');
    });

    it('a body over HTTP_BODY_LIMIT_BYTES → 413 payload-too-large', async () =>
      expectProblem(await call('POST', '/v1/messages', { who: alice, body: { text: 'x'.repeat(1024 * 1024 + 1) } }), 413, 'payload-too-large'));

    it('a path parameter longer than any identifier → 414 uri-too-long', async () =>
      expectProblem(await call('GET', `/v1/conversations/${'x'.repeat(101)}`, { who: alice }), 414, 'uri-too-long'));

    it.each(['text/plain', 'application/xml'])('a body of type %s → 415 unsupported-media-type', async (contentType) =>
      expectProblem(await call('POST', '/v1/messages', { who: alice, body: 'hello', headers: { 'content-type': contentType } }), 415, 'unsupported-media-type'));

    it('malformed JSON → 400 bad-request', async () => expectProblem(await call('POST', '/v1/messages', { who: alice, body: '{"message_id":' }), 400, 'bad-request'));

    it('a huge query or header → 431 request-header-fields-too-large', async () => {
      const viaClient = await new Promise<{ status: number; contentType: string; body: Record<string, unknown> }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: gateway.httpPort, path: `/v1/conversations?cursor=${'a'.repeat(20_000)}` }, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => {
            statuses.push(r.statusCode ?? 0);
            resolve({ status: r.statusCode ?? 0, contentType: String(r.headers['content-type']), body: JSON.parse(body) as Record<string, unknown> });
          });
        });
        req.on('error', reject);
        req.end();
      });
      expectProblem(viaClient, 431, 'request-header-fields-too-large');
      expectProblem(await raw(`GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`), 431, 'request-header-fields-too-large');
    });

    it('a control character in a header → 400 bad-request', async () =>
      expectProblem(await raw('GET /v1/me HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'), 400, 'bad-request'));
  });

  it('answered no request of this file with a 5xx', () => {
    expect(statuses.length).toBeGreaterThan(20);
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });
});
