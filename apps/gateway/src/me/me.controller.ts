import { BearerAuthGuard, CurrentPrincipal, RequireScopes, type Principal } from '@chat4all/auth-guard';
import { Controller, Get, UseGuards } from '@nestjs/common';

// Who the token says the caller is: the smallest protected route, handy for integrators to check a token.
@Controller('v1/me')
@UseGuards(BearerAuthGuard)
export class MeController {
  @Get()
  @RequireScopes('read')
  me(@CurrentPrincipal() principal: Principal) {
    return {
      user_id: principal.userId,
      client_id: principal.clientId,
      tenant_id: principal.tenantId,
      scopes: principal.scopes,
      token_expires_at: principal.expiresAt.toISOString(),
    };
  }
}
