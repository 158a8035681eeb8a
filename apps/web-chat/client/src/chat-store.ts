import { isForwardTransition } from '@chat4all/contracts';
import { errorText, type ChatApi, type Conversation, type ConversationSummary, type Message, type MessageStatus, type RealtimeClient, type RealtimeEvent } from './api';

/** What a message carries; a file sent from this page shows before the server adds its checksum. */
export type UiPayload =
  | { type: 'text'; text: string }
  | { type: 'file'; file_id: string; filename?: string; mime_type?: string; size_bytes?: number; sha256?: string };

/** A message as the UI shows it: SENDING until the server accepted it (then it has a seq). */
export interface UiMessage {
  message_id: string;
  seq?: number;
  sender_id: string;
  payload: UiPayload;
  status: MessageStatus | 'SENDING';
  created_at: string;
  error?: string;
}

export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface TimelineView {
  messages: UiMessage[];
  hasOlder: boolean;
  loading: boolean;
  error?: string;
}

/** A conversation in the list; `others`: the other members' ids, once known (they name a private chat). */
export type ConversationItem = ConversationSummary & { others?: string[] };

export interface ChatView {
  me: string;
  connection: ConnectionState;
  conversations: ConversationItem[];
  timelines: Record<string, TimelineView>;
}

interface Timeline {
  bySeq: Map<number, UiMessage>;
  /** Sent from here, not yet accepted (no seq): keyed by message_id. */
  pending: Map<string, UiMessage>;
  oldestSeq?: number;
  hasOlder: boolean;
  loading: boolean;
  loaded: boolean;
  error?: string;
}

/** Conversations beyond 10 pages of 100 join the list when a message of theirs arrives. */
const MAX_LIST_PAGES = 10;

/**
 * The web chat's state: conversations and timelines from REST, kept current by the realtime client's
 * frames (it resumes from the last seq after every reconnect and drops duplicates), and the
 * optimistic messages sent from here. Components read it with useSyncExternalStore.
 */
export class ChatStore {
  private readonly conversations = new Map<string, ConversationSummary>();
  private readonly others = new Map<string, string[]>();
  private readonly timelines = new Map<string, Timeline>();
  /** Statuses that arrived before their message (keyed by message_id). */
  private readonly earlyStatuses = new Map<string, MessageStatus>();
  private readonly listeners = new Set<() => void>();
  private connection: ConnectionState = 'connecting';
  private view: ChatView;
  private realtime?: RealtimeClient;
  private stopping?: Promise<void>;
  private everReady = false;
  private readonly reading = new Map<string, Promise<void>>();

  constructor(
    private readonly api: ChatApi,
    readonly me: string,
  ) {
    this.view = this.buildView();
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): ChatView => this.view;

  /** Loads the conversation list, then follows every conversation live from its last seq. */
  async start(): Promise<void> {
    await this.reloadConversations();
    const client = this.api.realtime();
    this.realtime = client;
    for (const c of this.conversations.values()) client.track(c.id, c.last_seq);
    client.on('ready', () => {
      this.setConnection('connected');
      // Conversations created while this page was offline: resume covers only those it knew.
      if (this.everReady) void this.reloadConversations();
      this.everReady = true;
    });
    client.on('disconnected', () => this.setConnection(navigator.onLine ? 'reconnecting' : 'offline'));
    client.on('event', (frame) => this.onFrame(frame));
    client.on('resumed', (r) => this.onHorizons(r.conversation_id, r.read_seqs, 'READ'));
    client.on('reset', (r) => void this.reloadTimeline(r.conversation_id));
    client.on('error', () => undefined);
    window.addEventListener('offline', this.goOffline);
    window.addEventListener('online', this.goOnline);
    if (navigator.onLine) client.start();
    else this.setConnection('offline');
  }

  stop(): void {
    window.removeEventListener('offline', this.goOffline);
    window.removeEventListener('online', this.goOnline);
    this.realtime?.stop();
  }

  /** The first page of a timeline (the latest messages), once. */
  async open(conversationId: string): Promise<void> {
    const t = this.timeline(conversationId);
    if (t.loaded || t.loading) return;
    await this.loadOlder(conversationId);
  }

