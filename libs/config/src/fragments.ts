import { z } from 'zod';
import { bool, csvList, hostPort, intInRange, port, urlWithProtocol } from './env-types';

// One fragment per concern. Apps compose the fragments they need into one schema, so a variable has
// the same name, type and default in every app.

// Every gRPC call this app makes (NFR-004): a deadline when the caller sets none, and a circuit
// breaker per target service that opens on UNAVAILABLE / DEADLINE_EXCEEDED (never on business errors
// such as NOT_FOUND), answers UNAVAILABLE at once while open, and lets one trial call through after
// GRPC_CLIENT_BREAKER_OPEN_MS. In every app's schema: apps without gRPC clients ignore them.
const METHOD_DEADLINE = /^[A-Za-z][\w.]*(\/[A-Za-z]\w*)?=\d+$/;
// The same budgets the callers give themselves (their rxjs timeout()): the deadline is what reaches
// the server and the breaker, so it must not be longer than the caller waits.
export const DEFAULT_GRPC_METHOD_DEADLINES_MS: Readonly<Record<string, number>> = {
  'chat4all.auth.v1.AuthService/IssueToken': 5_000,
  'chat4all.auth.v1.AuthService/RefreshToken': 5_000,
  'chat4all.auth.v1.AuthService/RevokeToken': 5_000,
  'chat4all.messaging.v1.MessagingService': 5_000,
  'chat4all.delivery.v1.DeliveryService': 3_000,
  'chat4all.file.v1.FileService': 3_000,
};
const methodDeadlines = () =>
  csvList()
    .pipe(z.array(z.string().regex(METHOD_DEADLINE, 'must be <package.Service>[/<Method>]=<ms>')))
    .transform((entries) => Object.fromEntries(entries.map((e) => [e.slice(0, e.lastIndexOf('=')), Number(e.slice(e.lastIndexOf('=') + 1))])))
    .pipe(z.record(z.string(), z.number().int().min(10).max(600_000)));
const grpcClientCallEnv = {
  GRPC_CLIENT_DEADLINE_MS: intInRange(10, 600_000).default(2_000),
  // Per service or method, replacing the whole default list: `chat4all.file.v1.FileService=3000,...`.
  GRPC_CLIENT_METHOD_DEADLINES_MS: methodDeadlines().default({ ...DEFAULT_GRPC_METHOD_DEADLINES_MS }),
  // Opens when this share of the calls in the window failed, once the window holds at least MIN_CALLS.
  GRPC_CLIENT_BREAKER_FAILURE_PERCENT: intInRange(1, 100).default(50),
  GRPC_CLIENT_BREAKER_MIN_CALLS: intInRange(1, 10_000).default(10),
  GRPC_CLIENT_BREAKER_WINDOW_MS: intInRange(1_000, 600_000).default(10_000),
  GRPC_CLIENT_BREAKER_OPEN_MS: intInRange(100, 600_000).default(5_000),
};

export const serviceEnv = (defaults: { internalPort: number }) => ({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // The internal listener: /health/live, /health/ready and /metrics, for probes and Prometheus only,
  // never routed from outside (plain HTTP: it never leaves the host, pod or private network).
  INTERNAL_HTTP_HOST: z.string().default('127.0.0.1'),
  INTERNAL_HTTP_PORT: port().default(defaults.internalPort),
  SHUTDOWN_TIMEOUT_MS: intInRange(1000, 120_000).default(10_000),
  // Start-up retries a dependency that is not there yet (still starting, electing a leader...) for at
  // most this long per step, with backoff up to STARTUP_RETRY_MAX_DELAY_MS; then the app exits 1.
  STARTUP_TIMEOUT_MS: intInRange(1000, 3_600_000).default(300_000),
  STARTUP_RETRY_MAX_DELAY_MS: intInRange(100, 60_000).default(5_000),
  // Spans go to an OTLP/HTTP collector, to Zipkin's span API (…/api/v2/spans), to both, or nowhere.
  OTEL_EXPORTER_OTLP_ENDPOINT: urlWithProtocol('http', 'https').optional(),
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: urlWithProtocol('http', 'https').optional(),
  // Parent-based: a caller's sampling decision is kept; new traces are sampled at this ratio.
  OTEL_TRACES_SAMPLE_RATIO: z.coerce.number().min(0).max(1).default(1),
  // Log lines also go to a VictoriaLogs server (its base URL), in batches; stdout keeps them all.
  LOG_SHIP_URL: urlWithProtocol('http', 'https').optional(),
  LOG_SHIP_FLUSH_INTERVAL_MS: intInRange(100, 60_000).default(1_000),
  // Lines kept while the log store does not answer; beyond it the oldest are dropped (and counted).
  LOG_SHIP_MAX_BUFFERED_LINES: intInRange(100, 1_000_000).default(20_000),
  // Gauges that cost a query (Kafka consumer lag and replication, outbox depth, dead letters waiting)
  // are refreshed this often rather than at every scrape.
  METRICS_REFRESH_INTERVAL_MS: intInRange(1_000, 600_000).default(15_000),
  // The event-loop delay histogram (nodejs_eventloop_lag_*) samples the loop this often: each sample
  // is a wake-up of an idle process (prom-client's 10 ms is 100 a second, most of an idle app's CPU).
  METRICS_EVENT_LOOP_RESOLUTION_MS: intInRange(1, 1_000).default(100),
  ...grpcClientCallEnv,
});
// The public listener, only in apps with an HTTP API for outsiders (gateway, realtime, connectors).
export const publicHttpEnv = (defaults: { httpPort: number }) => ({
  HTTP_HOST: z.string().default('127.0.0.1'),
  HTTP_PORT: port().default(defaults.httpPort),
  HTTP_BODY_LIMIT_BYTES: intInRange(1024, 64 * 1024 * 1024).default(1024 * 1024),
  // Only behind a proxy you run: X-Forwarded-For then decides the client IP (and IP rate limits).
  HTTP_TRUST_PROXY: bool().default(false),
  // With both, the app serves HTTPS (and WSS) with TLS 1.3 as the minimum (NFR-018).
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
});
export const databaseEnv = {
  DATABASE_URL: urlWithProtocol('postgres', 'postgresql'),
  DATABASE_POOL_MAX: intInRange(1, 500).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: intInRange(100, 600_000).default(15_000),
};

