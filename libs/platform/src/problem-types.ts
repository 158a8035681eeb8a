import { problemType } from '@chat4all/contracts';

/**
 * One kind of error a client can get: its stable `type` (https://chat4all.dev/problems/<slug>), HTTP
 * status and title. Each domain declares its kinds once, in a `*.problems.ts` catalogue, and throws
 * `new ProblemException(Catalogue.kind, detail)`; docs/api.md lists every catalogue (a test checks it).
 */
export interface ProblemType {
  readonly slug: string;
  readonly status: number;
  readonly title: string;
}

/** Declares a domain's problem types (keeps the literal types, checks the shape). */
export const defineProblemTypes = <const T extends Record<string, ProblemType>>(types: T): T => types;

/** The `type` URI a problem of this kind carries. */
export const problemTypeUri = (type: ProblemType): string => problemType(type.slug);

// What any app can answer: malformed input, errors raised before routing, and outages.
export const PlatformProblems = defineProblemTypes({
  invalidRequest: { slug: 'invalid-request', status: 400, title: 'Invalid request' },
  badRequest: { slug: 'bad-request', status: 400, title: 'Bad request' },
  unauthorized: { slug: 'unauthorized', status: 401, title: 'Authentication required' },
  forbidden: { slug: 'forbidden', status: 403, title: 'Forbidden' },
  notFound: { slug: 'not-found', status: 404, title: 'Not found' },
  methodNotAllowed: { slug: 'method-not-allowed', status: 405, title: 'Method not allowed' },
  notAcceptable: { slug: 'not-acceptable', status: 406, title: 'Not acceptable' },
  requestTimeout: { slug: 'request-timeout', status: 408, title: 'Request timeout' },
  conflict: { slug: 'conflict', status: 409, title: 'Conflict' },
  payloadTooLarge: { slug: 'payload-too-large', status: 413, title: 'Payload too large' },
  uriTooLong: { slug: 'uri-too-long', status: 414, title: 'URI too long' },
  unsupportedMediaType: { slug: 'unsupported-media-type', status: 415, title: 'Unsupported media type' },
  validationFailed: { slug: 'validation-failed', status: 422, title: 'Validation failed' },
  rateLimited: { slug: 'rate-limited', status: 429, title: 'Too many requests' },
  requestHeaderFieldsTooLarge: { slug: 'request-header-fields-too-large', status: 431, title: 'Request header fields too large' },
  internalError: { slug: 'internal-error', status: 500, title: 'Internal server error' },
  serviceUnavailable: { slug: 'service-unavailable', status: 503, title: 'Service unavailable' },
  serviceStarting: { slug: 'service-starting', status: 503, title: 'Service is starting' },
});

// The type a bare HTTP status maps to (framework errors that carry none): the first platform type of
// that status, leaving out the two that only our own code raises on purpose.
const BY_STATUS = new Map<number, ProblemType>();
for (const p of Object.values(PlatformProblems)) {
  if (p !== PlatformProblems.invalidRequest && p !== PlatformProblems.serviceStarting && !BY_STATUS.has(p.status)) BY_STATUS.set(p.status, p);
}

/** The platform's problem type for a bare HTTP status (framework errors that carry no type of their own). */
export const problemTypeForStatus = (status: number): ProblemType => BY_STATUS.get(status) ?? PlatformProblems.badRequest;
