import { ProblemException } from '@chat4all/platform';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FileProblems } from '@chat4all/contracts';
import { TUS_VERSION } from './tus-headers';

// tus 1.0.0 §Tus-Resumable: every response carries it (errors too: the header is set before any other
// check can fail), and every request but OPTIONS must name the version this server speaks.
@Injectable()
export class TusResumableGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    void http.getResponse<FastifyReply>().header('tus-resumable', TUS_VERSION);
    if (request.method === 'OPTIONS') return true;
    const version = request.headers['tus-resumable'];
    if (version !== TUS_VERSION) {
      throw new ProblemException(
        FileProblems.tusVersionUnsupported,
        version === undefined ? `Send Tus-Resumable: ${TUS_VERSION}.` : `Tus-Resumable ${String(version)} is not supported; this server speaks ${TUS_VERSION}.`,
        { supported_versions: [TUS_VERSION] },
        { 'tus-version': TUS_VERSION },
      );
    }
    return true;
  }
}
