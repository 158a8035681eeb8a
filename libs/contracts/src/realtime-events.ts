import type { MessageStatus } from './messaging-events';

// Frames the realtime app sends to chat UIs (ARCHITECTURE §3b). message-worker publishes each frame
// once, already serialised, on the conversation's Redis channel; realtime writes that same buffer to
// every follower's socket. Every frame about a conversation carries conversation_id and a seq: for
// message.created it is the message's place in the conversation (what clients resume from and
// de-duplicate by), for message.status the seq of the message it is about, for conversation.read
// the reader's new horizon.

export interface MessageCreatedFrame {
  type: 'message.created';
  conversation_id: string;
  seq: number;
  message: { message_id: string; sender_id: string; payload: unknown; created_at: string };
}

export interface MessageStatusFrame {
  type: 'message.status';
  conversation_id: string;
  seq: number;
  message_id: string;
  status: MessageStatus;
  at: string;
}

export interface ConversationReadFrame {
  type: 'conversation.read';
  conversation_id: string;
  seq: number;
  user_id: string;
}

/** To a user's own channel: they joined a conversation (created by them or someone else). */
export interface ConversationJoinedFrame {
  type: 'conversation.joined';
  conversation_id: string;
  seq: number;
}

export type ConversationFrame = MessageCreatedFrame | MessageStatusFrame | ConversationReadFrame;
export type RealtimeFrame = ConversationFrame | ConversationJoinedFrame;

export const RealtimeChannels = {
  conversation: (conversationId: string) => `rt:conv:${conversationId}`,
  user: (userId: string) => `rt:user:${userId}`,
} as const;
