export { EXTERNAL_CHANNELS } from './channels';
export { contactSenderId, inboundEventId, isUuid, nameUuid } from './ids';
export type { ExternalChannel } from './channels';
export { Topics, TOPIC_SPECS, outboundTopic } from './topics';
export type { TopicSpec } from './topics';
export { createEnvelope, decodeEnvelope, eventEnvelopeSchema, InvalidEnvelopeError } from './event-envelope';
export type { EventEnvelope } from './event-envelope';
export { PROBLEM_BASE_URI, problemType } from './problem';
export { storableText, toStorableText, unstorableTextReason } from './text';
export { CONVERSATION_MAX_MEMBERS, OAUTH_PARAMETER_MAX_CHARS } from './limits';
export type { ProblemDetails } from './problem';
export {
  conversationDeliveredSchema,
  conversationReadSchema,
  EventTypes,
  inboundKey,
  inboundMessageSchema,
  isForwardTransition,
  MESSAGE_STATUSES,
  messageContentSchema,
  messageCreatedSchema,
  messageStatusSchema,
  outboundMessageSchema,
  statusesBefore,
} from './messaging-events';
export { FILE_FAILURE_CODES, fileAttachmentSchema, fileMergeRequestedSchema, UPLOAD_STATUSES } from './files';
export type { FileAttachment, FileFailureCode, FileMergeRequested, UploadStatus } from './files';
export type { MessageContent, ConversationDelivered, ConversationRead, InboundMessage, MessageCreated, MessageStatus, MessageStatusEvent, OutboundMessage } from './messaging-events';
export {
  ackFrameSchema,
  authenticatedFrameSchema,
  authFrameSchema,
  clientFrameSchema,
  ClientFrames,
  CloseCodes,
  conversationDeliveredFrameSchema,
  conversationJoinedFrameSchema,
  conversationReadFrameSchema,
  errorFrameSchema,
  fileCompletedFrameSchema,
  fileFailedFrameSchema,
  FRAME_ERROR_CODES,
  goingAwayFrameSchema,
  messageCreatedFrameSchema,
  messageStatusFrameSchema,
  parseClientFrame,
  pingFrameSchema,
  pongFrameSchema,
  readyFrameSchema,
  RealtimeChannels,
  RESUME_RESET_REASONS,
  resumeDoneFrameSchema,
  resumeFrameSchema,
  resumeResetFrameSchema,
  serializeFrame,
  serverFrameSchema,
  ServerFrames,
  UnauthenticatedReasons,
} from './realtime-protocol';
export type {
  AckFrame,
  AuthenticatedFrame,
  AuthFrame,
  ClientFrame,
  CloseCode,
  ConversationDeliveredFrame,
  ConversationFrame,
  ConversationJoinedFrame,
  ConversationReadFrame,
  ErrorFrame,
  FileCompletedFrame,
  FileFailedFrame,
  GoingAwayFrame,
  MemberHorizons,
  MessageCreatedFrame,
  MessageStatusFrame,
  PingFrame,
  PongFrame,
  ReadyFrame,
  RealtimeFrame,
  ResumeDoneFrame,
  ResumeFrame,
  ResumeResetFrame,
  ServerFrame,
  ServerFrameType,
  UserFrame,
} from './realtime-protocol';
export { DEAD_LETTER_HEADER_PREFIX, DeadLetterHeaders, deadLetterHeaders, MAX_DEAD_LETTER_REASON_CHARS, readDeadLetterHeaders, REPLAY_OF_HEADER, withoutDeadLetterHeaders } from './dead-letter';
export type { DeadLetterOrigin } from './dead-letter';
export {
  AuthProblems,
  ConversationProblems,
  defineProblemTypes,
  DeliveryProblems,
  FileProblems,
  GatewayFileProblems,
  IdempotencyProblems,
  MessageProblems,
  PlatformProblems,
  problemTypeUri,
  RateLimitProblems,
  WebhookProblems,
} from './api/problems';
export type { ProblemType } from './api/problems';
export * from './api/admin';
export * from './api/auth';
export * from './api/common';
export * from './api/conversations';
export * from './api/files';
export * from './api/messages';
export { API_VERSION, openApiDocument } from './api/openapi';
export { asyncApiDocument } from './api/asyncapi';
