import { authV1 } from '@chat4all/proto';
import type { JSONWebKeySet } from 'jose';
import { firstValueFrom, timeout } from 'rxjs';
import type { JwksSource } from './token-verifier';

// Public keys come from auth's AuthService.GetJwks (internal gRPC), cached by the verifier.
export class GrpcJwksSource implements JwksSource {
  constructor(
    private readonly auth: authV1.AuthServiceClient,
    private readonly deadlineMs = 2_000,
  ) {}

  async fetch(): Promise<JSONWebKeySet> {
    const { keys } = await firstValueFrom(this.auth.getJwks({}).pipe(timeout(this.deadlineMs)));
    return { keys: keys.map((k) => ({ ...k })) };
  }
}
