import { ServerFrames, type MemberHorizons } from '@chat4all/contracts';
import type { messagingV1 } from '@chat4all/proto';
import { Logger } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import type { ConnectionHub } from '../connections/connection-hub';
import type { MessagingClient } from '../connections/messaging.client';

export const HISTORY_PAGE = 500;

/**
 * Resume (FR-RT-06): replays a conversation from the durable log after the client's last seq, then
 * lets live frames through. Live frames that arrive meanwhile wait, and those the replay already
 * covered are dropped, so the client sees every message once, in seq order.
 */
export class ConversationResume {
  private readonly logger = new Logger(ConversationResume.name);

  constructor(
    private readonly messaging: Pick<MessagingClient, 'history'>,
    private readonly hub: Pick<ConnectionHub, 'follows'>,
  ) {}

  /**
   * Two resumes of one conversation on one connection run one after the other: run together, the
   * second would take over the first's held-back frames, and the live frames held for the first
   * (message.status, conversation.read: not in the replay) would never be sent.
   */
  resume(connection: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    const previous = connection.resumes.get(conversationId) ?? Promise.resolve();
    const run = previous
      .then(() => this.replay(connection, conversationId, afterSeq))
      .catch((error: unknown) => this.logger.warn({ err: error, conversation_id: conversationId, message: 'resume failed' }))
      .finally(() => {
        if (connection.resumes.get(conversationId) === run) connection.resumes.delete(conversationId);
      });
    connection.resumes.set(conversationId, run);
    return run;
  }

  private async replay(connection: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    if (!this.hub.follows(connection, conversationId)) {
      connection.send(ServerFrames.resumeNotFound(conversationId));
      return;
    }
    connection.replaying.set(conversationId, []);
    connection.sentSeq.set(conversationId, afterSeq);
    let last = afterSeq;
    let horizons: MemberHorizons = { readSeqs: {}, deliveredSeqs: {} };
    try {
      for (;;) {
        const page = await this.messaging.history(connection.userId, conversationId, last, HISTORY_PAGE);
        horizons = horizonsOf(page.readHorizons ?? []); // set on the last page
        if (page.resetRequired) {
          connection.send(ServerFrames.resumeTooFarBehind(conversationId, Number(page.lastSeq), horizons));
          last = Number(page.lastSeq);
          break;
        }
        for (const m of page.messages ?? []) {
          const seq = Number(m.seq);
          connection.send(
            ServerFrames.messageCreated(conversationId, seq, { message_id: m.messageId, sender_id: m.senderId, payload: JSON.parse(m.payloadJson) as unknown, created_at: m.createdAt }),
          );
          last = seq;
        }
        if ((page.messages ?? []).length < HISTORY_PAGE) break;
      }
      // Read and delivery marks that moved while the client was away (conversation.read and
      // conversation.delivered, and the statuses they imply, are not replayed one by one).
      connection.send(ServerFrames.resumeDone(conversationId, last, horizons));
    } catch (error) {
      this.logger.warn({ err: error, conversation_id: conversationId, message: 'resume failed' });
      connection.send(ServerFrames.resumeFailed(conversationId));
    } finally {
      const waiting = connection.replaying.get(conversationId) ?? [];
      connection.replaying.delete(conversationId);
      connection.sentSeq.set(conversationId, Math.max(last, connection.sentSeq.get(conversationId) ?? 0));
      for (const held of waiting) connection.deliver(conversationId, held.type, held.seq, held.bytes, held.acceptedAt);
    }
  }
}

function horizonsOf(members: readonly messagingV1.ReadHorizon[]): MemberHorizons {
  return {
    readSeqs: Object.fromEntries(members.map((h) => [h.userId, Number(h.readSeq)])),
    deliveredSeqs: Object.fromEntries(members.map((h) => [h.userId, Number(h.deliveredSeq)])),
  };
}
