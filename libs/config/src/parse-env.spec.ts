import { z } from 'zod';
import { ConfigError, parseEnv } from './parse-env';
import { databaseEnv, DEFAULT_GRPC_METHOD_DEADLINES_MS, kafkaEnv, publicHttpEnv, redisEnv, s3Env, serviceEnv } from './fragments';
import { toKafkaConfig, toRedisConfig, toServiceConfig, toStorageConfig } from './configs';

const schema = z.object({ ...serviceEnv({ internalPort: 9080 }), ...publicHttpEnv({ httpPort: 8080 }), ...databaseEnv, ...kafkaEnv });
const valid = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('parseEnv', () => {
  it('applies defaults and parses lists', () => {
    const env = parseEnv(schema, { ...valid, KAFKA_BROKERS: 'a:1, b:2' });
    expect(env.HTTP_PORT).toBe(8080);
    expect(env.SHUTDOWN_TIMEOUT_MS).toBe(10_000);
    expect(toKafkaConfig('svc', env).brokers).toEqual(['a:1', 'b:2']);
  });

  it('names every missing or bad variable in one error', () => {
    let error: unknown;
    try {
      parseEnv(schema, { HTTP_PORT: '70000', KAFKA_BROKERS: 'no-port', DATABASE_URL: '' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/DATABASE_URL: is required/);
    expect(message).toMatch(/HTTP_PORT: .*65535/);
    expect(message).toMatch(/KAFKA_BROKERS.*host:port/);
  });

  it('rejects a URL with the wrong scheme', () => {
    expect(() => parseEnv(schema, { ...valid, DATABASE_URL: 'mysql://x/y' })).toThrow(/DATABASE_URL: must be a postgres or postgresql URL/);
  });

  it('accepts the edges of a limit and rejects one past them', () => {
    expect(parseEnv(schema, { ...valid, SHUTDOWN_TIMEOUT_MS: '120000' }).SHUTDOWN_TIMEOUT_MS).toBe(120_000);
    expect(() => parseEnv(schema, { ...valid, SHUTDOWN_TIMEOUT_MS: '120001' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
    expect(() => parseEnv(schema, { ...valid, SHUTDOWN_TIMEOUT_MS: '999' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });
});

describe('toServiceConfig', () => {
  const base = parseEnv(z.object({ ...serviceEnv({ internalPort: 9080 }), ...publicHttpEnv({ httpPort: 8080 }) }), {});

  it('needs both TLS files or neither', () => {
    expect(toServiceConfig('gateway', base).http?.tls).toBeUndefined();
    expect(toServiceConfig('gateway', { ...base, TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' }).http?.tls).toEqual({ certFile: '/c.pem', keyFile: '/k.pem' });
    expect(() => toServiceConfig('gateway', { ...base, TLS_CERT_FILE: '/c.pem' })).toThrow(/set both/);
  });

  it('gives every app an internal listener, and a public one only with the public HTTP variables', () => {
    expect(toServiceConfig('gateway', base)).toMatchObject({ http: { host: '127.0.0.1', port: 8080 }, internalHttp: { host: '127.0.0.1', port: 9080 } });
    const internalOnly = toServiceConfig('outbox-relay', parseEnv(z.object(serviceEnv({ internalPort: 9085 })), { HTTP_PORT: '8085' }));
    expect(internalOnly.http).toBeUndefined();
    expect(internalOnly.internalHttp.port).toBe(9085);
  });

  it('refreshes the gauges that cost a query every 15 s unless told otherwise, never more than once a second', () => {
    expect(toServiceConfig('gateway', base).metrics).toEqual({ refreshIntervalMs: 15_000, eventLoopResolutionMs: 100 });
    const schema = z.object(serviceEnv({ internalPort: 9080 }));
    expect(toServiceConfig('gateway', parseEnv(schema, { METRICS_REFRESH_INTERVAL_MS: '2000' })).metrics.refreshIntervalMs).toBe(2_000);
    expect(() => parseEnv(schema, { METRICS_REFRESH_INTERVAL_MS: '10' })).toThrow(/METRICS_REFRESH_INTERVAL_MS/);
  });

  it('samples the event loop every 100 ms unless told otherwise, from 1 ms to 1 s', () => {
    const schema = z.object(serviceEnv({ internalPort: 9080 }));
    expect(toServiceConfig('gateway', parseEnv(schema, { METRICS_EVENT_LOOP_RESOLUTION_MS: '1' })).metrics.eventLoopResolutionMs).toBe(1);
    expect(toServiceConfig('gateway', parseEnv(schema, { METRICS_EVENT_LOOP_RESOLUTION_MS: '1000' })).metrics.eventLoopResolutionMs).toBe(1_000);
    expect(() => parseEnv(schema, { METRICS_EVENT_LOOP_RESOLUTION_MS: '0' })).toThrow(/METRICS_EVENT_LOOP_RESOLUTION_MS/);
    expect(() => parseEnv(schema, { METRICS_EVENT_LOOP_RESOLUTION_MS: '1001' })).toThrow(/METRICS_EVENT_LOOP_RESOLUTION_MS/);
  });

  it('refuses the internal listener on the public port', () => {
    expect(() => toServiceConfig('gateway', { ...base, INTERNAL_HTTP_PORT: 8080 })).toThrow(/INTERNAL_HTTP_PORT: must differ from HTTP_PORT/);
  });
});

describe('deadlines, timeouts and circuit breakers of internal calls (NFR-004)', () => {
  const service = z.object(serviceEnv({ internalPort: 9080 }));
  const storage = z.object({ ...s3Env, ...redisEnv });
  const s3 = { S3_ENDPOINT: 'http://127.0.0.1:9000', S3_ACCESS_KEY_ID: 'k', S3_SECRET_ACCESS_KEY: 'secret-key', S3_BUCKET: 'files', REDIS_URL: 'redis://127.0.0.1:6379' };

  it('gives gRPC calls a 2 s deadline, the callers\' longer budgets by method or service, and a breaker at 50 % of 10 calls in 10 s, open 5 s', () => {
    const grpc = toServiceConfig('gateway', parseEnv(service, {})).grpcClient;
    expect(grpc.deadlineMs).toBe(2_000);
    expect(grpc.methodDeadlinesMs).toEqual(DEFAULT_GRPC_METHOD_DEADLINES_MS);
    expect(grpc.methodDeadlinesMs['chat4all.auth.v1.AuthService/IssueToken']).toBe(5_000);
    expect(grpc.breaker).toEqual({ failurePercent: 50, minCalls: 10, windowMs: 10_000, openMs: 5_000 });
  });

  it('parses a deadline table and refuses a malformed entry or one past its limits', () => {
    const table = (v: string) => toServiceConfig('gateway', parseEnv(service, { GRPC_CLIENT_METHOD_DEADLINES_MS: v })).grpcClient.methodDeadlinesMs;
    expect(table('chat4all.file.v1.FileService=10, chat4all.auth.v1.AuthService/IssueToken=600000')).toEqual({
      'chat4all.file.v1.FileService': 10,
      'chat4all.auth.v1.AuthService/IssueToken': 600_000,
    });
    expect(() => table('chat4all.file.v1.FileService=9')).toThrow(/GRPC_CLIENT_METHOD_DEADLINES_MS/);
    expect(() => table('chat4all.file.v1.FileService=600001')).toThrow(/GRPC_CLIENT_METHOD_DEADLINES_MS/);
    expect(() => table('FileService:3000')).toThrow(/GRPC_CLIENT_METHOD_DEADLINES_MS.0: must be <package.Service>/);
    expect(parseEnv(service, { GRPC_CLIENT_DEADLINE_MS: '10' }).GRPC_CLIENT_DEADLINE_MS).toBe(10);
    expect(() => parseEnv(service, { GRPC_CLIENT_DEADLINE_MS: '9' })).toThrow(/GRPC_CLIENT_DEADLINE_MS/);
    expect(() => parseEnv(service, { GRPC_CLIENT_BREAKER_FAILURE_PERCENT: '101' })).toThrow(/GRPC_CLIENT_BREAKER_FAILURE_PERCENT/);
    expect(() => parseEnv(service, { GRPC_CLIENT_BREAKER_OPEN_MS: '99' })).toThrow(/GRPC_CLIENT_BREAKER_OPEN_MS/);
  });

  it('bounds S3 connect, request and socket inactivity, breaks S3 calls like gRPC ones, and bounds Redis commands', () => {
    const e = parseEnv(storage, s3);
    expect(toStorageConfig(e).timeouts).toEqual({ connectMs: 3_000, requestMs: 30_000, socketIdleMs: 120_000 });
    expect(toStorageConfig(e).breaker).toEqual({ failurePercent: 50, minCalls: 10, windowMs: 10_000, openMs: 5_000 });
    expect(toStorageConfig(parseEnv(storage, { ...s3, S3_REQUEST_TIMEOUT_MS: '0' })).timeouts.requestMs).toBe(0);
    expect(() => parseEnv(storage, { ...s3, S3_CONNECT_TIMEOUT_MS: '99' })).toThrow(/S3_CONNECT_TIMEOUT_MS/);
    expect(() => parseEnv(storage, { ...s3, S3_SOCKET_TIMEOUT_MS: '999' })).toThrow(/S3_SOCKET_TIMEOUT_MS/);
    expect(toRedisConfig(e)).toEqual({ url: 'redis://127.0.0.1:6379', commandTimeoutMs: 2_000, connectTimeoutMs: 5_000 });
    expect(() => parseEnv(storage, { ...s3, REDIS_COMMAND_TIMEOUT_MS: '9' })).toThrow(/REDIS_COMMAND_TIMEOUT_MS/);
  });
});
