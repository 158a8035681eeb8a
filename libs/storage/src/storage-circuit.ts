import type { CircuitBreakerConfig } from '@chat4all/config';
import type { S3Client } from '@aws-sdk/client-s3';
import { metricPrefix, registeredGauge } from '@chat4all/telemetry';
import { Logger } from '@nestjs/common';
import CircuitBreaker from 'opossum';

// NFR-004: every S3 call goes through one circuit breaker per client (a middleware at the start of
// the SDK's stack, so one call with its SDK retries counts once). Timeouts, network errors and 5xx
// open it; answers about the request (404, 403, a bad name) and a caller's abort do not.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/** S3 being down or too slow (counted by the breaker), as opposed to S3 answering about the request. */
export function isS3Unavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as SdkErrorLike;
  if (e.name === 'AbortError') return false; // the caller gave up (a client that stopped uploading)
  if (e.name === 'TimeoutError') return true; // connect, request or socket-inactivity timeout
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  return (e.$metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * What a call gets while the breaker is open, without reaching S3. `dependency` is what
 * @chat4all/platform's dependency-errors reads: HTTP callers answer 503 + Retry-After, gRPC ones
 * UNAVAILABLE.
 */
export class StorageUnavailableError extends Error {
  readonly dependency = 's3';

  constructor() {
    super('S3 circuit breaker open: S3 failed too often (timeouts, network errors, 5xx); retry later');
    this.name = 'StorageUnavailableError';
  }
}

export const STORAGE_CIRCUIT_STATE = { closed: 0, half_open: 1, open: 2 } as const;

const logger = new Logger('StorageCircuit');

/** Adds the breaker to `client`'s middleware stack; with `service`, its state is the gauge `<service>_s3_circuit_state`. */
export function withStorageCircuit(client: S3Client, config: CircuitBreakerConfig, service?: string): CircuitBreaker<[() => Promise<unknown>], unknown> {
  const breaker = new CircuitBreaker((call: () => Promise<unknown>) => call(), {
    name: 's3',
    timeout: false, // the request handler's timeouts bound every call
    errorThresholdPercentage: config.failurePercent,
    volumeThreshold: config.minCalls,
    rollingCountTimeout: config.windowMs,
    rollingCountBuckets: 10,
    resetTimeout: config.openMs,
    enableSnapshots: false,
    errorFilter: (error: unknown) => !isS3Unavailable(error),
  });
  const gauge = service
    ? registeredGauge({
        name: `${metricPrefix(service)}_s3_circuit_state`,
        help: 'Circuit breaker of S3 calls: 0 closed, 1 half-open (one trial call), 2 open (calls fail at once, 503)',
      })
    : undefined;
  const moved = (state: keyof typeof STORAGE_CIRCUIT_STATE) => () => {
    gauge?.set(STORAGE_CIRCUIT_STATE[state]);
    logger[state === 'open' ? 'warn' : 'log']({ state, message: `S3 circuit breaker ${state.replace('_', '-')}` });
  };
  gauge?.set(STORAGE_CIRCUIT_STATE.closed);
  breaker.on('open', moved('open'));
  breaker.on('halfOpen', moved('half_open'));
  breaker.on('close', moved('closed'));
  client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return (await breaker.fire(() => next(args))) as Awaited<ReturnType<typeof next>>;
      } catch (error) {
        if ((error as { code?: unknown }).code === 'EOPENBREAKER') throw new StorageUnavailableError();
        // Named, so a timeout or a 5xx of S3 is a 503 naming s3 (not a 500, nor a timeout taken for gRPC's).
        if (isS3Unavailable(error)) Object.assign(error as object, { dependency: 's3' });
        throw error;
      }
    },
    { step: 'initialize', name: 'storageCircuitBreaker', priority: 'high' },
  );
  return breaker;
}
