#!/usr/bin/env node
// The Grafana dashboards (FR-OBS-09, NFR-026, SC-014), generated from code: `npm run dashboards`
// writes observability/grafana/dashboards/*.json; `--check` exits 1 when the committed files differ.
//
// Metric names come from the metric catalogue (docs/operations.md, "Metrics"), plus `up` and the
// default process_*/nodejs_* metrics. Queries are plain PromQL apart from Grafana's $__rate_interval
// (no template variables), so they can be evaluated against Prometheus as they are.
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LAG_PER_PARTITION, POOL_UTILISATION, anyService, buildDashboard, quantile, rate } from './dashboard-kit.mjs';
import { DASHBOARDS_DIR } from './panel-queries.mjs';

export { DASHBOARDS_DIR };

const GATEWAY = 'gateway_http_request_duration_seconds';
const APP = '{job="chat4all"}';
const percentiles = (buckets, by = [], legend = '') =>
  [0.5, 0.95, 0.99].map((q) => ({ expr: quantile(q, buckets, by), legend: `${legend}p${q * 100}` }));
const stages = (q) => [
  { expr: quantile(q, 'message_worker_accept_to_processed_seconds_bucket'), legend: 'processed (worker)' },
  { expr: quantile(q, 'realtime_accept_to_delivered_seconds_bucket'), legend: 'delivered to a socket' },
  { expr: quantile(q, 'connectors_accept_to_sent_seconds_bucket', ['channel']), legend: 'sent to {{channel}}' },
];
const errorShare = (metric, by) =>
  `sum by (${by}) (${rate(`${metric}{status_code=~"5.."}`)}) / sum by (${by}) (${rate(metric)})`;
const deadLetters = {
  title: 'Dead letters added',
  description: 'Records given up on, per app and source topic (FR-DP-07). Empty while nothing is dead-lettered.',
  unit: 'cps',
  empty: '0',
  queries: [{ expr: `sum by (service, topic) (${rate(anyService('dead_letters_total'))})`, legend: '{{service}} {{topic}}' }],
};
const deadLettersWaiting = {
  title: 'Dead letters waiting',
  description: 'message_worker.dead_letters rows not replayed yet (alert DeadLetterQueueNotEmpty above 0, DeadLetterQueueLarge above 100).',
  queries: [{ expr: 'max(message_worker_dead_letters_pending)', legend: 'waiting' }],
  threshold: 1,
};
const outboxBacklog = {
  title: 'Outbox backlog',
  description: 'Outbox rows not published to Kafka yet, per outbox table.',
  queries: [{ expr: 'max by (table) (outbox_relay_outbox_pending_events)', legend: '{{table}}' }],
};
const outboxAge = {
  title: 'Oldest unpublished outbox event',
  description: 'Age of the oldest unpublished outbox row, per table (alert OutboxStalled above 30 s).',
  unit: 's',
  threshold: 30,
  queries: [{ expr: 'max by (table) (outbox_relay_outbox_oldest_age_seconds)', legend: '{{table}}' }],
};
const lagByGroup = {
  title: 'Kafka consumer lag by group',
  description: 'Messages behind the high watermark, summed over partitions (alert KafkaConsumerLagHigh above 10,000).',
  threshold: 10000,
  queries: [{ expr: `sum by (service, group, topic) (${LAG_PER_PARTITION})`, legend: '{{group}} ({{topic}})' }],
};
const poolUtilisation = {
  title: 'DB pool in use',
  description: 'Checked-out connections over the pool size, per app and instance (alert DatabasePoolSaturated above 90 %).',
  unit: 'percentunit',
  max: 1,
  threshold: 0.9,
  queries: [{ expr: `max by (service, instance) (${POOL_UTILISATION})`, legend: '{{service}} {{instance}}' }],
};
const poolWaiting = {
  title: 'Callers waiting for a DB connection',
  queries: [{ expr: `sum by (service) (${anyService('db_pool_requests_waiting')})`, legend: '{{service}}' }],
};
const clientErrors = (suffix, by, legend, title) => ({
  title,
  description: 'Empty while the clients report no error.',
  unit: 'cps',
  empty: '0',
  queries: [{ expr: `sum by (${by}) (${rate(anyService(suffix))})`, legend }],
});

