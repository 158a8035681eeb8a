import { serializeFrame, ServerFrames, type ServerFrame } from '@chat4all/contracts';
import type { messagingV1 } from '@chat4all/proto';
import { randomUUID } from 'node:crypto';
import type { WebSocket } from 'ws';
import { ClientConnection } from '../connections/client-connection';
import { ConversationResume } from './conversation-resume';

type Page = messagingV1.GetHistoryResponse;

describe('ConversationResume', () => {
  const conversationId = randomUUID();
  let sent: ServerFrame[];
  let connection: ClientConnection;
  let pages: { afterSeq: number; resolve: (page: Page) => void }[];
  let resume: ConversationResume;

  const message = (seq: number) => ({ seq: String(seq), messageId: `m${seq}`, senderId: 'u2', payloadJson: '{"type":"text","text":"hi"}', createdAt: '2025-01-01T00:00:00Z' });
  const page = (...seqs: number[]): Page => ({ messages: seqs.map(message), resetRequired: false, lastSeq: String(seqs.at(-1) ?? 0), readHorizons: [] }) as unknown as Page;
  const created = (seq: number) => ServerFrames.messageCreated(conversationId, seq, { message_id: `m${seq}`, sender_id: 'u2', payload: {}, created_at: '2025-01-01T00:00:00Z' });
  const live = (frame: ServerFrame & { conversation_id: string; seq: number }) =>
    connection.deliver(frame.conversation_id, frame.type, frame.seq, Buffer.from(serializeFrame(frame)));
  const settle = async () => {
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };

  beforeEach(() => {
    sent = [];
    pages = [];
    const socket = { send: (data: string | Buffer) => sent.push(JSON.parse(data.toString()) as ServerFrame) } as unknown as WebSocket;
    connection = new ClientConnection(randomUUID(), 'u1', socket);
    const messaging = {
      history: (_user: string, _conversation: string, afterSeq: number) => new Promise<Page>((resolve) => pages.push({ afterSeq, resolve })),
    };
    resume = new ConversationResume(messaging, { follows: () => true });
  });

  it('holds live frames back during the replay and sends each message once, in seq order', async () => {
    const done = resume.resume(connection, conversationId, 0);
    await settle();
    live(created(2));
    live(created(3));
    pages[0].resolve(page(1, 2));
    await done;
    expect(sent.map((f) => `${f.type}:${'seq' in f ? f.seq : ''}`)).toEqual(['message.created:1', 'message.created:2', 'resume.done:2', 'message.created:3']);
  });

  // Two resumes of one conversation used to run together: the second replaced the first's buffer of
  // held-back frames, and a status frame held for the first was never sent (it is not in the replay).
  it('sends a live frame held back for a resume even when a second resume of the conversation comes in meanwhile', async () => {
    const first = resume.resume(connection, conversationId, 0);
    await settle();
    live(ServerFrames.messageStatus(conversationId, 1, { message_id: 'm1', status: 'READ', at: '2025-01-01T00:00:01Z' }));
    const second = resume.resume(connection, conversationId, 0);
    await settle();
    pages[0].resolve(page(1));
    await settle();
    pages[1].resolve(page(1));
    await Promise.all([first, second]);
    expect(sent.filter((f) => f.type === 'message.status')).toHaveLength(1);
    expect(sent.map((f) => f.type)).toEqual(['message.created', 'resume.done', 'message.status', 'message.created', 'resume.done']);
  });

  it('answers not-found for a conversation the connection does not follow, and resume-failed when the log is unavailable', async () => {
    await new ConversationResume({ history: () => Promise.reject(new Error('down')) }, { follows: () => false }).resume(connection, conversationId, 0);
    await new ConversationResume({ history: () => Promise.reject(new Error('down')) }, { follows: () => true }).resume(connection, conversationId, 0);
    expect(sent).toEqual([ServerFrames.resumeNotFound(conversationId), ServerFrames.resumeFailed(conversationId)]);
    expect(connection.replaying.size).toBe(0);
  });
});
