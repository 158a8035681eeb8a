import fastifyHelmet from '@fastify/helmet';
import { freePort } from '@chat4all/testing';
import { Controller, Get, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { InternalListener, separateListeners } from './internal-listener';
import { ProblemDetailsFilter } from './problem.filter';
import { securityHeaderOptions } from './security-headers';

@Controller()
class RoutesController {
  @Get('v1/thing')
  thing(): { ok: true } {
    return { ok: true };
  }

  @Get('metrics')
  metrics(): string {
    return 'up 1';
  }
}

@Module({ controllers: [RoutesController], providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] })
class TestModule {}

// The wiring runService does, on loopback: helmet on every response, each listener its own routes.
describe('the public and the internal listener', () => {
  let app: NestFastifyApplication;
  let publicUrl: string;
  let internalUrl: string;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.register(fastifyHelmet, securityHeaderOptions(false));
    const fastify = app.getHttpAdapter().getInstance();
    separateListeners(fastify);
    const internal = new InternalListener(fastify);
    await app.init();
    const port = await freePort();
    await internal.listen({ host: '127.0.0.1', port });
    internalUrl = `http://127.0.0.1:${port}`;
    await app.listen(0, '127.0.0.1');
    publicUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });
  afterAll(() => app.close());

  it('serves the API on the public port only', async () => {
    expect((await fetch(`${publicUrl}/v1/thing`)).status).toBe(200);
    const res = await fetch(`${internalUrl}/v1/thing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('serves internal routes on the internal port only, whatever the spelling of the path', async () => {
    expect(await (await fetch(`${internalUrl}/metrics`)).text()).toBe('up 1');
    for (const path of ['/metrics', '/%6detrics', '/metrics?x=1']) {
      const res = await fetch(`${publicUrl}${path}`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/not-found', status: 404 });
    }
  });

  it('answers an unknown path 404 problem+json on both', async () => {
    for (const url of [publicUrl, internalUrl]) {
      const res = await fetch(`${url}/nowhere`);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/not-found' });
    }
  });

  it('puts the security headers on answers and errors of both, and no HSTS over plain HTTP', async () => {
    for (const url of [`${publicUrl}/v1/thing`, `${publicUrl}/metrics`, `${internalUrl}/metrics`, `${internalUrl}/nowhere`]) {
      const { headers } = await fetch(url);
      expect(headers.get('x-content-type-options')).toBe('nosniff');
      expect(headers.get('referrer-policy')).toBe('no-referrer');
      expect(headers.get('content-security-policy')).toBe("default-src 'none';frame-ancestors 'none'");
      expect(headers.get('x-frame-options')).toBe('DENY');
      expect(headers.get('strict-transport-security')).toBeNull();
      expect(headers.get('x-powered-by')).toBeNull();
    }
  });
});
