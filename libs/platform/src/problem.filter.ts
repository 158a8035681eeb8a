import { PlatformProblems, type ProblemDetails, type ProblemType, problemTypeUri } from '@chat4all/contracts';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import { BaseRpcExceptionFilter, RpcException } from '@nestjs/microservices';
import type { Observable } from 'rxjs';
import { unavailableDependency } from './dependency-errors';
import { problemTypeForStatus } from './problem-types';
import { allowedMethods } from './route-methods';

// Domain errors carry their own stable problem type (declared once in a catalogue, see
// problem-types.ts); anything else gets the platform's type for its status.
export class ProblemException extends HttpException {
  readonly slug: string;
  readonly title: string;

  constructor(
    readonly problem: ProblemType,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
    /** Response headers that belong to this error (WWW-Authenticate, Retry-After, ...). */
    readonly headers: Record<string, string> = {},
  ) {
    super({ slug: problem.slug, title: problem.title, detail }, problem.status);
    this.slug = problem.slug;
    this.title = problem.title;
  }
}

const SERVICE_UNAVAILABLE_TYPE = problemTypeUri(PlatformProblems.serviceUnavailable);
/** What a 503 for an unavailable dependency tells the caller to wait before retrying. */
export const DEPENDENCY_RETRY_AFTER_SECONDS = 2;

interface StatusError {
  statusCode: number;
  message: string;
  code?: string;
}

const isStatusError = (e: unknown): e is StatusError =>
  typeof e === 'object' && e !== null && typeof (e as StatusError).statusCode === 'number';

const methodNotAllowed = (request: FastifyRequest, allow: string[]): ProblemDetails => ({
  type: problemTypeUri(PlatformProblems.methodNotAllowed),
  title: PlatformProblems.methodNotAllowed.title,
  status: PlatformProblems.methodNotAllowed.status,
  detail: `${request.method} is not allowed on this path; it allows ${allow.join(', ')}.`,
  instance: request.url,
});

// Every HTTP error is RFC 9457 application/problem+json (ARCHITECTURE §6). A 500 hides its cause from
// the caller and returns an error_id that is in the log line with the cause.
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger(ProblemDetailsFilter.name);
  private readonly rpc = new BaseRpcExceptionFilter();

  catch(exception: unknown, host: ArgumentsHost): Observable<unknown> | void {
    // gRPC: RpcException({code, message}) becomes that status; a dependency down becomes UNAVAILABLE
    // (the caller may retry: the gateway answers its client 503); anything else an opaque error.
    if (host.getType() !== 'http') return this.rpc.catch(this.toRpc(exception), host);
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    // A request the router found no route for (its 404, or an error Fastify raised before it, such as
    // a QUERY without Content-Type) on a path that has routes, only not for this method: 405 with Allow.
    const allow = request.is404 ? allowedMethods(request) : [];
    const problem = allow.length > 0 ? methodNotAllowed(request, allow) : this.toProblem(exception, request.url);
    if (allow.length > 0) void reply.header('allow', allow.join(', '));
    if (exception instanceof ProblemException) void reply.headers(exception.headers);
    if (problem.type === SERVICE_UNAVAILABLE_TYPE) void reply.header('retry-after', String(DEPENDENCY_RETRY_AFTER_SECONDS));
    void reply.status(problem.status).header('content-type', 'application/problem+json').send(problem);
  }

  private toRpc(exception: unknown): unknown {
    if (exception instanceof RpcException) return exception;
    const dependency = unavailableDependency(exception);
    if (dependency === undefined) return exception;
    this.logger.warn({ err: exception, dependency, message: 'gRPC call failed: a dependency is unavailable' });
    return new RpcException({ code: GrpcStatus.UNAVAILABLE, message: `a dependency is unavailable (${dependency}); retry later` });
  }

  private toProblem(exception: unknown, instance: string): ProblemDetails {
    if (exception instanceof ProblemException) {
      // Extensions come first: one named like a member of RFC 9457 (status, type...) never replaces it.
      return {
        ...exception.extensions,
        type: problemTypeUri(exception.problem),
        title: exception.title,
        status: exception.getStatus(),
        ...(exception.detail ? { detail: exception.detail } : {}),
        instance,
      };
    }
    const status = exception instanceof HttpException ? exception.getStatus() : isStatusError(exception) ? exception.statusCode : 500;
    if (status >= 500) {
      // A dependency down or timing out: the caller may retry the same request (503 + Retry-After).
      const dependency = unavailableDependency(exception);
      if (dependency !== undefined) {
        this.logger.warn({ err: exception, dependency, message: 'request failed: a dependency is unavailable' });
        return { type: SERVICE_UNAVAILABLE_TYPE, title: PlatformProblems.serviceUnavailable.title, status: 503, detail: `A service this request needs is unavailable (${dependency}); retry later.`, instance };
      }
      const errorId = randomUUID();
      this.logger.error({ err: exception, error_id: errorId, message: 'unhandled error' });
      return { type: problemTypeUri(PlatformProblems.internalError), title: PlatformProblems.internalError.title, status: 500, instance, error_id: errorId };
    }
    const detail = exception instanceof HttpException ? exception.message : (exception as StatusError).message;
    const kind = problemTypeForStatus(status);
    return { type: problemTypeUri(kind), title: kind.title, status, detail, instance };
  }
}