export const redisEnv = {
  REDIS_URL: urlWithProtocol('redis', 'rediss'),
  // No command waits longer than this (a reply lost across a reconnect would hang its caller); while
  // the connection is down commands fail at once (no offline queue), which is the breaker's job here.
  REDIS_COMMAND_TIMEOUT_MS: intInRange(10, 60_000).default(2_000),
  REDIS_CONNECT_TIMEOUT_MS: intInRange(100, 60_000).default(5_000),
};

export const kafkaEnv = {
  KAFKA_BROKERS: csvList().pipe(z.array(hostPort())),
  KAFKA_TOPIC_PARTITIONS: intInRange(1, 10_000).default(6),
  KAFKA_REPLICATION_FACTOR: intInRange(1, 7).default(1),
  KAFKA_MIN_INSYNC_REPLICAS: intInRange(1, 7).default(1),
};

export const s3Env = {
  S3_ENDPOINT: urlWithProtocol('http', 'https'),
  S3_REGION: z.string().default('us-east-1'),
  S3_ACCESS_KEY_ID: z.string().min(1),
  S3_SECRET_ACCESS_KEY: z.string().min(8),
  S3_BUCKET: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be a valid bucket name'),
  S3_FORCE_PATH_STYLE: bool().default(true),
  // TCP connect to S3; then the time from sending a request to its response headers (0: no bound;
  // uploads whose body streams from a client have none: their socket inactivity bounds them); then
  // the longest a socket may stay silent mid-request (above FILE_CHUNK_IDLE_TIMEOUT_MS, so a pausing
  // uploader is cut by that one, not blamed on S3).
  S3_CONNECT_TIMEOUT_MS: intInRange(100, 60_000).default(3_000),
  S3_REQUEST_TIMEOUT_MS: intInRange(0, 3_600_000).default(30_000),
  S3_SOCKET_TIMEOUT_MS: intInRange(1_000, 3_600_000).default(120_000),
  // A breaker around every S3 call: opens when this share of calls in the window failed with a
  // timeout, a network error or a 5xx (not 4xx such as NoSuchKey), then fails at once (503) for OPEN_MS.
  S3_BREAKER_FAILURE_PERCENT: intInRange(1, 100).default(50),
  S3_BREAKER_MIN_CALLS: intInRange(1, 10_000).default(10),
  S3_BREAKER_WINDOW_MS: intInRange(1_000, 600_000).default(10_000),
  S3_BREAKER_OPEN_MS: intInRange(100, 600_000).default(5_000),
};

export const grpcServerEnv = (defaults: { grpcPort: number }) => ({
  GRPC_HOST: z.string().default('127.0.0.1'),
  GRPC_PORT: port().default(defaults.grpcPort),
});

export const grpcClientEnv = <N extends string>(name: N, defaultUrl: string) =>
  ({ [name]: hostPort().default(defaultUrl) }) as Record<N, z.ZodDefault<z.ZodString>>;

// Issuer and audience every token carries and every verifier checks (issue 3).
export const tokenEnv = {
  AUTH_ISSUER: z.string().min(1).default('https://auth.chat4all.local'),
  AUTH_AUDIENCE: z.string().min(1).default('chat4all-api'),
  // Tolerated clock difference when verifying exp/nbf/iat.
  AUTH_CLOCK_SKEW_SECONDS: intInRange(0, 300).default(30),
  // How often verifiers poll auth's revocation list, the safety net of auth's push (WatchRevocations):
  // only while that stream is down does a revocation take up to this long to reach them.
  AUTH_REVOCATION_POLL_MS: intInRange(200, 600_000).default(30_000),
  // Verified access tokens each verifier remembers (0: none), so a token's signature is checked once,
  // not on every request; expiry and revocation are still checked every time. About 1 KiB each.
  AUTH_VERIFIED_TOKEN_CACHE_SIZE: intInRange(0, 1_000_000).default(10_000),
};
