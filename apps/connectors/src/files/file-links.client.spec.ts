import { grpcClientOptions } from '@chat4all/platform';
import { GrpcContracts } from '@chat4all/proto';
import { ClientProxyFactory, type ClientGrpcProxy } from '@nestjs/microservices';
import { randomUUID } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { FILE_GRPC, FileLinks } from './file-links.client';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// A real gRPC client whose file-service is not there: a file message must wait and retry, not fail.
describe('FileLinks', () => {
  let client: ClientGrpcProxy;
  afterEach(() => client?.close());

  it('reports a file-service that does not answer as retryable, without blaming the provider', async () => {
    const { name: _name, ...options } = grpcClientOptions(FILE_GRPC, GrpcContracts.file, `127.0.0.1:${await closedPort()}`);
    // create() is typed as the generic proxy; a GRPC transport gives the gRPC one.
    client = ClientProxyFactory.create(options) as unknown as ClientGrpcProxy;
    const links = new FileLinks(client);
    links.onModuleInit();
    const fileId = randomUUID();
    const link = await links.linkFor(fileId);
    expect(link).toMatchObject({ ok: false, code: 'file-unavailable', retryable: true });
    expect(!link.ok && link.reason).toContain(fileId);
  });
});
