import type { Principal } from '@chat4all/auth-guard';
import { ProblemException } from '@chat4all/platform';
import { HttpStatus, Injectable, SetMetadata, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { catchError, concatMap, from, of, switchMap, type Observable } from 'rxjs';
import { IdempotencyStore } from './idempotency-store';
import { IdempotencyProblems } from '@chat4all/contracts';

export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
const KEY_PATTERN = new RegExp(`^[\\x21-\\x7e]{1,${IDEMPOTENCY_KEY_MAX_LENGTH}}$`);

const STREAMED_AS_IS = Symbol('idempotency:streamed-as-is');
/**
 * A route whose request and answer the gateway streams through unchanged (file-service's upload API):
 * it never holds the body or the answer, so it can neither hash the one nor keep the other, and
 * Idempotency-Key does not apply (the OpenAPI document says so per operation).
 */
export const StreamedAsIs = (): MethodDecorator => SetMetadata(STREAMED_AS_IS, true);

const invalidKey = () =>
  new ProblemException(IdempotencyProblems.invalidIdempotencyKey, `Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters.`);

// Idempotency-Key on every authenticated POST (NFR-016; draft-ietf-httpapi-idempotency-key-header):
// the first successful response is stored for 24 h and replayed, with Idempotent-Replayed: true, to
// any retry of the same request; the same key on a different request → 422; while the first is still
// running → 409. A failed request stores nothing, so it can be retried with the same key.
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly store: IdempotencyStore,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest & { principal?: Principal }>();
    const header = request.headers['idempotency-key'];
    if (request.method !== 'POST' || header === undefined || !request.principal) return next.handle();
    if (this.reflector.get<boolean>(STREAMED_AS_IS, context.getHandler())) return next.handle();
    if (typeof header !== 'string' || !KEY_PATTERN.test(header)) throw invalidKey();
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    const userId = request.principal.userId;
    const hash = createHash('sha256').update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`).digest('base64url');
    const statusCode = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler()) ?? HttpStatus.CREATED;

    return from(this.store.claim(userId, header, hash)).pipe(
      switchMap((claim) => {
        switch (claim.kind) {
          case 'replay':
            void reply.status(claim.statusCode).header('idempotent-replayed', 'true');
            return of(claim.body);
          case 'mismatch':
            throw new ProblemException(IdempotencyProblems.idempotencyKeyReused, 'This Idempotency-Key was already used for a different request.');
          case 'in-flight':
            throw new ProblemException(IdempotencyProblems.idempotencyKeyInFlight, 'A request with this Idempotency-Key is still being processed; retry later.', {}, { 'retry-after': '1' });
          case 'new':
            return next.handle().pipe(
              concatMap((body: unknown) => from(this.store.complete(userId, header, statusCode, body).then(() => body))),
              catchError((error: unknown) => from(this.store.release(userId, header)).pipe(concatMap(() => Promise.reject(error as Error)))),
            );
        }
      }),
    );
  }
}
