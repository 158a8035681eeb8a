import { z } from 'zod';
import { FILE_FAILURE_CODES, fileAttachmentSchema } from './files';
import { MESSAGE_STATUSES } from './messaging-events';

// The WebSocket protocol between realtime and chat UIs (ARCHITECTURE §3b, docs/api.md): every frame
// either side may send, the Redis channels of live fan-out, and the close codes. Frames are built
// with ServerFrames/ClientFrames and written with serializeFrame, never as literals, so a change to
// a frame is a change to this file.
//
// Every frame about a conversation carries conversation_id and a seq: for message.created it is the
// message's place in the conversation (what clients resume from and de-duplicate by), for
// message.status the seq of the message it is about, for conversation.read the reader's new horizon.

/** Redis Pub/Sub channels of live fan-out: one per conversation, one per user (new memberships). */
export const RealtimeChannels = {
  conversation: (conversationId: string) => `rt:conv:${conversationId}`,
  user: (userId: string) => `rt:user:${userId}`,
} as const;

/** WebSocket close codes the server uses. */
export const CloseCodes = {
  /** The client closed on purpose. */
  normal: 1000,
  /** The instance is draining (after a going_away frame): reconnect after the hint, then resume. */
  goingAway: 1001,
  /** A client frame larger than WS_MAX_FRAME_BYTES (sent by the ws library itself). */
  frameTooLarge: 1009,
  /** The server could not load the user's conversations: reconnect with backoff. */
  internalError: 1011,
  /**
   * The socket's access ended: its token expired (reason `token_expired`) without an `auth` frame
   * bringing a fresh one, or its user, client or session was revoked (`token_revoked`). Get a new
   * token (refresh), then reconnect and resume; if that is refused, sign in again.
   */
  unauthenticated: 4001,
  /** Policy: too many connections for the user, or too many frames per second. Do not reconnect in a loop. */
  policy: 4008,
} as const;

/** The reason sent with CloseCodes.unauthenticated. */
export const UnauthenticatedReasons = { tokenExpired: 'token_expired', tokenRevoked: 'token_revoked' } as const;
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];

const seq = z.number().int().min(0);

/** Every member's read and delivery horizons (user id → seq), as resume.done and resume.reset carry them. */
export interface MemberHorizons {
  readSeqs: Record<string, number>;
  deliveredSeqs: Record<string, number>;
}
const readSeqs = z.record(z.string(), seq);

export const messageCreatedFrameSchema = z.object({
  type: z.literal('message.created'),
  conversation_id: z.string(),
  seq,
  message: z.object({ message_id: z.string(), sender_id: z.string(), payload: z.unknown(), created_at: z.string() }),
});

export const messageStatusFrameSchema = z.object({
  type: z.literal('message.status'),
  conversation_id: z.string(),
  seq,
  message_id: z.string(),
  status: z.enum(MESSAGE_STATUSES),
  at: z.string(),
});

export const conversationReadFrameSchema = z.object({ type: z.literal('conversation.read'), conversation_id: z.string(), seq, user_id: z.string() });

/** A member's client acknowledged (received) every message up to seq. */
export const conversationDeliveredFrameSchema = z.object({ type: z.literal('conversation.delivered'), conversation_id: z.string(), seq, user_id: z.string() });

/** To a user's own channel: they joined a conversation (created by them or someone else). */
export const conversationJoinedFrameSchema = z.object({ type: z.literal('conversation.joined'), conversation_id: z.string(), seq: z.literal(0) });

/** To the uploader's own channel: an upload's merge ended, COMPLETED (the file can be sent) or FAILED with a reason. */
export const fileCompletedFrameSchema = z.object({ type: z.literal('file.completed'), upload_id: z.string(), file: fileAttachmentSchema });
export const fileFailedFrameSchema = z.object({ type: z.literal('file.failed'), upload_id: z.string(), code: z.enum(FILE_FAILURE_CODES), reason: z.string() });

/** expires_at: when the socket is closed (4001 token_expired) unless an `auth` frame brings a fresh token. */
export const readyFrameSchema = z.object({ type: z.literal('ready'), connection_id: z.string(), heartbeat_ms: z.number().int().positive(), expires_at: z.string() });

/** The answer to an `auth` frame: the socket now lives until expires_at. */
export const authenticatedFrameSchema = z.object({ type: z.literal('auth.ok'), expires_at: z.string() });

/** A replay ended at seq; read_seqs and delivered_seqs map each member's user id to their read and delivery horizons now. */
export const resumeDoneFrameSchema = z.object({ type: z.literal('resume.done'), conversation_id: z.string(), seq, read_seqs: readSeqs, delivered_seqs: readSeqs });

