import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponseObject } from 'zod-openapi';
import { EXTERNAL_CHANNELS } from '../channels';
import { problemType } from '../problem';
import { deadLetterPageSchema, deadLetterReplaySchema, listDeadLettersQuerySchema } from './admin';
import { jwksSchema, meSchema, oauthErrorSchema, refreshRequestSchema, revokeRequestSchema, SCOPES, tokenRequestSchema, tokenResponseSchema } from './auth';
import { problemSchema } from './common';
import { conversationPageSchema, conversationSchema, createConversationSchema, listConversationsQuerySchema, markReadSchema, readHorizonSchema } from './conversations';
import {
  chunkReceiptSchema,
  completeUploadSchema,
  fileSchema,
  initiateUploadSchema,
  listUploadsQuerySchema,
  uploadCompletingSchema,
  uploadPageSchema,
  uploadSessionSchema,
  uploadStatusSchema,
} from './files';
import { messageWithHistorySchema, sendMessageAcceptedSchema, sendMessageSchema, timelineQuerySchema, timelineSchema } from './messages';
import {
  AuthProblems,
  ConversationProblems,
  DeliveryProblems,
  FileProblems,
  GatewayFileProblems,
  IdempotencyProblems,
  MessageProblems,
  PlatformProblems,
  RateLimitProblems,
  WebhookProblems,
  type ProblemType,
} from './problems';

// The OpenAPI 3.1 document of the public REST API, generated from the schemas the apps validate with.
// Each operation lists the problem types it can answer: an error response's `type` is one of them
// (the schema says so, so a fuzzer that meets another one reports it).

type Scope = keyof typeof SCOPES;
type Method = 'get' | 'post' | 'patch' | 'delete' | 'head' | 'options';

interface Operation {
  id: string;
  summary: string;
  description?: string;
  tag: 'auth' | 'conversations' | 'messages' | 'files' | 'admin' | 'webhooks' | 'meta';
  /** The scope a bearer token needs; undefined: no token (auth, JWKS, webhooks). */
  scope?: Scope;
  path?: z.ZodObject;
  query?: z.ZodObject;
  headers?: z.ZodObject;
  body?: { schema: z.ZodType; contentType?: string; required?: boolean; description?: string };
  ok: { status: number; description: string; schema?: z.ZodType; contentType?: string; headers?: Record<string, z.ZodType> };
  /** Problem types of this operation, beyond those every protected or body-taking route shares. */
  problems: ProblemType[];
  /** Counted by a rate limit (429 with Retry-After). */
  rateLimited?: boolean;
  /** Answers in the OAuth error format on 400/401 (the token endpoint), not problem+json. */
  oauthErrors?: boolean;
  /** A POST the gateway streams to file-service as it is: Idempotency-Key does not apply. */
  streamed?: boolean;
}

const PROBLEM_MEDIA_TYPE = 'application/problem+json';

const header = (description: string, schema: z.ZodType = z.string()) => schema.meta({ description });
/** A response header defined once under components.headers. */
const sharedHeader = (id: string, description: string, schema: z.ZodType = z.string(), optional = false) =>
  (optional ? schema.optional() : schema).meta({ description, header: { id } });
const commonHeaders = {
  'X-Request-Id': sharedHeader('X-Request-Id', 'This request\'s id, also in the logs (and in a 500\'s error_id).'),
  'X-Trace-Id': sharedHeader('X-Trace-Id', 'The W3C trace id of this request (look it up in the trace backend).', z.string(), true),
};
const retryAfter = sharedHeader('Retry-After', 'Seconds to wait before retrying.', z.string().regex(/^\d+$/));
const rateLimitHeaders = {
  RateLimit: sharedHeader('RateLimit', 'draft-ietf-httpapi-ratelimit-headers: "policy";r=<remaining>;t=<seconds to reset>.', z.string(), true),
  'RateLimit-Policy': sharedHeader('RateLimit-Policy', '"policy";q=<limit>;w=<window seconds>.', z.string(), true),
};

const idempotencyKey = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/)
  .optional()
  .meta({
    description:
      'Any POST with a token: the first successful answer is kept 24 h and replayed (Idempotent-Replayed: true) to a retry with the same key and body; the same key with another body → 422 idempotency-key-reused; while the first is running → 409 idempotency-key-in-flight.',
  });

const uuidParam = (name: string, description: string) => z.object({ [name]: z.uuid().meta({ description }) });

