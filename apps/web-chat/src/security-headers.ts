import type { FastifyHelmetOptions } from '@fastify/helmet';
import type { IncomingMessage } from 'node:http';

// A host header as browsers send it (name or IP literal, optional port): anything else is not put
// into the policy, so a forged Host cannot widen connect-src.
const HOST = /^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;

/**
 * The page's policy: scripts, styles, images and fonts from this origin only; fetches and the
 * WebSocket to this origin only (every API call is proxied here). connect-src names wss:// of the
 * same host explicitly, for browsers whose 'self' does not cover the WebSocket scheme.
 */
export const pageSecurityHeaders = (tls: boolean): FastifyHelmetOptions => ({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      connectSrc: ["'self'", (req: IncomingMessage) => sameHostWebSocket(req, tls)],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
  strictTransportSecurity: tls ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  referrerPolicy: { policy: 'no-referrer' },
  xFrameOptions: { action: 'deny' },
  crossOriginEmbedderPolicy: false,
});

function sameHostWebSocket(req: IncomingMessage, tls: boolean): string {
  const host = req.headers.host ?? '';
  return HOST.test(host) ? `${tls ? 'wss' : 'ws'}://${host}` : "'self'";
}
