// Every call the web chat makes to Chat4All goes through this module, and this module goes through
// @chat4all/sdk: REST (tokens fetched and refreshed, safe retries, Idempotency-Key) to this origin,
// which the web-chat server proxies to the gateway, and the SDK's realtime client on this origin's /ws.
import { Chat4AllClient, Chat4AllError, type Conversation, type ConversationSummary, type Message, type RealtimeClient, type RealtimeEvent } from '@chat4all/sdk';

export type { Conversation, ConversationSummary, Message, RealtimeClient, RealtimeEvent };
export type MessageStatus = NonNullable<Message['status']>;
export type Me = Awaited<ReturnType<Chat4AllClient['me']>>;

/** A signed-in API client: its tokens live in memory only (a reload signs in again). */
export class ChatApi {
  private constructor(private readonly client: Chat4AllClient) {}

  /** OAuth 2.0 client credentials; the first call fetches the token, so a wrong secret fails here. */
  static async signIn(clientId: string, clientSecret: string): Promise<{ api: ChatApi; me: Me }> {
    const client = new Chat4AllClient({ baseUrl: window.location.origin, clientId, clientSecret });
    const me = await client.me();
    return { api: new ChatApi(client), me };
  }

  /** Ends the session on the server too: the refresh token's family and its access tokens (RFC 7009). */
  signOut(): Promise<void> {
    return this.client.tokens.revoke().catch(() => undefined);
  }

  listConversations(cursor?: string) {
    return this.client.conversations.list({ limit: 100, ...(cursor ? { cursor } : {}) });
  }

  getConversation(id: string): Promise<Conversation> {
    return this.client.conversations.get(id);
  }

  createConversation(input: { type: 'private' | 'group'; member_ids: string[]; title?: string }): Promise<Conversation> {
    return this.client.conversations.create(input);
  }

  /** The page of messages before `beforeSeq` (the latest page when it is last_seq + 1), ascending. */
  messages(conversationId: string, beforeSeq: number, limit = 50): Promise<Message[]> {
    return this.client.conversations.messages(conversationId, { beforeSeq, limit });
  }

  /** The caller's message_id makes a retry of the same message safe. */
  sendText(conversationId: string, messageId: string, text: string) {
    return this.client.messages.send(conversationId, text, { messageId });
  }

  sendFile(conversationId: string, messageId: string, fileId: string) {
    return this.client.messages.sendFile(conversationId, fileId, { messageId });
  }

  markRead(conversationId: string, upToSeq: number) {
    return this.client.conversations.markRead(conversationId, upToSeq);
  }

  /** A download link for a file message (presigned, short-lived). */
  async fileLink(fileId: string): Promise<string> {
    const file = await this.client.files.get(fileId);
    if (!file.download_url) throw new Error(`${file.filename} cannot be downloaded (${file.status.toLowerCase()})`);
    return file.download_url;
  }

  /** Uploads in chunks and waits for the merge; `onProgress` gets the fraction stored (0..1, after each chunk). */
  async uploadFile(file: File, conversationId: string, onProgress: (fraction: number) => void): Promise<string> {
    const result = await this.client.files.upload(file, {
      filename: file.name,
      mimeType: file.type || 'application/octet-stream',
      conversationId,
      onProgress: (sent, total) => onProgress(total > 0 ? sent / total : 1),
    });
    if (result.status !== 'COMPLETED') throw new Error(`the upload of ${file.name} failed its checks`);
    return result.fileId;
  }

  /** The WebSocket client (reconnect, resume from the last seq, de-duplication, acks), on this origin's /ws. */
  realtime(): RealtimeClient {
    const url = new URL('/ws', window.location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    return this.client.realtime({ url: url.toString() });
  }
}

/** What to show for a failed call: the problem's detail when the API gave one. */
export function errorText(error: unknown): string {
  if (error instanceof Chat4AllError) return error.detail ?? error.title;
  return error instanceof Error ? error.message : String(error);
}
