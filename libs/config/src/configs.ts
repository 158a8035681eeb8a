import { z } from 'zod';
import { databaseEnv, kafkaEnv, publicHttpEnv, redisEnv, s3Env, serviceEnv, tokenEnv } from './fragments';
import { ConfigError } from './parse-env';

// Typed, nested views of the validated environment, handed to the libraries that need them.
type Env<T extends Record<string, z.ZodType>> = z.infer<z.ZodObject<T>>;

type ServiceEnv = Env<ReturnType<typeof serviceEnv>>;
type PublicHttpEnv = Env<ReturnType<typeof publicHttpEnv>>;

export interface PublicHttpConfig {
  host: string;
  port: number;
  bodyLimitBytes: number;
  trustProxy: boolean;
  tls?: { certFile: string; keyFile: string };
}

export interface ServiceConfig {
  name: string;
  environment: 'development' | 'test' | 'production';
  logLevel: ServiceEnv['LOG_LEVEL'];
  /** The API's listener; absent in apps that serve no HTTP API (gRPC, consumers, pollers). */
  http?: PublicHttpConfig;
  /** Health and metrics, apart from the API: every app has it. */
  internalHttp: { host: string; port: number };
  shutdownTimeoutMs: number;
  startup: { timeoutMs: number; retryMaxDelayMs: number };
  telemetry: { otlpEndpoint?: string; zipkinEndpoint?: string; sampleRatio: number };
  logShipping?: { url: string; flushIntervalMs: number; maxBufferedLines: number };
  /** How often gauges that cost a query are refreshed (@chat4all/platform MetricsRefresh). */
  metrics: { refreshIntervalMs: number; eventLoopResolutionMs: number };
  /** Deadlines and circuit breakers of the gRPC calls this app makes (@chat4all/platform grpc-circuit). */
  grpcClient: GrpcClientCallConfig;
}

export interface CircuitBreakerConfig {
  /** Share of failed calls in the window (1-100) that opens the breaker. */
  failurePercent: number;
  /** Calls the window must hold before it may open. */
  minCalls: number;
  windowMs: number;
  /** How long it stays open (failing at once) before one trial call. */
  openMs: number;
}

export interface GrpcClientCallConfig {
  /** Deadline of a call whose caller set none, unless `methodDeadlinesMs` names its method or service. */
  deadlineMs: number;
  /** By `package.Service/Method` or `package.Service`; the method wins. */
  methodDeadlinesMs: Readonly<Record<string, number>>;
  breaker: CircuitBreakerConfig;
}

const toPublicHttpConfig = (e: PublicHttpEnv): PublicHttpConfig => {
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError(['TLS_CERT_FILE, TLS_KEY_FILE: set both (HTTPS) or neither (HTTP)']);
  }
  return {
    host: e.HTTP_HOST,
    port: e.HTTP_PORT,
    bodyLimitBytes: e.HTTP_BODY_LIMIT_BYTES,
    trustProxy: e.HTTP_TRUST_PROXY,
    tls: e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
  };
};

/** The service's settings; with the `publicHttpEnv` variables in its schema, an app gets a public listener. */
export const toServiceConfig = (name: string, e: ServiceEnv & Partial<PublicHttpEnv>): ServiceConfig => {
  // The two listeners apart is the point: one port would put health and metrics back on the API's.
  if (e.HTTP_PORT === e.INTERNAL_HTTP_PORT) throw new ConfigError([`INTERNAL_HTTP_PORT: must differ from HTTP_PORT (both ${e.HTTP_PORT})`]);
  return toServiceConfigChecked(name, e);
};

const toServiceConfigChecked = (name: string, e: ServiceEnv & Partial<PublicHttpEnv>): ServiceConfig => ({
  name,
  environment: e.NODE_ENV,
  logLevel: e.LOG_LEVEL,
  http: e.HTTP_PORT === undefined ? undefined : toPublicHttpConfig(e as PublicHttpEnv),
  internalHttp: { host: e.INTERNAL_HTTP_HOST, port: e.INTERNAL_HTTP_PORT },
  shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
  startup: { timeoutMs: e.STARTUP_TIMEOUT_MS, retryMaxDelayMs: e.STARTUP_RETRY_MAX_DELAY_MS },
  telemetry: { otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT, zipkinEndpoint: e.OTEL_EXPORTER_ZIPKIN_ENDPOINT, sampleRatio: e.OTEL_TRACES_SAMPLE_RATIO },
  logShipping: e.LOG_SHIP_URL
    ? { url: e.LOG_SHIP_URL, flushIntervalMs: e.LOG_SHIP_FLUSH_INTERVAL_MS, maxBufferedLines: e.LOG_SHIP_MAX_BUFFERED_LINES }
    : undefined,
  metrics: { refreshIntervalMs: e.METRICS_REFRESH_INTERVAL_MS, eventLoopResolutionMs: e.METRICS_EVENT_LOOP_RESOLUTION_MS },
  grpcClient: {
    deadlineMs: e.GRPC_CLIENT_DEADLINE_MS,
    methodDeadlinesMs: e.GRPC_CLIENT_METHOD_DEADLINES_MS,
    breaker: {
      failurePercent: e.GRPC_CLIENT_BREAKER_FAILURE_PERCENT,
      minCalls: e.GRPC_CLIENT_BREAKER_MIN_CALLS,
      windowMs: e.GRPC_CLIENT_BREAKER_WINDOW_MS,
      openMs: e.GRPC_CLIENT_BREAKER_OPEN_MS,
    },
  },
});

