import { outboundTopic, TOPIC_SPECS } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka, ensureTopics, topicGroup } from '@chat4all/kafka';
import { REPO_ROOT, stackEnv, startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { randomInt, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hubSignature256 } from '../channels/webhook-signature';

const SECRET = 'webhook-spec-secret';
const TELEGRAM_SECRET = 'telegram-spec-secret';
const PHONE_NUMBER_ID = '106540352242922';
const MAX_BODY_BYTES = 4096;
const RATE_LIMIT = 5;

// A WhatsApp Cloud API notification the connector parses in full; an image is skipped (only text is
// represented downstream), so a test's webhook leaves nothing on Kafka for other tests' workers.
const notification = (id = `wamid.${randomUUID()}`) =>
  JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: PHONE_NUMBER_ID },
              messages: [{ from: '15551234567', id, timestamp: '1700000000', type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } }],
            },
          },
        ],
      },
    ],
  });

// Each test acts from addresses of its own (the app trusts X-Forwarded-For here), so one test's
// requests never count against another's rate-limit window.
const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

// POST /webhooks/{channel} against the running app: cheapest refusal first (size, rate, signature),
// and only a correctly signed body is ever parsed.
describe('connectors: webhooks verify before they parse, and are rate limited', () => {
  let connectors: RunningApp;

  /** A sample of the app's /metrics (0 when absent). */
  async function metric(name: string, labels: string): Promise<number> {
    const line = (await (await fetch(`${connectors.internalUrl}/metrics`)).text()).split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }
  /** Posts bytes as given: no Content-Type unless `headers` has one (fetch adds none for a Uint8Array). */
  const post = (channel: string, body: string, ip: string, headers: Record<string, string> = {}) =>
    fetch(`${connectors.url}/webhooks/${channel}`, { method: 'POST', headers: { 'x-forwarded-for': ip, ...headers }, body: new TextEncoder().encode(body) });
  const json = { 'content-type': 'application/json' };
  const signed = (body: string, secret = SECRET) => ({ 'x-hub-signature-256': hubSignature256(secret, body) });
  async function problem(res: Response): Promise<{ type: string; status: number }> {
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return (await res.json()) as { type: string; status: number };
  }

  beforeAll(async () => {
    // A consumer group of its own at the end of each outbound topic: other runs' messages are not ours to send.
    // On a fresh stack no app has created the topics yet.
    const groupPrefix = `test-webhooks-${randomUUID()}`;
    const kafka = stackEnv().kafka;
    const admin = createKafka(kafka).admin();
    await admin.connect();
    await ensureTopics(admin, TOPIC_SPECS, kafka.topicDefaults);
    for (const channel of ['whatsapp', 'telegram'] as const) {
      const topic = outboundTopic(channel);
      // Just created, a topic may have no leader in the metadata yet.
      const ends = await waitFor(() => admin.fetchTopicOffsets(topic), { timeoutMs: 30_000, description: `${topic} offsets` });
      await admin.setOffsets({ groupId: topicGroup(groupPrefix, topic), topic, partitions: ends.map((p) => ({ partition: p.partition, offset: p.high })) });
    }
    await admin.disconnect();
    connectors = await startApp('connectors', {
      env: {
        CONNECTOR_CONSUMER_GROUP: groupPrefix,
        CONNECTOR_CHANNELS: 'whatsapp,telegram',
        CONNECTORS_SIMULATE: 'true',
        WHATSAPP_WEBHOOK_SECRET: SECRET,
        WHATSAPP_ACCOUNT_ID: PHONE_NUMBER_ID,
        TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
        HTTP_TRUST_PROXY: 'true',
        WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY_BYTES),
        WEBHOOK_RATE_LIMIT_REQUESTS: String(RATE_LIMIT),
        WEBHOOK_RATE_LIMIT_WINDOW_SECONDS: '60',
      },
    });
  }, 60_000);

  afterAll(async () => {
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    if (connectors) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/webhooks-connectors-${connectors.httpPort}.log`), connectors.output());
    await connectors?.stop('SIGTERM');
  }, 30_000);

  it('a wrong signature over a malformed body is 401, audited and counted, never parsed', async () => {
    const ip = freshIp();
    const before = await metric('connectors_webhooks_total', 'channel="whatsapp",outcome="bad_signature"');
    const res = await post('whatsapp', '{"entry":', ip, { ...json, ...signed('{"entry":', 'not-the-secret') });
    expect(res.status).toBe(401);
    expect(await problem(res)).toMatchObject({ type: 'https://chat4all.dev/problems/invalid-webhook-signature', status: 401 });
    expect(await metric('connectors_webhooks_total', 'channel="whatsapp",outcome="bad_signature"')).toBe(before + 1);
    const db = await createDataSource(stackEnv().database, { schema: 'connectors', applicationName: 'test', entities: [], migrations: [] }).initialize();
    try {
      // The audit row names the source as the trusted proxy reported it.
      const rows = await waitFor(
        async () => {
          const found = await db.query<{ details: { channel: string; bytes: number } }[]>(`SELECT details FROM connectors.audit_events WHERE type = 'webhook_signature_invalid' AND remote_ip = $1`, [ip]);
          return found.length > 0 && found;
        },
        { timeoutMs: 5_000, description: 'audit row of the refused webhook' },
      );
      expect(rows.map((r) => r.details)).toEqual([{ channel: 'whatsapp', bytes: 9 }]);
    } finally {
      await db.destroy();
    }
  });

  it.each(['whatsapp', 'telegram'])('%s: no signature and no Content-Type is 401, not 415', async (channel) => {
    const res = await post(channel, 'anything at all', freshIp());
    expect(res.status).toBe(401);
    expect((await problem(res)).type).toBe('https://chat4all.dev/problems/invalid-webhook-signature');
  });

  it('a correctly signed body that is not JSON is 400 invalid-webhook-payload (HMAC and secret token alike)', async () => {
    const ip = freshIp();
    const whatsapp = await post('whatsapp', '{"entry":', ip, { ...json, ...signed('{"entry":') });
    expect(whatsapp.status).toBe(400);
    expect((await problem(whatsapp)).type).toBe('https://chat4all.dev/problems/invalid-webhook-payload');
    const telegram = await post('telegram', '{"update_id":', ip, { ...json, 'x-telegram-bot-api-secret-token': TELEGRAM_SECRET });
    expect(telegram.status).toBe(400);
    expect((await problem(telegram)).type).toBe('https://chat4all.dev/problems/invalid-webhook-payload');
  });

  it('a correctly signed body sent as another media type, or with none, is 415', async () => {
    const ip = freshIp();
    const body = notification();
    for (const headers of [{ 'content-type': 'text/plain' }, {}] as Record<string, string>[]) {
      const res = await post('whatsapp', body, ip, { ...headers, ...signed(body) });
      expect(res.status).toBe(415);
      expect((await problem(res)).type).toBe('https://chat4all.dev/problems/unsupported-media-type');
    }
  });

  it('a correctly signed platform payload is 200, with the RateLimit headers', async () => {
    const body = notification();
    const res = await post('whatsapp', body, freshIp(), { 'content-type': 'application/json; charset=utf-8', ...signed(body) });
    expect([res.status, await res.json()]).toEqual([200, { received: 0 }]);
    expect(res.headers.get('ratelimit-policy')).toBe(`"webhooks";q=${RATE_LIMIT};w=60`);
    expect(res.headers.get('ratelimit')).toMatch(new RegExp(`^"webhooks";r=${RATE_LIMIT - 1};t=\\d+$`));
  });

  it(`reads a body of WEBHOOK_MAX_BODY_BYTES (${MAX_BODY_BYTES}); one byte more is 413 before anything else`, async () => {
    const ip = freshIp();
    const atLimit = notification().padEnd(MAX_BODY_BYTES, ' ');
    expect(Buffer.byteLength(atLimit)).toBe(MAX_BODY_BYTES);
    const ok = await post('whatsapp', atLimit, ip, { ...json, ...signed(atLimit) });
    expect(ok.status).toBe(200);
    const over = `${atLimit} `;
    const res = await post('whatsapp', over, ip, { ...json, ...signed(over) });
    expect(res.status).toBe(413);
    expect(await problem(res)).toMatchObject({ type: 'https://chat4all.dev/problems/payload-too-large', status: 413 });
  });

  it(`request ${RATE_LIMIT + 1} in a window from one source is 429 with Retry-After and RateLimit headers, and counted; other sources pass`, async () => {
    const ip = freshIp();
    const before = await metric('connectors_webhooks_total', 'channel="whatsapp",outcome="rate_limited"');
    // Unsigned: counted all the same, since the limit is checked before the signature.
    for (let i = 0; i < RATE_LIMIT; i++) expect((await post('whatsapp', '{}', ip, json)).status).toBe(401);
    const body = notification();
    const res = await post('whatsapp', body, ip, { ...json, ...signed(body) });
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(res.headers.get('ratelimit-policy')).toBe(`"webhooks";q=${RATE_LIMIT};w=60`);
    expect(res.headers.get('ratelimit')).toMatch(/^"webhooks";r=0;t=\d+$/);
    expect(await problem(res)).toMatchObject({ type: 'https://chat4all.dev/problems/rate-limited', status: 429, policy: 'webhooks' });
    expect(await metric('connectors_webhooks_total', 'channel="whatsapp",outcome="rate_limited"')).toBe(before + 1);
    // The limit is per channel and per source.
    expect((await post('telegram', '{}', ip, json)).status).toBe(401);
    expect((await post('whatsapp', body, freshIp(), { ...json, ...signed(body) })).status).toBe(200);
  });
});
