import { BadRequestException, Controller, Get, Module, Post } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ProblemDetailsFilter, ProblemException } from './problem.filter';

@Controller()
class FailingController {
  @Get('domain')
  domain(): never {
    throw new ProblemException('conversation-not-found', 404, 'Conversation not found', 'No conversation c-1 for you', { conversation_id: 'c-1' });
  }

  @Get('http')
  http(): never {
    throw new BadRequestException('limit must be at most 100');
  }

  @Get('crash')
  crash(): never {
    throw new Error('secret database detail');
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
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 64 }), { logger: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const inject = (opts: { method?: 'GET' | 'POST'; url: string; payload?: string; headers?: Record<string, string> }) =>
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
});
