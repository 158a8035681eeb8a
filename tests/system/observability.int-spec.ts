import { createEnvelope, Topics } from '@chat4all/contracts';
import { createDataSource } from '@chat4all/database';
import { createKafka } from '@chat4all/kafka';
import { RealtimeClient, type RealtimeEvent } from '@chat4all/sdk';
import { newCaller, observabilityVariables, REPO_ROOT, stackEnv, startApp as startPlainApp, waitFor, type Caller, type RunningApp } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
// The dashboards' queries as the dashboard tooling reads them (a repo tool, not a library).
// eslint-disable-next-line @nx/enforce-module-boundaries
import { panelQueries, withRateInterval } from '../../tools/observability/panel-queries.mjs';

interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: string;
  localEndpoint?: { serviceName?: string };
  tags?: Record<string, string>;
}

interface AlertNotification {
  status: 'firing' | 'resolved';
  alerts: { status: 'firing' | 'resolved'; labels: Record<string, string> }[];
}

const PROMETHEUS = process.env.PROMETHEUS_URL ?? '';
const ALERTMANAGER = process.env.ALERTMANAGER_URL ?? '';
const ZIPKIN = process.env.ZIPKIN_URL ?? '';
const VICTORIALOGS = process.env.VICTORIALOGS_URL ?? '';
// The test stack's Alertmanager posts every alert here (tools/stack/stack.sh: 9099 + 100 × offset).
const ALERT_WEBHOOK_PORT = 9099 + 100 * Number(process.env.STACK_PORT_OFFSET ?? 1);

const json = async <T>(url: string, init?: RequestInit): Promise<T> => {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
};

async function promQuery(expr: string): Promise<{ status: string; error?: string; data?: { result: unknown[] } }> {
  const res = await fetch(`${PROMETHEUS}/api/v1/query`, { method: 'POST', body: new URLSearchParams({ query: expr }) });
  return (await res.json()) as { status: string; error?: string; data?: { result: unknown[] } };
}

/** Alertmanager's notifications, as the webhook receiver of a real deployment gets them. */
function startAlertReceiver(): Promise<{ server: Server; notifications: AlertNotification[] }> {
  const notifications: AlertNotification[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      notifications.push(JSON.parse(body) as AlertNotification);
      res.writeHead(200).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(ALERT_WEBHOOK_PORT, '127.0.0.1', () => resolve({ server, notifications }));
  });
}

// The apps of this file send their spans to the test stack's Zipkin and their lines to its VictoriaLogs.
const startApp: typeof startPlainApp = (name, options = {}) => startPlainApp(name, { ...options, env: { ...observabilityVariables(), ...options.env } });

