import type { GrpcClientCallConfig } from '@chat4all/config';
import { InterceptingCall, Metadata, status, type Interceptor, type InterceptorOptions, type StatusObject } from '@grpc/grpc-js';
import { Logger } from '@nestjs/common';
import { metricPrefix, registeredGauge } from '@chat4all/telemetry';
import CircuitBreaker from 'opossum';

// NFR-004: every gRPC call has a deadline and goes through a circuit breaker of its target service,
// so a slow or dead service costs its callers one deadline per call until the breaker opens, then
// nothing: calls fail at once with UNAVAILABLE (callers already answer that with 503 / a retry) until
// a trial call after the open time finds the service back.

/** Codes that say the service is down or too slow. Business answers (NOT_FOUND, INVALID_ARGUMENT...) are a working service. */
const SERVICE_FAILURES: ReadonlySet<number> = new Set([status.UNAVAILABLE, status.DEADLINE_EXCEEDED]);

export const CIRCUIT_STATE = { closed: 0, half_open: 1, open: 2 } as const;
type CircuitState = keyof typeof CIRCUIT_STATE;

class ServiceFailure extends Error {
  constructor(readonly received: StatusObject) {
    super(received.details);
  }
}

const methodOf = (path: string): string => path.replace(/^\//, '');

/** The call's deadline: its method's, else its service's, else the default. */
export function deadlineMsFor(method: string, config: Pick<GrpcClientCallConfig, 'deadlineMs' | 'methodDeadlinesMs'>): number {
  return config.methodDeadlinesMs[method] ?? config.methodDeadlinesMs[method.slice(0, method.indexOf('/'))] ?? config.deadlineMs;
}

// One breaker per (app, target service, address) in the process: the gateway's two clients of auth
// (its own and auth-guard's) share one, as they share the service's fate.
const breakers = new Map<string, CircuitBreaker<[() => Promise<void>], void>>();
const logger = new Logger('GrpcCircuit');

function breakerFor(service: string, target: string, url: string, config: GrpcClientCallConfig): CircuitBreaker<[() => Promise<void>], void> {
  const key = `${service}|${target}|${url}`;
  const existing = breakers.get(key);
  if (existing) return existing;
  const breaker = new CircuitBreaker((call: () => Promise<void>) => call(), {
    name: target,
    timeout: false, // the call's deadline bounds it
    errorThresholdPercentage: config.breaker.failurePercent,
    volumeThreshold: config.breaker.minCalls,
    rollingCountTimeout: config.breaker.windowMs,
    rollingCountBuckets: 10,
    resetTimeout: config.breaker.openMs,
    enableSnapshots: false,
  });
  const gauge = registeredGauge({
    name: `${metricPrefix(service)}_grpc_client_circuit_state`,
    help: 'Circuit breaker of each gRPC service this app calls: 0 closed, 1 half-open (one trial call), 2 open (calls fail at once with UNAVAILABLE)',
    labelNames: ['target'],
  });
  const moved = (state: CircuitState) => () => {
    gauge.set({ target }, CIRCUIT_STATE[state]);
    logger[state === 'open' ? 'warn' : 'log']({ target, url, state, message: `gRPC circuit breaker ${state.replace('_', '-')}` });
  };
  gauge.set({ target }, CIRCUIT_STATE.closed);
  breaker.on('open', moved('open'));
  breaker.on('halfOpen', moved('half_open'));
  breaker.on('close', moved('closed'));
  breakers.set(key, breaker);
  return breaker;
}

/** The state of the breaker of `target` (`package.Service`) at `url` in `service`, if one was made (tests, diagnostics). */
export function grpcCircuitState(service: string, target: string, url: string): CircuitState | undefined {
  const breaker = breakers.get(`${service}|${target}|${url}`);
  if (!breaker) return undefined;
  return breaker.opened ? 'open' : breaker.halfOpen ? 'half_open' : 'closed';
}

/** Stops the breakers' timers (shutdown, tests) and forgets them. */
export function shutdownGrpcCircuits(): void {
  for (const breaker of breakers.values()) breaker.shutdown();
  breakers.clear();
}

/**
 * The client interceptor of deadlines and the breaker of `target` (`package.Service`) at `url`.
 * A unary call's own deadline is kept; one without gets `deadlineMsFor(method)`. Streams pass untouched.
 */
export function grpcClientCircuit(service: string, target: string, url: string, config: GrpcClientCallConfig): Interceptor {
  const breaker = breakerFor(service, target, url, config);
  return (options: InterceptorOptions, nextCall) => {
    // A stream (auth's WatchRevocations) stays open by design: no default deadline would fit it, and
    // as a half-open trial it would hold the breaker half-open for its whole life. Its caller
    // reopens it with backoff; only unary calls get the deadline and the breaker.
    if (options.method_definition.requestStream || options.method_definition.responseStream) return new InterceptingCall(nextCall(options));
    const method = methodOf(options.method_definition.path);
    const deadline = options.deadline ?? Date.now() + deadlineMsFor(method, config);
    const call = nextCall({ ...options, deadline });
    return new InterceptingCall(call, {
      start: (metadata, listener, next) => {
        let started = false;
        breaker
          .fire(
            () =>
              new Promise<void>((resolve, reject) => {
                started = true;
                next(metadata, {
                  onReceiveStatus: (received, nextStatus) => {
                    if (SERVICE_FAILURES.has(received.code)) reject(new ServiceFailure(received));
                    else resolve();
                    nextStatus(received);
                  },
                });
              }),
          )
          .catch(() => {
            // Open (or half-open with its trial call under way): the call is never started, so its
            // message and half-close stay queued in InterceptingCall and nothing is sent; cancelling
            // the unstarted call only clears its deadline timer.
            if (started) return;
            const details = `circuit breaker open for ${target}: it failed too often (UNAVAILABLE, DEADLINE_EXCEEDED); retry later`;
            call.cancelWithStatus(status.UNAVAILABLE, details);
            listener.onReceiveStatus({ code: status.UNAVAILABLE, details, metadata: new Metadata() });
          });
      },
    });
  };
}