export const DEFINITIONS = [
  {
    uid: 'chat4all-pipeline',
    title: 'Chat4All / Message Pipeline Health',
    description: 'From the API to the sockets and providers: latency, throughput, Kafka lag, outbox, database pool, dead letters.',
    rows: [
      {
        title: 'Overview',
        panels: [
          { kind: 'stat', title: 'App instances up', queries: [{ expr: `sum by (service) (up${APP})`, legend: '{{service}}' }] },
          { kind: 'stat', ...deadLettersWaiting },
          { kind: 'stat', title: 'Consumer lag, all groups', threshold: 10000, queries: [{ expr: `sum(${LAG_PER_PARTITION})`, legend: 'lag' }] },
          { kind: 'stat', title: 'Oldest unpublished outbox event', unit: 's', threshold: 30, queries: [{ expr: 'max(outbox_relay_outbox_oldest_age_seconds)', legend: 'age' }] },
        ],
      },
      {
        title: 'API',
        width: 8,
        panels: [
          { title: 'API latency', description: 'Gateway HTTP request duration, all routes.', unit: 's', queries: percentiles(`${GATEWAY}_bucket`) },
          { title: 'API requests by status', unit: 'reqps', queries: [{ expr: `sum by (status_code) (${rate(`${GATEWAY}_count`)})`, legend: '{{status_code}}' }] },
          {
            title: 'API error rate',
            description: 'Share of gateway responses that are 5xx (alert ApiErrorRateHigh above 5 %). Empty while there is none.',
            unit: 'percentunit',
            empty: '0',
            threshold: 0.05,
            queries: [{ expr: errorShare(`${GATEWAY}_count`, 'service'), legend: '5xx share' }],
          },
        ],
      },
      {
        title: 'Pipeline',
        panels: [
          lagByGroup,
          { title: 'Worker throughput', unit: 'ops', queries: [{ expr: `sum by (outcome) (${rate('message_worker_events_total')})`, legend: '{{outcome}}' }] },
          { title: 'Events published by the outbox relay', unit: 'ops', queries: [{ expr: `sum by (topic) (${rate('outbox_relay_events_published_total')})`, legend: '{{topic}}' }] },
          outboxBacklog,
          { title: 'Message latency from accept, p95', description: 'Gateway accept to worker commit, to the message.created frame on a socket, to the provider accepting the send.', unit: 's', queries: stages(0.95) },
          { title: 'Message latency from accept, p99', unit: 's', queries: stages(0.99) },
        ],
      },
      { title: 'Database and dead letters', panels: [poolUtilisation, poolWaiting, deadLetters, deadLettersWaiting] },
    ],
  },
  {
    uid: 'chat4all-api',
    title: 'Chat4All / API',
    description: 'HTTP and gRPC: request rates, latency, errors, and the Node.js runtime of every app.',
    rows: [
      {
        title: 'Gateway (public API)',
        panels: [
          { title: 'Requests by route', unit: 'reqps', queries: [{ expr: `sum by (method, route) (${rate(`${GATEWAY}_count`)})`, legend: '{{method}} {{route}}' }] },
          { title: 'Latency p95 by route', unit: 's', queries: [{ expr: quantile(0.95, `${GATEWAY}_bucket`, ['method', 'route']), legend: '{{method}} {{route}}' }] },
          { title: 'Responses by status code', unit: 'reqps', queries: [{ expr: `sum by (status_code) (${rate(`${GATEWAY}_count`)})`, legend: '{{status_code}}' }] },
          {
            title: '5xx by route',
            description: 'Empty while the gateway answers no 5xx.',
            unit: 'reqps',
            empty: '0',
            queries: [{ expr: `sum by (method, route, status_code) (${rate(`${GATEWAY}_count{status_code=~"5.."}`)})`, legend: '{{status_code}} {{method}} {{route}}' }],
          },
          {
            title: 'Rate-limited requests (429)',
            description: 'Empty while no client hits its limit.',
            unit: 'reqps',
            empty: '0',
            queries: [{ expr: `sum by (method, route) (${rate(`${GATEWAY}_count{status_code="429"}`)})`, legend: '{{method}} {{route}}' }],
          },
        ],
      },
      {
        title: 'Every HTTP service',
        width: 8,
        panels: [
          { title: 'HTTP requests by service', unit: 'reqps', queries: [{ expr: `sum by (service) (${rate(anyService('http_request_duration_seconds_count'))})`, legend: '{{service}}' }] },
          { title: 'HTTP latency p95 by service', unit: 's', queries: [{ expr: quantile(0.95, anyService('http_request_duration_seconds_bucket'), ['service']), legend: '{{service}}' }] },
          {
            title: 'HTTP 5xx share by service',
            description: 'Empty while no service answers 5xx.',
            unit: 'percentunit',
            empty: '0',
            threshold: 0.05,
            queries: [
              {
                expr: `sum by (service) (${rate(anyService('http_request_duration_seconds_count', 'status_code=~"5.."'))}) / sum by (service) (${rate(anyService('http_request_duration_seconds_count'))})`,
                legend: '{{service}}',
              },
            ],
          },
        ],
      },
      {
        title: 'gRPC',
        panels: [
          { title: 'gRPC server calls by code', unit: 'reqps', queries: [{ expr: `sum by (service, method, code) (${rate(anyService('grpc_server_duration_seconds_count'))})`, legend: '{{service}} {{method}} {{code}}' }] },
          { title: 'gRPC server latency p95', unit: 's', queries: [{ expr: quantile(0.95, anyService('grpc_server_duration_seconds_bucket'), ['service', 'method']), legend: '{{service}} {{method}}' }] },
          { title: 'gRPC client latency p95', unit: 's', queries: [{ expr: quantile(0.95, anyService('grpc_client_duration_seconds_bucket'), ['service', 'method']), legend: '{{service}} → {{method}}' }] },
          {
            title: 'gRPC calls that did not answer OK',
            description: 'Server side, by code. Empty while every call succeeds.',
            unit: 'reqps',
            empty: '0',
            queries: [{ expr: `sum by (service, method, code) (${rate(anyService('grpc_server_duration_seconds_count', 'code!="OK"'))})`, legend: '{{service}} {{method}} {{code}}' }],
          },
          {
            title: 'gRPC client circuit breakers',
            description: '0 closed, 1 half-open, 2 open: calls to that target fail at once with UNAVAILABLE (alert DependencyCircuitOpen after 2 minutes open, which also covers file-service\'s S3 breaker, <service>_s3_circuit_state).',
            max: 2,
            steps: true,
            mappings: [{ type: 'value', options: { 0: { text: 'closed', color: 'green' }, 1: { text: 'half-open', color: 'orange' }, 2: { text: 'open', color: 'red' } } }],
            queries: [{ expr: `max by (service, instance, target) (${anyService('grpc_client_circuit_state')})`, legend: '{{service}} → {{target}} {{instance}}' }],
          },
        ],
      },
      {
        title: 'Node.js runtime',
        width: 8,
        panels: [
          { title: 'Event loop lag p99', unit: 's', queries: [{ expr: `max by (service) (nodejs_eventloop_lag_p99_seconds${APP})`, legend: '{{service}}' }] },
          { title: 'CPU', unit: 'percentunit', queries: [{ expr: `sum by (service) (${rate(`process_cpu_seconds_total${APP}`)})`, legend: '{{service}}' }] },
          { title: 'Resident memory', unit: 'bytes', queries: [{ expr: `sum by (service) (process_resident_memory_bytes${APP})`, legend: '{{service}}' }] },
        ],
      },
    ],
  },
  {
    uid: 'chat4all-kafka',
    title: 'Chat4All / Kafka',
    description: 'Consumer lag, publishing from the outbox, processing outcomes, replication and client errors.',
    rows: [
      {
        title: 'Consumers',
        panels: [
          lagByGroup,
          { title: 'Consumer lag by partition', queries: [{ expr: `max by (group, topic, partition) (${LAG_PER_PARTITION})`, legend: '{{group}} p{{partition}}' }] },
          { title: 'Worker events by topic and outcome', unit: 'ops', queries: [{ expr: `sum by (topic, outcome) (${rate('message_worker_events_total')})`, legend: '{{topic}} {{outcome}}' }] },
          deadLetters,
        ],
      },
      {
        title: 'Producers and brokers',
        panels: [
          { title: 'Events published by topic', unit: 'ops', queries: [{ expr: `sum by (topic) (${rate('outbox_relay_events_published_total')})`, legend: '{{topic}}' }] },
          { title: 'Outbox publish failures', description: 'Failed publish batches (retried).', unit: 'ops', queries: [{ expr: `sum(${rate('outbox_relay_publish_failures_total')})`, legend: 'failures' }] },
          outboxBacklog,
          outboxAge,
          { title: 'Under-replicated partitions', description: 'Partitions whose in-sync replicas are fewer than their replicas (alert after 30 s).', threshold: 1, queries: [{ expr: 'max by (topic) (outbox_relay_kafka_under_replicated_partitions)', legend: '{{topic}}' }] },
          clientErrors('kafka_client_errors_total', 'service, client, kind', '{{service}} {{client}} {{kind}}', 'Kafka client errors'),
        ],
      },
    ],
  },
  {
    uid: 'chat4all-postgresql',
    title: 'Chat4All / PostgreSQL',
    description: "The apps' connection pools, and the tables the pipeline watches (outbox, dead letters).",
    rows: [
      {
        title: 'Connection pools',
        panels: [
          poolUtilisation,
          poolWaiting,
          { title: 'Connections in use', queries: [{ expr: `sum by (service) (${anyService('db_pool_connections_in_use')})`, legend: '{{service}}' }] },
          { title: 'Idle connections', queries: [{ expr: `sum by (service) (${anyService('db_pool_connections_idle')})`, legend: '{{service}}' }] },
          { title: 'Pool size', description: 'Configured maximum, summed over instances.', queries: [{ expr: `sum by (service) (${anyService('db_pool_connections_max')})`, legend: '{{service}}' }] },
        ],
      },
      { title: 'Watched tables', width: 8, panels: [outboxBacklog, outboxAge, deadLettersWaiting] },
    ],
  },
  {
    uid: 'chat4all-realtime',
    title: 'Chat4All / Realtime',
    description: 'WebSocket connections and frames, delivery latency, Redis.',
    rows: [
      {
        title: 'WebSockets',
        panels: [
          { title: 'Open WebSockets', queries: [{ expr: 'sum by (instance) (realtime_websocket_connections)', legend: '{{instance}}' }] },
          { title: 'Frames sent by type', unit: 'ops', queries: [{ expr: `sum by (type) (${rate('realtime_websocket_frames_sent_total')})`, legend: '{{type}}' }] },
          {
            title: 'Frames received by type',
            description: "Clients' frames (acks, reads, auth). Empty while clients only listen.",
            unit: 'ops',
            empty: '0',
            queries: [{ expr: `sum by (type) (${rate('realtime_websocket_frames_received_total')})`, legend: '{{type}}' }],
          },
          { title: 'Accept → delivered to a socket', unit: 's', queries: percentiles('realtime_accept_to_delivered_seconds_bucket') },
        ],
      },
      { title: 'Redis', width: 24, panels: [clientErrors('redis_errors_total', 'service, client', '{{service}} {{client}}', 'Redis client errors')] },
    ],
  },
  {
    uid: 'chat4all-connectors',
    title: 'Chat4All / Connectors',
    description: 'Providers: circuit breakers, sends, latency, outbound lag, webhooks.',
    rows: [
      {
        title: 'Providers',
        panels: [
          {
            title: 'Circuit breaker state',
            description: '0 closed, 1 half-open, 2 open (alert CircuitBreakerOpen after 5 minutes open).',
            max: 2,
            steps: true,
            mappings: [{ type: 'value', options: { 0: { text: 'closed', color: 'green' }, 1: { text: 'half-open', color: 'orange' }, 2: { text: 'open', color: 'red' } } }],
            queries: [{ expr: 'max by (channel, instance) (connectors_circuit_state)', legend: '{{channel}} {{instance}}' }],
          },
          { title: 'Sends by channel and outcome', unit: 'ops', queries: [{ expr: `sum by (channel, outcome) (${rate('connectors_sends_total')})`, legend: '{{channel}} {{outcome}}' }] },
          { title: 'Provider send latency p95', unit: 's', queries: [{ expr: quantile(0.95, 'connectors_send_duration_seconds_bucket', ['channel']), legend: '{{channel}}' }] },
          { title: 'Accept → sent to the provider, p95', unit: 's', queries: [{ expr: quantile(0.95, 'connectors_accept_to_sent_seconds_bucket', ['channel']), legend: '{{channel}}' }] },
          {
            title: 'Failed sends',
            description: 'Permanent refusals and retryable errors. Empty while every send succeeds.',
            unit: 'ops',
            empty: '0',
            queries: [{ expr: `sum by (channel, outcome) (${rate('connectors_sends_total{outcome!~"sent|duplicate"}')})`, legend: '{{channel}} {{outcome}}' }],
          },
          { title: 'Outbound consumer lag by channel', queries: [{ expr: `sum by (group) (max by (group, topic, partition) (connectors_kafka_consumer_lag_messages))`, legend: '{{group}}' }] },
        ],
      },
      {
        title: 'Webhooks',
        panels: [
          { title: 'Webhook requests by route and status', unit: 'reqps', queries: [{ expr: `sum by (route, status_code) (${rate('connectors_http_request_duration_seconds_count')})`, legend: '{{status_code}} {{route}}' }] },
          { title: 'Webhook latency p95', unit: 's', queries: [{ expr: quantile(0.95, 'connectors_http_request_duration_seconds_bucket', ['route']), legend: '{{route}}' }] },
        ],
      },
    ],
  },
];