export interface DatabaseConfig {
  url: string;
  poolMax: number;
  statementTimeoutMs: number;
}

export const toDatabaseConfig = (e: Env<typeof databaseEnv>): DatabaseConfig => ({
  url: e.DATABASE_URL,
  poolMax: e.DATABASE_POOL_MAX,
  statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
});

export interface RedisConfig {
  url: string;
  commandTimeoutMs: number;
  connectTimeoutMs: number;
}

export const toRedisConfig = (e: Env<typeof redisEnv>): RedisConfig => ({
  url: e.REDIS_URL,
  commandTimeoutMs: e.REDIS_COMMAND_TIMEOUT_MS,
  connectTimeoutMs: e.REDIS_CONNECT_TIMEOUT_MS,
});

export interface KafkaConfig {
  brokers: string[];
  clientId: string;
  topicDefaults: { partitions: number; replicationFactor: number; minInsyncReplicas: number };
}

export const toKafkaConfig = (clientId: string, e: Env<typeof kafkaEnv>): KafkaConfig => ({
  brokers: e.KAFKA_BROKERS,
  clientId,
  topicDefaults: {
    partitions: e.KAFKA_TOPIC_PARTITIONS,
    replicationFactor: e.KAFKA_REPLICATION_FACTOR,
    minInsyncReplicas: e.KAFKA_MIN_INSYNC_REPLICAS,
  },
});

export interface StorageConfig {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  bucket: string;
  forcePathStyle: boolean;
  /** NodeHttpHandler's connectionTimeout, requestTimeout (to the response headers; 0: none) and socketTimeout (inactivity). */
  timeouts: { connectMs: number; requestMs: number; socketIdleMs: number };
  breaker: CircuitBreakerConfig;
}

export const toStorageConfig = (e: Env<typeof s3Env>): StorageConfig => ({
  endpoint: e.S3_ENDPOINT,
  region: e.S3_REGION,
  accessKeyId: e.S3_ACCESS_KEY_ID,
  secretAccessKey: e.S3_SECRET_ACCESS_KEY,
  bucket: e.S3_BUCKET,
  forcePathStyle: e.S3_FORCE_PATH_STYLE,
  timeouts: { connectMs: e.S3_CONNECT_TIMEOUT_MS, requestMs: e.S3_REQUEST_TIMEOUT_MS, socketIdleMs: e.S3_SOCKET_TIMEOUT_MS },
  breaker: {
    failurePercent: e.S3_BREAKER_FAILURE_PERCENT,
    minCalls: e.S3_BREAKER_MIN_CALLS,
    windowMs: e.S3_BREAKER_WINDOW_MS,
    openMs: e.S3_BREAKER_OPEN_MS,
  },
});

/** What a service that verifies access tokens needs (libs/auth-guard): auth's address and the token rules. */
export interface TokenVerificationConfig {
  authGrpcUrl: string;
  issuer: string;
  audience: string;
  clockToleranceSeconds: number;
  revocationPollMs: number;
  verifiedTokenCacheSize: number;
}

export const toTokenVerificationConfig = (e: Env<typeof tokenEnv> & { AUTH_GRPC_URL: string }): TokenVerificationConfig => ({
  authGrpcUrl: e.AUTH_GRPC_URL,
  issuer: e.AUTH_ISSUER,
  audience: e.AUTH_AUDIENCE,
  clockToleranceSeconds: e.AUTH_CLOCK_SKEW_SECONDS,
  revocationPollMs: e.AUTH_REVOCATION_POLL_MS,
  verifiedTokenCacheSize: e.AUTH_VERIFIED_TOKEN_CACHE_SIZE,
});