  /** The page before the oldest message shown (infinite scroll back). */
  async loadOlder(conversationId: string): Promise<void> {
    const t = this.timeline(conversationId);
    if (t.loading || (t.loaded && !t.hasOlder)) return;
    const summary = this.conversations.get(conversationId);
    const newest = Math.max(summary?.last_seq ?? 0, ...t.bySeq.keys());
    const before = t.oldestSeq ?? newest + 1;
    if (before <= 1) {
      Object.assign(t, { loaded: true, hasOlder: false });
      return this.changed();
    }
    t.loading = true;
    this.changed();
    try {
      const page = await this.api.messages(conversationId, before, 50);
      for (const m of page) this.upsert(conversationId, fromServer(m));
      const oldest = page[0]?.seq ?? before;
      Object.assign(t, { oldestSeq: oldest, hasOlder: oldest > 1, loaded: true, error: undefined });
    } catch (error) {
      t.error = errorText(error);
    } finally {
      t.loading = false;
      this.changed();
    }
  }

  /** Sends a text message: shown at once as SENDING, then with the server's statuses. */
  async send(conversationId: string, text: string, messageId: string = crypto.randomUUID()): Promise<void> {
    const t = this.timeline(conversationId);
    const existing = t.pending.get(messageId);
    const message: UiMessage = existing ?? { message_id: messageId, sender_id: this.me, payload: { type: 'text', text }, status: 'SENDING', created_at: new Date().toISOString() };
    t.pending.set(messageId, { ...message, status: 'SENDING', error: undefined });
    this.changed();
    try {
      const accepted = await this.api.sendText(conversationId, messageId, text);
      this.accepted(conversationId, messageId, accepted.seq);
    } catch (error) {
      const failed = t.pending.get(messageId);
      if (failed) t.pending.set(messageId, { ...failed, status: 'FAILED', error: errorText(error) });
      this.changed();
    }
  }

  /** Sends again a message that failed before the server accepted it (same message_id: safe). */
  retry(conversationId: string, messageId: string): Promise<void> {
    const m = this.timeline(conversationId).pending.get(messageId);
    if (!m || m.payload.type !== 'text') return Promise.resolve();
    return this.send(conversationId, m.payload.text, messageId);
  }

  /** Uploads a file, then sends it as a message. */
  async sendFile(conversationId: string, file: File, onProgress: (fraction: number) => void): Promise<void> {
    const fileId = await this.api.uploadFile(file, conversationId, onProgress);
    const messageId = crypto.randomUUID();
    const t = this.timeline(conversationId);
    t.pending.set(messageId, {
      message_id: messageId,
      sender_id: this.me,
      payload: { type: 'file', file_id: fileId, filename: file.name, size_bytes: file.size, mime_type: file.type },
      status: 'SENDING',
      created_at: new Date().toISOString(),
    });
    this.changed();
    const accepted = await this.api.sendFile(conversationId, messageId, fileId);
    this.accepted(conversationId, messageId, accepted.seq);
  }

  /** Marks everything up to the newest message shown as read (the timeline is on screen). */
  markRead(conversationId: string): void {
    const c = this.conversations.get(conversationId);
    const t = this.timelines.get(conversationId);
    if (!c || !t) return;
    const newest = Math.max(0, ...t.bySeq.keys());
    if (newest <= c.read_seq || this.reading.has(conversationId)) return;
    const run = this.api.markRead(conversationId, newest).then(
      (r) => {
        this.reading.delete(conversationId);
        this.setReadSeq(conversationId, r.read_seq);
        // More arrived meanwhile.
        this.markRead(conversationId);
      },
      // Tried again with the next message or when the page is shown again, not in a loop.
      () => void this.reading.delete(conversationId),
    );
    this.reading.set(conversationId, run);
  }

  async createConversation(input: { type: 'private' | 'group'; member_ids: string[]; title?: string }): Promise<string> {
    const created = await this.api.createConversation(input);
    this.setMembers(created);
    this.addConversation({ ...created, unread_count: 0, last_activity_at: new Date().toISOString(), last_message: null });
    return created.id;
  }

  /** Who else is in the conversation (its name, when it has no title): asked once. */
  async loadMembers(conversationId: string): Promise<void> {
    if (this.others.has(conversationId)) return;
    this.others.set(conversationId, []);
    const detail = await this.api.getConversation(conversationId).catch(() => undefined);
    if (detail) this.setMembers(detail);
  }

  private setMembers(detail: Conversation): void {
    this.others.set(
      detail.id,
      detail.members.map((m) => m.user_id).filter((id) => id !== this.me),
    );
    this.changed();
  }

  fileLink(fileId: string): Promise<string> {
    return this.api.fileLink(fileId);
  }

