import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The security headers of every HTTP response, in one policy: @fastify/helmet applies it to what
 * Fastify answers, helmet itself to the few responses written before Fastify routes a request (the
 * start-up server, malformed URLs). Nothing served here is a page: JSON, problem+json, Prometheus
 * text and WebSocket upgrades. So the CSP forbids every kind of content and any framing, and no
 * Referer leaves for links found in a response.
 */
export const securityHeaderOptions = (tls: boolean): HelmetOptions => ({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  // Browsers honour HSTS only from an HTTPS response. Behind a proxy that terminates TLS (the
  // Ingress), the proxy sets it.
  strictTransportSecurity: tls ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
  referrerPolicy: { policy: 'no-referrer' },
  // frame-ancestors for current browsers, X-Frame-Options for older ones.
  xFrameOptions: { action: 'deny' },
});

/**
 * The one page the platform serves (the gateway's /docs, Swagger UI): its own scripts and styles only
 * (Swagger UI sets inline styles), and calls to its own origin (/openapi.json, "Try it out").
 */
export const DOCS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export type ApplySecurityHeaders = (req: IncomingMessage, res: ServerResponse) => void;

/** Sets the policy's headers on a raw Node response (one written outside Fastify's request lifecycle). */
export function rawSecurityHeaders(tls: boolean): ApplySecurityHeaders {
  const middleware = helmet(securityHeaderOptions(tls));
  // helmet's middleware sets the headers synchronously and then calls next, which has nothing to do.
  return (req, res) => middleware(req, res, () => undefined);
}
