import { startApp, waitFor, type RunningApp } from '@chat4all/testing';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface ExportedSpan {
  traceId: string;
  name: string;
}

// A real OTLP/HTTP receiver on loopback: what an OpenTelemetry collector or Jaeger would get.
function startCollector(): Promise<{ server: Server; url: string; spans: ExportedSpan[] }> {
  const spans: ExportedSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: { scopeSpans: { spans: ExportedSpan[] }[] }[] };
        for (const rs of payload.resourceSpans) for (const ss of rs.scopeSpans) spans.push(...ss.spans);
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ server, spans, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })),
  );
}

const traceIdsIn = (app: RunningApp, requestId: string) =>
  app
    .output()
    .split('\n')
    .filter((l) => l.includes(requestId))
    .map((l) => (JSON.parse(l) as { trace_id?: string }).trace_id);

describe('tracing', () => {
  it('continues the caller’s trace: same trace_id in the log line and in the spans exported over OTLP', async () => {
    const collector = await startCollector();
    const gateway = await startApp('gateway', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url } });
    try {
      const traceId = '5b8efff798038103d269b633813fc60c';
      await fetch(`${gateway.url}/v1/traced`, {
        headers: { traceparent: `00-${traceId}-eee19b7ec3c1b174-01`, 'x-request-id': 'req-traced-1' },
      });
      expect(await waitFor(() => traceIdsIn(gateway, 'req-traced-1')[0], { timeoutMs: 5_000, description: 'request log line' })).toBe(
        traceId,
      );
      await gateway.stop('SIGTERM'); // flushes the batch of spans
      expect(collector.spans.filter((s) => s.traceId === traceId).map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/GET/)]));
    } finally {
      await gateway.stop('SIGKILL');
      collector.server.close();
    }
  });

  it('still puts a trace_id on request logs when no collector is configured', async () => {
    const gateway = await startApp('gateway');
    try {
      await fetch(`${gateway.url}/v1/untraced`, { headers: { 'x-request-id': 'req-untraced-1' } });
      const id = await waitFor(() => traceIdsIn(gateway, 'req-untraced-1')[0], { timeoutMs: 5_000, description: 'request log line' });
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    } finally {
      await gateway.stop('SIGKILL');
    }
  });
});
