// Types generated from proto/ by `npm run proto:gen` (buf + ts-proto); never written by hand.
export * as authV1 from './generated/chat4all/auth/v1/auth';
export * as messagingV1 from './generated/chat4all/messaging/v1/messaging';
export * as deliveryV1 from './generated/chat4all/delivery/v1/delivery';
export * as fileV1 from './generated/chat4all/file/v1/file';
export { GrpcContracts, PROTO_ROOT } from './proto-files';
export type { GrpcContract } from './proto-files';
