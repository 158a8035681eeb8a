import type { RedisConfig } from '@chat4all/config';
import { RealtimeChannels } from '@chat4all/contracts';
import { connectAtStartup, countRedisErrors, createRedisSubscriber, decodeFanoutMessage } from '@chat4all/redis';
import { extractTraceContext } from '@chat4all/telemetry';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { ClientConnection } from './client-connection';
import { openConnections } from './websocket-metrics';

const tracer = trace.getTracer('@chat4all/realtime');

/** What routing reads of a frame from Redis (message.created carries its message's created_at). */
interface RoutedFrame {
  conversation_id?: string;
  seq?: number;
  type?: string;
  message?: { created_at?: unknown };
}

/** When the gateway accepted a message.created frame's message (epoch ms), for realtime_accept_to_delivered_seconds. */
function acceptedAtOf(frame: RoutedFrame): number | undefined {
  if (frame.type !== 'message.created' || typeof frame.message?.created_at !== 'string') return undefined;
  const at = Date.parse(frame.message.created_at);
  return Number.isNaN(at) ? undefined : at;
}

const CONVERSATION_PREFIX = RealtimeChannels.conversation('');
const USER_PREFIX = RealtimeChannels.user('');

// Which user holds which connections here, and which conversations each follows (FR-RT-04/05). One
// Redis subscription per followed conversation and per connected user, reference-counted; a frame
// from Redis is parsed once for routing and its original bytes are written to every follower.
export class ConnectionHub {
  private readonly logger = new Logger(ConnectionHub.name);
  private readonly byUser = new Map<string, Set<ClientConnection>>();
  private readonly followers = new Map<string, Set<ClientConnection>>();
  private readonly subscriber: Redis;

  constructor(
    redis: RedisConfig,
    private readonly memberships: (userId: string) => Promise<string[]>,
  ) {
    this.subscriber = createRedisSubscriber(redis, 'realtime-fanout');
    countRedisErrors(this.subscriber, 'realtime', 'subscriber');
    this.subscriber.on('messageBuffer', (channel: Buffer, message: Buffer) => this.route(channel.toString(), message));
    this.subscriber.on('error', (error: Error) => this.logger.warn({ err: error, message: 'redis subscriber error' }));
  }

  connect(): Promise<void> {
    return connectAtStartup(this.subscriber, 'realtime-fanout');
  }

  async close(): Promise<void> {
    this.subscriber.disconnect();
    return Promise.resolve();
  }

  connectionsOf(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  get size(): number {
    let n = 0;
    for (const set of this.byUser.values()) n += set.size;
    return n;
  }

  all(): ClientConnection[] {
    return [...this.byUser.values()].flatMap((s) => [...s]);
  }

  /** Registers a connection and follows all of its user's conversations. */
  async add(connection: ClientConnection): Promise<void> {
    const conversations = await this.memberships(connection.userId);
    const mine = this.byUser.get(connection.userId) ?? new Set();
    if (mine.size === 0) {
      this.byUser.set(connection.userId, mine);
      this.subscribe(RealtimeChannels.user(connection.userId));
    }
    mine.add(connection);
    openConnections.set(this.size);
    for (const c of conversations) this.follow(connection, c);
  }

  // Not awaited: while Redis is down subscriptions wait in the client's queue and apply when it is
  // back; connections work meanwhile (resume from the durable log fills what live fan-out missed).
  private subscribe(channel: string): void {
    this.subscriber.subscribe(channel).catch((error: unknown) => this.logger.warn({ err: error, channel, message: 'subscribe failed' }));
  }

  async remove(connection: ClientConnection): Promise<void> {
    const mine = this.byUser.get(connection.userId);
    if (!mine?.delete(connection)) return;
    if (mine.size === 0) {
      this.byUser.delete(connection.userId);
      await this.subscriber.unsubscribe(RealtimeChannels.user(connection.userId)).catch(() => undefined);
    }
    for (const [conversationId, set] of this.followers) {
      if (set.delete(connection) && set.size === 0) {
        this.followers.delete(conversationId);
        await this.subscriber.unsubscribe(RealtimeChannels.conversation(conversationId)).catch(() => undefined);
      }
    }
    openConnections.set(this.size);
  }

  follows(connection: ClientConnection, conversationId: string): boolean {
    return this.followers.get(conversationId)?.has(connection) ?? false;
  }

  private follow(connection: ClientConnection, conversationId: string): void {
    let set = this.followers.get(conversationId);
    if (!set) {
      set = new Set();
      this.followers.set(conversationId, set);
      this.subscribe(RealtimeChannels.conversation(conversationId));
    }
    set.add(connection);
  }

  private route(channel: string, published: Buffer): void {
    // Only what routing needs is read; the bytes go out as they came (a frame type newer than this
    // instance is passed through too).
    const { traceparent, frame: message } = decodeFanoutMessage(published);
    let frame: RoutedFrame;
    try {
      frame = JSON.parse(message.toString()) as typeof frame;
    } catch {
      this.logger.warn({ channel, message: 'unparseable frame on redis; dropped' });
      return;
    }
    // The publisher's trace continues here: one span for the fan-out, with how many sockets it was
    // written to. (A span per socket was 100 spans per message of a 100-member conversation: most of
    // realtime's CPU under load went to making and exporting them.)
    const parent = traceparent ? extractTraceContext({ traceparent }, ROOT_CONTEXT) : ROOT_CONTEXT;
    const type = frame.type ?? 'unknown';
    const span = tracer.startSpan(`fan-out ${type}`, { kind: SpanKind.CONSUMER, attributes: { 'chat4all.frame.type': type } }, parent);
    try {
      span.setAttribute('chat4all.fanout.sockets', this.routeFrame(channel, frame, message));
    } finally {
      span.end();
    }
  }

  /** Writes a frame to the sockets it is for; returns how many. */
  private routeFrame(channel: string, frame: RoutedFrame, message: Buffer): number {
    let sockets = 0;
    if (channel.startsWith(USER_PREFIX)) {
      // A conversation the user just joined: follow it on every connection of theirs, and tell them.
      const userId = channel.slice(USER_PREFIX.length);
      for (const c of this.byUser.get(userId) ?? []) {
        if (frame.conversation_id) this.follow(c, frame.conversation_id);
        c.forward(frame.type ?? 'unknown', message);
        sockets++;
      }
      return sockets;
    }
    if (!channel.startsWith(CONVERSATION_PREFIX) || !frame.conversation_id || typeof frame.type !== 'string') return 0;
    const acceptedAt = acceptedAtOf(frame);
    for (const c of this.followers.get(frame.conversation_id) ?? []) {
      if (c.deliver(frame.conversation_id, frame.type, frame.seq ?? 0, message, acceptedAt)) sockets++;
    }
    return sockets;
  }
}
