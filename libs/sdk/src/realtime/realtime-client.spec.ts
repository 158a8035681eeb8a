import { RealtimeClient, type WebSocketEvents, type WebSocketLike } from './realtime-client';

class FakeSocket implements WebSocketLike {
  readyState = 1;
  readonly sent: { at: number; frame: { type: string } }[] = [];
  private readonly listeners: { [K in keyof WebSocketEvents]?: ((e: WebSocketEvents[K]) => void)[] } = {};
  send(data: string): void {
    this.sent.push({ at: Date.now(), frame: JSON.parse(data) as { type: string } });
  }
  close(): void {
    this.readyState = 3;
  }
  addEventListener<K extends keyof WebSocketEvents>(type: K, listener: (event: WebSocketEvents[K]) => void): void {
    ((this.listeners[type] ??= []) as ((e: WebSocketEvents[K]) => void)[]).push(listener);
  }
  receive(frame: object): void {
    for (const l of this.listeners.message ?? []) l({ data: JSON.stringify(frame) });
  }
}

const waitFor = async (condition: () => boolean, timeoutMs = 5_000) => {
  for (const deadline = Date.now() + timeoutMs; !condition(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
  }
};

describe('RealtimeClient frame budget', () => {
  it('acknowledges many busy conversations within maxFramesPerSecond, the rest in the next second', async () => {
    const socket = new FakeSocket();
    const client = new RealtimeClient({ url: 'ws://127.0.0.1/ws', token: () => 't', webSocket: () => socket, ackDelayMs: 10, maxFramesPerSecond: 5 });
    client.start();
    await waitFor(() => socket.sent.length === 0 && (client as unknown as { socket?: unknown }).socket !== undefined);
    socket.receive({ type: 'ready', connection_id: 'c', heartbeat_ms: 30_000, expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    // 12 conversations with a new message each: 12 acks are due, 5 may go per second.
    for (let i = 1; i <= 12; i++) socket.receive({ type: 'message.created', conversation_id: `conv-${i}`, seq: 1, message: { message_id: `m${i}` } });
    await waitFor(() => socket.sent.filter((s) => s.frame.type === 'ack').length === 12);
    const acks = socket.sent.filter((s) => s.frame.type === 'ack');
    for (const a of acks) expect(acks.filter((b) => Math.abs(b.at - a.at) < 1_000 && b.at >= a.at).length).toBeLessThanOrEqual(5);
    expect(acks.at(-1)!.at - acks[0].at).toBeGreaterThanOrEqual(1_900); // three windows: 5, 5, 2
    client.stop();
  });
});