  private goOffline = () => {
    this.setConnection('offline');
    const client = this.realtime;
    if (!client) return;
    // The socket would survive a short loss unnoticed; the resume after reconnecting brings what was missed.
    this.stopping = new Promise<void>((resolve) => {
      if (!client.connected) return resolve();
      const done = () => resolve();
      client.once('disconnected', done);
      setTimeout(done, 2_000);
    });
    client.stop();
  };

  private goOnline = () => {
    this.setConnection('reconnecting');
    void (this.stopping ?? Promise.resolve()).then(() => {
      this.stopping = undefined;
      if (navigator.onLine) this.realtime?.start();
    });
  };

  /** Every conversation, page by page (cursor: stable while new messages reorder the list). */
  private async reloadConversations(): Promise<void> {
    let cursor: string | undefined;
    for (let pages = 0; pages < MAX_LIST_PAGES; pages++) {
      const page = await this.api.listConversations(cursor);
      for (const c of page.conversations) this.addConversation(c);
      if (!page.next_cursor || page.conversations.length === 0) return;
      cursor = page.next_cursor;
    }
  }

  private addConversation(c: ConversationSummary): void {
    const known = this.conversations.get(c.id);
    if (known) {
      // Live frames may already be ahead of this (older) answer.
      const last_seq = Math.max(known.last_seq, c.last_seq);
      const read_seq = Math.max(known.read_seq, c.read_seq);
      this.conversations.set(c.id, { ...c, last_seq, read_seq, unread_count: Math.max(0, last_seq - read_seq), last_message: known.last_seq > c.last_seq ? known.last_message : c.last_message });
    } else {
      this.conversations.set(c.id, c);
      this.realtime?.track(c.id, c.last_seq);
    }
    this.changed();
  }

  private async reloadTimeline(conversationId: string): Promise<void> {
    this.timelines.delete(conversationId);
    const detail = await this.api.getConversation(conversationId).catch(() => undefined);
    if (detail) {
      const c = this.conversations.get(conversationId);
      if (c) this.conversations.set(conversationId, { ...c, last_seq: detail.last_seq, read_seq: detail.read_seq, unread_count: detail.last_seq - detail.read_seq });
    }
    this.changed();
    await this.open(conversationId);
  }

  private onFrame(frame: RealtimeEvent): void {
    switch (frame.type) {
      case 'message.created': {
        const m = { ...frame.message, payload: frame.message.payload as UiPayload };
        this.upsert(frame.conversation_id, { ...m, seq: frame.seq, status: 'SENT' });
        this.onNewMessage(frame.conversation_id, frame.seq, m);
        return;
      }
      case 'message.status':
        this.applyStatus(frame.conversation_id, frame.seq, frame.message_id, frame.status);
        return;
      case 'conversation.read':
        if (frame.user_id === this.me) this.setReadSeq(frame.conversation_id, frame.seq);
        else this.onHorizons(frame.conversation_id, { [frame.user_id]: frame.seq }, 'READ');
        return;
      case 'conversation.delivered':
        if (frame.user_id !== this.me) this.onHorizons(frame.conversation_id, { [frame.user_id]: frame.seq }, 'DELIVERED');
        return;
      case 'conversation.joined':
        this.learnConversation(frame.conversation_id);
        return;
      case 'pong':
      case 'going_away':
      case 'error':
      case 'auth.ok':
        return;
    }
  }

  /** A conversation this page did not list (joined now, or beyond the pages it loaded). */
  private learnConversation(conversationId: string): void {
    if (this.conversations.has(conversationId) || this.others.has(conversationId)) return;
    this.others.set(conversationId, []);
    void this.api.getConversation(conversationId).then(
      (d) => {
        this.setMembers(d);
        this.addConversation({ ...d, unread_count: d.last_seq - d.read_seq, last_activity_at: new Date().toISOString(), last_message: null });
      },
      () => void this.others.delete(conversationId),
    );
  }

  private onNewMessage(conversationId: string, seq: number, m: { message_id: string; sender_id: string; payload: UiPayload; created_at: string }): void {
    const c = this.conversations.get(conversationId);
    if (!c) return this.learnConversation(conversationId);
    const preview = m.payload.type === 'text' ? m.payload.text.slice(0, 100) : '[file]';
    const last_seq = Math.max(c.last_seq, seq);
    // The sender's own horizon moves with their message.
    const read_seq = m.sender_id === this.me ? Math.max(c.read_seq, seq) : c.read_seq;
    this.conversations.set(conversationId, {
      ...c,
      last_seq,
      read_seq,
      unread_count: Math.max(0, last_seq - read_seq),
      last_activity_at: m.created_at,
      last_message: seq >= c.last_seq ? { message_id: m.message_id, seq, sender_id: m.sender_id, type: m.payload.type, preview, created_at: m.created_at } : c.last_message,
    });
    this.changed();
  }

