import type { FastifyInstance, FastifyRequest } from 'fastify';
import { INTERNAL_ROUTES, isInternalRequest } from './internal-listener';

// Fastify answers a path it has routes for, asked with a method it has none for, as if the path did
// not exist (404). RFC 9110 §15.5.6 makes that 405 with an Allow header listing the methods the path
// has: the routes are recorded as they are added, so the problem filter can tell the two apart.

interface RecordedRoute {
  pattern: RegExp;
  methods: Set<string>;
}

// Keyed by the Node HTTP server, the one object every encapsulated Fastify context shares.
const ROUTES = new WeakMap<object, RecordedRoute[]>();

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// `:id` matches one segment, `:id(regex)` what the regex does, `*` the rest of the path; everything else literally.
const toSegment = (segment: string): string => {
  const constrained = /^:\w+\((.+)\)$/.exec(segment);
  if (constrained) return `(?:${constrained[1]})`;
  return segment.startsWith(':') ? '[^/]+' : segment === '*' ? '.*' : escapeRegExp(segment);
};
const toPattern = (url: string): RegExp => new RegExp(`^${url.split('/').map(toSegment).join('/')}$`);

/** Records every route's methods from now on (call before the routes are registered). */
export function recordRouteMethods(fastify: FastifyInstance): void {
  const routes: RecordedRoute[] = [];
  ROUTES.set(fastify.server, routes);
  fastify.addHook('onRoute', (route) => {
    // Health and metrics stay unknown on the public port, whatever the method (internal-listener.ts).
    if (INTERNAL_ROUTES.has(route.url)) return;
    const methods = [route.method].flat().map((m) => m.toUpperCase());
    const known = routes.find((r) => r.pattern.source === toPattern(route.url).source);
    if (known) methods.forEach((m) => known.methods.add(m));
    else routes.push({ pattern: toPattern(route.url), methods: new Set(methods) });
  });
}

/**
 * For a request the router found no route for: the methods its path does have, sorted (the Allow
 * header of a 405). Empty when the path has none, or has this method (a 404 for another reason), or
 * when the request came in on the internal listener, which serves no API route whatever the method.
 */
export function allowedMethods(request: FastifyRequest): string[] {
  if (isInternalRequest(request.raw)) return [];
  const path = request.url.split('?', 1)[0] ?? '';
  const methods = new Set<string>();
  for (const route of ROUTES.get(request.server.server) ?? []) if (route.pattern.test(path)) route.methods.forEach((m) => methods.add(m));
  return methods.has(request.method) ? [] : [...methods].sort();
}
