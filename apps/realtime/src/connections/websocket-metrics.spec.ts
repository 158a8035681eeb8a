import { serializeFrame, ServerFrames } from '@chat4all/contracts';
import { randomUUID } from 'node:crypto';
import { register } from 'prom-client';
import type { WebSocket } from 'ws';
import { ClientConnection } from './client-connection';
import { countFrameReceived } from './websocket-metrics';

const sample = async (name: string, labels = '') => {
  const line = (await register.metrics()).split('\n').find((l) => l.startsWith(`${name}${labels ? `{${labels}}` : ''} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
};

describe('realtime WebSocket metrics', () => {
  const conversationId = randomUUID();
  const created = (seq: number, createdAt: string) =>
    Buffer.from(serializeFrame(ServerFrames.messageCreated(conversationId, seq, { message_id: `m${seq}`, sender_id: 'u2', payload: {}, created_at: createdAt })));
  let connection: ClientConnection;

  beforeEach(() => {
    connection = new ClientConnection(randomUUID(), 'u1', { send: () => undefined } as unknown as WebSocket);
  });

  it('counts every frame written by its type, the ones forwarded from Redis included', async () => {
    const pongs = await sample('realtime_websocket_frames_sent_total', 'type="pong"');
    const joined = await sample('realtime_websocket_frames_sent_total', 'type="conversation.joined"');
    const unknown = await sample('realtime_websocket_frames_sent_total', 'type="unknown"');
    connection.send(ServerFrames.pong());
    connection.forward('conversation.joined', Buffer.from(serializeFrame(ServerFrames.conversationJoined(conversationId))));
    connection.forward('from.a.newer.version', Buffer.from('{}'));
    expect(await sample('realtime_websocket_frames_sent_total', 'type="pong"')).toBe(pongs + 1);
    expect(await sample('realtime_websocket_frames_sent_total', 'type="conversation.joined"')).toBe(joined + 1);
    expect(await sample('realtime_websocket_frames_sent_total', 'type="unknown"')).toBe(unknown + 1);
  });

  it('times a live message.created from its acceptance to the socket, once per message, after a replay too', async () => {
    const before = await sample('realtime_accept_to_delivered_seconds_count');
    const underASecond = await sample('realtime_accept_to_delivered_seconds_bucket', 'le="1"');
    const acceptedAt = Date.now() - 2_000;
    connection.deliver(conversationId, 'message.created', 1, created(1, new Date(acceptedAt).toISOString()), acceptedAt);
    // Already sent: not written again, not timed again.
    connection.deliver(conversationId, 'message.created', 1, created(1, new Date(acceptedAt).toISOString()), acceptedAt);
    // Held back while the conversation is replayed, timed when it finally goes out.
    connection.replaying.set(conversationId, []);
    connection.deliver(conversationId, 'message.created', 2, created(2, new Date(acceptedAt).toISOString()), acceptedAt);
    expect(await sample('realtime_accept_to_delivered_seconds_count')).toBe(before + 1);
    const held = connection.replaying.get(conversationId) ?? [];
    connection.replaying.delete(conversationId);
    for (const h of held) connection.deliver(conversationId, h.type, h.seq, h.bytes, h.acceptedAt);
    expect(await sample('realtime_accept_to_delivered_seconds_count')).toBe(before + 2);
    // Accepted 2 s ago: both land above the 1 s bucket.
    expect(await sample('realtime_accept_to_delivered_seconds_bucket', 'le="1"')).toBe(underASecond);
    expect(await sample('realtime_accept_to_delivered_seconds_sum')).toBeGreaterThanOrEqual(4);
  });

  it('counts client frames by their protocol type, anything else as invalid', async () => {
    const acks = await sample('realtime_websocket_frames_received_total', 'type="ack"');
    const invalid = await sample('realtime_websocket_frames_received_total', 'type="invalid"');
    countFrameReceived('ack');
    countFrameReceived('made-up');
    expect(await sample('realtime_websocket_frames_received_total', 'type="ack"')).toBe(acks + 1);
    expect(await sample('realtime_websocket_frames_received_total', 'type="invalid"')).toBe(invalid + 1);
  });
});
