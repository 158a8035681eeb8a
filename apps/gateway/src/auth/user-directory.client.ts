import { authV1 } from '@chat4all/proto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AUTH_GRPC } from './auth-grpc.token';

const DEADLINE_MS = 2_000;

// The gateway's view of users, who live with auth (ARCHITECTURE §1): asked over gRPC
// (AuthService.GetActiveUsers). Auth unreachable or too slow is a gRPC UNAVAILABLE or a timeout,
// which the problem filter answers 503 service-unavailable with Retry-After: the request may be retried.
@Injectable()
export class UserDirectory implements OnModuleInit {
  private auth!: authV1.AuthServiceClient;

  constructor(@Inject(AUTH_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.auth = this.client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME);
  }

  /** The ids among `ids` (lower-case UUIDs, at most a conversation's members) that name no active user: unknown or disabled. */
  async inactiveAmong(ids: readonly string[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const { activeUserIds } = await firstValueFrom(this.auth.getActiveUsers({ userIds: [...ids] }).pipe(timeout(DEADLINE_MS)));
    const active = new Set(activeUserIds ?? []);
    return ids.filter((id) => !active.has(id));
  }
}
