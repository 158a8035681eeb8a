import { context, propagation, trace, type Context, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';

// Kafka record headers arrive as Buffers (or arrays of them); carry W3C `traceparent`/`tracestate`
// through them so a consumer's span joins the producer's trace (FR-OBS-04).
export type RecordHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

const setter: TextMapSetter<RecordHeaders> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

const getter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key];
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  },
};

export function injectTraceHeaders(headers: RecordHeaders = {}, ctx: Context = context.active()): RecordHeaders {
  propagation.inject(ctx, headers, setter);
  return headers;
}

export function extractTraceContext(headers: RecordHeaders | undefined, base: Context = context.active()): Context {
  return headers ? propagation.extract(base, headers, getter) : base;
}

export function currentTraceId(): string | undefined {
  const span = trace.getActiveSpan();
  const id = span?.spanContext().traceId;
  return id && id !== '00000000000000000000000000000000' ? id : undefined;
}

/** The W3C traceparent of a context (the active one by default), or undefined outside any trace. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const headers: RecordHeaders = {};
  propagation.inject(ctx, headers, setter);
  return typeof headers.traceparent === 'string' ? headers.traceparent : undefined;
}
