import type { FastifyInstance } from 'fastify';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { closeNow, listenOn, type ListenAddress } from './node-server';

/** What only probes and Prometheus call: served on the internal listener, and nowhere else. */
export const INTERNAL_ROUTES: ReadonlySet<string> = new Set(['/health/live', '/health/ready', '/metrics']);

const internalRequests = new WeakSet<IncomingMessage>();

/** Whether a request came in on the internal listener. */
export const isInternalRequest = (req: IncomingMessage): boolean => internalRequests.has(req);

// Each listener serves only its own routes; the other's answer 404 like any unknown path, so the
// public port does not even reveal that /metrics exists. Decided on the route Fastify matched, not on
// the raw URL, so that an encoded spelling of a path (/%6detrics) cannot slip through.
export function separateListeners(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    const route = request.routeOptions.url;
    const internalRoute = route !== undefined && INTERNAL_ROUTES.has(route);
    // (An unknown path is already on its way to the 404 handler, on either listener.)
    if (!request.is404 && internalRoute !== isInternalRequest(request.raw)) {
      // The app's own 404 (problem+json through the exception filter); the lifecycle ends here.
      reply.callNotFound();
      return;
    }
    done();
  });
}

/**
 * The internal listener: a plain HTTP server on its own port that hands its requests to the app's
 * Fastify instance, so health and metrics keep the app's dependency checks, hooks and latency
 * histogram, while the public port (TLS, the API) never serves them. It closes with the app.
 */
export class InternalListener {
  private readonly server: Server;

  constructor(private readonly fastify: FastifyInstance) {
    this.server = createServer((req, res) => {
      internalRequests.add(req);
      fastify.routing(req, res);
    });
    fastify.addHook('onClose', async () => closeNow(this.server));
  }

  /** Listens once Fastify has its routes (after the Nest app's init). */
  async listen(address: ListenAddress): Promise<void> {
    await this.fastify.ready();
    await listenOn(this.server, address);
  }
}
