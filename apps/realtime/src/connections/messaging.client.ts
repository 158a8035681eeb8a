import { messagingV1 } from '@chat4all/proto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { firstValueFrom, timeout } from 'rxjs';

export const MESSAGING_GRPC = Symbol('MESSAGING_GRPC');
const DEADLINE_MS = 5000;

// gateway's MessagingService: the durable log that resume replays, a user's conversations, and
// where delivery acknowledgements are recorded.
@Injectable()
export class MessagingClient implements OnModuleInit {
  private service!: messagingV1.MessagingServiceClient;

  constructor(@Inject(MESSAGING_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<messagingV1.MessagingServiceClient>(messagingV1.MESSAGING_SERVICE_NAME);
  }

  async memberships(userId: string): Promise<string[]> {
    return (await firstValueFrom(this.service.listMemberships({ userId }).pipe(timeout(DEADLINE_MS)))).conversationIds ?? [];
  }

  /** Records that the user's client received the conversation up to seq; false if not a member. */
  async acknowledgeDelivery(userId: string, conversationId: string, seq: number): Promise<boolean> {
    try {
      await firstValueFrom(this.service.acknowledgeDelivery({ userId, conversationId, seq: String(seq) }).pipe(timeout(DEADLINE_MS)));
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === status.NOT_FOUND) return false;
      throw error;
    }
  }

  history(userId: string, conversationId: string, afterSeq: number, limit: number): Promise<messagingV1.GetHistoryResponse> {
    return firstValueFrom(this.service.getHistory({ userId, conversationId, afterSeq: String(afterSeq), limit }).pipe(timeout(DEADLINE_MS)));
  }
}
