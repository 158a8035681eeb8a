export { Chat4AllClient } from './client';
export type {
  Chat4AllClientOptions,
  Conversation,
  ConversationPage,
  ConversationSummary,
  CreateConversationRequest,
  FileInfo,
  Me,
  Message,
  MessageAccepted,
  MessageWithHistory,
  ReadHorizon,
  Schemas,
  SendOptions,
} from './client';
export { Chat4AllError } from './errors';
export type { components, paths } from './generated/openapi';
export { RealtimeClient } from './realtime/realtime-client';
export type { ConversationEvent, RealtimeClientOptions, RealtimeEvent, RealtimeEvents, WebSocketLike } from './realtime/realtime-client';
export type { TokenSet } from './tokens';
export type { RetryOptions } from './transport';
export type { UploadOptions, UploadResult } from './uploads';
