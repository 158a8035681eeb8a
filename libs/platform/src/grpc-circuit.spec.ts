import type { GrpcClientCallConfig } from '@chat4all/config';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type Client,
  type ClientReadableStream,
  type ServiceError,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServerWritableStream,
} from '@grpc/grpc-js';
import { fileV1, GrpcContracts } from '@chat4all/proto';
import { freePort } from '@chat4all/testing';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { register } from 'prom-client';
import { deadlineMsFor, grpcCircuitState, grpcClientCircuit, shutdownGrpcCircuits } from './grpc-circuit';
import { grpcClientMetrics } from './grpc-metrics';
import { grpcClientOptions } from './grpc-options';

// A real grpc-js server and client in-process, with a raw-bytes method: what the handler does next
// is set by each test.
const METHOD = 'test.v1.Probe/Call';
const TARGET = 'test.v1.Probe';
const identity = (b: Buffer) => b;
const definition = {
  Call: { path: `/${METHOD}`, requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
  Watch: { path: '/test.v1.Probe/Watch', requestStream: false, responseStream: true, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity },
};
type Behaviour = 'ok' | 'slow' | 'unavailable' | 'not_found';
type ProbeClient = Client & {
  Call(req: Buffer, md: Metadata, options: { deadline?: number }, cb: (e: ServiceError | null, r?: Buffer) => void): void;
  Watch(req: Buffer): ClientReadableStream<Buffer>;
};

const config = (overrides: Partial<GrpcClientCallConfig> = {}): GrpcClientCallConfig => ({
  deadlineMs: 200,
  methodDeadlinesMs: {},
  breaker: { failurePercent: 50, minCalls: 4, windowMs: 10_000, openMs: 500 },
  ...overrides,
});

describe('gRPC client deadlines and circuit breaker (real grpc-js server)', () => {
  // The breaker's state changes are logged; not needed in the test output.
  beforeAll(() => {
    Logger.overrideLogger(false);
  });
  afterAll(() => {
    Logger.overrideLogger(new ConsoleLogger());
  });
  let server: Server;
  let url: string;
  let behaviour: Behaviour = 'ok';
  let handled = 0;
  const clients: Client[] = [];

  beforeEach(async () => {
    behaviour = 'ok';
    handled = 0;
    server = new Server();
    server.addService(definition, {
      Call: (call: ServerUnaryCall<Buffer, Buffer>, callback: sendUnaryData<Buffer>) => {
        handled++;
        if (behaviour === 'ok') return callback(null, Buffer.from('pong'));
        if (behaviour === 'unavailable') return callback({ code: status.UNAVAILABLE, details: 'down for the test' });
        if (behaviour === 'not_found') return callback({ code: status.NOT_FOUND, details: 'no such thing' });
        // Slow: answers long after any deadline in these tests, unless the caller gives up first.
        const timer = setTimeout(() => callback(null, Buffer.from('late')), 10_000);
        call.on('cancelled', () => clearTimeout(timer));
      },
      // A stream that sends one message at once and another after 500 ms, then stays open.
      Watch: (call: ServerWritableStream<Buffer, Buffer>) => {
        call.write(Buffer.from('first'));
        const timer = setTimeout(() => call.write(Buffer.from('second')), 500);
        call.on('cancelled', () => clearTimeout(timer));
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))),
    );
    url = `127.0.0.1:${port}`;
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    shutdownGrpcCircuits();
  });

  const client = (calls: GrpcClientCallConfig, service = 'circuit-test'): ProbeClient => {
    const Probe = makeGenericClientConstructor(definition, 'Probe');
    const c = new Probe(url, credentials.createInsecure(), { interceptors: [grpcClientMetrics(service), grpcClientCircuit(service, TARGET, url, calls)] }) as unknown as ProbeClient;
    clients.push(c);
    return c;
  };

  const call = (c: ProbeClient, options: { deadline?: number } = {}) => {
    const started = Date.now();
    return new Promise<{ code: number; details: string; ms: number }>((resolve) =>
      c.Call(Buffer.from('ping'), new Metadata(), options, (e) => resolve({ code: e?.code ?? status.OK, details: e?.details ?? '', ms: Date.now() - started })),
    );
  };

  const gauge = async (service: string) => {
    const metric = register.getSingleMetric(`${service.replace(/-/g, '_')}_grpc_client_circuit_state`);
    return (await metric?.get())?.values.find((v) => v.labels.target === TARGET)?.value;
  };

  const until = async (condition: () => boolean, ms: number) => {
    const end = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it('gives a call without a deadline the default one: a slow handler is DEADLINE_EXCEEDED at about that time', async () => {
    behaviour = 'slow';
    const r = await call(client(config({ deadlineMs: 300 })));
    expect(r.code).toBe(status.DEADLINE_EXCEEDED);
    expect(r.ms).toBeGreaterThanOrEqual(280);
    expect(r.ms).toBeLessThan(1_500);
  });

  it('takes the method or service deadline from the table, and keeps a deadline the caller set', async () => {
    behaviour = 'slow';
    const byMethod = await call(client(config({ deadlineMs: 100, methodDeadlinesMs: { [METHOD]: 600 } })));
    expect(byMethod.code).toBe(status.DEADLINE_EXCEEDED);
    expect(byMethod.ms).toBeGreaterThanOrEqual(580);
    const own = await call(client(config({ deadlineMs: 100 }), 'circuit-test-own'), { deadline: Date.now() + 400 });
    expect(own.code).toBe(status.DEADLINE_EXCEEDED);
    expect(own.ms).toBeGreaterThanOrEqual(380);
    expect(deadlineMsFor(METHOD, { deadlineMs: 1, methodDeadlinesMs: { [TARGET]: 7 } })).toBe(7);
    expect(deadlineMsFor(METHOD, { deadlineMs: 1, methodDeadlinesMs: { [TARGET]: 7, [METHOD]: 9 } })).toBe(9);
    expect(deadlineMsFor('other.v1.S/M', { deadlineMs: 1, methodDeadlinesMs: { [TARGET]: 7 } })).toBe(1);
  });

  it('opens after N deadline failures, then fails at once with UNAVAILABLE without calling the server', async () => {
    behaviour = 'slow';
    const c = client(config({ deadlineMs: 100 }));
    for (let i = 0; i < 4; i++) expect((await call(c)).code).toBe(status.DEADLINE_EXCEEDED);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'open', 1_000);
    expect(await gauge('circuit-test')).toBe(2);
    const before = handled;
    const fast = await call(c);
    expect(fast.code).toBe(status.UNAVAILABLE);
    expect(fast.details).toMatch(/circuit breaker open for test\.v1\.Probe/);
    expect(fast.ms).toBeLessThan(50);
    expect(handled).toBe(before);
  });

  it('opens on UNAVAILABLE answers too, and closes again after the open time when the trial call succeeds', async () => {
    behaviour = 'unavailable';
    const c = client(config());
    for (let i = 0; i < 4; i++) expect((await call(c)).code).toBe(status.UNAVAILABLE);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'open', 1_000);
    behaviour = 'ok';
    expect((await call(c)).details).toMatch(/circuit breaker open/);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'half_open', 2_000);
    expect(await gauge('circuit-test')).toBe(1);
    expect((await call(c)).code).toBe(status.OK);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'closed', 1_000);
    expect(await gauge('circuit-test')).toBe(0);
    expect((await call(c)).code).toBe(status.OK);
  });

  it('opens again when the trial call fails', async () => {
    behaviour = 'unavailable';
    const c = client(config());
    for (let i = 0; i < 4; i++) await call(c);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'half_open', 2_000);
    const before = handled;
    expect((await call(c)).details).toBe('down for the test');
    expect(handled).toBe(before + 1);
    // The breaker hears of the status in a microtask after the caller does.
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'open', 1_000);
  });

  it('leaves streams alone: no default deadline cuts one, and an open breaker does not refuse it', async () => {
    const c = client(config({ deadlineMs: 100 }));
    behaviour = 'unavailable';
    for (let i = 0; i < 4; i++) await call(c);
    await until(() => grpcCircuitState('circuit-test', TARGET, url) === 'open', 1_000);
    const stream = c.Watch(Buffer.from('watch'));
    const received: string[] = [];
    let ended: number | undefined;
    stream.on('data', (b: Buffer) => received.push(b.toString()));
    stream.on('error', (e: ServiceError) => (ended = e.code));
    await until(() => received.length === 2, 2_000);
    expect(received).toEqual(['first', 'second']);
    expect(ended).toBeUndefined();
    stream.cancel();
  });

  it('does not count business errors (NOT_FOUND): a working service that says no keeps the breaker closed', async () => {
    behaviour = 'not_found';
    const c = client(config());
    for (let i = 0; i < 10; i++) expect((await call(c)).code).toBe(status.NOT_FOUND);
    expect(grpcCircuitState('circuit-test', TARGET, url)).toBe('closed');
    expect(handled).toBe(10);
  });

  it('is on the clients grpcClientOptions builds for Nest: a service that is not there opens it, then Nest callers get UNAVAILABLE at once', async () => {
    const fileUrl = `127.0.0.1:${await freePort()}`;
    const { name: _name, ...options } = grpcClientOptions('file', GrpcContracts.file, fileUrl, 'circuit-nest-test', config());
    const proxy = ClientProxyFactory.create(options) as unknown as ClientGrpcProxy;
    try {
      const files = proxy.getService<fileV1.FileServiceClient>(fileV1.FILE_SERVICE_NAME);
      const getFile = async () => {
        const started = Date.now();
        const error = await firstValueFrom(files.getFile({ fileId: 'f', withDownloadUrl: false })).then(
          () => undefined,
          (e: unknown) => e as { code?: number; details?: string },
        );
        return { ...error, ms: Date.now() - started };
      };
      for (let i = 0; i < 4; i++) expect((await getFile()).code).toBe(status.UNAVAILABLE);
      await until(() => grpcCircuitState('circuit-nest-test', 'chat4all.file.v1.FileService', fileUrl) === 'open', 1_000);
      const fast = await getFile();
      expect(fast).toMatchObject({ code: status.UNAVAILABLE, details: expect.stringMatching(/circuit breaker open for chat4all\.file\.v1\.FileService/) as unknown });
      expect(fast.ms).toBeLessThan(50);
    } finally {
      proxy.close();
    }
  });
});