export const RESUME_RESET_REASONS = ['too-far-behind', 'not-found'] as const;
export const resumeResetFrameSchema = z.object({
  type: z.literal('resume.reset'),
  conversation_id: z.string(),
  seq,
  reason: z.enum(RESUME_RESET_REASONS),
  read_seqs: readSeqs.optional(),
  delivered_seqs: readSeqs.optional(),
});

export const pongFrameSchema = z.object({ type: z.literal('pong') });

export const goingAwayFrameSchema = z.object({ type: z.literal('going_away'), reconnect_after_ms: z.number().int().min(0) });

export const FRAME_ERROR_CODES = ['invalid-frame', 'too-many-positions', 'resume-failed', 'invalid-token', 'auth-unavailable', 'ack-failed'] as const;
export const errorFrameSchema = z.object({
  type: z.literal('error'),
  code: z.enum(FRAME_ERROR_CODES),
  conversation_id: z.string().optional(),
  detail: z.string(),
});

export const serverFrameSchema = z.discriminatedUnion('type', [
  readyFrameSchema,
  authenticatedFrameSchema,
  messageCreatedFrameSchema,
  messageStatusFrameSchema,
  conversationReadFrameSchema,
  conversationDeliveredFrameSchema,
  conversationJoinedFrameSchema,
  fileCompletedFrameSchema,
  fileFailedFrameSchema,
  resumeDoneFrameSchema,
  resumeResetFrameSchema,
  pongFrameSchema,
  goingAwayFrameSchema,
  errorFrameSchema,
]);

export const resumeFrameSchema = z.object({ type: z.literal('resume'), positions: z.record(z.uuid(), seq) });
export const pingFrameSchema = z.object({ type: z.literal('ping') });
/** A fresh access token of the same user, before the socket's expires_at. */
export const authFrameSchema = z.object({ type: z.literal('auth'), token: z.string().min(1).max(8192) });
/** The client received every message of the conversation up to seq (realtime-client sends it by itself). */
export const ackFrameSchema = z.object({ type: z.literal('ack'), conversation_id: z.uuid(), seq: z.number().int().min(1) });
export const clientFrameSchema = z.discriminatedUnion('type', [resumeFrameSchema, pingFrameSchema, authFrameSchema, ackFrameSchema]);

export type MessageCreatedFrame = z.infer<typeof messageCreatedFrameSchema>;
export type MessageStatusFrame = z.infer<typeof messageStatusFrameSchema>;
export type ConversationReadFrame = z.infer<typeof conversationReadFrameSchema>;
export type ConversationDeliveredFrame = z.infer<typeof conversationDeliveredFrameSchema>;
export type ConversationJoinedFrame = z.infer<typeof conversationJoinedFrameSchema>;
export type FileCompletedFrame = z.infer<typeof fileCompletedFrameSchema>;
export type FileFailedFrame = z.infer<typeof fileFailedFrameSchema>;
export type ReadyFrame = z.infer<typeof readyFrameSchema>;
export type AuthenticatedFrame = z.infer<typeof authenticatedFrameSchema>;
export type ResumeDoneFrame = z.infer<typeof resumeDoneFrameSchema>;
export type ResumeResetFrame = z.infer<typeof resumeResetFrameSchema>;
export type PongFrame = z.infer<typeof pongFrameSchema>;
export type GoingAwayFrame = z.infer<typeof goingAwayFrameSchema>;
export type ErrorFrame = z.infer<typeof errorFrameSchema>;
export type ServerFrame = z.infer<typeof serverFrameSchema>;
export type ServerFrameType = ServerFrame['type'];
export type ResumeFrame = z.infer<typeof resumeFrameSchema>;
export type PingFrame = z.infer<typeof pingFrameSchema>;
export type AuthFrame = z.infer<typeof authFrameSchema>;
export type AckFrame = z.infer<typeof ackFrameSchema>;
export type ClientFrame = z.infer<typeof clientFrameSchema>;

/** Published on a conversation's channel (by message-worker) to every follower. */
export type ConversationFrame = MessageCreatedFrame | MessageStatusFrame | ConversationReadFrame | ConversationDeliveredFrame;
/** Published on a user's channel (by gateway, and file-service for uploads) to every connection of that user. */
export type UserFrame = ConversationJoinedFrame | FileCompletedFrame | FileFailedFrame;
/** What travels over Redis for live fan-out; realtime writes the published bytes to sockets as they are. */
export type RealtimeFrame = ConversationFrame | UserFrame;