/** Every dashboard, as the file name it is committed under and its JSON text. */
export function renderDashboards() {
  return DEFINITIONS.map((definition) => ({
    file: `${definition.uid}.json`,
    text: `${JSON.stringify(buildDashboard(definition), null, 2)}\n`,
  }));
}

/** The committed files that differ from the generator's output (missing, changed, or left over). */
export function staleDashboards(dir = DASHBOARDS_DIR) {
  const wanted = renderDashboards();
  const present = readdirSafe(dir).filter((f) => f.endsWith('.json'));
  const changed = wanted.filter(({ file, text }) => !present.includes(file) || readFileSync(join(dir, file), 'utf8') !== text).map((d) => d.file);
  const extra = present.filter((f) => !wanted.some((d) => d.file === f));
  return [...changed, ...extra];
}

function readdirSafe(dir) {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

export function writeDashboards(dir = DASHBOARDS_DIR) {
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSafe(dir).filter((name) => name.endsWith('.json'))) rmSync(join(dir, f));
  for (const { file, text } of renderDashboards()) writeFileSync(join(dir, file), text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv.includes('--check')) {
    const stale = staleDashboards();
    if (stale.length) {
      process.stderr.write(`dashboards: ${stale.join(', ')} differ from tools/observability/dashboards.mjs: run npm run dashboards\n`);
      process.exit(1);
    }
    process.stdout.write('dashboards: up to date\n');
  } else {
    writeDashboards();
    process.stdout.write(`dashboards: wrote ${DEFINITIONS.length} files to observability/grafana/dashboards/\n`);
  }
}
