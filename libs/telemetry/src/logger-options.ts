import { trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';

// Query parameters that carry credentials (`/ws?token=`, `?access_token=` as RFC 6750 allows, OAuth
// codes and secrets): their values never reach a log line, whatever logged the URL or the parsed query.
const SECRET_QUERY_PARAMS = ['token', 'access_token', 'refresh_token', 'id_token', 'client_secret', 'code', 'password', 'secret', 'api_key', 'signature'];
const SECRET_QUERY_PATTERN = new RegExp(`([?&](?:${SECRET_QUERY_PARAMS.join('|')})=)[^&#\\s]*`, 'gi');

// Log lines carry timestamp, level, service, trace_id, request_id and message (ARCHITECTURE §6);
// request_id is bound per request by the HTTP layer. Secrets never reach the log.
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  ...SECRET_QUERY_PARAMS.map((name) => `req.query.${name}`),
  '*.password',
  '*.client_secret',
  '*.secret',
  '*.access_token',
  '*.refresh_token',
  '*.token',
  // A failed query (TypeORM's QueryFailedError, the driver's error under it) carries its bound values:
  // message text, titles, token hashes. The statement and the SQLSTATE say enough.
  'err.parameters',
  'err.driverError.parameters',
];

/** A URL or path with the values of credential-carrying query parameters replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PATTERN, '$1[redacted]');
}

const redactUrlField = <T>(value: T): T => {
  const url = value && typeof value === 'object' ? (value as { url?: unknown }).url : undefined;
  return typeof url === 'string' ? { ...value, url: redactUrl(url) } : value;
};

export function pinoOptions(service: string, level: string): LoggerOptions {
  return {
    level,
    base: { service },
    messageKey: 'message',
    timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // pino-http hands its request serializer the standard serialised request (url with query string).
    serializers: { req: redactUrlField },
    hooks: {
      // Any other line with a top-level `url` (audit lines, upgrade refusals, client errors).
      logMethod(args, method) {
        const [first, ...rest] = args as unknown[];
        return method.apply(this, [redactUrlField(first), ...rest] as Parameters<typeof method>);
      },
    },
    mixin() {
      const ctx = trace.getActiveSpan()?.spanContext();
      return ctx && trace.isSpanContextValid(ctx) ? { trace_id: ctx.traceId, span_id: ctx.spanId } : {};
    },
  };
}