  /** Another member's horizon: my messages at or below it have (at least) that status. */
  private onHorizons(conversationId: string, horizons: Record<string, number>, status: 'READ' | 'DELIVERED'): void {
    const t = this.timelines.get(conversationId);
    if (!t) return;
    const others = Object.entries(horizons).filter(([user]) => user !== this.me);
    if (others.length === 0) return;
    const horizon = Math.max(...others.map(([, seq]) => seq));
    let changed = false;
    for (const [seq, m] of t.bySeq) {
      if (seq <= horizon && m.sender_id === this.me && m.status !== 'SENDING' && isForwardTransition(m.status, status)) {
        t.bySeq.set(seq, { ...m, status });
        changed = true;
      }
    }
    if (changed) this.changed();
  }

  private applyStatus(conversationId: string, seq: number, messageId: string, status: MessageStatus): void {
    const m = this.timelines.get(conversationId)?.bySeq.get(seq);
    if (!m || m.message_id !== messageId) {
      this.earlyStatuses.set(messageId, status);
      return;
    }
    if (m.status === 'SENDING' || isForwardTransition(m.status, status)) {
      this.timeline(conversationId).bySeq.set(seq, { ...m, status });
      this.changed();
    }
  }

  private accepted(conversationId: string, messageId: string, seq: number): void {
    const t = this.timeline(conversationId);
    const pending = t.pending.get(messageId);
    t.pending.delete(messageId);
    if (pending && !t.bySeq.has(seq)) this.upsert(conversationId, { ...pending, seq, status: 'ACCEPTED' });
    this.changed();
  }

  /** Puts a message in its timeline by seq; a status only moves forward. */
  private upsert(conversationId: string, m: UiMessage & { seq: number }): void {
    const t = this.timeline(conversationId);
    t.pending.delete(m.message_id);
    const known = t.bySeq.get(m.seq);
    let status = m.status;
    if (known && known.status !== 'SENDING' && status !== 'SENDING' && !isForwardTransition(known.status, status)) status = known.status;
    const early = this.earlyStatuses.get(m.message_id);
    if (early && status !== 'SENDING' && isForwardTransition(status, early)) status = early;
    this.earlyStatuses.delete(m.message_id);
    t.bySeq.set(m.seq, { ...known, ...m, status });
    this.changed();
  }

  private setReadSeq(conversationId: string, readSeq: number): void {
    const c = this.conversations.get(conversationId);
    if (!c || readSeq <= c.read_seq) return;
    this.conversations.set(conversationId, { ...c, read_seq: readSeq, unread_count: Math.max(0, c.last_seq - readSeq) });
    this.changed();
  }

  private timeline(conversationId: string): Timeline {
    let t = this.timelines.get(conversationId);
    if (!t) {
      t = { bySeq: new Map(), pending: new Map(), hasOlder: true, loading: false, loaded: false };
      this.timelines.set(conversationId, t);
    }
    return t;
  }

  private setConnection(state: ConnectionState): void {
    if (this.connection === state) return;
    this.connection = state;
    this.changed();
  }

  private changed(): void {
    this.view = this.buildView();
    for (const l of this.listeners) l();
  }

  private buildView(): ChatView {
    const conversations = [...this.conversations.values()]
      .sort((a, b) => b.last_activity_at.localeCompare(a.last_activity_at))
      .map((c) => ({ ...c, others: this.others.get(c.id) }));
    const timelines: Record<string, TimelineView> = {};
    for (const [id, t] of this.timelines) {
      const messages = [...t.bySeq.entries()].sort(([a], [b]) => a - b).map(([, m]) => m);
      timelines[id] = { messages: [...messages, ...t.pending.values()], hasOlder: t.hasOlder, loading: t.loading, error: t.error };
    }
    return { me: this.me, connection: this.connection, conversations, timelines };
  }
}

function fromServer(m: Message): UiMessage & { seq: number } {
  // The timeline's status is absent when message-worker is unreachable: SENT is what it at least is.
  return { message_id: m.message_id, seq: m.seq, sender_id: m.sender_id, payload: m.payload, status: m.status ?? 'SENT', created_at: m.created_at };
}

export { errorText };
