import { context, trace, TraceFlags } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import pino from 'pino';
import { Writable } from 'node:stream';
import { pinoOptions } from './logger-options';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe('pinoOptions', () => {
  const manager = new AsyncLocalStorageContextManager().enable();
  beforeAll(() => context.setGlobalContextManager(manager));
  afterAll(() => context.disable());

  it('writes the mandatory fields and the active trace id', () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions('gateway', 'info'), stream);
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    context.with(trace.setSpanContext(context.active(), spanContext), () => logger.info({ request_id: 'r-1' }, 'hello'));
    expect(lines[0]).toMatchObject({
      level: 'info',
      service: 'gateway',
      message: 'hello',
      request_id: 'r-1',
      trace_id: spanContext.traceId,
    });
    expect(new Date(lines[0]?.timestamp as string).toISOString()).toBe(lines[0]?.timestamp);
  });

  it('redacts credentials', () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions('auth', 'info'), stream);
    logger.info({ req: { headers: { authorization: 'Bearer abc' } }, body: { client_secret: 's3cret' } }, 'token request');
    expect(JSON.stringify(lines[0])).not.toMatch(/abc|s3cret/);
  });

  it('never logs the values bound to a failed query', () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions('gateway', 'info'), stream);
    const driverError = Object.assign(new Error('invalid byte sequence'), { code: '22021', parameters: ['private words'] });
    const err = Object.assign(new Error('Query failed'), { query: 'INSERT INTO gateway.messages ...', parameters: ['private words'], driverError });
    logger.error({ err, message: 'unhandled error' });
    expect(JSON.stringify(lines[0])).not.toMatch(/private words/);
    expect(lines[0]?.err).toMatchObject({ query: 'INSERT INTO gateway.messages ...', driverError: { code: '22021' } });
  });

  it('never logs the value of a credential in a URL (access_token, /ws?token=, client_secret)', () => {
    const { lines, stream } = capture();
    const logger = pino(pinoOptions('gateway', 'info'), stream);
    logger.info({ req: { method: 'GET', url: '/v1/me?access_token=eyJhbGciOi.payload.sig&limit=5' } }, 'request completed');
    logger.warn({ url: '/ws?token=eyJraWQ.secret.sig', audit: true }, 'upgrade refused');
    logger.info({ url: '/auth/token?client_id=c1&client_secret=s3cr3t' }, 'token');
    expect(lines.map((l) => (l.req as { url?: string } | undefined)?.url ?? l.url)).toEqual([
      '/v1/me?access_token=[redacted]&limit=5',
      '/ws?token=[redacted]',
      '/auth/token?client_id=c1&client_secret=[redacted]',
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/eyJ|s3cr3t/);
  });
});
