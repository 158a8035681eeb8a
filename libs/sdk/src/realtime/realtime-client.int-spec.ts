import { clientFrameSchema, serializeFrame, ServerFrames, type ClientFrame } from '@chat4all/contracts';
import { waitFor } from '@chat4all/testing';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { RealtimeClient, type RealtimeEvent } from './realtime-client';

// The client against a scripted server on loopback: what it sends, and what it does with replies.
describe('RealtimeClient (scripted server)', () => {
  let server: WebSocketServer;
  let url: string;
  let client: RealtimeClient | undefined;
  const received: ClientFrame[] = [];
  let onFrame: (ws: WebSocket, frame: ClientFrame) => void;

  beforeEach(async () => {
    received.length = 0;
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws`;
    server.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const frame = clientFrameSchema.parse(JSON.parse(data.toString()));
        received.push(frame);
        onFrame(ws, frame);
      });
      ws.send(serializeFrame(ServerFrames.ready(randomUUID(), 30_000, new Date(Date.now() + 3_600_000))));
    });
  });

  afterEach(async () => {
    client?.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  // The error used to leave the conversation "resuming" for good: no resume was sent again, and
  // after a gap every later message of it was held for a replay that never came.
  it('resumes a conversation again after a resume-failed error', async () => {
    const c = randomUUID();
    let resumes = 0;
    onFrame = (ws, frame) => {
      if (frame.type !== 'resume') return;
      resumes++;
      if (resumes === 1) {
        ws.send(serializeFrame(ServerFrames.resumeFailed(c)));
        return;
      }
      ws.send(serializeFrame(ServerFrames.messageCreated(c, 1, { message_id: randomUUID(), sender_id: randomUUID(), payload: {}, created_at: new Date().toISOString() })));
      ws.send(serializeFrame(ServerFrames.resumeDone(c, 1, { readSeqs: {}, deliveredSeqs: {} })));
    };
    const events: RealtimeEvent[] = [];
    client = new RealtimeClient({ url, token: () => 'token', positions: { [c]: 0 }, backoff: { baseMs: 20, maxMs: 100 } });
    client.on('event', (e: RealtimeEvent) => events.push(e));
    client.on('error', () => undefined);
    client.start();

    await waitFor(() => events.some((e) => e.type === 'message.created'), { timeoutMs: 5_000, description: 'the message of the retried resume' });
    expect(received.filter((f) => f.type === 'resume')).toHaveLength(2);
    expect(client.seen).toEqual({ [c]: 1 });
  });
});
