import { Logger } from '@nestjs/common';
import { Client, type Notification } from 'pg';

export interface ChannelListenerOptions {
  /** The database to LISTEN on (a connection of its own, outside any pool). */
  url: string;
  /** The PostgreSQL channel (a plain identifier). */
  channel: string;
  /** Called with each notification's payload. */
  onNotification(payload: string): void;
  /**
   * Called each time LISTEN is (re)established: notifications sent while nobody listened are lost,
   * so whoever relies on them catches up here.
   */
  onListening?(): void;
  /** Pause before reconnecting after the connection dropped (doubles up to maxReconnectDelayMs). */
  reconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Shown in pg_stat_activity. */
  applicationName?: string;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * One connection LISTENing on a PostgreSQL channel, reconnected with backoff when it drops (a
 * restart, a failover behind the balancer). `listening` tells whether notifications can arrive now;
 * a caller that cannot afford to miss one keeps a slower poll for when it is false.
 */
export class ChannelListener {
  private readonly logger = new Logger(ChannelListener.name);
  private client?: Client;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private delayMs: number;
  listening = false;

  constructor(private readonly options: ChannelListenerOptions) {
    if (!IDENTIFIER.test(options.channel)) throw new Error(`not a channel name: ${options.channel}`);
    this.delayMs = options.reconnectDelayMs ?? 500;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.listening = false;
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.url, application_name: this.options.applicationName ?? `${this.options.channel}-listener` });
    this.client = client;
    client.on('notification', (n: Notification) => this.options.onNotification(n.payload ?? ''));
    client.on('error', (err) => this.dropped(client, err));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.options.channel}`);
      this.listening = true;
      this.delayMs = this.options.reconnectDelayMs ?? 500;
      this.options.onListening?.();
    } catch (err) {
      this.dropped(client, err);
    }
  }

  private dropped(client: Client, err?: unknown): void {
    if (client !== this.client || this.stopped) return;
    this.client = undefined;
    this.listening = false;
    void client.end().catch(() => undefined);
    this.logger.warn({ err, channel: this.options.channel, retry_in_ms: this.delayMs, message: 'listener connection lost; reconnecting' });
    this.timer = setTimeout(() => void this.connect(), this.delayMs);
    this.delayMs = Math.min(this.delayMs * 2, this.options.maxReconnectDelayMs ?? 10_000);
  }
}
