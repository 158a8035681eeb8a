import { createEnvelope, EventTypes, isUuid, Topics, type ConversationDelivered, type ConversationRead } from '@chat4all/contracts';
import { OutboxWriter } from '@chat4all/outbox';
import { PlatformProblems, ProblemException } from '@chat4all/platform';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { conversationNotFound } from './conversation-errors';
import { ConversationsRepository } from './conversations.repository';

export interface ReadHorizonMove {
  conversation_id: string;
  read_seq: number;
  unread_count: number;
}

export interface AdvanceOptions {
  /** Where to move the horizon; the latest message when absent. */
  to?: number;
  /** The seq of the member's own message that makes this move (the write path), if any. */
  ownSeq?: number;
  /** When it happened; now when absent. */
  at?: Date;
}

// A member's read and delivery horizons (FR-API-05/06, FR-RT-03): they only move forward, never past
// the last message, and each move writes, in the same transaction, the conversation.read or
// conversation.delivered event that tells the others (the worker turns them into READ and DELIVERED).
// Reading implies having received: a read move carries the delivery horizon along.
@Injectable()
export class ReadHorizonService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly conversations: ConversationsRepository,
    private readonly outbox: OutboxWriter,
  ) {}

  /** POST /v1/conversations/{id}/read: to up_to_seq or the latest message. */
  async markRead(callerId: string, conversationId: string, upToSeq: number | undefined): Promise<ReadHorizonMove> {
    if (!isUuid(conversationId)) throw conversationNotFound(conversationId);
    return this.dataSource.transaction((tx) => this.advance(tx, conversationId, callerId, { to: upToSeq }));
  }

  /**
   * Moves the member's horizon inside `tx` (locking their row), in one statement: it runs on the
   * write path, inside the conversation's seq lock. No event when nothing moved, nor when
   * the move covers only the member's own new message: nobody else's message became read.
   */
  async advance(tx: EntityManager, conversationId: string, userId: string, options: AdvanceOptions = {}): Promise<ReadHorizonMove> {
    const horizon = await this.conversations.advanceReadSeq(tx, conversationId, userId, options.to);
    if (!horizon) throw conversationNotFound(conversationId);
    const { lastSeq, previous } = horizon;
    const target = options.to ?? lastSeq;
    // Past the last message: nothing moved; refused.
    if (target > lastSeq) {
      throw new ProblemException(PlatformProblems.invalidRequest, `up_to_seq ${target} is beyond the last message (seq ${lastSeq}).`, {
        errors: [{ field: 'up_to_seq', message: `must be at most ${lastSeq}` }],
      });
    }
    if (target <= previous) return { conversation_id: conversationId, read_seq: previous, unread_count: lastSeq - previous };
    if (!(options.ownSeq === target && previous === target - 1)) {
      const read: ConversationRead = { conversation_id: conversationId, user_id: userId, read_seq: target, previous_read_seq: previous, at: (options.at ?? new Date()).toISOString() };
      await this.outbox.append(tx, Topics.conversationsRead, conversationId, createEnvelope(EventTypes.conversationRead, conversationId, read));
    }
    return { conversation_id: conversationId, read_seq: target, unread_count: lastSeq - target };
  }

  /**
   * The WebSocket `ack` (through realtime): the member's client received every message up to `seq`.
   * Undefined if not a member; the horizon after the move otherwise (unchanged by an old ack).
   */
  async acknowledgeDelivery(userId: string, conversationId: string, seq: number): Promise<number | undefined> {
    if (!isUuid(conversationId) || !isUuid(userId)) return undefined;
    return this.dataSource.transaction(async (tx) => {
      const horizon = await this.conversations.advanceDeliveredSeq(tx, conversationId, userId, seq);
      if (!horizon) return undefined;
      if (horizon.current > horizon.previous) {
        const delivered: ConversationDelivered = {
          conversation_id: conversationId,
          user_id: userId,
          delivered_seq: horizon.current,
          previous_delivered_seq: horizon.previous,
          at: new Date().toISOString(),
        };
        await this.outbox.append(tx, Topics.conversationsDelivered, conversationId, createEnvelope(EventTypes.conversationDelivered, conversationId, delivered));
      }
      return horizon.current;
    });
  }
}
