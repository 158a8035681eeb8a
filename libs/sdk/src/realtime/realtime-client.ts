import {
  ClientFrames,
  CloseCodes,
  isForwardTransition,
  serializeFrame,
  type ConversationFrame,
  type ConversationJoinedFrame,
  type AuthenticatedFrame,
  type ErrorFrame,
  type FileCompletedFrame,
  type GoingAwayFrame,
  type PongFrame,
  type FileFailedFrame,
  type ReadyFrame,
  type MessageCreatedFrame,
  type MessageStatus,
  type MessageStatusFrame,
  type ServerFrame,
} from '@chat4all/contracts';
import { Emitter } from './emitter';

/**
 * The part of the WHATWG WebSocket the client uses: the browser's, Node's global one (Node 22+), or
 * the `ws` package's (which adds terminate(), used by drop()).
 */
/** What the socket's events carry, as far as the client reads them. */
export interface WebSocketEvents {
  message: { data: unknown };
  close: { code: number; reason: string };
  error: unknown;
}

export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener<K extends keyof WebSocketEvents>(type: K, listener: (event: WebSocketEvents[K]) => void): void;
  terminate?(): void;
}

const OPEN = 1;
type Timer = ReturnType<typeof setTimeout>;

export interface RealtimeClientOptions {
  /** wss://host/ws (or ws://); the token is added as ?token=. */
  url: string;
  /** Called before every (re)connect, so an expired token can be refreshed. */
  token: () => string | Promise<string>;
  /** Positions to resume from on the first connect (e.g. persisted by the UI). */
  positions?: Record<string, number>;
  /** Reconnect backoff: full jitter between 0 and min(max, base * 2^attempt). */
  backoff?: { baseMs: number; maxMs: number };
  /**
   * Opens the socket (default: the global WebSocket). In Node, pass one built on the `ws` package to
   * trust a self-signed certificate: `(url) => new WebSocket(url, { ca })`.
   */
  webSocket?: (url: string) => WebSocketLike;
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
  /**
   * Frames this client sends per second at most (10): acks beyond it wait for the next second. Keep
   * it under the server's limit (WS_MAX_FRAMES_PER_SECOND, 20), which closes the socket with 4008.
   */
  maxFramesPerSecond?: number;
}

/** Statuses remembered per message to drop any that would move it backwards (a bounded memory). */
const STATUS_MEMORY = 10_000;
const ACK_RETRIES = 3;
const ACK_RETRY_MS = 1_000;

/** After a refused or unanswered in-band re-authentication, the next try comes this much later (or at half the time left). */
const REAUTH_RETRY_MS = 5_000;

/** The events a RealtimeClient emits, and what each carries. */
export interface RealtimeEvents {
  event: RealtimeEvent;
  ready: ReadyFrame;
  resumed: { conversation_id: string; seq: number; read_seqs: Record<string, number> };
  reset: { conversation_id: string; seq: number };
  file: FileCompletedFrame | FileFailedFrame;
  disconnected: { code: number; reason: string };
  error: unknown;
}

/** What 'event' carries for a conversation; the other frames without a handler of their own
 * (pong, going_away, error) are passed through on 'event' too. */
export type ConversationEvent = ConversationFrame | ConversationJoinedFrame;
/** Everything 'event' carries: a conversation's events, and the frames passed through as they are. */
export type RealtimeEvent = ConversationEvent | PongFrame | GoingAwayFrame | ErrorFrame | AuthenticatedFrame;

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
export class RealtimeClient extends Emitter<RealtimeEvents> {
  private socket?: WebSocketLike;
  private readonly positions = new Map<string, number>();
  private readonly resuming = new Set<string>();
  private attempt = 0;
  private stopped = false;
  /** connect() calls so far: one whose token arrives after a later call began gives way to it. */
  private connects = 0;
  private reconnectTimer?: Timer;
  private reauthTimer?: Timer;
  private ackTimer?: Timer;
  /** Frames sent in the current one-second window (maxFramesPerSecond). */
  private framesInWindow = 0;
  private windowStartedAt = 0;
  private readonly unacked = new Set<string>();
  private readonly statuses = new Map<string, MessageStatus>();
  private readonly ackFailures = new Map<string, number>();
  private expiresAt = 0;
  private readonly retryTimers = new Set<Timer>();

  constructor(private readonly options: RealtimeClientOptions) {
    super();
    for (const [c, seq] of Object.entries(options.positions ?? {})) this.positions.set(c, seq);
  }

  /** Last seq seen per conversation: what a UI persists to resume after a restart. */
  get seen(): Record<string, number> {
    return Object.fromEntries(this.positions);
  }

  get connected(): boolean {
    return this.socket?.readyState === OPEN;
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
    // Forgotten at once: its close event comes later and must not touch a socket start() opens meanwhile.
    const socket = this.socket;
    this.socket = undefined;
    this.resuming.clear();
    if (socket) {
      socket.close(1000, 'client closing');
      this.emit('disconnected', { code: 1000, reason: 'client closing' });
    }
  }

