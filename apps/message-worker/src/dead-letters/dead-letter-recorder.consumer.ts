import { Topics } from '@chat4all/contracts';
import { EventConsumer, KAFKA, RetryPolicy, stringHeaders, topicGroup } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { WORKER_CONFIG, type MessageWorkerConfig } from '../config';
import { DeadLetterService, type DlqRecord } from './dead-letter.service';

// Consumes message_processing_dlq (group `<WORKER_CONSUMER_GROUP>.message_processing_dlq`) and records
// every record as a dead_letters row, this worker's own and those of other apps (connectors), which
// may not write this worker's table. A record is committed only once its row is written: while
// PostgreSQL is down it is retried, never dead-lettered again (a DLQ of the DLQ would loop).
@Injectable()
export class DeadLetterRecorder implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeadLetterRecorder.name);
  private readonly consumer: EventConsumer;
  private readonly stop = new AbortController();
  private readonly retry = new RetryPolicy({
    backoff: { kind: 'exponential', baseMs: 500, maxMs: 30_000 },
    onRetry: ({ attempt, delayMs, error }) => this.logger.error({ err: error, attempt, retry_in_ms: Math.round(delayMs), message: 'could not record a dead letter; retrying' }),
  });

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly deadLetters: DeadLetterService,
    @Inject(WORKER_CONFIG) config: MessageWorkerConfig['worker'],
  ) {
    this.consumer = new EventConsumer(kafka, {
      groupId: topicGroup(config.consumerGroup, Topics.deadLetters),
      topics: [Topics.deadLetters],
      fromBeginning: true,
      partitionsConsumedConcurrently: config.partitionConcurrency,
      consumerConfig: { sessionTimeout: config.sessionTimeoutMs },
      handle: (e) => this.record({ partition: e.partition, offset: e.offset, key: e.key, value: e.value, headers: stringHeaders(e.headers) }),
      // A record dead-lettered for not being an envelope is still a dead letter.
      onInvalid: (m, _topic, partition) =>
        this.record({ partition, offset: m.offset, key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', headers: stringHeaders(m.headers ?? {}) }),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.consumer.stop();
  }

  /** Rejects (RetryStoppedError) only when the app stops first: left uncommitted for the next owner. */
  private async record(dlq: DlqRecord): Promise<void> {
    await this.retry.execute(() => this.deadLetters.record(dlq), { signal: this.stop.signal });
  }
}