/** Builders of every server frame: the one place their fields are spelled. */
export const ServerFrames = {
  ready: (connectionId: string, heartbeatMs: number, expiresAt: Date): ReadyFrame => ({
    type: 'ready',
    connection_id: connectionId,
    heartbeat_ms: heartbeatMs,
    expires_at: expiresAt.toISOString(),
  }),
  authenticated: (expiresAt: Date): AuthenticatedFrame => ({ type: 'auth.ok', expires_at: expiresAt.toISOString() }),
  messageCreated: (conversationId: string, seq: number, message: MessageCreatedFrame['message']): MessageCreatedFrame => ({
    type: 'message.created',
    conversation_id: conversationId,
    seq,
    message,
  }),
  messageStatus: (
    conversationId: string,
    seq: number,
    status: Pick<MessageStatusFrame, 'message_id' | 'status' | 'at'>,
  ): MessageStatusFrame => ({ type: 'message.status', conversation_id: conversationId, seq, message_id: status.message_id, status: status.status, at: status.at }),
  conversationRead: (conversationId: string, seq: number, userId: string): ConversationReadFrame => ({
    type: 'conversation.read',
    conversation_id: conversationId,
    seq,
    user_id: userId,
  }),
  conversationDelivered: (conversationId: string, seq: number, userId: string): ConversationDeliveredFrame => ({
    type: 'conversation.delivered',
    conversation_id: conversationId,
    seq,
    user_id: userId,
  }),
  conversationJoined: (conversationId: string): ConversationJoinedFrame => ({ type: 'conversation.joined', conversation_id: conversationId, seq: 0 }),
  fileCompleted: (uploadId: string, file: FileCompletedFrame['file']): FileCompletedFrame => ({ type: 'file.completed', upload_id: uploadId, file }),
  fileFailed: (uploadId: string, code: FileFailedFrame['code'], reason: string): FileFailedFrame => ({ type: 'file.failed', upload_id: uploadId, code, reason }),
  resumeDone: (conversationId: string, seq: number, horizons: MemberHorizons): ResumeDoneFrame => ({
    type: 'resume.done',
    conversation_id: conversationId,
    seq,
    read_seqs: horizons.readSeqs,
    delivered_seqs: horizons.deliveredSeqs,
  }),
  /** Not one of the user's conversations: nothing to replay. */
  resumeNotFound: (conversationId: string): ResumeResetFrame => ({ type: 'resume.reset', conversation_id: conversationId, seq: 0, reason: 'not-found' }),
  /** More than REPLAY_MAX_MESSAGES behind: reload over REST, then continue from seq. */
  resumeTooFarBehind: (conversationId: string, seq: number, horizons: MemberHorizons): ResumeResetFrame => ({
    type: 'resume.reset',
    conversation_id: conversationId,
    seq,
    reason: 'too-far-behind',
    read_seqs: horizons.readSeqs,
    delivered_seqs: horizons.deliveredSeqs,
  }),
  pong: (): PongFrame => ({ type: 'pong' }),
  goingAway: (reconnectAfterMs: number): GoingAwayFrame => ({ type: 'going_away', reconnect_after_ms: reconnectAfterMs }),
  invalidFrame: (): ErrorFrame => ({
    type: 'error',
    code: 'invalid-frame',
    detail: 'expected {type: "resume", positions: {<conversation_id>: <seq>}}, {type: "ack", conversation_id, seq}, {type: "ping"} or {type: "auth", token: <access token>}',
  }),
  /** An `auth` frame's token was refused: the socket keeps its current expires_at. */
  invalidToken: (reason: string): ErrorFrame => ({ type: 'error', code: 'invalid-token', detail: reason }),
  /** An `ack` could not be recorded (not one of the user's conversations, or the gateway unreachable). */
  ackFailed: (conversationId: string, detail: string): ErrorFrame => ({ type: 'error', code: 'ack-failed', conversation_id: conversationId, detail }),
  authUnavailable: (): ErrorFrame => ({ type: 'error', code: 'auth-unavailable', detail: 'token verification is temporarily unavailable; send the auth frame again shortly' }),
  tooManyPositions: (max: number): ErrorFrame => ({ type: 'error', code: 'too-many-positions', detail: `at most ${max} conversations per resume` }),
  resumeFailed: (conversationId: string): ErrorFrame => ({
    type: 'error',
    code: 'resume-failed',
    conversation_id: conversationId,
    detail: 'the durable log is unavailable; retry the resume',
  }),
} as const;

export const ClientFrames = {
  resume: (positions: Record<string, number>): ResumeFrame => ({ type: 'resume', positions }),
  ping: (): PingFrame => ({ type: 'ping' }),
  auth: (token: string): AuthFrame => ({ type: 'auth', token }),
  ack: (conversationId: string, seq: number): AckFrame => ({ type: 'ack', conversation_id: conversationId, seq }),
} as const;

/** The bytes of a frame on the wire (and on Redis). */
export function serializeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}

/** A client frame, validated; throws on anything else (answered with ServerFrames.invalidFrame()). */
export function parseClientFrame(text: string): ClientFrame {
  return clientFrameSchema.parse(JSON.parse(text));
}

