import { OAUTH_PARAMETER_MAX_CHARS, storableText } from '@chat4all/contracts';
import { authV1 } from '@chat4all/proto';
import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { status } from '@grpc/grpc-js';
import { OAuthError, type OAuthErrorCode } from './oauth-error';
import { TokenService, type TokenPair } from './token.service';

const GRPC_STATUS: Record<OAuthErrorCode, status> = {
  invalid_request: status.INVALID_ARGUMENT,
  invalid_client: status.UNAUTHENTICATED,
  invalid_grant: status.FAILED_PRECONDITION,
  unauthorized_client: status.PERMISSION_DENIED,
  unsupported_grant_type: status.INVALID_ARGUMENT,
  invalid_scope: status.INVALID_ARGUMENT,
};

// OAuth errors cross gRPC as a status plus the RFC 6749 §5.2 body as JSON details, which the gateway
// renders unchanged.
async function oauth<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    throw new RpcException({ code: GRPC_STATUS[error.code], message: JSON.stringify({ error: error.code, error_description: error.description }) });
  }
}

// The gateway checks these parameters already; auth checks again because its SQL is where a NUL
// or a broken surrogate would fail (a 500 instead of invalid_request). Empty means absent.
const parameter = storableText({ min: 0, max: OAUTH_PARAMETER_MAX_CHARS });

function checkParameters(fields: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(fields)) {
    const issue = parameter.safeParse(value ?? '').error?.issues[0];
    if (issue) throw new OAuthError('invalid_request', `${name}: ${issue.message}`);
  }
}

const toToken = (p: TokenPair): authV1.Token => ({
  accessToken: p.accessToken,
  tokenType: p.tokenType,
  expiresIn: p.expiresIn,
  refreshToken: p.refreshToken,
  scope: p.scope,
});

@Controller()
export class TokenGrpcController {
  constructor(private readonly tokens: TokenService) {}

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'IssueToken')
  issueToken(req: authV1.IssueTokenRequest): Promise<authV1.IssueTokenResponse> {
    return oauth(async () => {
      checkParameters({ client_id: req.clientId, client_secret: req.clientSecret, scope: req.scope, remote_ip: req.remoteIp });
      return { token: toToken(await this.tokens.issue({ clientId: req.clientId, clientSecret: req.clientSecret }, req.scope || undefined, req.remoteIp || undefined)) };
    });
  }

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'RefreshToken')
  refreshToken(req: authV1.RefreshTokenRequest): Promise<authV1.RefreshTokenResponse> {
    return oauth(async () => {
      checkParameters({ refresh_token: req.refreshToken, client_id: req.clientId, remote_ip: req.remoteIp });
      return { token: toToken(await this.tokens.refresh(req.refreshToken, req.clientId || undefined, req.remoteIp || undefined)) };
    });
  }

  @GrpcMethod(authV1.AUTH_SERVICE_NAME, 'RevokeToken')
  revokeToken(req: authV1.RevokeTokenRequest): Promise<authV1.RevokeTokenResponse> {
    return oauth(async () => {
      checkParameters({ token: req.token, token_type_hint: req.tokenTypeHint, client_id: req.clientId, client_secret: req.clientSecret, remote_ip: req.remoteIp });
      await this.tokens.revoke(req.token, { clientId: req.clientId, clientSecret: req.clientSecret }, req.remoteIp || undefined);
      return {};
    });
  }
}
