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
}

export interface ConversationEvent {
  type: string;
  conversation_id: string;
  seq: number;
  [field: string]: unknown;
}

/** Close code the server uses for its limits. */
export const POLICY_CLOSE = 4008;

type Frame = ConversationEvent | { type: string; [field: string]: unknown };

/**
 * Chat4All realtime client (ARCHITECTURE §3b): reconnects with jittered backoff, resumes every
 * conversation from the last seq it saw, and hands each message to the app exactly once, in seq
 * order per conversation: duplicates (same conversation and seq) are dropped, and a gap (a seq
 * skipped, e.g. a frame lost while Redis was down) triggers a resume of that conversation.
 *
 * Events: 'event' (ConversationEvent: message.created once per seq; message.status and
 * conversation.read as they come), 'ready', 'resumed' ({conversation_id, seq, read_seqs}: replay
 * done; read_seqs holds every member's read horizon now), 'reset' ({conversation_id, seq}: reload over REST),
 * 'disconnected' ({code, reason}; after code 4008, a limit, the client does not reconnect), 'error'.
 */
export class RealtimeClient extends EventEmitter {
  private socket?: WebSocket;
  private readonly positions = new Map<string, number>();
  private readonly resuming = new Set<string>();
  private attempt = 0;
  private stopped = false;
  private reconnectTimer?: NodeJS.Timeout;

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
    this.socket?.send(JSON.stringify({ type: 'resume', positions: Object.fromEntries(ids.map((c) => [c, this.positions.get(c) ?? 0])) }));
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
    socket.on('message', (data: WebSocket.RawData) => this.onFrame(JSON.parse(toText(data)) as Frame));
    socket.on('close', (code: number, reason: Buffer) => {
      if (this.socket !== socket) return;
      this.resuming.clear();
      this.emit('disconnected', { code, reason: reason.toString() });
      // 4008: a limit (too many connections, too many frames); reconnecting would hit it again.
      if (code === POLICY_CLOSE) this.stopped = true;
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

  private onFrame(frame: Frame): void {
    switch (frame.type) {
      case 'ready':
        this.attempt = 0;
        this.emit('ready', frame);
        this.resume();
        return;
      case 'resume.done':
        this.resuming.delete(String(frame.conversation_id));
        this.emit('resumed', { conversation_id: String(frame.conversation_id), seq: Number(frame.seq), read_seqs: (frame.read_seqs ?? {}) as Record<string, number> });
        return;
      case 'resume.reset': {
        const c = String(frame.conversation_id);
        this.resuming.delete(c);
        this.positions.set(c, Number(frame.seq));
        this.emit('reset', { conversation_id: c, seq: Number(frame.seq) });
        return;
      }
      case 'conversation.joined':
        this.track(String(frame.conversation_id));
        this.emit('event', frame);
        return;
      case 'message.created':
        this.onMessage(frame as ConversationEvent);
        return;
      default:
        this.emit('event', frame);
    }
  }

  private onMessage(frame: ConversationEvent): void {
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
  }
}

function toText(data: WebSocket.RawData): string {
  if (Buffer.isBuffer(data)) return data.toString();
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return Buffer.from(data).toString();
}
