import { stackEnv, waitFor } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { createRedisClient, createRedisSubscriber } from './redis.client';

describe('redis (real server)', () => {
  const config = stackEnv().redis;

  it('delivers a message published on one connection to a subscriber on another', async () => {
    const channel = `test:${randomUUID()}`;
    const publisher = createRedisClient(config, 'test-publisher');
    const subscriber = createRedisSubscriber(config, 'test-subscriber');
    await Promise.all([publisher.connect(), subscriber.connect()]);
    try {
      const received: string[] = [];
      subscriber.on('message', (ch: string, message: string) => ch === channel && received.push(message));
      await subscriber.subscribe(channel);

      expect(await publisher.publish(channel, 'first')).toBe(1);
      expect(await publisher.publish(channel, 'second')).toBe(1);

      await waitFor(() => received.length === 2, { timeoutMs: 5_000, description: 'two messages' });
      expect(received).toEqual(['first', 'second']);
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
    }
  });
});
