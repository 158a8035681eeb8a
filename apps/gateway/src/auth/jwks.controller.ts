import { ProblemException } from '@chat4all/platform';
import { authV1 } from '@chat4all/proto';
import { Controller, Get, Header, Inject, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import { AUTH_GRPC } from './auth-grpc.token';
import { AuthProblems } from '@chat4all/auth-guard';

const AUTH_DEADLINE_MS = 2_000;

// Public JWKS (RFC 7517), served by the gateway from the auth app over gRPC (ARCHITECTURE §3a).
@Controller('.well-known')
export class JwksController implements OnModuleInit {
  private auth!: authV1.AuthServiceClient;

  constructor(@Inject(AUTH_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.auth = this.client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME);
  }

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  async jwks(): Promise<{ keys: authV1.Jwk[] }> {
    try {
      const { keys } = await firstValueFrom(this.auth.getJwks({}).pipe(timeout(AUTH_DEADLINE_MS)));
      return { keys };
    } catch {
      throw new ProblemException(AuthProblems.authUnavailable, 'The auth service did not answer with the signing keys; retry shortly.');
    }
  }
}
