import { messagingV1 } from '@chat4all/proto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';

export const MESSAGING_GRPC = Symbol('MESSAGING_GRPC');
const DEADLINE_MS = 5000;

// gateway's MessagingService: the durable log that resume replays, and a user's conversations.
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

  history(userId: string, conversationId: string, afterSeq: number, limit: number): Promise<messagingV1.GetHistoryResponse> {
    return firstValueFrom(this.service.getHistory({ userId, conversationId, afterSeq: String(afterSeq), limit }).pipe(timeout(DEADLINE_MS)));
  }
}
