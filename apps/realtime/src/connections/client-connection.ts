import { serializeFrame, type ServerFrame } from '@chat4all/contracts';
import type { WebSocket } from 'ws';
import { countFrameSent, observeDelivered } from './websocket-metrics';

/** A live frame held back while its conversation is being replayed, with what routing needs. */
export interface HeldFrame {
  type: string;
  seq: number;
  bytes: Buffer;
  /** A message.created frame's message created_at (epoch ms): when the gateway accepted it. */
  acceptedAt?: number;
}

/** One WebSocket of one user on this instance, and where it stands in each conversation. */
export class ClientConnection {
  /** Highest message.created seq sent per conversation: live frames at or below it are not sent again. */
  readonly sentSeq = new Map<string, number>();
  /** Conversations being replayed: live frames wait here until the replay is done. */
  readonly replaying = new Map<string, HeldFrame[]>();
  /** The last resume asked for per conversation: the next one of the same conversation runs after it. */
  readonly resumes = new Map<string, Promise<void>>();
  lastSeenAt = Date.now();

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly socket: WebSocket,
  ) {}

  /** Sends a frame this instance built (ready, replies, replays). */
  send(frame: ServerFrame): void {
    this.write(frame.type, serializeFrame(frame));
  }

  /** Sends a frame as it was published on Redis. */
  forward(type: string, frame: Buffer): void {
    this.write(type, frame);
  }

  /**
   * Sends a live frame about a conversation, in order and at most once per message; false when it is
   * not written now (held back during a replay, or already sent).
   */
  deliver(conversationId: string, type: string, seq: number, frame: Buffer, acceptedAt?: number): boolean {
    const waiting = this.replaying.get(conversationId);
    if (waiting) {
      waiting.push({ type, seq, bytes: frame, acceptedAt });
      return false;
    }
    if (type === 'message.created') {
      if (seq <= (this.sentSeq.get(conversationId) ?? 0)) return false;
      this.sentSeq.set(conversationId, seq);
    }
    this.write(type, frame);
    if (acceptedAt !== undefined) observeDelivered(acceptedAt);
    return true;
  }

  private write(type: string, bytes: string | Buffer): void {
    // Always a text frame (the protocol's JSON frames): ws would send a Buffer as a binary one, which
    // a browser hands over as a Blob.
    this.socket.send(bytes, { binary: false });
    countFrameSent(type);
  }
}