/** Protected routes: missing, invalid or under-scoped tokens, and the token check's outage. */
const AUTHENTICATED: ProblemType[] = [PlatformProblems.unauthorized, AuthProblems.invalidToken, AuthProblems.insufficientScope, AuthProblems.authUnavailable];
/** Any route: what the HTTP layer refuses before the handler. */
const ANY: ProblemType[] = [PlatformProblems.badRequest, PlatformProblems.notAcceptable, PlatformProblems.uriTooLong, PlatformProblems.requestHeaderFieldsTooLarge, PlatformProblems.serviceStarting];
/** Routes with a JSON body. */
const JSON_BODY: ProblemType[] = [PlatformProblems.invalidRequest, PlatformProblems.payloadTooLarge, PlatformProblems.unsupportedMediaType];
const RATE_LIMITED: ProblemType[] = [RateLimitProblems.rateLimited, RateLimitProblems.rateLimitUnavailable];
const IDEMPOTENT_POST: ProblemType[] = [IdempotencyProblems.invalidIdempotencyKey, IdempotencyProblems.idempotencyKeyInFlight, IdempotencyProblems.idempotencyKeyReused];

const WRITE_LIMIT_DESCRIPTION = 'Counted by the per-user write rate limit (RATE_LIMIT_WRITE_PER_MINUTE).';

function errorResponses(op: Operation, method: Method): Record<string, ZodOpenApiResponseObject> {
  const problems = [...ANY, ...op.problems];
  if (op.scope) problems.push(...AUTHENTICATED);
  if (op.body?.contentType === undefined && op.body) problems.push(...JSON_BODY);
  if (op.query || op.path) problems.push(PlatformProblems.invalidRequest);
  if (op.rateLimited) problems.push(...RATE_LIMITED);
  if (op.scope && method === 'post' && !op.streamed) problems.push(...IDEMPOTENT_POST);
  const byStatus = new Map<number, Set<string>>();
  for (const p of problems) byStatus.set(p.status, (byStatus.get(p.status) ?? new Set()).add(p.slug));
  // The token endpoint's own errors: 400 (invalid_request, unsupported_grant_type, invalid_grant...) and 401 (invalid_client).
  if (op.oauthErrors) for (const status of [400, 401]) byStatus.set(status, byStatus.get(status) ?? new Set());
  const responses: Record<string, ZodOpenApiResponseObject> = {};
  for (const [status, slugs] of [...byStatus].sort(([a], [b]) => a - b)) {
    const sorted = [...slugs].sort();
    const oauth = op.oauthErrors && (status === 400 || status === 401);
    const headers: Record<string, z.ZodType> = { ...commonHeaders };
    if (status === 429 || status === 503) headers['Retry-After'] = retryAfter;
    if (status === 401 && op.scope) headers['WWW-Authenticate'] = sharedHeader('WWW-Authenticate', 'Bearer realm="chat4all", with error="invalid_token" when a token was refused.');
    // The shared Problem schema, narrowed to this operation's types for this status.
    const content: Record<string, { schema: z.ZodType }> = {};
    if (sorted.length > 0) content[PROBLEM_MEDIA_TYPE] = { schema: z.intersection(problemSchema, z.looseObject({ type: z.enum(sorted.map(problemType) as [string, ...string[]]) })) };
    if (oauth) content['application/json'] = { schema: oauthErrorSchema };
    if (oauth && status === 401) headers['WWW-Authenticate'] = sharedHeader('WWW-Authenticate-OAuth', 'Basic realm="chat4all" when the client authenticated with Basic.', z.string(), true);
    responses[String(status)] = {
      description: [oauth ? 'OAuth error (RFC 6749 §5.2)' : '', ...sorted.map((s) => `\`${s}\``)].filter(Boolean).join(', '),
      headers: z.object(headers),
      ...(method === 'head' ? {} : { content }),
    };
  }
  return responses;
}

