import { problemType } from '../problem';

/**
 * One kind of error a client can get: its stable `type` (https://chat4all.dev/problems/<slug>), HTTP
 * status and title. Every public problem type is declared once, here, in its domain's catalogue: the
 * apps throw `new ProblemException(Catalogue.kind, detail)`, the OpenAPI document lists per operation
 * the kinds it can answer, and docs/api.md describes each (a test checks both).
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

// What a protected route answers about its caller's credentials (a missing token is the platform's
// `unauthorized`).
export const AuthProblems = defineProblemTypes({
  invalidToken: { slug: 'invalid-token', status: 401, title: 'Invalid access token' },
  insufficientScope: { slug: 'insufficient-scope', status: 403, title: 'Insufficient scope' },
  authUnavailable: { slug: 'auth-unavailable', status: 503, title: 'Authentication is temporarily unavailable' },
});

export const RateLimitProblems = defineProblemTypes({
  rateLimited: PlatformProblems.rateLimited,
  rateLimitUnavailable: { slug: 'rate-limit-unavailable', status: 503, title: 'Service temporarily unavailable' },
});

export const IdempotencyProblems = defineProblemTypes({
  invalidIdempotencyKey: { slug: 'invalid-idempotency-key', status: 400, title: 'Invalid Idempotency-Key' },
  idempotencyKeyInFlight: { slug: 'idempotency-key-in-flight', status: 409, title: 'Request in progress' },
  idempotencyKeyReused: { slug: 'idempotency-key-reused', status: 422, title: 'Idempotency-Key reused' },
});

export const ConversationProblems = defineProblemTypes({
  // Also what a non-member gets for a conversation that exists: no existence leak.
  conversationNotFound: { slug: 'conversation-not-found', status: 404, title: 'Conversation not found' },
  // Members must be users that exist and are not disabled; the problem lists the others (unknown_member_ids).
  unknownMembers: { slug: 'unknown-members', status: 422, title: 'Unknown members' },
});

export const MessageProblems = defineProblemTypes({
  messageNotFound: { slug: 'message-not-found', status: 404, title: 'Message not found' },
  messageIdConflict: { slug: 'message-id-conflict', status: 409, title: 'Message id already used' },
});

// The gateway's side of files: downloads and file messages (the upload API's errors come from
// file-service, passed through unchanged). Every type is listed in docs/api.md.
export const GatewayFileProblems = defineProblemTypes({
  fileNotFound: { slug: 'file-not-found', status: 404, title: 'File not found' },
  fileNotReady: { slug: 'file-not-ready', status: 409, title: 'File not completed' },
  fileServiceUnavailable: { slug: 'file-service-unavailable', status: 503, title: 'File service unavailable' },
});

export const DeliveryProblems = defineProblemTypes({
  deadLetterNotFound: { slug: 'dead-letter-not-found', status: 404, title: 'Dead letter not found' },
  deadLetterAlreadyReplayed: { slug: 'dead-letter-already-replayed', status: 409, title: 'Dead letter already replayed' },
  // Its source topic was deleted (or renamed): there is nowhere to put it back.
  deadLetterSourceMissing: { slug: 'dead-letter-source-missing', status: 409, title: 'Dead letter source topic missing' },
  deliveryStateUnavailable: { slug: 'delivery-state-unavailable', status: 503, title: 'Delivery state unavailable' },
});

// Errors of the upload API (/v1/files and /v1/files/tus). Every type is listed in docs/api.md.
export const FileProblems = defineProblemTypes({
  fileTooLarge: { slug: 'file-too-large', status: 413, title: 'File too large' },
  fileTypeNotAllowed: { slug: 'file-type-not-allowed', status: 422, title: 'File type not allowed' },
  tooManyOpenUploads: { slug: 'too-many-open-uploads', status: 409, title: 'Too many unfinished uploads' },
  uploadNotFound: { slug: 'upload-not-found', status: 404, title: 'Upload not found' },
  uploadExpired: { slug: 'upload-expired', status: 410, title: 'Upload expired' },
  uploadNotOpen: { slug: 'upload-not-open', status: 409, title: 'Upload no longer accepts chunks' },
  uploadIncomplete: { slug: 'upload-incomplete', status: 409, title: 'Chunks are missing' },
  uploadFailed: { slug: 'upload-failed', status: 409, title: 'Upload failed' },
  chunkOutOfRange: { slug: 'chunk-out-of-range', status: 400, title: 'No such chunk number' },
  chunkTooLarge: { slug: 'chunk-too-large', status: 413, title: 'Chunk larger than chunk_size' },
  chunkSizeMismatch: { slug: 'chunk-size-mismatch', status: 400, title: 'Chunk has the wrong size' },
  chunkChecksumMismatch: { slug: 'chunk-checksum-mismatch', status: 400, title: 'Chunk checksum mismatch' },
  chunkIncomplete: { slug: 'chunk-incomplete', status: 400, title: 'Chunk body ended early' },
  lengthRequired: { slug: 'length-required', status: 411, title: 'Content-Length required' },
  fileNotFound: { slug: 'file-not-found', status: 404, title: 'File not found' },
  fileNotReady: { slug: 'file-not-ready', status: 409, title: 'File not completed' },
  // tus 1.0 (the codes its clients expect).
  tusVersionUnsupported: { slug: 'tus-version-unsupported', status: 412, title: 'Tus-Resumable version not supported' },
  tusOffsetMismatch: { slug: 'tus-offset-mismatch', status: 409, title: 'Upload-Offset does not match' },
  tusChecksumMismatch: { slug: 'tus-checksum-mismatch', status: 460, title: 'Checksum mismatch' },
  tusUploadLengthExceeded: { slug: 'tus-upload-length-exceeded', status: 413, title: 'PATCH goes past Upload-Length' },
  tusChecksumAlgorithmUnsupported: { slug: 'tus-checksum-algorithm-unsupported', status: 400, title: 'Checksum algorithm not supported' },
});

export const WebhookProblems = defineProblemTypes({
  invalidWebhookPayload: { slug: 'invalid-webhook-payload', status: 400, title: 'Invalid webhook payload' },
  invalidWebhookSignature: { slug: 'invalid-webhook-signature', status: 401, title: 'Invalid webhook signature' },
  invalidVerifyToken: { slug: 'invalid-verify-token', status: 403, title: 'Invalid verify token' },
  unknownChannel: { slug: 'unknown-channel', status: 404, title: 'Unknown channel' },
  // A correctly signed body that is not JSON: every platform sends application/json.
  unsupportedMediaType: PlatformProblems.unsupportedMediaType,
  rateLimited: PlatformProblems.rateLimited,
  // Kafka or PostgreSQL could not take the webhook: the provider delivers it again.
  eventLogUnavailable: { slug: 'event-log-unavailable', status: 503, title: 'Try again later' },
});
