import {
  ClientFrames,
  CloseCodes,
  isForwardTransition,
  serializeFrame,
  type ConversationFrame,
  type ConversationJoinedFrame,
  type MessageCreatedFrame,
  type MessageStatus,
  type MessageStatusFrame,
  type ServerFrame,
} from '@chat4all/contracts';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';

export interface RealtimeClientOptions {
  /** wss://host/ws (or ws://); the token is added as ?token=. */
  url: string;
  /** Called before every (re)connect, so an expired token can be refreshed. */
  token: () => string | Promise<string>;
  /** Positions to resume from on the first connect (e.g. persisted by the UI). */
  positions?: Record<string, number>;
  /** Reconnect backoff: full jitter between 0 and min(max, base * 2^attempt). */
  backoff?: { baseMs: number; maxMs: number };
  /** Extra options for the ws client (e.g. a CA for a self-signed certificate). */
  wsOptions?: WebSocket.ClientOptions;
  /**
   * How long before the socket's expires_at a fresh token is sent in band (an `auth` frame, from
   * `token()`, which is where the app refreshes): a fifth of what is left, at most this (60 s).
   */
  reauthMarginMs?: number;
  /**
   * Acknowledge received messages (FR-RT-03: what makes the sender's messages DELIVERED): one `ack`
   * per conversation with the highest seq handed to the app, at most every `ackDelayMs` (100 ms).
   * On by default.
   */
  autoAck?: boolean;
  ackDelayMs?: number;
}

/** Statuses remembered per message to drop any that would move it backwards (a bounded memory). */
const STATUS_MEMORY = 10_000;
const ACK_RETRIES = 3;
const ACK_RETRY_MS = 1_000;

/** After a refused or unanswered in-band re-authentication, the next try comes this much later (or at half the time left). */
const REAUTH_RETRY_MS = 5_000;

/** What 'event' carries for a conversation; the other frames without a handler of their own
 * (pong, going_away, error) are passed through on 'event' too. */
export type ConversationEvent = ConversationFrame | ConversationJoinedFrame;

/**
 * Chat4All realtime client (ARCHITECTURE §3b): reconnects with jittered backoff, resumes every
 * conversation from the last seq it saw, and hands each message to the app exactly once, in seq
 * order per conversation: duplicates (same conversation and seq) are dropped, and a gap (a seq
 * skipped, e.g. a frame lost while Redis was down) triggers a resume of that conversation.
 *
 * Events: 'event' (ConversationEvent: message.created once per seq, acknowledged to the server (ack);
 * message.status only when it moves its message forward, so a UI never shows a status going back;
 * conversation.read and conversation.delivered as they come; a resume-failed error retries that resume), 'ready', 'resumed' ({conversation_id, seq, read_seqs}: replay
 * done; read_seqs holds every member's read horizon now), 'reset' ({conversation_id, seq}: reload over REST),
 * 'disconnected' ({code, reason}; after code 4008, a limit, the client does not reconnect; after 4001,
 * its access ended, it reconnects with a fresh token from `token()`), 'error'. Before the socket's
 * access ends (ready's expires_at) it sends a fresh token from `token()` in band, so a long-lived
 * socket is never cut by its token's expiry.
 */
export class RealtimeClient extends EventEmitter {
  private socket?: WebSocket;
  private readonly positions = new Map<string, number>();
  private readonly resuming = new Set<string>();
  private attempt = 0;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;
  private reauthTimer?: NodeJS.Timeout;
  private ackTimer?: NodeJS.Timeout;
  private readonly unacked = new Set<string>();
  private readonly statuses = new Map<string, MessageStatus>();
  private readonly ackFailures = new Map<string, number>();
  private expiresAt = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(private readonly options: RealtimeClientOptions) {
    super();
    for (const [c, seq] of Object.entries(options.positions ?? {})) this.positions.set(c, seq);
  }

