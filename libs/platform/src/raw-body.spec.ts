import { Controller, Module, Post, Req } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import type { FastifyRequest } from 'fastify';
import { problemFrameworkErrors } from './framework-errors';
import { ProblemDetailsFilter } from './problem.filter';
import { acceptRawBodies, RawBody } from './raw-body';

@Controller()
class BodiesController {
  @Post('raw')
  @RawBody()
  raw(@Req() request: FastifyRequest): { bytes: string | null; type: string | null; isBuffer: boolean } {
    const body = request.body;
    return { bytes: Buffer.isBuffer(body) ? body.toString('latin1') : null, type: request.raw.headers['content-type'] ?? null, isBuffer: Buffer.isBuffer(body) };
  }

  @Post('parsed')
  parsed(@Req() request: FastifyRequest): { body: unknown } {
    return { body: request.body ?? null };
  }
}

@Module({ controllers: [BodiesController], providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }] })
class TestModule {}

// @RawBody() routes get the bytes whatever the Content-Type, within their own limit; other routes
// parse as before.
describe('RawBody', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter({ bodyLimit: 1024, ...problemFrameworkErrors }), { logger: false });
    acceptRawBodies(app.getHttpAdapter().getInstance(), 16);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) => app.getHttpAdapter().getInstance().inject({ method: 'POST', url, payload, headers });

  it.each([
    ['malformed JSON', '{"a":', { 'content-type': 'application/json' }],
    ['no Content-Type', '{"a":1}', {}],
    ['a Content-Type no parser knows', '<a/>', { 'content-type': 'application/xml' }],
    ['a Content-Type that is not one', 'abc', { 'content-type': 'garbage' }],
    ['text', 'plain', { 'content-type': 'text/plain' }],
  ])('hands a raw route the bytes of %s, untouched', async (_name, payload, headers: Record<string, string>) => {
    const res = await post('/raw', payload, headers);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toEqual({ bytes: payload, type: headers['content-type'] ?? null, isBuffer: true });
  });

  it('gives a raw route no body when none was sent', async () => {
    const res = await post('/raw', '');
    expect(res.json()).toEqual({ bytes: null, type: null, isBuffer: false });
  });

  it('applies the raw limit to raw routes: 16 bytes pass, 17 are 413', async () => {
    expect((await post('/raw', 'x'.repeat(16))).statusCode).toBe(201);
    const over = await post('/raw', 'x'.repeat(17), { 'content-type': 'application/json' });
    expect(over.statusCode).toBe(413);
    expect(over.json()).toMatchObject({ type: 'https://chat4all.dev/problems/payload-too-large' });
  });

  it('leaves other routes as Fastify has them: JSON parsed, malformed 400, unknown types 415, unknown paths 404', async () => {
    const parsed = await post('/parsed', JSON.stringify({ a: 'x'.repeat(100) }), { 'content-type': 'application/json' });
    expect([parsed.statusCode, parsed.json()]).toEqual([201, { body: { a: 'x'.repeat(100) } }]);
    expect((await post('/parsed', '{"a":', { 'content-type': 'application/json' })).statusCode).toBe(400);
    for (const headers of [{}, { 'content-type': 'application/xml' }] as Record<string, string>[]) {
      const res = await post('/parsed', 'abc', headers);
      expect(res.statusCode).toBe(415);
      expect(res.json()).toMatchObject({ type: 'https://chat4all.dev/problems/unsupported-media-type' });
    }
    expect((await post('/nowhere', 'abc')).statusCode).toBe(404);
  });
});
