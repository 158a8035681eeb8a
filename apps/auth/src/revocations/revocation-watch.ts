import { ChannelListener } from '@chat4all/database';
import type { authV1 } from '@chat4all/proto';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { AUTH_CONFIG, type AuthConfig } from '../config';

/** The channel the notify_revocation trigger (migration NotifyRevocations) notifies on commit. */
export const REVOCATIONS_CHANNEL = 'chat4all_revocations';

// The push side of the revocation list: one LISTEN connection per auth instance, so a revocation
// committed through any instance (or the admin CLI) reaches the verifiers watching every instance.
// Each watcher gets one message when it subscribes and one per change; when the LISTEN connection
// comes back after a drop, every watcher gets one too (a change may have gone unheard meanwhile).
@Injectable()
export class RevocationWatch implements OnModuleInit, OnModuleDestroy {
  private readonly changes = new Subject<authV1.WatchRevocationsResponse>();
  private readonly listener: ChannelListener;

  constructor(@Inject(AUTH_CONFIG) config: AuthConfig) {
    this.listener = new ChannelListener({
      url: config.database.url,
      channel: REVOCATIONS_CHANNEL,
      applicationName: 'auth-revocation-watch',
      onNotification: () => this.changes.next({}),
      onListening: () => this.changes.next({}),
    });
  }

  async onModuleInit(): Promise<void> {
    await this.listener.start();
  }

  // Open streams would hold the gRPC server's graceful shutdown forever: end them first (watchers
  // reconnect to another instance, or to this one once it is back).
  async onModuleDestroy(): Promise<void> {
    this.changes.complete();
    await this.listener.stop();
  }

  /** The stream one watcher gets. */
  watch(): Observable<authV1.WatchRevocationsResponse> {
    return new Observable((subscriber) => {
      subscriber.next({});
      return this.changes.subscribe(subscriber);
    });
  }
}
