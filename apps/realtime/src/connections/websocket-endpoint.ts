import { RevocationList, TokenVerifier } from '@chat4all/auth-guard';
import { REDIS } from '@chat4all/redis';
import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Redis } from 'ioredis';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { REDIS_CONFIG, WS_CONFIG, type RealtimeConfig } from '../config';
import { ClientFrameRouter } from '../frames/client-frame-router';
import { DeliveryAcks } from '../frames/delivery-acks';
import { ConversationResume } from '../resume/conversation-resume';
import { ConnectionAuth } from './connection-auth';
import { ConnectionHub } from './connection-hub';
import { ConnectionLimits } from './connection-limits';
import { ConnectionRegistry } from './connection-registry';
import { ConnectionSetup } from './connection-setup';
import { drainConnections } from './drain';
import { Heartbeat } from './heartbeat';
import { MessagingClient } from './messaging.client';
import { UpgradeGate } from './upgrade-gate';
import { WebSocketAudit } from './websocket-audit';

// The WebSocket endpoint (ARCHITECTURE §3b) in the app's lifecycle: it puts the parts together
// (upgrade gate, limits, connection setup, token lifetime, frame router, resume, heartbeat), serves upgrades once
// the app is up, and drains on shutdown.
@Injectable()
export class WebSocketEndpoint implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly hub: ConnectionHub;
  private readonly gate: UpgradeGate;
  private readonly setup: ConnectionSetup;
  private readonly heartbeat: Heartbeat;
  private readonly auth: ConnectionAuth;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    verifier: TokenVerifier,
    revocations: RevocationList,
    messaging: MessagingClient,
    @Inject(WS_CONFIG) private readonly config: RealtimeConfig['ws'],
    @Inject(REDIS_CONFIG) redis: RealtimeConfig['redis'],
    @Inject(REDIS) redisClient: Redis,
  ) {
    const audit = new WebSocketAudit();
    const registry = new ConnectionRegistry(redisClient, config.maxConnectionsPerUser, config.heartbeatTimeoutMs);
    this.hub = new ConnectionHub(redis, (userId) => messaging.memberships(userId));
    this.gate = new UpgradeGate(verifier, audit, config.maxFrameBytes);
    const limits = new ConnectionLimits(registry, (userId) => this.hub.connectionsOf(userId), audit, config);
    this.auth = new ConnectionAuth(verifier, revocations, audit);
    const resume = new ConversationResume(messaging, this.hub);
    const frames = new ClientFrameRouter(limits, resume, this.auth, new DeliveryAcks(messaging, this.hub), config.resumeMaxConversations);
    this.setup = new ConnectionSetup(this.hub, limits, frames, this.auth, config.heartbeatIntervalMs);
    this.heartbeat = new Heartbeat(this.hub, registry, config);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.hub.connect();
    this.auth.start();
    const server = this.adapterHost.httpAdapter.getHttpServer() as Server;
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => void this.gate.upgrade(request, socket, head, (ws, principal, ip) => void this.setup.open(ws, principal, ip)));
    this.heartbeat.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.gate.stopAccepting();
    this.heartbeat.stop();
    this.auth.stop();
    await drainConnections(this.hub.all(), this.config.drainMs);
    this.gate.close();
    await this.hub.close();
  }
}
