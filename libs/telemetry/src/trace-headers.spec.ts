import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { extractTraceContext, injectTraceHeaders } from './trace-headers';

describe('trace context in Kafka headers', () => {
  beforeAll(() => propagation.setGlobalPropagator(new W3CTraceContextPropagator()));
  afterAll(() => propagation.disable());

  it('injects traceparent and extracts it back from Buffer headers', () => {
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
    const ctx = trace.setSpanContext(context.active(), spanContext);
    const headers = injectTraceHeaders({ event_id: 'e1' }, ctx);
    expect(headers.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');

    const received = { event_id: Buffer.from('e1'), traceparent: Buffer.from(headers.traceparent as string) };
    const extracted = trace.getSpanContext(extractTraceContext(received));
    expect(extracted?.traceId).toBe(spanContext.traceId);
    expect(extracted?.spanId).toBe(spanContext.spanId);
  });

  it('leaves the context alone when there are no headers', () => {
    expect(trace.getSpanContext(extractTraceContext(undefined))).toBeUndefined();
  });
});
