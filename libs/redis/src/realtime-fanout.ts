import { RealtimeChannels, serializeFrame, type ConversationFrame, type UserFrame } from '@chat4all/contracts';
import { traceparentOf } from '@chat4all/telemetry';
import type { Redis } from 'ioredis';

/** How many frames Redis took, and how many it refused (a pipeline reports each command apart). */
export interface FanoutResult {
  published: number;
  failed: number;
}

/**
 * The one publisher of realtime frames (FR-RT-05): each frame is serialised once by the protocol
 * module and published on its channel, where every realtime instance with a follower writes those
 * bytes to its sockets. Redis is not the record, so callers treat a failure as lost live delivery
 * (clients catch up by resume); it throws only when the whole pipeline could not run.
 */
export class RealtimeFanout {
  constructor(private readonly redis: Redis) {}

  /** Conversation frames, each to its conversation's channel (in order per conversation). */
  toConversations(frames: readonly ConversationFrame[]): Promise<FanoutResult> {
    return this.publish(frames.map((f) => [RealtimeChannels.conversation(f.conversation_id), serializeFrame(f)]));
  }

  /** One frame to each user's own channel, so every connection of theirs gets it. */
  toUsers(userIds: readonly string[], frame: UserFrame): Promise<FanoutResult> {
    const bytes = serializeFrame(frame);
    return this.publish(userIds.map((u) => [RealtimeChannels.user(u), bytes]));
  }

  private async publish(messages: readonly (readonly [channel: string, bytes: string])[]): Promise<FanoutResult> {
    if (messages.length === 0) return { published: 0, failed: 0 };
    const pipeline = this.redis.pipeline();
    const traceparent = traceparentOf();
    for (const [channel, bytes] of messages) pipeline.publish(channel, encodeFanoutMessage(bytes, traceparent));
    const results = (await pipeline.exec()) ?? [];
    const failed = results.filter(([error]) => error).length;
    return { published: messages.length - failed, failed };
  }
}

/**
 * What travels on a realtime channel: the frame's bytes, preceded by the publisher's W3C traceparent
 * and a space when there is one, so the realtime instances' sends join the message's trace. A frame
 * is JSON and starts with `{`; a traceparent never does.
 */
export function encodeFanoutMessage(frame: string, traceparent?: string): string {
  return traceparent ? `${traceparent} ${frame}` : frame;
}

export function decodeFanoutMessage(message: Buffer): { traceparent?: string; frame: Buffer } {
  if (message[0] === 0x7b /* { */) return { frame: message };
  const space = message.indexOf(0x20);
  if (space < 0) return { frame: message };
  return { traceparent: message.subarray(0, space).toString('latin1'), frame: message.subarray(space + 1) };
}
