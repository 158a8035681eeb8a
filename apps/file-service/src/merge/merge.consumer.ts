import { fileMergeRequestedSchema, Topics } from '@chat4all/contracts';
import { DeadLetterSink, EventConsumer, failedRecordOf, failedRecordOfMessage, KAFKA, RetryPolicy, type ConsumedEvent } from '@chat4all/kafka';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { FILE_SETTINGS, type FileSettings } from '../config';
import { MergeService } from './merge.service';

// Consumes files.merge-requested (keyed by upload_id). A merge that fails for a passing reason
// (MinIO or PostgreSQL away) is retried with the shared policy until it succeeds; the record is
// committed only after the merge finished, so a crash means the next owner of the partition merges it.
@Injectable()
export class MergeConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MergeConsumer.name);
  private readonly consumer: EventConsumer;
  private readonly stop = new AbortController();
  private readonly retry = new RetryPolicy({
    backoff: { kind: 'exponential', baseMs: 500, maxMs: 30_000 },
    onRetry: ({ attempt, delayMs, error }) => this.logger.error({ err: error, attempt, retry_in_ms: Math.round(delayMs), message: 'merge failed; retrying' }),
  });

  constructor(
    @Inject(KAFKA) kafka: Kafka,
    private readonly merges: MergeService,
    private readonly deadLetters: DeadLetterSink,
    @Inject(FILE_SETTINGS) settings: FileSettings,
  ) {
    this.consumer = new EventConsumer(kafka, {
      groupId: settings.mergeConsumerGroup,
      topics: [Topics.filesMergeRequested],
      fromBeginning: true,
      partitionsConsumedConcurrently: 2,
      handle: (e) => this.handle(e),
      onInvalid: async (m, topic, partition, reason) => {
        this.logger.error({ topic, partition, offset: m.offset, reason, message: 'merge record is not an event: dead-lettered' });
        await this.deadLetters.deadLetter(failedRecordOfMessage(m, topic, partition), reason, 1);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.consumer.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    await this.consumer.stop();
  }

  private async handle(event: ConsumedEvent): Promise<void> {
    const parsed = fileMergeRequestedSchema.safeParse(event.envelope.payload);
    if (!parsed.success) {
      await this.deadLetters.deadLetter(failedRecordOf(event), `invalid merge request: ${parsed.error.message}`, 1);
      return;
    }
    await this.retry.execute(() => this.merges.merge(parsed.data.upload_id), { signal: this.stop.signal });
  }
}
