import { MetricsRefresh } from '@chat4all/platform';
import { Inject, Injectable } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { DeadLetterRepository } from './dead-letter.repository';

const pending = new Gauge({
  name: 'message_worker_dead_letters_pending',
  help: 'Dead letters not replayed yet (rows of message_worker.dead_letters): the dead-letter queue an operator has to look at',
  registers: [register],
});

// Every worker instance reports the same count (alerts take the max), refreshed on METRICS_REFRESH_INTERVAL_MS.
@Injectable()
export class DeadLetterMetrics {
  constructor(@Inject(DeadLetterRepository) deadLetters: DeadLetterRepository, @Inject(MetricsRefresh) refresh: MetricsRefresh) {
    refresh.add('dead letters pending', async () => pending.set(await deadLetters.countPending()));
  }
}
