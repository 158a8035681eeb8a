import type { ExternalChannel, OutboundMessage } from '@chat4all/contracts';
import { Logger, type OnModuleDestroy } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { RateLimiterMemory, RateLimiterQueue } from 'rate-limiter-flexible';
import { channelModuleFor, loadChannelModules, type ChannelConnector, type ChannelModule, type ChannelSimulator, type MediaLinks, type SendFailure, type SendResult } from './channels';
import type { ConnectorSettings } from './config';
import { BREAKER_STATE, breakerState, breakerTransitions, sendDuration } from './connector-metrics';

/** A send the provider may accept later (5xx, throttling, timeout): counted by the breaker. */
export class RetryableSendError extends Error {
  constructor(readonly failure: SendFailure) {
    super(`${failure.code}: ${failure.reason}`);
    this.name = 'RetryableSendError';
  }
}

const NOT_THE_PROVIDERS_FAULT = new Set<SendFailure['code']>(['rate-limited', 'file-unavailable']);

export interface ChannelRuntime {
  channel: ExternalChannel;
  module: ChannelModule;
  connector: ChannelConnector;
  /** Resolves with a success or a permanent failure; rejects with RetryableSendError, or EOPENBREAKER while open. */
  breaker: CircuitBreaker<[OutboundMessage], SendResult>;
  /** Meta's webhook subscription handshake token (<CHANNEL>_VERIFY_TOKEN), if configured. */
  verifyToken?: string;
  /** Set when the platform is simulated in this process (CONNECTORS_SIMULATE). */
  simulator?: ChannelSimulator;
}

// One connector and one circuit breaker (opossum) per enabled channel, found by folder discovery
// (channels/registry): a fifth channel is a fifth folder. Throttling (rate-limited) does not count
// towards opening the breaker: it is the provider asking us to slow down, answered by Retry-After.
// Nor does file-service not giving a file's link (file-unavailable): the provider is not at fault.
export class Channels implements OnModuleDestroy {
  private static readonly logger = new Logger('Channels');

  private constructor(private readonly byChannel: Map<ExternalChannel, ChannelRuntime>) {}

  static async start(settings: ConnectorSettings, media: MediaLinks): Promise<Channels> {
    const modules = loadChannelModules();
    const runtimes = new Map<ExternalChannel, ChannelRuntime>();
    for (const s of settings.channels) {
      const module = channelModuleFor(s.channel, modules);
      let simulator: ChannelSimulator | undefined;
      let config;
      if (s.apiUrl) {
        config = { baseUrl: s.apiUrl, accessToken: s.accessToken ?? '', webhookSecret: s.webhookSecret ?? '', accountId: s.accountId, apiVersion: s.apiVersion, timeoutMs: settings.sendTimeoutMs };
      } else {
        const sim = settings.simulator;
        simulator = module.createSimulator({
          accessToken: s.accessToken,
          webhookSecret: s.webhookSecret,
          accountId: s.accountId,
          latency: { kind: 'lognormal', medianMs: sim.latencyMedianMs, sigma: 0.6, maxMs: Math.max(3_000, sim.latencyMedianMs * 10) },
          transientFailureRate: sim.transientFailureRate,
          webhook: { url: `${settings.publicUrl}/webhooks/${s.channel}`, duplicateRate: sim.duplicateRate, reorderRate: sim.reorderRate, receiptsBeforeAnswer: sim.receiptsBeforeAnswer, maxAttempts: 5, retryDelayMs: 1000 },
        });
        await simulator.start();
        config = simulator.connectorConfig({ timeoutMs: settings.sendTimeoutMs, ...(s.apiVersion ? { apiVersion: s.apiVersion } : {}) });
        Channels.logger.log({ channel: s.channel, api: config.baseUrl, message: 'simulated platform running in this process' });
      }
      const connector = module.createConnector(config, media);
      runtimes.set(s.channel, { channel: s.channel, module, connector, breaker: Channels.breaker(s.channel, connector, settings), verifyToken: s.verifyToken, simulator });
    }
    return new Channels(runtimes);
  }

  private static breaker(channel: ExternalChannel, connector: ChannelConnector, settings: ConnectorSettings): CircuitBreaker<[OutboundMessage], SendResult> {
    // Paced to the platform's documented throughput (per instance), so bursts queue here rather
    // than come back as 429s; a throttle that still happens is honoured through Retry-After.
    const { perSecond } = connector.capabilities.rateLimit;
    const pace = new RateLimiterQueue(new RateLimiterMemory({ points: perSecond, duration: 1 }));
    const send = async (message: OutboundMessage): Promise<SendResult> => {
      await pace.removeTokens(1);
      const stop = sendDuration.startTimer({ channel });
      const result = await connector.send(message).finally(() => stop());
      if (!result.ok && result.retryable) throw new RetryableSendError(result);
      return result;
    };
    const breaker = new CircuitBreaker(send, {
      name: channel,
      timeout: false, // the connector has its own deadline (CONNECTOR_SEND_TIMEOUT_MS)
      errorThresholdPercentage: settings.breaker.failurePercent,
      volumeThreshold: settings.breaker.minRequests,
      rollingCountTimeout: settings.breaker.windowMs,
      rollingCountBuckets: 10,
      resetTimeout: settings.breaker.openMs,
      errorFilter: (error: unknown) => error instanceof RetryableSendError && NOT_THE_PROVIDERS_FAULT.has(error.failure.code),
    });
    breakerState.set({ channel }, BREAKER_STATE.closed);
    const moved = (state: keyof typeof BREAKER_STATE) => () => {
      breakerState.set({ channel }, BREAKER_STATE[state]);
      breakerTransitions.inc({ channel, to: state });
      Channels.logger[state === 'open' ? 'warn' : 'log']({ channel, state, message: `circuit breaker ${state.replace('_', '-')}` });
    };
    breaker.on('open', moved('open'));
    breaker.on('halfOpen', moved('half_open'));
    breaker.on('close', moved('closed'));
    return breaker;
  }

  get(channel: string): ChannelRuntime | undefined {
    return this.byChannel.get(channel as ExternalChannel);
  }

  list(): ChannelRuntime[] {
    return [...this.byChannel.values()];
  }

  async onModuleDestroy(): Promise<void> {
    for (const r of this.byChannel.values()) r.breaker.shutdown();
    await Promise.all(this.list().flatMap((r) => (r.simulator ? [r.simulator.stop()] : [])));
  }
}
