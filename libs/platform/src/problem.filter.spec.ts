import { BadRequestException, Controller, Get, Module, Post, type ArgumentsHost } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { firstValueFrom, type Observable } from 'rxjs';
import { prepareProblemRouting, problemFrameworkErrors } from './framework-errors';
import { ProblemDetailsFilter, ProblemException } from './problem.filter';
import { rawSecurityHeaders } from './security-headers';

@Controller()
class FailingController {
  @Get('domain')
  domain(): never {
    throw new ProblemException({ slug: 'conversation-not-found', status: 404, title: 'Conversation not found' }, 'No conversation c-1 for you', { conversation_id: 'c-1' });
  }

  @Get('http')
  http(): never {
    throw new BadRequestException('limit must be at most 100');
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret database detail');
  }

  @Get('db-down')
  dbDown(): never {
    // What TypeORM throws when the pool cannot reach PostgreSQL.
    throw Object.assign(new Error('Query failed'), { driverError: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54329'), { code: 'ECONNREFUSED' }) });
  }

  @Get('db-shutting-down')
  dbShuttingDown(): never {
    throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' });
  }

  @Get('item/:id')
  item(): { ok: true } {
    return { ok: true };
  }

  @Post('echo')
  echo(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [FailingController], providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] })
class TestModule {}

describe('ProblemDetailsFilter', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 64, ...problemFrameworkErrors(rawSecurityHeaders(false)) }), { logger: false });
    prepareProblemRouting(app.getHttpAdapter().getInstance());
    await app.listen(0, '127.0.0.1');
  });
  afterAll(() => app.close());

  const inject = (opts: { method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; url: string; payload?: string; headers?: Record<string, string> }) =>
    app.getHttpAdapter().getInstance().inject({ method: opts.method ?? 'GET', url: opts.url, payload: opts.payload, headers: opts.headers });

  it('renders a domain error with its stable type and extensions', async () => {
    const res = await inject({ url: '/domain' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toEqual({
      type: 'https://chat4all.dev/problems/conversation-not-found',
      title: 'Conversation not found',
      status: 404,
      detail: 'No conversation c-1 for you',
      instance: '/domain',
      conversation_id: 'c-1',
    });
  });

  it('maps framework errors by status', async () => {
    const res = await inject({ url: '/http' });
    expect(res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/bad-request', status: 400, detail: 'limit must be at most 100' });
    const missing = await inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ type: 'https://chat4all.dev/problems/not-found' });
  });

  it('answers a known path asked with an unrouted method with 405 and Allow, an unknown path with 404', async () => {
    const put = await inject({ method: 'PUT', url: '/echo' });
    expect(put.statusCode).toBe(405);
    expect(put.headers.allow).toBe('POST');
    expect(put.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(put.json()).toMatchObject({ type: 'https://chat4all.dev/problems/method-not-allowed', status: 405 });
    const remove = await inject({ method: 'DELETE', url: '/item/42?x=1' });
    expect(remove.statusCode).toBe(405);
    expect(remove.headers.allow).toBe('GET, HEAD');
    expect((await inject({ method: 'DELETE', url: '/item/42/more' })).statusCode).toBe(404);
  });

  it('answers a body that is neither JSON nor a form, text/plain included, with 415', async () => {
    for (const contentType of ['text/plain', 'application/xml']) {
      const res = await inject({ method: 'POST', url: '/echo', payload: 'hello', headers: { 'content-type': contentType } });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/unsupported-media-type', status: 415 });
    }
  });

  it('answers malformed and oversized bodies with problems', async () => {
    const bad = await inject({ method: 'POST', url: '/echo', payload: '{"a":', headers: { 'content-type': 'application/json' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers['content-type']).toMatch(/problem\+json/);
    const big = await inject({ method: 'POST', url: '/echo', payload: JSON.stringify({ a: 'x'.repeat(100) }), headers: { 'content-type': 'application/json' } });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ type: 'https://chat4all.dev/problems/payload-too-large' });
  });

  it('hides the cause of a 500 behind an error id', async () => {
    const res = await inject({ url: '/crash' });
    expect(res.statusCode).toBe(500);
    const body = res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ type: 'https://chat4all.dev/problems/internal-error', status: 500 });
    expect(body.error_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body).not.toMatch(/secret database detail/);
  });

  it('answers an unreachable or restarting database with 503 and Retry-After, not 500', async () => {
    for (const url of ['/db-down', '/db-shutting-down']) {
      const res = await inject({ url });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('2');
      expect(res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/service-unavailable', status: 503 });
    }
  });

  it('turns a dependency failure in a gRPC handler into UNAVAILABLE, which the caller may retry', async () => {
    const rpc = { getType: () => 'rpc' } as unknown as ArgumentsHost;
    const dbDown = Object.assign(new Error('Query failed'), { driverError: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    await expect(firstValueFrom(new ProblemDetailsFilter().catch(dbDown, rpc) as Observable<unknown>)).rejects.toMatchObject({ code: 14 });
  });

  describe('errors raised before routing (Fastify router, Node HTTP parser)', () => {
    const port = () => (app.getHttpServer().address() as { port: number }).port;
    // Raw bytes on a socket: a client library would refuse to send some of these requests.
    const raw = (bytes: string) =>
      new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
        const socket = connect(port(), '127.0.0.1', () => socket.write(bytes));
        let data = '';
        socket.on('data', (d) => (data += d.toString()));
        socket.on('error', reject);
        socket.on('close', () => {
          const [head, body = ''] = data.split('\r\n\r\n');
          resolve({ status: Number(head.split(' ')[1]), contentType: /content-type: ([^\r]+)/i.exec(head)?.[1] ?? '', body });
        });
      });

    it('a path parameter over maxParamLength → 414 problem', async () => {
      const res = await inject({ url: `/item/${'x'.repeat(200)}` });
      expect(res.statusCode).toBe(414);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/uri-too-long', status: 414 });
      // Raised before the onRequest hooks that set them for every other response.
      expect(res.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none';frame-ancestors 'none'" });
    });

    it('a query over the header size limit → 431 problem', async () => {
      const res = await new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port: port(), path: `/item/1?q=${'a'.repeat(20_000)}` }, (r) => {
          let body = '';
          r.on('data', (d: Buffer) => (body += d.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, contentType: String(r.headers['content-type']), body }));
        });
        req.on('error', reject);
        req.end();
      });
      expect(res.status).toBe(431);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ type: 'https://chat4all.dev/problems/request-header-fields-too-large', status: 431 });
    });

    it('a control character in a header → 400 problem', async () => {
      const res = await raw('GET /item/1 HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n');
      expect(res.status).toBe(400);
      expect(res.contentType).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ type: 'https://chat4all.dev/problems/bad-request', status: 400 });
    });
  });
});