function operation(op: Operation, method: Method): ZodOpenApiOperationObject {
  const okHeaders: Record<string, z.ZodType> = { ...commonHeaders, ...op.ok.headers };
  if (op.rateLimited) Object.assign(okHeaders, rateLimitHeaders);
  const idempotent = Boolean(op.scope) && method === 'post' && !op.streamed;
  if (idempotent) okHeaders['Idempotent-Replayed'] = sharedHeader('Idempotent-Replayed', '"true" when this answer is the replay of an earlier identical request.', z.literal('true'), true);
  const requestHeaders = idempotent ? (op.headers ?? z.object({})).extend({ 'Idempotency-Key': idempotencyKey }) : op.headers;
  const description = [op.description, op.rateLimited && op.scope ? WRITE_LIMIT_DESCRIPTION : undefined].filter(Boolean).join('\n\n');
  return {
    operationId: op.id,
    summary: op.summary,
    ...(description ? { description } : {}),
    tags: [op.tag],
    security: op.scope ? [{ oauth2: [op.scope] }, { bearer: [] }] : [],
    requestParams: { ...(op.path ? { path: op.path } : {}), ...(op.query ? { query: op.query } : {}), ...(requestHeaders ? { header: requestHeaders } : {}) },
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required ?? true,
            ...(op.body.description ? { description: op.body.description } : {}),
            content: { [op.body.contentType ?? 'application/json']: { schema: op.body.schema } },
          },
        }
      : {}),
    responses: {
      [String(op.ok.status)]: {
        description: op.ok.description,
        headers: z.object(okHeaders),
        ...(op.ok.schema ? { content: { [op.ok.contentType ?? 'application/json']: { schema: op.ok.schema } } } : {}),
      },
      ...errorResponses(op, method),
    },
  };
}

const conversationId = uuidParam('id', 'A conversation of yours.');
const binary = z.string().meta({ format: 'binary' });
const tusResumable = z.literal('1.0.0').meta({ description: 'The tus protocol version.' });
const uploadIdParam = uuidParam('upload_id', 'An upload of yours.');
const uploadChecksum = z
  .string()
  .regex(/^(sha1|sha256) [A-Za-z0-9+/]+={0,2}$/)
  .optional()
  .meta({ description: 'tus checksum extension: "<algorithm> <base64 digest>" of this request\'s bytes (460 when they differ).' });

