import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { GrpcInstrumentation } from '@opentelemetry/instrumentation-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';

const SHUTDOWN_FLUSH_MS = 2_000;

export interface TracingOptions {
  serviceName: string;
  /** OTLP/HTTP collector base URL (e.g. Jaeger's :4318). */
  otlpEndpoint?: string;
  /** Zipkin's span API (http://host:9411/api/v2/spans). Without either endpoint spans are created but not exported. */
  zipkinEndpoint?: string;
  sampleRatio: number;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

// Must run before NestJS, pg, ioredis or grpc are required, or their instrumentation silently does
// nothing: each app's `instrument.ts` calls this and is the first import of its main.ts.
export function startTracing(options: TracingOptions): Tracing {
  // Without a collector spans are still created (a no-op processor keeps the SDK's tracer provider
  // registered), so logs carry trace_id and Kafka headers carry traceparent either way.
  const exporters = [
    ...(options.otlpEndpoint ? [new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })] : []),
    ...(options.zipkinEndpoint ? [new ZipkinExporter({ url: options.zipkinEndpoint, serviceName: options.serviceName })] : []),
  ];
  const spanProcessors = exporters.length > 0 ? exporters.map((exporter) => new BatchSpanProcessor({ exporter })) : [new NoopSpanProcessor()];
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': options.serviceName }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.sampleRatio) }),
    textMapPropagator: new W3CTraceContextPropagator(),
    spanProcessors,
    // Only traces go through OpenTelemetry (metrics are Prometheus, logs are pino): configure the
    // other two pipelines as empty rather than letting the SDK build OTLP exporters from defaults.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (req) => /^\/(metrics|health\/)/.test(req.url ?? '') }),
      // The revocation list is polled every few seconds by every verifier: housekeeping, not a request
      // of anyone's, and at idle most of the platform's spans.
      new GrpcInstrumentation({ ignoreGrpcMethods: ['ListRevocations'] }),
      // fetch (undici): the providers' APIs and media downloads, with traceparent on the request.
      new UndiciInstrumentation({ requireParentforSpans: true }),
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
      new NestInstrumentation(),
    ],
  });
  sdk.start();
  return {
    // Flushing spans must never hold a shutdown hostage: give it a bounded slice of the budget.
    shutdown: () =>
      Promise.race([sdk.shutdown(), new Promise<void>((resolve) => setTimeout(resolve, SHUTDOWN_FLUSH_MS).unref())]),
  };
}
