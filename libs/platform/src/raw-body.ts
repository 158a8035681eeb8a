import { RouteConfig } from '@nestjs/platform-fastify';
import { errorCodes, type FastifyInstance, type onRequestHookHandler } from 'fastify';

interface RawBodyRouteConfig {
  rawBody?: boolean;
}

/**
 * The route's `request.body` is the bytes received (a Buffer; undefined when there were none),
 * whatever the Content-Type, or none, and never parsed. The route code finds the Content-Type the
 * request came with in `request.raw.headers`. Takes effect in apps started with
 * `runService({ rawBodyLimitBytes })`, which is also the size limit of such bodies.
 */
export const RawBody = (): MethodDecorator => RouteConfig({ rawBody: true } satisfies RawBodyRouteConfig);

const marksRawBody = (config: unknown): boolean => (config as RawBodyRouteConfig | undefined)?.rawBody === true;

// Fastify picks a body parser by Content-Type before any route code runs, from the parsers of the
// instance Nest registers every route on: a JSON body would be parsed, and a malformed one refused,
// before its webhook signature could be checked. So a @RawBody() route's Content-Type is hidden from
// that choice (request.headers overrides it; request.raw.headers keeps it), its body always reaches
// the catch-all parser, which hands it over as bytes, and the route has its own body limit.
const hideContentType: onRequestHookHandler = (request, _reply, done) => {
  request.headers = { 'content-type': undefined };
  done();
};

/** Installs @RawBody() for the routes registered from now on (before `app.init()`). */
export function acceptRawBodies(fastify: FastifyInstance, limitBytes: number): void {
  fastify.addHook('onRoute', (route) => {
    if (!marksRawBody(route.config)) return;
    route.bodyLimit = limitBytes;
    route.onRequest = [...[route.onRequest ?? []].flat(), hideContentType];
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => {
    if (marksRawBody(request.routeOptions.config)) return done(null, body);
    // Every other route gets what Fastify answers when no parser takes a body: nothing for an
    // unknown path (its 404 follows), 415 otherwise.
    if (request.is404) return done(null, undefined);
    done(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE());
  });
}
