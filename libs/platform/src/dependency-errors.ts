// Errors that mean "a dependency is down or too slow right now", not "this request is wrong" nor "we
// have a bug": the caller may retry the same request later (503 + Retry-After), and readiness already
// names the dependency. Recognised by what the drivers throw, walking wrapped causes (TypeORM's
// driverError, kafkajs' and Node's cause).

// Socket-level failures, whichever client raised them.
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ENOTFOUND']);
// PostgreSQL SQLSTATEs: connection exceptions (class 08), server shutting down or starting (57P01-03),
// too many connections (53300), statement timeout (57014), read-only standby after a failover (25006).
const POSTGRES_UNAVAILABLE = /^(08...|57P0[123]|53300|57014|25006)$/;
const POSTGRES_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|the database system is (starting up|shutting down)/i;
const REDIS_MESSAGES = /Connection is closed|Stream isn't writeable|enableOfflineQueue|Command timed out|MaxRetriesPerRequest|Reached the max retries per request limit/i;
// gRPC status codes: DEADLINE_EXCEEDED (4), UNAVAILABLE (14).
const GRPC_UNAVAILABLE = new Set([4, 14]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  driverError?: unknown;
  details?: unknown;
  /** Set by a client that knows which dependency failed (@chat4all/storage: `s3`). */
  dependency?: unknown;
}

/** The dependency a failure points at (`postgres`, `redis`, `grpc`, `s3`, `network`), or undefined for any other error. */
export function unavailableDependency(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e = error as ErrorLike | undefined; e && typeof e === 'object' && !seen.has(e); e = (e.driverError ?? e.cause) as ErrorLike | undefined) {
    seen.add(e);
    const code = e.code;
    const message = typeof e.message === 'string' ? e.message : '';
    if (typeof e.dependency === 'string') return e.dependency;
    if (typeof code === 'string' && POSTGRES_UNAVAILABLE.test(code)) return 'postgres';
    if (POSTGRES_MESSAGES.test(message)) return 'postgres';
    if (REDIS_MESSAGES.test(message) || e.name === 'MaxRetriesPerRequestError') return 'redis';
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code) && typeof e.details === 'string') return 'grpc';
    if (e.name === 'TimeoutError') return 'grpc'; // rxjs timeout() around a gRPC call
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return 'network';
  }
  return undefined;
}
