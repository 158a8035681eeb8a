import { HTTP_DURATION_BUCKETS, metricPrefix } from '@chat4all/telemetry';
import type { FastifyInstance } from 'fastify';
import { Histogram, register } from 'prom-client';

// Latency histogram of every HTTP request, labelled by route template (bounded cardinality), not by
// raw URL; unmatched paths share one label.
export function instrumentHttp(fastify: FastifyInstance, service: string): void {
  const histogram = new Histogram({
    name: `${metricPrefix(service)}_http_request_duration_seconds`,
    help: 'HTTP request latency from request received to response sent',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_DURATION_BUCKETS,
    registers: [register],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    histogram.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
