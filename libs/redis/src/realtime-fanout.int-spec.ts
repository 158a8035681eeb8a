import { RealtimeChannels, serializeFrame, ServerFrames } from '@chat4all/contracts';
import { stackEnv, waitFor } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import { RealtimeFanout } from './realtime-fanout';
import { createRedisClient, createRedisSubscriber } from './redis.client';

describe('RealtimeFanout (real server)', () => {
  const config = stackEnv().redis;

  it('publishes conversation frames on their conversation channel and user frames on each user channel, serialised once by the protocol', async () => {
    const publisher = createRedisClient(config, 'test-fanout');
    const subscriber = createRedisSubscriber(config, 'test-fanout-subscriber');
    await Promise.all([publisher.connect(), subscriber.connect()]);
    try {
      const [c, u1, u2] = [randomUUID(), randomUUID(), randomUUID()];
      const received: [string, string][] = [];
      subscriber.on('message', (channel: string, message: string) => received.push([channel, message]));
      await subscriber.subscribe(RealtimeChannels.conversation(c), RealtimeChannels.user(u1), RealtimeChannels.user(u2));

      const fanout = new RealtimeFanout(publisher);
      const read = ServerFrames.conversationRead(c, 4, u1);
      expect(await fanout.toConversations([read])).toEqual({ published: 1, failed: 0 });
      expect(await fanout.toUsers([u1, u2], ServerFrames.conversationJoined(c))).toEqual({ published: 2, failed: 0 });
      expect(await fanout.toConversations([])).toEqual({ published: 0, failed: 0 });

      await waitFor(() => received.length === 3, { timeoutMs: 5_000, description: 'three frames' });
      const joined = serializeFrame(ServerFrames.conversationJoined(c));
      expect(received).toEqual([
        [`rt:conv:${c}`, serializeFrame(read)],
        [`rt:user:${u1}`, joined],
        [`rt:user:${u2}`, joined],
      ]);
    } finally {
      publisher.disconnect();
      subscriber.disconnect();
    }
  });
});