const ROUTES: Record<string, Partial<Record<Method, Operation>>> = {
  '/auth/token': {
    post: {
      id: 'issueToken',
      tag: 'auth',
      summary: 'Get an access token (client credentials) or refresh one',
      description:
        'OAuth 2.0 client credentials (RFC 6749 §4.4) and refresh (§6). The client authenticates with HTTP Basic or client_id/client_secret in the body. Errors in the OAuth format (RFC 6749 §5.2); rate limits and outages in problem+json.',
      body: { schema: tokenRequestSchema, contentType: 'application/x-www-form-urlencoded' },
      ok: { status: 200, description: 'A token pair.', schema: tokenResponseSchema, headers: { 'Cache-Control': header('no-store') } },
      problems: [PlatformProblems.unsupportedMediaType, PlatformProblems.payloadTooLarge],
      rateLimited: true,
      oauthErrors: true,
    },
  },
  '/auth/refresh': {
    post: {
      id: 'refreshToken',
      tag: 'auth',
      summary: 'Exchange a refresh token for a new token pair',
      description: 'The refresh token is single-use: the answer carries the next one.',
      body: { schema: refreshRequestSchema, contentType: 'application/x-www-form-urlencoded' },
      ok: { status: 200, description: 'A new token pair.', schema: tokenResponseSchema, headers: { 'Cache-Control': header('no-store') } },
      problems: [PlatformProblems.unsupportedMediaType, PlatformProblems.payloadTooLarge],
      rateLimited: true,
      oauthErrors: true,
    },
  },
  '/auth/revoke': {
    post: {
      id: 'revokeToken',
      tag: 'auth',
      summary: 'Revoke a token (RFC 7009)',
      description: 'Revoking a refresh token ends its session; revoking an access token makes every gateway refuse it. An unknown token is not an error.',
      body: { schema: revokeRequestSchema, contentType: 'application/x-www-form-urlencoded' },
      ok: { status: 200, description: 'Revoked (or never valid).', schema: z.object({}) },
      problems: [PlatformProblems.unsupportedMediaType, PlatformProblems.payloadTooLarge],
      rateLimited: true,
      oauthErrors: true,
    },
  },
  '/.well-known/jwks.json': {
    get: {
      id: 'getJwks',
      tag: 'auth',
      summary: 'The public keys that verify access tokens',
      ok: { status: 200, description: 'A JSON Web Key Set.', schema: jwksSchema },
      problems: [PlatformProblems.serviceUnavailable],
    },
  },
  '/v1/me': {
    get: { id: 'getMe', tag: 'auth', summary: 'Who the token says you are', scope: 'read', ok: { status: 200, description: 'The token\'s subject.', schema: meSchema }, problems: [] },
  },
  '/v1/conversations': {
    post: {
      id: 'createConversation',
      tag: 'conversations',
      summary: 'Create a conversation',
      scope: 'write',
      body: { schema: createConversationSchema },
      ok: { status: 201, description: 'Created; you are a member.', schema: conversationSchema },
      problems: [ConversationProblems.unknownMembers],
      rateLimited: true,
    },
    get: {
      id: 'listConversations',
      tag: 'conversations',
      summary: 'Your conversations, latest activity first',
      scope: 'read',
      query: listConversationsQuerySchema,
      ok: { status: 200, description: 'A page of conversations with unread counts.', schema: conversationPageSchema },
      problems: [],
    },
  },
  '/v1/conversations/{id}': {
    get: {
      id: 'getConversation',
      tag: 'conversations',
      summary: 'One conversation with its members\' read and delivery horizons',
      scope: 'read',
      path: conversationId,
      ok: { status: 200, description: 'The conversation.', schema: conversationSchema },
      problems: [ConversationProblems.conversationNotFound],
    },
  },
  '/v1/conversations/{id}/read': {
    post: {
      id: 'markConversationRead',
      tag: 'conversations',
      summary: 'Mark messages read up to a seq',
      description: 'Senders see their messages become READ (message.status frames); the horizon only moves forward.',
      scope: 'write',
      path: conversationId,
      body: { schema: markReadSchema, required: false },
      ok: { status: 200, description: 'Your read horizon now.', schema: readHorizonSchema },
      problems: [ConversationProblems.conversationNotFound],
      rateLimited: true,
    },
  },
  '/v1/conversations/{id}/messages': {
    get: {
      id: 'listMessages',
      tag: 'messages',
      summary: 'A conversation\'s timeline, in seq order',
      scope: 'read',
      path: conversationId,
      query: timelineQuerySchema,
      ok: { status: 200, description: 'Messages in seq order.', schema: timelineSchema },
      problems: [ConversationProblems.conversationNotFound],
    },
  },
  '/v1/messages': {
    post: {
      id: 'sendMessage',
      tag: 'messages',
      summary: 'Send a message',
      description: '202 once the message is durable; delivery follows (message.created, then message.status frames). Sending the same message_id again is safe.',
      scope: 'write',
      body: { schema: sendMessageSchema },
      ok: { status: 202, description: 'Accepted: stored and queued for delivery.', schema: sendMessageAcceptedSchema },
      problems: [
        ConversationProblems.conversationNotFound,
        MessageProblems.messageIdConflict,
        GatewayFileProblems.fileNotFound,
        GatewayFileProblems.fileNotReady,
        GatewayFileProblems.fileServiceUnavailable,
      ],
      rateLimited: true,
    },
  },
  '/v1/messages/{id}': {
    get: {
      id: 'getMessage',
      tag: 'messages',
      summary: 'One message with its status history',
      scope: 'read',
      path: uuidParam('id', 'A message in a conversation of yours.'),
      ok: { status: 200, description: 'The message.', schema: messageWithHistorySchema },
      problems: [MessageProblems.messageNotFound, DeliveryProblems.deliveryStateUnavailable],
    },
  },
  '/v1/files/initiate': {
    post: {
      id: 'initiateUpload',
      tag: 'files',
      summary: 'Start a chunked, resumable upload',
      description: 'Not idempotent (streamed to file-service; Idempotency-Key does not apply): after an unanswered request, GET /v1/files/uploads?status=UPLOADING finds the upload.',
      streamed: true,
      scope: 'write',
      body: { schema: initiateUploadSchema },
      ok: { status: 201, description: 'The upload session: send chunks 1..total_chunks.', schema: uploadSessionSchema },
      problems: [FileProblems.fileTooLarge, FileProblems.fileTypeNotAllowed, FileProblems.tooManyOpenUploads, GatewayFileProblems.fileServiceUnavailable],
      rateLimited: true,
    },
  },
  '/v1/files/upload/{upload_id}/{chunk_number}': {
    patch: {
      id: 'uploadChunk',
      tag: 'files',
      summary: 'Upload one chunk',
      description: 'Every chunk but the last is exactly chunk_size bytes. A chunk sent again is answered already_received. Not counted by the write rate limit.',
      scope: 'write',
      path: z.object({ upload_id: z.uuid(), chunk_number: z.coerce.number().int().min(1).meta({ description: '1-based.' }) }),
      headers: z.object({ 'Content-Digest': z.string().optional().meta({ description: 'RFC 9530 sha-256=:<base64>: of this chunk; checked before it is kept.' }) }),
      body: { schema: binary, contentType: 'application/octet-stream' },
      ok: { status: 200, description: 'Stored.', schema: chunkReceiptSchema },
      problems: [
        PlatformProblems.notFound,
        FileProblems.uploadNotFound,
        FileProblems.uploadExpired,
        FileProblems.uploadNotOpen,
        FileProblems.chunkOutOfRange,
        FileProblems.chunkTooLarge,
        FileProblems.chunkSizeMismatch,
        FileProblems.chunkChecksumMismatch,
        FileProblems.chunkIncomplete,
        FileProblems.lengthRequired,
        PlatformProblems.unsupportedMediaType,
        PlatformProblems.invalidRequest,
        GatewayFileProblems.fileServiceUnavailable,
      ],
    },
  },
  '/v1/files/upload/{upload_id}/status': {
    get: {
      id: 'getUploadStatus',
      tag: 'files',
      summary: 'Progress of an upload: received ranges, missing chunks, percentage',
      scope: 'read',
      path: uploadIdParam,
      ok: { status: 200, description: 'The upload.', schema: uploadStatusSchema },
      problems: [FileProblems.uploadNotFound, GatewayFileProblems.fileServiceUnavailable],
    },
  },
  '/v1/files/upload/{upload_id}': {
    delete: {
      id: 'abandonUpload',
      tag: 'files',
      summary: 'Abandon an unfinished upload',
      scope: 'write',
      path: uploadIdParam,
      ok: { status: 204, description: 'Gone, with its chunks.' },
      problems: [FileProblems.uploadNotFound, FileProblems.uploadNotOpen, GatewayFileProblems.fileServiceUnavailable],
      rateLimited: true,
    },
  },
  '/v1/files/complete': {
    post: {
      id: 'completeUpload',
      tag: 'files',
      summary: 'Finish an upload: checks and merges it',
      description: 'The file is COMPLETED (file.completed frame) or FAILED (file.failed) shortly after. Safe to repeat: a merging or completed upload answers the same.',
      streamed: true,
      scope: 'write',
      body: { schema: completeUploadSchema },
      ok: { status: 202, description: 'Merging.', schema: uploadCompletingSchema },
      problems: [FileProblems.uploadNotFound, FileProblems.uploadExpired, FileProblems.uploadIncomplete, FileProblems.uploadFailed, GatewayFileProblems.fileServiceUnavailable],
      rateLimited: true,
    },
  },
  '/v1/files/uploads': {
    get: {
      id: 'listUploads',
      tag: 'files',
      summary: 'Your uploads, newest first (e.g. status=UPLOADING to resume)',
      scope: 'read',
      query: listUploadsQuerySchema,
      ok: { status: 200, description: 'A page of uploads.', schema: uploadPageSchema },
      problems: [GatewayFileProblems.fileServiceUnavailable],
    },
  },
  '/v1/files/tus': {
    post: {
      id: 'tusCreate',
      tag: 'files',
      summary: 'tus 1.0.0: create an upload (creation, creation-with-upload)',
      streamed: true,
      scope: 'write',
      headers: z.object({
        'Tus-Resumable': tusResumable,
        'Upload-Length': z.string().regex(/^[1-9]\d{0,18}$/).meta({ description: 'The whole upload\'s size in bytes (at least 1).' }),
        'Upload-Metadata': z
          .string()
          .regex(/(^|,) *(filename|name) [A-Za-z0-9+/]+=*( *,|$)/)
          .meta({ description: 'Comma-separated "key base64value" pairs: filename (or name, required), filetype, conversation_id.' }),
        'Upload-Checksum': uploadChecksum,
      }),
      body: { schema: binary, contentType: 'application/offset+octet-stream', required: false },
      ok: { status: 201, description: 'Created; Location names it.', headers: { Location: header('/v1/files/tus/{upload_id}'), 'Upload-Offset': header('Bytes stored.').optional(), 'Upload-Expires': header('HTTP-date.') } },
      problems: [
        FileProblems.tusVersionUnsupported,
        FileProblems.fileTooLarge,
        FileProblems.fileTypeNotAllowed,
        FileProblems.tooManyOpenUploads,
        FileProblems.tusChecksumMismatch,
        FileProblems.tusChecksumAlgorithmUnsupported,
        FileProblems.tusUploadLengthExceeded,
        PlatformProblems.invalidRequest,
        PlatformProblems.unsupportedMediaType,
        GatewayFileProblems.fileServiceUnavailable,
      ],
      rateLimited: true,
    },
  },
  '/v1/files/tus/{upload_id}': {
    head: {
      id: 'tusHead',
      tag: 'files',
      summary: 'tus 1.0.0: the offset to resume from',
      scope: 'read',
      path: uploadIdParam,
      headers: z.object({ 'Tus-Resumable': tusResumable }),
      ok: { status: 200, description: 'Upload-Offset and Upload-Length.', headers: { 'Upload-Offset': header('Bytes stored with no gap.'), 'Upload-Length': header('Total size.') } },
      problems: [FileProblems.tusVersionUnsupported, FileProblems.uploadNotFound, GatewayFileProblems.fileServiceUnavailable],
    },
    patch: {
      id: 'tusPatch',
      tag: 'files',
      summary: 'tus 1.0.0: append bytes at Upload-Offset',
      scope: 'write',
      path: uploadIdParam,
      headers: z.object({ 'Tus-Resumable': tusResumable, 'Upload-Offset': z.string().regex(/^\d{1,19}$/), 'Upload-Checksum': uploadChecksum }),
      body: { schema: binary, contentType: 'application/offset+octet-stream' },
      ok: { status: 204, description: 'Appended.', headers: { 'Upload-Offset': header('The new offset.') } },
      problems: [
        FileProblems.tusVersionUnsupported,
        FileProblems.tusOffsetMismatch,
        FileProblems.tusChecksumMismatch,
        FileProblems.tusChecksumAlgorithmUnsupported,
        FileProblems.tusUploadLengthExceeded,
        FileProblems.uploadNotFound,
        FileProblems.uploadExpired,
        FileProblems.uploadNotOpen,
        FileProblems.chunkIncomplete,
        PlatformProblems.unsupportedMediaType,
        PlatformProblems.invalidRequest,
        GatewayFileProblems.fileServiceUnavailable,
      ],
    },
    delete: {
      id: 'tusTerminate',
      tag: 'files',
      summary: 'tus 1.0.0: terminate an upload',
      scope: 'write',
      path: uploadIdParam,
      headers: z.object({ 'Tus-Resumable': tusResumable }),
      ok: { status: 204, description: 'Terminated.' },
      problems: [FileProblems.tusVersionUnsupported, FileProblems.uploadNotFound, FileProblems.uploadNotOpen, GatewayFileProblems.fileServiceUnavailable],
      rateLimited: true,
    },
  },
  '/v1/files/{file_id}': {
    get: {
      id: 'getFile',
      tag: 'files',
      summary: 'A file\'s metadata and a short-lived download URL',
      scope: 'read',
      path: uuidParam('file_id', 'Your file, or one sent in a conversation of yours.'),
      ok: { status: 200, description: 'The file.', schema: fileSchema },
      problems: [PlatformProblems.notFound, GatewayFileProblems.fileNotFound, GatewayFileProblems.fileServiceUnavailable],
    },
    delete: {
      id: 'deleteFile',
      tag: 'files',
      summary: 'Delete a file of yours',
      scope: 'write',
      path: uuidParam('file_id', 'A file you uploaded.'),
      ok: { status: 204, description: 'Deleted (the bytes stay while another file shares them).' },
      problems: [PlatformProblems.notFound, FileProblems.fileNotFound, GatewayFileProblems.fileServiceUnavailable],
      rateLimited: true,
    },
  },
  '/v1/admin/dead-letters': {
    get: {
      id: 'listDeadLetters',
      tag: 'admin',
      summary: 'Events that could not be processed, newest first',
      scope: 'admin',
      query: listDeadLettersQuerySchema,
      ok: { status: 200, description: 'A page of dead letters.', schema: deadLetterPageSchema },
      problems: [DeliveryProblems.deliveryStateUnavailable],
    },
  },
  '/v1/admin/dead-letters/{id}/replay': {
    post: {
      id: 'replayDeadLetter',
      tag: 'admin',
      summary: 'Put a dead letter back on its topic',
      scope: 'admin',
      path: z.object({ id: z.string().regex(/^\d{1,18}$/) }),
      ok: { status: 202, description: 'Replayed (audited).', schema: deadLetterReplaySchema },
      problems: [DeliveryProblems.deadLetterNotFound, DeliveryProblems.deadLetterAlreadyReplayed, DeliveryProblems.deadLetterSourceMissing, DeliveryProblems.deliveryStateUnavailable],
      rateLimited: true,
    },
  },
};

