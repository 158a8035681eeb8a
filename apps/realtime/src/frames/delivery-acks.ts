import { ServerFrames } from '@chat4all/contracts';
import { Logger } from '@nestjs/common';
import type { ClientConnection } from '../connections/client-connection';
import type { ConnectionHub } from '../connections/connection-hub';
import type { MessagingClient } from '../connections/messaging.client';

interface InFlight {
  /** The highest seq acknowledged while a call was in flight: sent next, in one call. */
  next?: number;
}

// `ack` frames (FR-RT-03): the client received a conversation up to a seq. The gateway records it
// (AcknowledgeDelivery: the member's delivery horizon, then conversation.delivered → the worker marks
// the messages DELIVERED). One call at a time per connection and conversation; acks arriving
// meanwhile collapse into the highest, so a burst of messages costs at most two calls.
export class DeliveryAcks {
  private readonly logger = new Logger(DeliveryAcks.name);
  private readonly inFlight = new WeakMap<ClientConnection, Map<string, InFlight>>();

  constructor(
    private readonly messaging: Pick<MessagingClient, 'acknowledgeDelivery'>,
    private readonly hub: Pick<ConnectionHub, 'follows'>,
  ) {}

  ack(connection: ClientConnection, conversationId: string, seq: number): void {
    if (!this.hub.follows(connection, conversationId)) {
      connection.send(ServerFrames.ackFailed(conversationId, 'not one of your conversations'));
      return;
    }
    let calls = this.inFlight.get(connection);
    if (!calls) this.inFlight.set(connection, (calls = new Map<string, InFlight>()));
    const running = calls.get(conversationId);
    if (running) {
      running.next = Math.max(running.next ?? 0, seq);
      return;
    }
    calls.set(conversationId, {});
    void this.record(connection, calls, conversationId, seq);
  }

  private async record(connection: ClientConnection, calls: Map<string, InFlight>, conversationId: string, seq: number): Promise<void> {
    try {
      if (!(await this.messaging.acknowledgeDelivery(connection.userId, conversationId, seq))) {
        connection.send(ServerFrames.ackFailed(conversationId, 'not one of your conversations'));
      }
    } catch (error) {
      this.logger.warn({ err: error, conversation_id: conversationId, message: 'delivery acknowledgement not recorded' });
      connection.send(ServerFrames.ackFailed(conversationId, 'the acknowledgement could not be recorded now; send it again'));
    }
    const next = calls.get(conversationId)?.next;
    if (next !== undefined && next > seq) {
      calls.set(conversationId, {});
      return this.record(connection, calls, conversationId, next);
    }
    calls.delete(conversationId);
  }
}