// Issue 13 against the running system: one message's trace across every service in Zipkin, its log
// lines in VictoriaLogs, the dashboards' queries answered by Prometheus after real traffic, and the
// dead-letter alert reaching Alertmanager's webhook, then resolving after the replay.
describe('observability: traces, logs, metrics, alerts', () => {
  const apps: RunningApp[] = [];
  let gateway: RunningApp;
  let alice: Caller, bob: Caller, operator: Caller;
  let bobClient: RealtimeClient;
  const bobEvents: RealtimeEvent[] = [];
  let producer: Producer;
  let db: DataSource;

  const call = (who: Caller, method: string, path: string, body?: unknown) =>
    fetch(`${gateway.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${who.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  async function messageStatus(messageId: string): Promise<string | undefined> {
    const res = await call(alice, 'GET', `/v1/messages/${messageId}`);
    return res.status === 200 ? ((await res.json()) as { status: string }).status : undefined;
  }

  async function whatsappConversation(): Promise<string> {
    const res = await call(alice, 'POST', '/v1/conversations', { type: 'private', member_ids: [bob.userId], channel: 'whatsapp', external_contact: `1555${String(Date.now()).slice(-7)}` });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: string }).id;
  }

  beforeAll(async () => {
    for (const [name, url] of Object.entries({ PROMETHEUS_URL: PROMETHEUS, ALERTMANAGER_URL: ALERTMANAGER, ZIPKIN_URL: ZIPKIN, VICTORIALOGS_URL: VICTORIALOGS })) {
      if (!url) throw new Error(`${name} is not set: the test stack runs without its observability services (CHAT4ALL_OBSERVABILITY=off?)`);
    }
    const auth = await startApp('auth');
    const [relay, worker, connectors] = await Promise.all([
      startApp('outbox-relay'),
      // Short backoff: the poisoned event below reaches the DLQ within a second.
      startApp('message-worker', { env: { WORKER_RETRY_BACKOFF_MS: '100,100,100' } }),
      startApp('connectors', { env: { CONNECTORS_SIMULATE: 'true' }, timeoutMs: 60_000 }),
    ]);
    gateway = await startApp('gateway', {
      env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, DELIVERY_GRPC_URL: `127.0.0.1:${worker.grpcPort}`, RATE_LIMIT_WRITE_PER_MINUTE: '100000' },
    });
    const realtime = await startApp('realtime', { env: { AUTH_GRPC_URL: `127.0.0.1:${auth.grpcPort}`, MESSAGING_GRPC_URL: `127.0.0.1:${gateway.grpcPort}` } });
    apps.push(auth, relay, worker, connectors, gateway, realtime);
    [alice, bob, operator] = await Promise.all([newCaller(gateway.url, 'obs-alice'), newCaller(gateway.url, 'obs-bob'), newCaller(gateway.url, 'obs-operator', 'read,write,admin')]);
    bobClient = new RealtimeClient({ url: `ws://127.0.0.1:${realtime.httpPort}/ws`, token: () => bob.token, backoff: { baseMs: 50, maxMs: 500 } });
    bobClient.on('event', (e: RealtimeEvent) => bobEvents.push(e));
    bobClient.on('error', () => undefined);
    const ready = new Promise<void>((resolve) => bobClient.once('ready', () => resolve()));
    bobClient.start();
    await ready;
    producer = createKafka(stackEnv().kafka).producer();
    await producer.connect();
    db = await createDataSource(stackEnv().database, { schema: 'message_worker', applicationName: 'test-observability', entities: [], migrations: [] }).initialize();
  }, 120_000);

  afterAll(async () => {
    bobClient?.stop();
    await producer?.disconnect();
    await db?.destroy();
    mkdirSync(join(REPO_ROOT, '.stack/logs/tests'), { recursive: true });
    for (const app of apps) writeFileSync(join(REPO_ROOT, `.stack/logs/tests/observability-${app.name}.log`), app.output());
    await Promise.all(apps.map((a) => a.stop('SIGTERM')));
  }, 60_000);

  it('npm start’s observability URLs answer: Prometheus, Alertmanager, Zipkin, VictoriaLogs', async () => {
    for (const url of [`${PROMETHEUS}/-/ready`, `${ALERTMANAGER}/-/ready`, `${ZIPKIN}/health`, `${VICTORIALOGS}/health`]) expect((await fetch(url)).status).toBe(200);
    // Every app instance this file started is a scrape target, found through its discovery file.
    await waitFor(
      async () => {
        const targets = await json<{ data: { activeTargets: { labels: { service?: string }; health: string }[] } }>(`${PROMETHEUS}/api/v1/targets?state=active`);
        const up = new Set(targets.data.activeTargets.filter((t) => t.health === 'up').map((t) => t.labels.service));
        return apps.every((a) => up.has(a.name)) || undefined;
      },
      { timeoutMs: 30_000, description: 'every app instance scraped and up' },
    );
  });

  it('one POST /v1/messages to WhatsApp is one trace, gateway → relay → worker → realtime and connectors, with its log lines in the log store', async () => {
    const conversationId = await whatsappConversation();
    const messageId = randomUUID();
    const res = await call(alice, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text: 'traced' } });
    expect(res.status).toBe(202);
    const traceId = res.headers.get('x-trace-id') ?? '';
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    await waitFor(() => bobEvents.some((e) => e.type === 'message.created' && e.conversation_id === conversationId) || undefined, { timeoutMs: 10_000, description: 'frame on bob’s socket' });
    await waitFor(async () => ((await messageStatus(messageId)) === 'READ') || undefined, { timeoutMs: 30_000, description: 'READ from the simulated WhatsApp' });

    const services = ['gateway', 'outbox-relay', 'message-worker', 'realtime', 'connectors'];
    const spans = await waitFor(
      async () => {
        const res = await fetch(`${ZIPKIN}/api/v2/trace/${traceId}`);
        if (res.status !== 200) return undefined;
        const spans = (await res.json()) as ZipkinSpan[];
        const seen = new Set(spans.map((s) => s.localEndpoint?.serviceName));
        // The receipts' statuses are in it too (published by connectors in the send's trace).
        const statuses = spans.filter((s) => s.name === 'consume messages.status').length;
        return services.every((s) => seen.has(s)) && statuses >= 3 ? spans : undefined;
      },
      { timeoutMs: 30_000, description: `trace ${traceId} with spans of ${services.join(', ')}` },
    );
    const byId = new Map(spans.map((s) => [s.id, s]));
    // Unbroken: one root (the gateway's request), every other span's parent is in the trace.
    const roots = spans.filter((s) => !s.parentId);
    expect(roots.map((s) => s.localEndpoint?.serviceName)).toEqual(['gateway']);
    expect(spans.filter((s) => s.parentId && !byId.has(s.parentId))).toEqual([]);
    const serviceOf = (s: ZipkinSpan | undefined) => s?.localEndpoint?.serviceName;
    const parentOf = (s: ZipkinSpan) => (s.parentId ? byId.get(s.parentId) : undefined);
    // Across the outbox: the relay's publish continues the gateway's transaction; across Kafka: the
    // worker's consume continues the relay's publish, connectors' the worker's; across Redis: the
    // realtime fan-out continues the worker's processing and names how many sockets it wrote to.
    const relayPublish = spans.find((s) => serviceOf(s) === 'outbox-relay' && s.name === 'publish messages.created');
    expect(serviceOf(parentOf(relayPublish!))).toBe('gateway');
    const workerConsume = spans.find((s) => serviceOf(s) === 'message-worker' && s.name === 'consume messages.created');
    expect(parentOf(workerConsume!)).toBe(relayPublish);
    const connectorsConsume = spans.find((s) => serviceOf(s) === 'connectors' && s.name === 'consume messages.outbound.whatsapp');
    expect(serviceOf(parentOf(connectorsConsume!))).toBe('message-worker');
    const fanOut = spans.find((s) => serviceOf(s) === 'realtime' && s.name === 'fan-out message.created');
    expect(serviceOf(parentOf(fanOut!))).toBe('message-worker');
    expect(Number(fanOut?.tags?.['chat4all.fanout.sockets'])).toBeGreaterThanOrEqual(1);

    // The same trace id finds the lines of several services in the log store.
    const logServices = await waitFor(
      async () => {
        const res = await fetch(`${VICTORIALOGS}/select/logsql/query`, { method: 'POST', body: new URLSearchParams({ query: `trace_id:${traceId} | stats by (service) count() lines` }) });
        const rows = (await res.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { service: string });
        const names = rows.map((r) => r.service).sort();
        return names.length >= 3 ? names : undefined;
      },
      { timeoutMs: 20_000, description: `log lines of 3 services with trace_id ${traceId}` },
    );
    expect(logServices).toEqual(expect.arrayContaining(['connectors', 'gateway', 'message-worker']));
  }, 90_000);

  it('an error names its trace: X-Trace-Id and trace_id in the problem body agree', async () => {
    const res = await call(alice, 'POST', '/v1/messages', { conversation_id: 'not-a-uuid' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { type: string; trace_id?: string };
    expect(body.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(body.trace_id).toBe(res.headers.get('x-trace-id'));
  });

  it('every dashboard panel’s query answers after traffic, with data where data must be', async () => {
    const queries = panelQueries();
    expect(queries.length).toBeGreaterThan(20);
    // Traffic: messages to WhatsApp (sends, receipts) with a socket receiving, reads, an error.
    const conversationId = await whatsappConversation();
    for (let i = 0; i < 5; i++) {
      expect((await call(alice, 'POST', '/v1/messages', { message_id: randomUUID(), conversation_id: conversationId, payload: { type: 'text', text: `panel ${i}` } })).status).toBe(202);
    }
    await call(alice, 'GET', `/v1/conversations/${conversationId}/messages`);
    const failuresNow = async () => {
      const failures: string[] = [];
      for (const q of queries) {
        const answer = await promQuery(withRateInterval(q.expr, '1m'));
        if (answer.status !== 'success') failures.push(`${q.dashboard} / ${q.panel}: ${answer.error} (${q.expr})`);
        else if (q.mustHaveData && (answer.data?.result.length ?? 0) === 0) failures.push(`${q.dashboard} / ${q.panel}: no data (${q.expr})`);
      }
      return failures;
    };
    let failures: string[] = [];
    await waitFor(async () => (failures = await failuresNow()).length === 0 || undefined, {
      timeoutMs: 90_000,
      intervalMs: 2_000,
      description: 'every panel query with data',
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${failures.join('\n')}`);
    });
    expect(failures).toEqual([]);
  }, 150_000);

  it('a poisoned event in the DLQ fires DeadLetterQueueNotEmpty at the webhook within 60 s; the replay resolves it', async () => {
    // Dead letters other tests of the suite left behind (their own poison, never meant to be
    // replayed) would keep the queue non-empty: settle them first, so this one decides the alert.
    await db.query(`UPDATE message_worker.dead_letters SET replayed_at = now(), replayed_by = 'observability test' WHERE replayed_at IS NULL`);
    const receiver = await startAlertReceiver();
    try {
      const named = (status: 'firing' | 'resolved') => () =>
        receiver.notifications.some((n) => n.alerts.some((a) => a.labels.alertname === 'DeadLetterQueueNotEmpty' && a.status === status)) || undefined;
      // Quiet first: a resolved notification later must come from this dead letter's replay.
      // This file's worker scraped with nothing pending, and no DeadLetterQueueNotEmpty left active.
      await waitFor(
        async () => {
          const pending = ((await promQuery('message_worker_dead_letters_pending')).data?.result ?? []) as { value: [number, string] }[];
          const active = ((await promQuery('ALERTS{alertname="DeadLetterQueueNotEmpty"}')).data?.result ?? []).length;
          return (pending.length > 0 && pending.every((r) => r.value[1] === '0') && active === 0) || undefined;
        },
        { timeoutMs: 60_000, description: 'no dead letter pending, alert inactive' },
      );
      receiver.notifications.length = 0;

      const conversationId = await whatsappConversation();
      const messageId = randomUUID();
      // A receipt for a message the worker has not seen: it fails every attempt and is dead-lettered.
      const receipt = createEnvelope('message.status', conversationId, { message_id: messageId, conversation_id: conversationId, status: 'DELIVERED', at: new Date().toISOString() });
      const poisoned = Date.now();
      await producer.send({ topic: Topics.messagesStatus, acks: -1, messages: [{ key: conversationId, value: JSON.stringify(receipt) }] });
      await waitFor(named('firing'), { timeoutMs: 60_000, intervalMs: 250, description: 'DeadLetterQueueNotEmpty firing at the webhook' });
      expect(Date.now() - poisoned).toBeLessThan(60_000);

      // The message arrives; the operator replays the receipt; the queue is empty again.
      expect((await call(alice, 'POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text: 'late' } })).status).toBe(202);
      await waitFor(async () => ((await messageStatus(messageId)) !== undefined) || undefined, { timeoutMs: 20_000, description: 'message stored' });
      const listed = (await (await call(operator, 'GET', '/v1/admin/dead-letters?limit=100')).json()) as { dead_letters: { id: string; event_id: string; replayed_at?: string | null }[] };
      const row = listed.dead_letters.find((d) => d.event_id === receipt.event_id);
      expect(row).toBeDefined();
      expect((await call(operator, 'POST', `/v1/admin/dead-letters/${row!.id}/replay`)).status).toBe(202);
      await waitFor(named('resolved'), { timeoutMs: 60_000, intervalMs: 250, description: 'DeadLetterQueueNotEmpty resolved at the webhook' });
    } finally {
      await new Promise((resolve) => receiver.server.close(resolve));
    }
  }, 150_000);
});