/** Webhooks are served by connectors (its own listener), not by the gateway. */
const WEBHOOK_ROUTES: Record<string, Partial<Record<Method, Operation>>> = {
  '/webhooks/{channel}': {
    get: {
      id: 'verifyWebhookSubscription',
      tag: 'webhooks',
      summary: 'Meta\'s subscription handshake (WhatsApp, Instagram, Messenger)',
      path: z.object({ channel: z.enum(EXTERNAL_CHANNELS) }),
      query: z.object({ 'hub.mode': z.literal('subscribe'), 'hub.verify_token': z.string().min(1), 'hub.challenge': z.string().min(1).max(256) }),
      ok: { status: 200, description: 'hub.challenge, as text.', schema: z.string(), contentType: 'text/plain' },
      problems: [WebhookProblems.unknownChannel, WebhookProblems.invalidVerifyToken],
    },
    post: {
      id: 'receiveWebhook',
      tag: 'webhooks',
      summary: 'A provider\'s webhook (signed: X-Hub-Signature-256, or Telegram\'s secret token)',
      description: 'The provider\'s own payload, acknowledged once its events are recorded; otherwise the provider delivers it again.',
      path: z.object({ channel: z.enum(EXTERNAL_CHANNELS) }),
      body: { schema: z.looseObject({}), contentType: 'application/json' },
      ok: { status: 200, description: 'Recorded.', schema: z.object({ received: z.number().int().min(0) }) },
      problems: [
        WebhookProblems.invalidWebhookPayload,
        WebhookProblems.invalidWebhookSignature,
        WebhookProblems.unknownChannel,
        WebhookProblems.unsupportedMediaType,
        WebhookProblems.eventLogUnavailable,
        PlatformProblems.payloadTooLarge,
      ],
      rateLimited: true,
    },
  },
};

