// Every call the web chat makes to Chat4All goes through this module: REST over fetch to the same
// origin (the web-chat server proxies /auth and /v1 to the gateway) and the WebSocket through
// @chat4all/realtime-client. When @chat4all/sdk lands, this is the one file that switches to it.
import { RealtimeClient } from '@chat4all/realtime-client';

export type MessageStatus = 'ACCEPTED' | 'SENT' | 'DELIVERED' | 'READ' | 'FAILED';

export type MessagePayload =
  | { type: 'text'; text: string }
  | { type: 'file'; file_id: string; filename?: string; mime_type?: string; size_bytes?: number; sha256?: string };

export interface Message {
  message_id: string;
  conversation_id: string;
  seq: number;
  sender_id: string;
  payload: MessagePayload;
  status?: MessageStatus;
  created_at: string;
}

export interface ConversationSummary {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  last_seq: number;
  read_seq: number;
  unread_count: number;
  last_activity_at: string;
  last_message: { message_id: string; seq: number; sender_id: string; preview: string; created_at: string } | null;
}

export interface ConversationDetail {
  id: string;
  type: 'private' | 'group';
  title: string | null;
  last_seq: number;
  read_seq: number;
  members: { user_id: string; read_seq: number; delivered_seq: number }[];
}

export interface Me {
  user_id: string;
  client_id: string;
  scopes: string[];
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(describe(status, body));
    this.name = 'ApiError';
  }
}

interface TokenSet {
  accessToken: string;
  refreshToken: string;
  expiresAt: number;
}

/** Refresh this long before the access token's expiry. */
const REFRESH_MARGIN_MS = 60_000;

/** A signed-in API client: its tokens live in memory only (a reload signs in again). */
export class ChatApi {
  private refreshing?: Promise<TokenSet>;

  private constructor(
    private readonly clientId: string,
    private readonly clientSecret: string,
    private tokens: TokenSet,
  ) {}

