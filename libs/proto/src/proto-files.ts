import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

// The .proto files in the repo's proto/ folder are the internal contract; gRPC servers and clients
// load them at run time. Found by walking up from here, so it works from sources and from dist/.
function findProtoRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'proto', 'chat4all'))) return join(dir, 'proto');
    if (dirname(dir) === dir) throw new Error(`proto/ folder not found above ${start}`);
  }
}

export const PROTO_ROOT = findProtoRoot(__dirname);

export interface GrpcContract {
  /** Fully qualified protobuf package, e.g. chat4all.auth.v1 */
  packageName: string;
  serviceName: string;
  protoPath: string;
}

const contract = (packageName: string, serviceName: string, file: string): GrpcContract => ({
  packageName,
  serviceName,
  protoPath: join(PROTO_ROOT, file),
});

export const GrpcContracts = {
  auth: contract('chat4all.auth.v1', 'AuthService', 'chat4all/auth/v1/auth.proto'),
  messaging: contract('chat4all.messaging.v1', 'MessagingService', 'chat4all/messaging/v1/messaging.proto'),
  file: contract('chat4all.file.v1', 'FileService', 'chat4all/file/v1/file.proto'),
  delivery: contract('chat4all.delivery.v1', 'DeliveryService', 'chat4all/delivery/v1/delivery.proto'),
} as const;
