import type { ChatApi, ConversationSummary, Message, RealtimeClient } from './api';
import { ChatStore } from './chat-store';

// The store against a fake API and a fake realtime client: how REST pages, optimistic sends and
// live frames merge into one timeline, statuses only moving forward.
const ME = '00000000-0000-4000-8000-000000000001';
const OTHER = '00000000-0000-4000-8000-000000000002';
const C = '00000000-0000-4000-8000-0000000000cc';

class FakeRealtime extends EventTarget {
  readonly tracked: Record<string, number> = {};
  connected = true;
  private readonly handlers = new Map<string, ((arg: unknown) => void)[]>();
  on(event: string, fn: (arg: unknown) => void) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), fn]);
    return this;
  }
  once(event: string, fn: (arg: unknown) => void) {
    return this.on(event, fn);
  }
  emit(event: string, arg: unknown) {
    for (const fn of this.handlers.get(event) ?? []) fn(arg);
  }
  track(c: string, seq = 0) {
    this.tracked[c] ??= seq;
  }
  start() {}
  stop() {}
}

const summary = (over: Partial<ConversationSummary> = {}): ConversationSummary => ({
  id: C,
  type: 'private',
  channel: 'internal',
  external_contact: null,
  title: null,
  last_seq: 2,
  read_seq: 2,
  unread_count: 0,
  last_activity_at: '2026-01-01T00:00:00.000Z',
  last_message: null,
  ...over,
});

const message = (seq: number, sender = OTHER, over: Partial<Message> = {}): Message => ({
  message_id: `00000000-0000-4000-8000-${String(seq).padStart(12, '0')}`,
  conversation_id: C,
  seq,
  sender_id: sender,
  origin: 'member',
  payload: { type: 'text', text: `m${seq}` },
  status: 'SENT',
  created_at: '2026-01-01T00:00:00.000Z',
  ...over,
});

function setup(list = [summary()], page: Message[] = [message(1), message(2, ME)]) {
  const realtime = new FakeRealtime();
  const api = {
    listConversations: jest.fn().mockResolvedValue({ conversations: list, next_cursor: null }),
    messages: jest.fn().mockResolvedValue(page),
    sendText: jest.fn(),
    markRead: jest.fn().mockResolvedValue({ read_seq: 0, unread_count: 0 }),
    getConversation: jest.fn(),
    realtime: () => realtime as unknown as RealtimeClient,
  };
  const store = new ChatStore(api as unknown as ChatApi, ME);
  const frame = (f: Record<string, unknown>) => realtime.emit('event', f);
  const timeline = () => store.getSnapshot().timelines[C]?.messages ?? [];
  return { store, api, realtime, frame, timeline };
}

beforeAll(() => {
  Object.defineProperty(globalThis, 'window', { value: new EventTarget(), configurable: true });
  Object.defineProperty(globalThis, 'navigator', { value: { onLine: true }, configurable: true });
});

describe('ChatStore', () => {
  it('follows every listed conversation from its last seq and loads the latest page before it', async () => {
    const { store, api, realtime, timeline } = setup();
    await store.start();
    expect(realtime.tracked).toEqual({ [C]: 2 });
    await store.open(C);
    expect(api.messages).toHaveBeenCalledWith(C, 3, 50);
    expect(timeline().map((m) => m.seq)).toEqual([1, 2]);
  });

  it('keeps one copy of a message that comes both from REST and live', async () => {
    const { store, frame, timeline } = setup();
    await store.start();
    await store.open(C);
    const m = message(2, ME);
    frame({ type: 'message.created', conversation_id: C, seq: 2, message: m });
    frame({ type: 'message.created', conversation_id: C, seq: 3, message: message(3) });
    expect(timeline().map((x) => x.seq)).toEqual([1, 2, 3]);
  });

  it('shows a sent message as SENDING, then with its seq; a late status never moves it back', async () => {
    const { store, api, frame, timeline } = setup();
    await store.start();
    await store.open(C);
    let accept: (v: { message_id: string; seq: number; status: string }) => void = () => undefined;
    api.sendText.mockReturnValue(new Promise((resolve) => (accept = resolve)));
    const sending = store.send(C, 'hello', 'aaaaaaaa-0000-4000-8000-000000000000');
    expect(timeline().at(-1)).toMatchObject({ status: 'SENDING' });
    expect(timeline().at(-1)?.seq).toBeUndefined();

    // The live frame and a READ can arrive before the POST's answer.
    frame({ type: 'message.created', conversation_id: C, seq: 3, message: { message_id: 'aaaaaaaa-0000-4000-8000-000000000000', sender_id: ME, payload: { type: 'text', text: 'hello' }, created_at: 'x' } });
    frame({ type: 'message.status', conversation_id: C, seq: 3, message_id: 'aaaaaaaa-0000-4000-8000-000000000000', status: 'READ', at: 'x' });
    accept({ message_id: 'aaaaaaaa-0000-4000-8000-000000000000', seq: 3, status: 'ACCEPTED' });
    await sending;
    frame({ type: 'message.status', conversation_id: C, seq: 3, message_id: 'aaaaaaaa-0000-4000-8000-000000000000', status: 'DELIVERED', at: 'x' });
    expect(timeline().filter((m) => m.message_id === 'aaaaaaaa-0000-4000-8000-000000000000')).toEqual([expect.objectContaining({ seq: 3, status: 'READ' })]);
  });

  it('another member reading up to a seq makes my messages up to it READ', async () => {
    const { store, frame, timeline } = setup([summary({ last_seq: 3 })], [message(1, ME), message(2, ME), message(3, ME)]);
    await store.start();
    await store.open(C);
    frame({ type: 'conversation.read', conversation_id: C, seq: 2, user_id: OTHER });
    expect(timeline().map((m) => m.status)).toEqual(['READ', 'READ', 'SENT']);
  });

  it("counts another member's new message as unread until it is marked read", async () => {
    const { store, api, frame } = setup();
    await store.start();
    frame({ type: 'message.created', conversation_id: C, seq: 3, message: message(3) });
    expect(store.getSnapshot().conversations[0]).toMatchObject({ last_seq: 3, unread_count: 1, last_message: { preview: 'm3' } });
    api.markRead.mockResolvedValue({ read_seq: 3, unread_count: 0 });
    await store.open(C);
    store.markRead(C);
    await new Promise((resolve) => setImmediate(resolve));
    expect(api.markRead).toHaveBeenCalledWith(C, 3);
    expect(store.getSnapshot().conversations[0]).toMatchObject({ read_seq: 3, unread_count: 0 });
  });
});

describe('ChatStore mark read', () => {
  it('does not retry a failed mark-read in a loop', async () => {
    const { store, api, frame } = setup();
    await store.start();
    await store.open(C);
    frame({ type: 'message.created', conversation_id: C, seq: 3, message: message(3) });
    api.markRead.mockRejectedValue(new Error('offline'));
    store.markRead(C);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(api.markRead).toHaveBeenCalledTimes(1);
  });
});
