import { ProblemException } from '@chat4all/platform';
import { authV1 } from '@chat4all/proto';
import { Body, Controller, Headers, HttpCode, Inject, Ip, Logger, Post, Res, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { status as GrpcStatus } from '@grpc/grpc-js';
import type { FastifyReply } from 'fastify';
import { firstValueFrom, timeout, type Observable } from 'rxjs';
import { RateLimits } from '../rate-limit/rate-limits';
import { AUTH_GRPC } from './auth-grpc.token';
import { bodyOf, clientAuth, OAuthRequestError, param, type ClientAuth } from './oauth-request';

const AUTH_DEADLINE_MS = 5_000;

interface OAuthErrorBody {
  error: string;
  error_description: string;
}

interface TokenBody {
  access_token: string;
  token_type: string;
  expires_in: number;
  refresh_token: string;
  scope: string;
}

const toBody = (t: authV1.Token | undefined): TokenBody => ({
  access_token: t?.accessToken ?? '',
  token_type: t?.tokenType ?? 'Bearer',
  expires_in: t?.expiresIn ?? 0,
  refresh_token: t?.refreshToken ?? '',
  scope: t?.scope ?? '',
});

// POST /auth/token, /auth/refresh, /auth/revoke: OAuth 2.0 as integrators know it. Errors here use the
// RFC 6749 §5.2 body ({error, error_description}), not problem+json, because OAuth clients parse it.
@Controller('auth')
export class OAuthController implements OnModuleInit {
  private auth!: authV1.AuthServiceClient;
  private readonly logger = new Logger(OAuthController.name);

  constructor(
    @Inject(AUTH_GRPC) private readonly client: ClientGrpc,
    private readonly limits: RateLimits,
  ) {}

  onModuleInit(): void {
    this.auth = this.client.getService<authV1.AuthServiceClient>(authV1.AUTH_SERVICE_NAME);
  }

  @Post('token')
  @HttpCode(200)
  token(@Body() raw: unknown, @Headers('authorization') authorization: string | undefined, @Ip() ip: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.respond(reply, async (creds) => {
      const body = bodyOf(raw);
      const grant = param(body, 'grant_type');
      if (!grant) throw new OAuthRequestError('invalid_request', 'grant_type is required');
      const auth = clientAuth(authorization, body);
      creds.viaBasic = auth.viaBasic;
      if (grant === 'refresh_token') return this.refresh(body, auth, ip);
      if (grant !== 'client_credentials') throw new OAuthRequestError('unsupported_grant_type', `grant_type ${grant} is not supported`);
      if (auth.clientId) {
        await this.limits.enforce(this.limits.tokenPerClient, { key: `client:${auth.clientId}`, clientId: auth.clientId, ip }, reply);
      }
      const { token } = await this.call(
        this.auth.issueToken({ clientId: auth.clientId ?? '', clientSecret: auth.clientSecret ?? '', scope: param(body, 'scope') ?? '', remoteIp: ip }),
      );
      return toBody(token);
    });
  }

  @Post('refresh')
  @HttpCode(200)
  refreshToken(@Body() raw: unknown, @Headers('authorization') authorization: string | undefined, @Ip() ip: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.respond(reply, (creds) => {
      const body = bodyOf(raw);
      const grant = param(body, 'grant_type') ?? 'refresh_token';
      if (grant !== 'refresh_token') throw new OAuthRequestError('unsupported_grant_type', 'this endpoint takes grant_type=refresh_token');
      const auth = clientAuth(authorization, body);
      creds.viaBasic = auth.viaBasic;
      return this.refresh(body, auth, ip);
    });
  }

  @Post('revoke')
  @HttpCode(200)
  revoke(@Body() raw: unknown, @Headers('authorization') authorization: string | undefined, @Ip() ip: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.respond(reply, async (creds) => {
      const body = bodyOf(raw);
      const token = param(body, 'token');
      if (!token) throw new OAuthRequestError('invalid_request', 'token is required');
      const auth = clientAuth(authorization, body);
      creds.viaBasic = auth.viaBasic;
      await this.call(this.auth.revokeToken({ token, tokenTypeHint: param(body, 'token_type_hint') ?? '', clientId: auth.clientId ?? '', clientSecret: auth.clientSecret ?? '', remoteIp: ip }));
      return {};
    });
  }

  private async refresh(body: Record<string, unknown>, auth: ClientAuth, ip: string): Promise<TokenBody> {
    const refreshToken = param(body, 'refresh_token');
    if (!refreshToken) throw new OAuthRequestError('invalid_request', 'refresh_token is required');
    const { token } = await this.call(this.auth.refreshToken({ refreshToken, clientId: auth.clientId ?? '', remoteIp: ip }));
    return toBody(token);
  }

  private call<T>(observable: Observable<T>): Promise<T> {
    return firstValueFrom(observable.pipe(timeout(AUTH_DEADLINE_MS)));
  }

  // Token responses must not be cached (RFC 6749 §5.1); errors keep the OAuth shape and status.
  private async respond<T>(reply: FastifyReply, work: (creds: { viaBasic: boolean }) => Promise<T>): Promise<T | OAuthErrorBody> {
    void reply.header('cache-control', 'no-store').header('pragma', 'no-cache');
    const creds = { viaBasic: false };
    try {
      return await work(creds);
    } catch (error) {
      // Rate limits and outages answer problem+json like the rest of the API.
      if (error instanceof ProblemException) throw error;
      const { status, body } = toOAuthError(error);
      if (status >= 500) this.logger.error({ err: error, message: `token endpoint answered ${status}` });
      if (status === 401) void reply.header('www-authenticate', creds.viaBasic ? 'Basic realm="chat4all"' : 'Bearer realm="chat4all"');
      void reply.status(status);
      return body;
    }
  }
}

function toOAuthError(error: unknown): { status: number; body: OAuthErrorBody } {
  if (error instanceof OAuthRequestError) return { status: error.status, body: { error: error.error, error_description: error.description } };
  const grpc = error as { code?: number; details?: string };
  if (typeof grpc.code === 'number' && grpc.details?.startsWith('{')) {
    const body = JSON.parse(grpc.details) as OAuthErrorBody;
    return { status: body.error === 'invalid_client' ? 401 : 400, body };
  }
  if (grpc.code === GrpcStatus.UNAVAILABLE || grpc.code === GrpcStatus.DEADLINE_EXCEEDED || (error as Error).name === 'TimeoutError') {
    return { status: 503, body: { error: 'temporarily_unavailable', error_description: 'the authorization server is unavailable; retry shortly' } };
  }
  return { status: 500, body: { error: 'server_error', error_description: 'unexpected error' } };
}
