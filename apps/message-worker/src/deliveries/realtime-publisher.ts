import type { ConversationFrame } from '@chat4all/contracts';
import { RealtimeFanout, REDIS } from '@chat4all/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Counter, register } from 'prom-client';

const published = new Counter({ name: 'message_worker_realtime_frames_published_total', help: 'Frames published to Redis for realtime fan-out', registers: [register] });
const failed = new Counter({
  name: 'message_worker_realtime_publish_failures_total',
  help: 'Frames that could not be published to Redis (clients catch up by resume from the durable log)',
  registers: [register],
});

// Live fan-out (FR-RT-05) after an effect commits, through the shared RealtimeFanout. Redis is not
// the record: if it is down the frames are dropped (counted), and reconnecting clients get the
// messages by resume from PostgreSQL (ARCHITECTURE §2, "No lost notifications").
@Injectable()
export class RealtimePublisher {
  private readonly logger = new Logger(RealtimePublisher.name);
  private readonly fanout: RealtimeFanout;

  constructor(@Inject(REDIS) redis: Redis) {
    this.fanout = new RealtimeFanout(redis);
  }

  async publish(frames: readonly ConversationFrame[]): Promise<void> {
    if (frames.length === 0) return;
    try {
      const outcome = await this.fanout.toConversations(frames);
      published.inc(outcome.published);
      if (outcome.failed) failed.inc(outcome.failed);
    } catch (error) {
      failed.inc(frames.length);
      this.logger.warn({ err: error, frames: frames.length, message: 'realtime fan-out failed; clients will catch up by resume' });
    }
  }
}
