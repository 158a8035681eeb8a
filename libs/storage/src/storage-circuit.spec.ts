import type { StorageConfig } from '@chat4all/config';
import { unavailableDependency } from '@chat4all/platform';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { createServer, type Server, type Socket } from 'node:net';
import { register } from 'prom-client';
import { ObjectStorage } from './object-storage';
import { isS3Unavailable, StorageUnavailableError } from './storage-circuit';

// A local TCP server stands in for S3: it never answers (silent), or answers every request with a
// bare status line once it has read the request's headers.
type Mode = 'silent' | 'ok' | 'not_found';

describe('S3 timeouts and circuit breaker (local TCP server)', () => {
  let server: Server;
  let endpoint: string;
  let mode: Mode = 'silent';
  let requests = 0;
  const sockets = new Set<Socket>();
  const storages: ObjectStorage[] = [];

  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });

  beforeEach(async () => {
    mode = 'silent';
    requests = 0;
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          requests++;
          if (mode === 'ok') socket.write('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
          if (mode === 'not_found') socket.write('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterEach(async () => {
    for (const s of storages.splice(0)) s.destroy();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const storage = (overrides: { requestMs?: number; socketIdleMs?: number; minCalls?: number; openMs?: number } = {}, service?: string) => {
    const config: StorageConfig = {
      endpoint,
      region: 'us-east-1',
      accessKeyId: 'test',
      secretAccessKey: 'test-secret',
      bucket: 'probe',
      forcePathStyle: true,
      timeouts: { connectMs: 1_000, requestMs: overrides.requestMs ?? 300, socketIdleMs: overrides.socketIdleMs ?? 60_000 },
      breaker: { failurePercent: 50, minCalls: overrides.minCalls ?? 100, windowMs: 10_000, openMs: overrides.openMs ?? 60_000 },
    };
    const s = ObjectStorage.fromConfig(config, service);
    storages.push(s);
    return s;
  };

  const timed = async (work: () => Promise<unknown>) => {
    const started = Date.now();
    const error = await work().then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, ms: Date.now() - started };
  };

  it('gives up on a server that never answers at the request timeout (each of the SDK\'s 3 attempts), as a 503-able s3 error', async () => {
    const { error, ms } = await timed(() => storage({ requestMs: 300 }).headBucket());
    expect((error as Error).name).toBe('TimeoutError');
    expect((error as Error).message).toMatch(/exceeded the configured 300 ms requestTimeout/);
    expect(isS3Unavailable(error)).toBe(true);
    expect(unavailableDependency(error)).toBe('s3');
    // 3 attempts of 300 ms plus the SDK's backoff between them; without the timeout it would hang.
    expect(requests).toBe(3);
    expect(ms).toBeGreaterThanOrEqual(850);
    expect(ms).toBeLessThan(5_000);
  });

  it('gives up on a socket that stays silent for the socket timeout when there is no request timeout', async () => {
    const { error, ms } = await timed(() => storage({ requestMs: 0, socketIdleMs: 1_000 }).headBucket());
    expect((error as Error).name).toBe('TimeoutError');
    expect((error as Error).message).toMatch(/socket timed out after 1000 ms of inactivity/);
    expect(ms).toBeGreaterThanOrEqual(2_900);
    expect(ms).toBeLessThan(8_000);
  });

  it('opens after the failing calls, then fails at once without reaching S3, as a 503 naming s3; closes again once S3 answers', async () => {
    const s = storage({ requestMs: 100, minCalls: 2, openMs: 500 }, 'storage-circuit-test');
    for (let i = 0; i < 2; i++) expect(((await timed(() => s.headBucket())).error as Error).name).toBe('TimeoutError');
    const seen = requests;
    const fast = await timed(() => s.headBucket());
    expect(fast.error).toBeInstanceOf(StorageUnavailableError);
    expect(fast.ms).toBeLessThan(50);
    expect(requests).toBe(seen);
    expect(unavailableDependency(fast.error)).toBe('s3');
    const gauge = register.getSingleMetric('storage_circuit_test_s3_circuit_state');
    expect((await gauge?.get())?.values[0]?.value).toBe(2);

    mode = 'ok';
    const end = Date.now() + 3_000;
    let outcome: unknown = fast.error;
    while (outcome instanceof StorageUnavailableError && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      outcome = (await timed(() => s.headBucket())).error;
    }
    expect(outcome).toBeUndefined(); // the trial call after the open time went through and succeeded
    expect((await timed(() => s.headBucket())).error).toBeUndefined();
    expect((await gauge?.get())?.values[0]?.value).toBe(0);
  });

  it('does not count S3 answering about the request (404): the breaker stays closed', async () => {
    mode = 'not_found';
    const s = storage({ minCalls: 2 });
    for (let i = 0; i < 5; i++) expect(await s.sizeOf('missing')).toBeUndefined();
    expect(requests).toBe(5);
  });
});
