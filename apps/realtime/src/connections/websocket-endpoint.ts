import { authenticateUpgrade, refuseUpgrade, TokenVerifier, type Principal } from '@chat4all/auth-guard';
import type { MessageCreatedFrame } from '@chat4all/contracts';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { z } from 'zod';
import { REDIS } from '@chat4all/redis';
import type { Redis } from 'ioredis';
import { REDIS_CONFIG, WS_CONFIG, type RealtimeConfig } from '../config';
import { ClientConnection } from './client-connection';
import { ConnectionHub } from './connection-hub';
import { ConnectionRegistry } from './connection-registry';
import { MessagingClient } from './messaging.client';

/** Close code for policy limits (connections per user, frame rate), as agreed with the chat UIs. */
export const CLOSE_LIMIT = 4008;
const HISTORY_PAGE = 500;

const clientFrameSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('resume'), positions: z.record(z.uuid(), z.number().int().min(0)) }),
  z.object({ type: z.literal('ping') }),
]);

// GET /ws?token=<jwt> (ARCHITECTURE §3b). The token is verified on the upgrade request; a verified
// caller gets a socket whose first frame is `ready`, then live frames for all of their conversations
// (also ones created later), resume from the durable log on request, heartbeats, and limits.
@Injectable()
export class WebSocketEndpoint implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebSocketEndpoint.name);
  private readonly wss: WebSocketServer;
  private readonly hub: ConnectionHub;
  private readonly registry: ConnectionRegistry;
  private readonly frameLimiter: RateLimiterMemory;
  private heartbeat?: NodeJS.Timeout;
  private draining = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly verifier: TokenVerifier,
    private readonly messaging: MessagingClient,
    @Inject(WS_CONFIG) private readonly config: RealtimeConfig['ws'],
    @Inject(REDIS_CONFIG) redis: RealtimeConfig['redis'],
    @Inject(REDIS) redisClient: Redis,
  ) {
    this.wss = new WebSocketServer({ noServer: true, maxPayload: config.maxFrameBytes });
    this.hub = new ConnectionHub(redis, (userId) => this.messaging.memberships(userId));
    this.registry = new ConnectionRegistry(redisClient, config.maxConnectionsPerUser, config.heartbeatTimeoutMs);
    this.frameLimiter = new RateLimiterMemory({ points: config.maxFramesPerSecond, duration: 1 });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.connect();
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.upgrade(request, socket, head));
    this.heartbeat = setInterval(() => this.beat(), this.config.heartbeatIntervalMs);
  }

  // SIGTERM: going away (1001) with a reconnect hint, spread over WS_DRAIN_MS so that clients do not
  // all reconnect to the same instance at once.
  async beforeApplicationShutdown(): Promise<void> {
    this.draining = true;
    clearInterval(this.heartbeat);
    const all = this.hub.all();
    const step = all.length > 0 ? this.config.drainMs / all.length : 0;
    for (const c of all) {
      c.socket.send(JSON.stringify({ type: 'going_away', reconnect_after_ms: Math.round(Math.random() * 1000) }));
      c.socket.close(1001, 'server shutting down; reconnect');
      if (step >= 1) await sleep(step);
    }
    this.wss.close();
    await this.hub.close();
  }

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    if (new URL(request.url ?? '/', 'http://upgrade').pathname !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (this.draining) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    let principal: Principal;
    try {
      principal = await authenticateUpgrade(this.verifier, request);
    } catch (error) {
      this.audit('websocket_auth_refused', request.socket.remoteAddress, { reason: (error as Error).message });
      refuseUpgrade(socket, error);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => void this.open(ws, principal, request.socket.remoteAddress));
  }

  private async open(ws: WebSocket, principal: Principal, ip: string | undefined): Promise<void> {
    // The limit holds across instances (Redis); per instance only while Redis is unreachable.
    const connection = new ClientConnection(randomUUID(), principal.userId, ws);
    if (!(await this.registry.claim(principal.userId, connection.id, this.hub.connectionsOf(principal.userId)))) {
      this.audit('websocket_connection_limit', ip, { user_id: principal.userId, limit: this.config.maxConnectionsPerUser });
      ws.close(CLOSE_LIMIT, `at most ${this.config.maxConnectionsPerUser} connections per user`);
      return;
    }
    ws.on('pong', () => (connection.lastSeenAt = Date.now()));
    ws.on('message', (data: RawData) => void this.receive(connection, data, ip));
    ws.on('close', () => {
      this.registry.release(connection.userId, connection.id);
      void this.hub.remove(connection);
    });
    ws.on('error', () => ws.terminate());
    try {
      await this.hub.add(connection);
    } catch (error) {
      this.logger.warn({ err: error, user_id: principal.userId, message: 'could not load the conversations to follow' });
      ws.close(1011, 'try again');
      return;
    }
    ws.send(JSON.stringify({ type: 'ready', connection_id: connection.id, heartbeat_ms: this.config.heartbeatIntervalMs }));
  }

  private async receive(connection: ClientConnection, data: RawData, ip: string | undefined): Promise<void> {
    connection.lastSeenAt = Date.now();
    try {
      await this.frameLimiter.consume(connection.id);
    } catch {
      this.audit('websocket_frame_rate_limit', ip, { user_id: connection.userId, limit_per_second: this.config.maxFramesPerSecond });
      connection.socket.close(CLOSE_LIMIT, `at most ${this.config.maxFramesPerSecond} frames per second`);
      return;
    }
    let frame: z.infer<typeof clientFrameSchema>;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      frame = clientFrameSchema.parse(JSON.parse(bytes.toString()));
    } catch {
      connection.socket.send(JSON.stringify({ type: 'error', code: 'invalid-frame', detail: 'expected {type: "resume", positions: {<conversation_id>: <seq>}} or {type: "ping"}' }));
      return;
    }
    if (frame.type === 'ping') {
      connection.socket.send(JSON.stringify({ type: 'pong' }));
      return;
    }
    const positions = Object.entries(frame.positions);
    if (positions.length > this.config.resumeMaxConversations) {
      connection.socket.send(JSON.stringify({ type: 'error', code: 'too-many-positions', detail: `at most ${this.config.resumeMaxConversations} conversations per resume` }));
      return;
    }
    for (const [conversationId, seq] of positions) await this.resume(connection, conversationId, seq);
  }

  /**
   * Replays a conversation from the durable log after `afterSeq`, then lets live frames through:
   * live frames that arrive meanwhile wait, and those the replay already covered are dropped, so
   * the client sees every message once, in seq order (FR-RT-06).
   */
  private async resume(connection: ClientConnection, conversationId: string, afterSeq: number): Promise<void> {
    const socket = connection.socket;
    if (!this.hub.follows(connection, conversationId)) {
      socket.send(JSON.stringify({ type: 'resume.reset', conversation_id: conversationId, seq: 0, reason: 'not-found' }));
      return;
    }
    connection.replaying.set(conversationId, []);
    connection.sentSeq.set(conversationId, afterSeq);
    let last = afterSeq;
    let readSeqs: Record<string, number> = {};
    try {
      for (;;) {
        const page = await this.messaging.history(connection.userId, conversationId, last, HISTORY_PAGE);
        readSeqs = Object.fromEntries((page.readHorizons ?? []).map((h) => [h.userId, Number(h.readSeq)])); // set on the last page
        if (page.resetRequired) {
          socket.send(JSON.stringify({ type: 'resume.reset', conversation_id: conversationId, seq: Number(page.lastSeq), reason: 'too-far-behind', read_seqs: readSeqs }));
          last = Number(page.lastSeq);
          break;
        }
        for (const m of page.messages ?? []) {
          const frame: MessageCreatedFrame = {
            type: 'message.created',
            conversation_id: conversationId,
            seq: Number(m.seq),
            message: { message_id: m.messageId, sender_id: m.senderId, payload: JSON.parse(m.payloadJson) as unknown, created_at: m.createdAt },
          };
          socket.send(JSON.stringify(frame));
          last = frame.seq;
        }
        if ((page.messages ?? []).length < HISTORY_PAGE) break;
      }
      // Read marks that moved while the client was away (conversation.read is not replayed one by one).
      socket.send(JSON.stringify({ type: 'resume.done', conversation_id: conversationId, seq: last, read_seqs: readSeqs }));
    } catch (error) {
      this.logger.warn({ err: error, conversation_id: conversationId, message: 'resume failed' });
      socket.send(JSON.stringify({ type: 'error', code: 'resume-failed', conversation_id: conversationId, detail: 'the durable log is unavailable; retry the resume' }));
    } finally {
      const waiting = connection.replaying.get(conversationId) ?? [];
      connection.replaying.delete(conversationId);
      connection.sentSeq.set(conversationId, Math.max(last, connection.sentSeq.get(conversationId) ?? 0));
      for (const buffered of waiting) {
        const f = JSON.parse(buffered.toString()) as { type: string; seq: number };
        connection.deliver(conversationId, f.type, f.seq, buffered);
      }
    }
  }

  /** FR-RT-07: ping everyone; close and forget connections silent for longer than the timeout. */
  private beat(): void {
    const now = Date.now();
    const alive: ClientConnection[] = [];
    for (const c of this.hub.all()) {
      if (now - c.lastSeenAt > this.config.heartbeatTimeoutMs) {
        this.logger.log({ connection_id: c.id, user_id: c.userId, silent_ms: now - c.lastSeenAt, message: 'closing silent websocket' });
        c.socket.terminate();
        void this.hub.remove(c);
      } else {
        c.socket.ping();
        alive.push(c);
      }
    }
    this.registry.refresh(alive);
  }

  private audit(type: string, ip: string | undefined, details: Record<string, unknown>): void {
    // Security events (NFR-022); realtime keeps no database, so the audit store is the log pipeline.
    this.logger.warn({ audit: true, type, outcome: 'failure', remote_ip: ip, ...details, message: `audit ${type}` });
  }
}