  /** Last seq seen per conversation: what a UI persists to resume after a restart. */
  get seen(): Record<string, number> {
    return Object.fromEntries(this.positions);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.reauthTimer);
    clearTimeout(this.ackTimer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.socket?.close(1000, 'client closing');
  }

  /** Forgets the connection without a close handshake (tests: a network drop). */
  drop(): void {
    this.socket?.terminate();
  }

  /** Asks for everything after the known positions (all conversations, or the given ones). */
  resume(conversationIds?: string[]): void {
    const ids = conversationIds ?? [...this.positions.keys()];
    if (ids.length === 0 || !this.connected) return;
    ids.forEach((c) => this.resuming.add(c));
    this.socket?.send(serializeFrame(ClientFrames.resume(Object.fromEntries(ids.map((c) => [c, this.positions.get(c) ?? 0])))));
  }

  /** Starts tracking a conversation from a known position (e.g. after loading it over REST). */
  track(conversationId: string, seq = 0): void {
    if (!this.positions.has(conversationId)) this.positions.set(conversationId, seq);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      this.emit('error', error);
      this.scheduleReconnect();
      return;
    }
    const url = new URL(this.options.url);
    url.searchParams.set('token', token);
    const socket = new WebSocket(url, this.options.wsOptions);
    this.socket = socket;
    socket.on('message', (data: WebSocket.RawData) => this.receive(data));
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.socket !== socket) return;
      clearTimeout(this.reauthTimer);
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
      this.resuming.clear();
      this.emit('disconnected', { code, reason: reason.toString() });
      // 4008: a limit (too many connections, too many frames); reconnecting would hit it again.
      // 4001 (token expired or revoked): reconnecting asks token() for a fresh one first.
      if (code === CloseCodes.policy) this.stopped = true;
      this.scheduleReconnect();
    });
    socket.on('error', (error: Error) => this.emit('error', error));
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 250, maxMs: 10_000 };
    const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** this.attempt);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private receive(data: WebSocket.RawData): void {
    let frame: ServerFrame;
    try {
      // Not validated: a frame type newer than this client still reaches the app as an 'event'.
      frame = JSON.parse(toText(data)) as ServerFrame;
    } catch (error) {
      this.emit('error', error);
      return;
    }
    this.onFrame(frame);
  }

  private onFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'ready':
        this.attempt = 0;
        this.scheduleReauth(frame.expires_at);
        this.emit('ready', frame);
        this.resume();
        return;
      case 'auth.ok':
        this.scheduleReauth(frame.expires_at);
        this.emit('event', frame);
        return;
      case 'resume.done':
        this.resuming.delete(frame.conversation_id);
        // What a replay brought, or what an ack lost with the previous connection covered.
        if (frame.seq > 0) this.acknowledge(frame.conversation_id);
        this.emit('resumed', { conversation_id: frame.conversation_id, seq: frame.seq, read_seqs: frame.read_seqs ?? {} });
        return;
      case 'resume.reset': {
        const c = frame.conversation_id;
        this.resuming.delete(c);
        this.positions.set(c, frame.seq);
        this.emit('reset', { conversation_id: c, seq: frame.seq });
        return;
      }
      case 'conversation.joined':
        this.track(frame.conversation_id);
        this.emit('event', frame);
        return;
      case 'file.completed':
      case 'file.failed':
        // An upload of this user's finished merging (from any of their devices).
        this.emit('file', frame);
        return;
      case 'message.created':
        this.onMessage(frame);
        return;
      case 'error':
        // The replay did not run: without this the conversation would stay "resuming" and every
        // later message of it would wait for a replay that never comes.
        if (frame.code === 'resume-failed' && frame.conversation_id) this.retryResume(frame.conversation_id);
        // The fresh token was refused: try again while the socket lives (a 4001 close ends it otherwise).
        if (frame.code === 'invalid-token' || frame.code === 'auth-unavailable') this.retryReauth();
        if (frame.code === 'ack-failed' && frame.conversation_id) this.retryAck(frame.conversation_id);
        this.emit('event', frame);
        return;
      case 'message.status':
        if (this.forward(frame)) this.emit('event', frame);
        return;
      case 'conversation.read':
      case 'conversation.delivered':
      case 'pong':
      case 'going_away':
      default:
        // default: a frame type newer than this client.
        this.emit('event', frame);
    }
  }

  /** Sends a fresh token before the socket's access ends (the server closes it with 4001 at expires_at). */
  private scheduleReauth(expiresAt: string): void {
    clearTimeout(this.reauthTimer);
    this.expiresAt = Date.parse(expiresAt);
    if (Number.isNaN(this.expiresAt)) return;
    const left = this.expiresAt - Date.now();
    const margin = Math.min(this.options.reauthMarginMs ?? 60_000, left / 5);
    this.reauthTimer = setTimeout(() => void this.reauthenticate(), Math.max(0, left - margin));
  }

  private retryReauth(): void {
    clearTimeout(this.reauthTimer);
    const left = this.expiresAt - Date.now();
    if (left <= 0) return;
    this.reauthTimer = setTimeout(() => void this.reauthenticate(), Math.min(REAUTH_RETRY_MS, left / 2));
  }

  private async reauthenticate(): Promise<void> {
    const socket = this.socket;
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      this.emit('error', error);
      this.retryReauth();
      return;
    }
    if (this.socket !== socket || !this.connected) return;
    socket?.send(serializeFrame(ClientFrames.auth(token)));
  }

  private retryResume(conversationId: string): void {
    this.resuming.delete(conversationId);
    const { baseMs } = this.options.backoff ?? { baseMs: 250, maxMs: 10_000 };
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.resume([conversationId]);
    }, baseMs);
    this.retryTimers.add(timer);
  }

  private onMessage(frame: MessageCreatedFrame): void {
    const c = frame.conversation_id;
    const last = this.positions.get(c) ?? 0;
    if (frame.seq <= last) return; // already seen
    if (frame.seq > last + 1 && !this.resuming.has(c)) {
      // A gap: something was missed. Fetch from the durable log; the replay brings this one too.
      this.resume([c]);
      return;
    }
    if (frame.seq > last + 1) return; // the replay in flight will bring it, in order
    this.positions.set(c, frame.seq);
    this.emit('event', frame);
    this.ackFailures.delete(c);
    this.acknowledge(c);
  }

  /** An ack the server could not record is sent again a few times (the next message's ack covers it too). */
  private retryAck(conversationId: string): void {
    const failures = (this.ackFailures.get(conversationId) ?? 0) + 1;
    this.ackFailures.set(conversationId, failures);
    if (failures > ACK_RETRIES) return;
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.acknowledge(conversationId);
    }, ACK_RETRY_MS * failures);
    this.retryTimers.add(timer);
  }

  /** A status frame that moves its message forward (or the first seen for it); false for a late or repeated one. */
  private forward(frame: MessageStatusFrame): boolean {
    const previous = this.statuses.get(frame.message_id);
    if (previous !== undefined && !isForwardTransition(previous, frame.status)) return false;
    this.statuses.delete(frame.message_id);
    this.statuses.set(frame.message_id, frame.status);
    if (this.statuses.size > STATUS_MEMORY) this.statuses.delete(this.statuses.keys().next().value as string);
    return true;
  }

  /** Schedules one `ack` for the conversation, with the highest seq seen when it is sent. */
  private acknowledge(conversationId: string): void {
    if (this.options.autoAck === false) return;
    this.unacked.add(conversationId);
    this.ackTimer ??= setTimeout(() => {
      this.ackTimer = undefined;
      if (!this.connected) return;
      for (const c of this.unacked) {
        const seq = this.positions.get(c) ?? 0;
        if (seq > 0) this.socket?.send(serializeFrame(ClientFrames.ack(c, seq)));
      }
      this.unacked.clear();
    }, this.options.ackDelayMs ?? 100);
  }
}

function toText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}