  /** OAuth 2.0 client credentials (POST /auth/token, form-encoded). */
  static async signIn(clientId: string, clientSecret: string): Promise<ChatApi> {
    const tokens = await requestTokens({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
    return new ChatApi(clientId, clientSecret, tokens);
  }

  /** A valid access token, refreshed (refresh_token grant) shortly before it expires. */
  async token(): Promise<string> {
    if (Date.now() < this.tokens.expiresAt - REFRESH_MARGIN_MS) return this.tokens.accessToken;
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    this.tokens = await this.refreshing;
    return this.tokens.accessToken;
  }

  /** Ends the session on the server too: the refresh token's family and its access tokens (RFC 7009). */
  async signOut(): Promise<void> {
    await fetch('/auth/revoke', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: this.tokens.refreshToken, token_type_hint: 'refresh_token', client_id: this.clientId, client_secret: this.clientSecret }).toString(),
    }).catch(() => undefined);
  }

  me(): Promise<Me> {
    return this.call<Me>('GET', '/v1/me');
  }

  listConversations(cursor?: string): Promise<{ conversations: ConversationSummary[]; next_cursor: string | null }> {
    const query = new URLSearchParams({ limit: '100', ...(cursor ? { cursor } : {}) });
    return this.call('GET', `/v1/conversations?${query.toString()}`);
  }

  getConversation(id: string): Promise<ConversationDetail> {
    return this.call('GET', `/v1/conversations/${encodeURIComponent(id)}`);
  }

  createConversation(input: { type: 'private' | 'group'; member_ids: string[]; title?: string }): Promise<ConversationDetail> {
    return this.call('POST', '/v1/conversations', input);
  }

  /** The page of messages before `beforeSeq` (the latest page when it is last_seq + 1), ascending. */
  async messages(conversationId: string, beforeSeq: number, limit = 50): Promise<Message[]> {
    const query = new URLSearchParams({ before_seq: String(beforeSeq), limit: String(limit) });
    const page = await this.call<{ messages: Message[] }>('GET', `/v1/conversations/${encodeURIComponent(conversationId)}/messages?${query.toString()}`);
    return page.messages;
  }

  /** POST /v1/messages: the caller's message_id makes a retry of the same message safe. */
  sendText(conversationId: string, messageId: string, text: string): Promise<{ message_id: string; seq: number; status: MessageStatus }> {
    return this.call('POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'text', text } });
  }

  sendFile(conversationId: string, messageId: string, fileId: string): Promise<{ message_id: string; seq: number; status: MessageStatus }> {
    return this.call('POST', '/v1/messages', { message_id: messageId, conversation_id: conversationId, payload: { type: 'file', file_id: fileId } });
  }

  markRead(conversationId: string, upToSeq: number): Promise<{ read_seq: number; unread_count: number }> {
    return this.call('POST', `/v1/conversations/${encodeURIComponent(conversationId)}/read`, { up_to_seq: upToSeq });
  }

  /** A download link for a file message (presigned, short-lived). */
  fileInfo(fileId: string): Promise<{ download_url: string; filename: string }> {
    return this.call('GET', `/v1/files/${encodeURIComponent(fileId)}`);
  }

  /**
   * Uploads a file with the chunk API (docs/files.md): initiate, each chunk, complete, then waits
   * for the merge; `onProgress` gets the fraction of bytes sent (0..1).
   */
  async uploadFile(file: File, conversationId: string, onProgress: (fraction: number) => void): Promise<string> {
    const started = await this.call<{ upload_id: string; chunk_size: number; total_chunks: number }>('POST', '/v1/files/initiate', {
      filename: file.name,
      size_bytes: file.size,
      mime_type: file.type || 'application/octet-stream',
      conversation_id: conversationId,
    });
    let sent = 0;
    for (let n = 1; n <= started.total_chunks; n++) {
      const chunk = file.slice((n - 1) * started.chunk_size, Math.min(file.size, n * started.chunk_size));
      await this.putChunk(`/v1/files/upload/${started.upload_id}/${n}`, chunk, (loaded) => onProgress((sent + loaded) / file.size));
      sent += chunk.size;
      onProgress(sent / file.size);
    }
    const completed = await this.call<{ file_id: string }>('POST', '/v1/files/complete', { upload_id: started.upload_id });
    for (let attempt = 0; attempt < 60; attempt++) {
      const status = await this.call<{ status: string; failure?: { reason: string } }>('GET', `/v1/files/upload/${started.upload_id}/status`);
      if (status.status === 'COMPLETED') return completed.file_id;
      if (status.status === 'FAILED') throw new Error(`upload failed: ${status.failure?.reason ?? 'unknown reason'}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    throw new Error('the upload is still merging; try sending it again shortly');
  }

  /** The WebSocket client (reconnect, resume from the last seq, de-duplication, acks), on this origin's /ws. */
  realtime(): RealtimeClient {
    const url = new URL('/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return new RealtimeClient({ url: url.toString(), token: () => this.token() });
  }

  private async refresh(): Promise<TokenSet> {
    try {
      return await requestTokens({ grant_type: 'refresh_token', refresh_token: this.tokens.refreshToken, client_id: this.clientId });
    } catch {
      // A used-up or revoked refresh token: the client credentials still sign in.
      return requestTokens({ grant_type: 'client_credentials', client_id: this.clientId, client_secret: this.clientSecret });
    }
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(path, {
      method,
      headers: { authorization: `Bearer ${await this.token()}`, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const parsed: unknown = res.status === 204 ? undefined : await res.json().catch(() => undefined);
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }

  /** One chunk with XMLHttpRequest: fetch reports no upload progress. */
  private async putChunk(path: string, chunk: Blob, onLoaded: (bytes: number) => void): Promise<void> {
    const token = await this.token();
    await new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PATCH', path);
      xhr.setRequestHeader('authorization', `Bearer ${token}`);
      xhr.setRequestHeader('content-type', 'application/octet-stream');
      xhr.upload.onprogress = (e) => onLoaded(e.loaded);
      xhr.onload = () => (xhr.status === 200 ? resolve() : reject(new ApiError(xhr.status, safeJson(xhr.responseText))));
      xhr.onerror = () => reject(new Error('network error while uploading'));
      xhr.send(chunk);
    });
  }
}

async function requestTokens(form: Record<string, string>): Promise<TokenSet> {
  const res = await fetch('/auth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await res.json().catch(() => undefined)) as { access_token: string; refresh_token: string; expires_in: number } | undefined;
  if (!res.ok || !body) throw new ApiError(res.status, body);
  return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: Date.now() + body.expires_in * 1000 };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as { detail?: string; title?: string; error_description?: string; error?: string };
    const text = b.detail ?? b.error_description ?? b.title ?? b.error;
    if (text) return text;
  }
  return `request failed (${status})`;
}

export type { RealtimeClient };
