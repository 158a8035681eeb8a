import createClient, { type Client } from 'openapi-fetch';
import { Chat4AllError } from './errors';
import type { components, paths } from './generated/openapi';
import { RealtimeClient, type RealtimeClientOptions } from './realtime/realtime-client';
import { TokenSource, type TokenSet } from './tokens';
import { retryingFetch, type FetchLike, type RetryOptions } from './transport';
import { uploadFile, type UploadOptions, type UploadResult } from './uploads';

export type Schemas = components['schemas'];
export type Conversation = Schemas['Conversation'];
export type ConversationSummary = Schemas['ConversationSummary'];
export type ConversationPage = Schemas['ConversationPage'];
export type Message = Schemas['Message'];
export type MessageWithHistory = Schemas['MessageWithHistory'];
export type MessageAccepted = Schemas['MessageAccepted'];
export type CreateConversationRequest = Schemas['CreateConversationRequest'];
export type Me = Schemas['Me'];
export type FileInfo = Schemas['File'];
export type ReadHorizon = Schemas['ReadHorizon'];

export interface Chat4AllClientOptions {
  /** The gateway, e.g. https://chat.example.com (the web chat's origin works too). */
  baseUrl: string;
  /** An API client (created with the admin CLI); its user is who the client acts as. */
  clientId: string;
  clientSecret: string;
  /** Scopes to ask for, space-separated (default: all the API client has). */
  scope?: string;
  /** Retries of requests that are safe to repeat, on 429/503 (after Retry-After) and network errors. */
  retry?: RetryOptions;
  /** Get a new access token this long before the current one expires (default 60 s, at most a fifth of its lifetime). */
  tokenRefreshMarginMs?: number;
  /** A fetch to use instead of the global one (tests, proxies, a CA for a self-signed certificate). */
  fetch?: (input: Request) => Promise<Response>;
}

export interface SendOptions {
  /** The message's id (default: a new UUID): sending the same id again is answered like the first time. */
  messageId?: string;
}

type Api = Client<paths>;

/**
 * The Chat4All API for integrators and chat UIs: tokens fetched and refreshed before they expire,
 * an Idempotency-Key on every POST, safe retries that honour Retry-After, resumable uploads with
 * progress, and the realtime client (reconnect, resume, de-duplication).
 */
export class Chat4AllClient {
  readonly tokens: TokenSource;
  private readonly api: Api;
  private readonly fetchImpl: FetchLike;

  constructor(private readonly options: Chat4AllClientOptions) {
    const base: FetchLike = options.fetch ?? ((request) => globalThis.fetch(request));
    // The token endpoint is safe to call again after a 429 or a lost answer (a used refresh token
    // falls back to the client's credentials).
    this.tokens = new TokenSource({
      baseUrl: options.baseUrl,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      scope: options.scope,
      refreshMarginMs: options.tokenRefreshMarginMs,
      fetch: retryingFetch(base, options.retry, true),
    });
    const retrying = retryingFetch(base, options.retry);
    this.fetchImpl = async (request) => {
      const authorized = async () => {
        const r = request.clone();
        r.headers.set('authorization', `Bearer ${await this.tokens.accessToken()}`);
        if (r.method === 'POST' && !r.headers.has('idempotency-key')) r.headers.set('idempotency-key', crypto.randomUUID());
        return r;
      };
      const first = await authorized();
      const response = await retrying(first.clone());
      // Refused although fresh (revoked, keys rotated): one new token, one more try.
      if (response.status !== 401) return response;
      await this.tokens.renew();
      const again = await authorized();
      again.headers.set('idempotency-key', first.headers.get('idempotency-key') ?? crypto.randomUUID());
      return retrying(again);
    };
    this.api = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/$/, ''), fetch: this.fetchImpl });
  }

  /** Who the token says you are. */
  me(): Promise<Me> {
    return this.call(this.api.GET('/v1/me'));
  }

  readonly conversations = {
    list: (query: { limit?: number; offset?: number; cursor?: string } = {}): Promise<ConversationPage> => this.call(this.api.GET('/v1/conversations', { params: { query } })),
    create: (body: CreateConversationRequest): Promise<Conversation> => this.call(this.api.POST('/v1/conversations', { body })),
    get: (id: string): Promise<Conversation> => this.call(this.api.GET('/v1/conversations/{id}', { params: { path: { id } } })),
    /** Marks read up to `upToSeq` (default: the latest message). */
    markRead: (id: string, upToSeq?: number): Promise<ReadHorizon> =>
      this.call(this.api.POST('/v1/conversations/{id}/read', { params: { path: { id } }, body: upToSeq === undefined ? {} : { up_to_seq: upToSeq } })),
    /** The timeline in seq order: `beforeSeq` alone gives the latest page before it (scrolling back). */
    messages: (id: string, query: { afterSeq?: number; beforeSeq?: number; limit?: number } = {}): Promise<Message[]> =>
      this.call(
        this.api.GET('/v1/conversations/{id}/messages', { params: { path: { id }, query: { after_seq: query.afterSeq, before_seq: query.beforeSeq, limit: query.limit } } }),
      ).then((page) => page.messages),
  };

  readonly messages = {
    /** Sends a text message; retried safely (the message id is its idempotency). */
    send: (conversationId: string, text: string, options: SendOptions = {}): Promise<MessageAccepted> =>
      this.send({ conversation_id: conversationId, message_id: options.messageId ?? crypto.randomUUID(), payload: { type: 'text', text } }),
    /** Sends a COMPLETED file (see files.upload) as a message. */
    sendFile: (conversationId: string, fileId: string, options: SendOptions = {}): Promise<MessageAccepted> =>
      this.send({ conversation_id: conversationId, message_id: options.messageId ?? crypto.randomUUID(), payload: { type: 'file', file_id: fileId } }),
    get: (id: string): Promise<MessageWithHistory> => this.call(this.api.GET('/v1/messages/{id}', { params: { path: { id } } })),
  };

  readonly files = {
    /** Uploads in chunks (resumable: a failed chunk is sent again, an interrupted upload continues), then merges. */
    upload: (data: Blob | Uint8Array, options: UploadOptions): Promise<UploadResult> => uploadFile(this.fetchImpl, this.options.baseUrl, data, options),
    get: (id: string): Promise<FileInfo> => this.call(this.api.GET('/v1/files/{file_id}', { params: { path: { file_id: id } } })),
  };

  /**
   * A realtime client on `url` (wss://<realtime>/ws) with this client's tokens; call start() on it.
   * It reconnects, resumes from the last seq seen and hands each message over once, in order.
   */
  realtime(options: Omit<RealtimeClientOptions, 'token'>): RealtimeClient {
    return new RealtimeClient({ ...options, token: () => this.tokens.accessToken() });
  }

  /** The current tokens (e.g. to persist the refresh token), if signed in. */
  get session(): TokenSet | undefined {
    return this.tokens.tokens;
  }

  private send(body: Schemas['SendMessageRequest']): Promise<MessageAccepted> {
    return this.call(this.api.POST('/v1/messages', { body, headers: { 'Idempotency-Key': `message:${body.message_id}` } }));
  }

  private async call<T>(pending: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    const { data, error, response } = await pending;
    if (error !== undefined || !response.ok) throw new Chat4AllError(response.status, (error ?? {}) as Record<string, unknown>, response.headers.get('x-request-id') ?? undefined);
    return data as T;
  }
}