function paths(routes: Record<string, Partial<Record<Method, Operation>>>, servers?: { url: string; description: string }[]): ZodOpenApiPathsObject {
  return Object.fromEntries(
    Object.entries(routes).map(([path, methods]) => [
      path,
      { ...(servers ? { servers } : {}), ...Object.fromEntries(Object.entries(methods).map(([method, op]) => [method, operation(op, method as Method)])) },
    ]),
  );
}

/** The version of the API the document describes (its paths are /v1). */
export const API_VERSION = '1.0.0';

/** The public REST API: the gateway's routes, and the connectors' webhook routes (on connectors' own address). */
export function openApiDocument() {
  return createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Chat4All API',
        version: API_VERSION,
        description:
          'Conversations, messages and files over REST; real-time delivery over the WebSocket API (AsyncAPI: docs/asyncapi.json). Errors are RFC 9457 problem+json with a stable `type` per kind (docs/api.md).',
      },
      servers: [{ url: '/', description: 'The gateway you read this from.' }],
      tags: [
        { name: 'auth', description: 'OAuth 2.0 tokens.' },
        { name: 'conversations' },
        { name: 'messages' },
        { name: 'files', description: 'Chunked resumable uploads, tus 1.0.0, downloads.' },
        { name: 'admin', description: 'Operators (admin scope).' },
        { name: 'webhooks', description: 'Called by the messaging platforms, on connectors\' own address.' },
      ],
      security: [],
      paths: { ...paths(ROUTES), ...paths(WEBHOOK_ROUTES, [{ url: 'https://connectors.example.com', description: 'connectors (CONNECTORS_PUBLIC_URL): where the platforms are told to call.' }]) },
      components: {
        securitySchemes: {
          oauth2: { type: 'oauth2', description: 'Client credentials: an API client (admin CLI) of a user.', flows: { clientCredentials: { tokenUrl: '/auth/token', refreshUrl: '/auth/refresh', scopes: { ...SCOPES } } } },
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    { reused: 'inline' },
  );
}