  /** Forgets the connection without a close handshake (tests: a network drop). */
  drop(): void {
    if (this.socket?.terminate) this.socket.terminate();
    else this.socket?.close();
  }

  /** Asks for everything after the known positions (all conversations, or the given ones). */
  resume(conversationIds?: string[]): void {
    const ids = conversationIds ?? [...this.positions.keys()];
    if (ids.length === 0 || !this.connected) return;
    ids.forEach((c) => this.resuming.add(c));
    this.sendFrame(this.socket, serializeFrame(ClientFrames.resume(Object.fromEntries(ids.map((c) => [c, this.positions.get(c) ?? 0])))));
  }

  /** Starts tracking a conversation from a known position (e.g. after loading it over REST). */
  track(conversationId: string, seq = 0): void {
    if (!this.positions.has(conversationId)) this.positions.set(conversationId, seq);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const attempt = ++this.connects;
    let token: string;
    try {
      token = await this.options.token();
    } catch (error) {
      this.emit('error', error);
      this.scheduleReconnect();
      return;
    }
    // stop() while the token was on its way (and perhaps start() again, whose own connect() runs):
    // opening a socket now would leave two live ones, each delivering the same frames.
    if (this.stopped || attempt !== this.connects) return;
    const url = new URL(this.options.url);
    url.searchParams.set('token', token);
    const open: (url: string) => WebSocketLike =
      this.options.webSocket ??
      ((u: string) => {
        const ws = new globalThis.WebSocket(u);
        // Frames are JSON text; should one come as binary, as bytes rather than a Blob (toText reads them).
        ws.binaryType = 'arraybuffer';
        return ws;
      });
    const socket = open(url.toString());
    this.socket = socket;
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.receive(event.data); // a socket stop() let go of is done
    });
    socket.addEventListener('close', ({ code, reason }) => {
      if (this.socket !== socket) return;
      clearTimeout(this.reauthTimer);
      clearTimeout(this.ackTimer);
      this.ackTimer = undefined;
      this.resuming.clear();
      this.emit('disconnected', { code, reason: String(reason) });
      // 4008: a limit. Too many connections: reconnecting would hit it again. Too many frames (this
      // client keeps under maxFramesPerSecond, so another client of the app's, or a lower server
      // limit): reconnecting, with backoff, is right.
      // 4001 (token expired or revoked): reconnecting asks token() for a fresh one first.
      if (code === CloseCodes.policy && !/frames per second/.test(String(reason))) this.stopped = true;
      this.scheduleReconnect();
    });
    socket.addEventListener('error', (event) => this.emit('error', (event as { error?: unknown }).error ?? new Error('WebSocket error')));
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const { baseMs, maxMs } = this.options.backoff ?? { baseMs: 250, maxMs: 10_000 };
    const delay = Math.random() * Math.min(maxMs, baseMs * 2 ** this.attempt);
    this.attempt++;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private receive(data: unknown): void {
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
    this.sendFrame(socket, serializeFrame(ClientFrames.auth(token)));
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
    this.ackTimer ??= setTimeout(() => this.flushAcks(), this.options.ackDelayMs ?? 100);
  }

  /** One ack per conversation waiting for one, within the frame budget; the rest in the next window. */
  private flushAcks(): void {
    this.ackTimer = undefined;
    if (!this.connected) return;
    for (const c of this.unacked) {
      if (this.framesLeft() <= 0) {
        this.ackTimer = setTimeout(() => this.flushAcks(), Math.max(1, this.windowStartedAt + 1_000 - Date.now()));
        return;
      }
      const seq = this.positions.get(c) ?? 0;
      if (seq > 0) this.sendFrame(this.socket, serializeFrame(ClientFrames.ack(c, seq)));
      this.unacked.delete(c);
    }
  }

  /** Frames that may still go out in the current one-second window. */
  private framesLeft(): number {
    if (Date.now() - this.windowStartedAt >= 1_000) {
      this.windowStartedAt = Date.now();
      this.framesInWindow = 0;
    }
    return (this.options.maxFramesPerSecond ?? 10) - this.framesInWindow;
  }

  /** Every frame this client sends goes through here, so it counts against maxFramesPerSecond. */
  private sendFrame(socket: WebSocketLike | undefined, data: string): void {
    if (!socket) return;
    this.framesLeft();
    this.framesInWindow++;
    socket.send(data);
  }
}

const decoder = new TextDecoder();

/** A text frame: a string in browsers and from ws' event API; bytes otherwise. */
function toText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return decoder.decode(data as ArrayBuffer);
  if (Array.isArray(data)) return data.map((part) => toText(part)).join('');
  return String(data);
}
