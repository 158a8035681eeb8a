import type { Principal } from '@chat4all/auth-guard';
import { Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, switchMap, type Observable } from 'rxjs';
import { RateLimits } from './rate-limits';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const NOT_COUNTED = 'chat4all:not-a-write';

/**
 * The route is not counted as a write: a file chunk is part of one upload, which counted when it was
 * initiated (a 2 GiB file is 256 chunks); file-service bounds uploads by size and open uploads per user.
 */
export const NotCountedAsWrite = (): MethodDecorator => SetMetadata(NOT_COUNTED, true);

// FR-API-07/08: every state-changing request counts against its user (or, before authentication,
// its IP). An interceptor, because interceptors run after guards: the verified user is known here.
@Injectable()
export class WriteRateLimitInterceptor implements NestInterceptor {
  constructor(
    private readonly limits: RateLimits,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    if (!STATE_CHANGING.has(request.method) || this.reflector.get<boolean>(NOT_COUNTED, context.getHandler())) return next.handle();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const principal = request.principal;
    const subject = principal
      ? { key: `user:${principal.userId}`, userId: principal.userId, clientId: principal.clientId, ip: request.ip }
      : { key: `ip:${request.ip}`, ip: request.ip };
    return from(this.limits.enforce(this.limits.writes, subject, reply)).pipe(switchMap(() => next.handle()));
  }
}
