import { randomUUID } from 'node:crypto';
import { ClientFrames, clientFrameSchema, parseClientFrame, serializeFrame, ServerFrames, serverFrameSchema, type ServerFrame } from './realtime-protocol';

describe('realtime protocol', () => {
  const c = randomUUID();
  const built: ServerFrame[] = [
    ServerFrames.ready('conn-1', 30_000, new Date()),
    ServerFrames.authenticated(new Date()),
    ServerFrames.messageCreated(c, 3, { message_id: randomUUID(), sender_id: randomUUID(), payload: { type: 'text', text: 'hi' }, created_at: new Date().toISOString() }),
    ServerFrames.messageStatus(c, 3, { message_id: randomUUID(), status: 'READ', at: new Date().toISOString() }),
    ServerFrames.conversationRead(c, 3, randomUUID()),
    ServerFrames.conversationJoined(c),
    ServerFrames.resumeDone(c, 3, { readSeqs: { [randomUUID()]: 2 }, deliveredSeqs: { [randomUUID()]: 3 } }),
    ServerFrames.resumeNotFound(c),
    ServerFrames.resumeTooFarBehind(c, 20_000, { readSeqs: {}, deliveredSeqs: {} }),
    ServerFrames.conversationDelivered(c, 3, randomUUID()),
    ServerFrames.ackFailed(c, 'not one of your conversations'),
    ServerFrames.pong(),
    ServerFrames.goingAway(500),
    ServerFrames.invalidFrame(),
    ServerFrames.tooManyPositions(1000),
    ServerFrames.resumeFailed(c),
    ServerFrames.invalidToken('token expired'),
    ServerFrames.authUnavailable(),
  ];

  it.each(built.map((f) => [f.type, f] as const))('builds a %s frame that its schema accepts, unchanged by a round trip', (_type, frame) => {
    expect(serverFrameSchema.parse(JSON.parse(serializeFrame(frame)))).toEqual(frame);
  });

  it('keeps the wire form of frames clients already parse', () => {
    expect(serializeFrame(ServerFrames.conversationJoined(c))).toBe(`{"type":"conversation.joined","conversation_id":"${c}","seq":0}`);
    expect(serializeFrame(ServerFrames.resumeNotFound(c))).toBe(`{"type":"resume.reset","conversation_id":"${c}","seq":0,"reason":"not-found"}`);
    expect(serializeFrame(ServerFrames.pong())).toBe('{"type":"pong"}');
  });

  it('parses the client frames it builds and refuses anything else', () => {
    expect(parseClientFrame(serializeFrame(ClientFrames.resume({ [c]: 4 })))).toEqual({ type: 'resume', positions: { [c]: 4 } });
    expect(parseClientFrame(serializeFrame(ClientFrames.ping()))).toEqual({ type: 'ping' });
    expect(parseClientFrame(serializeFrame(ClientFrames.auth('a.b.c')))).toEqual({ type: 'auth', token: 'a.b.c' });
    expect(() => parseClientFrame('{"type":"auth","token":""}')).toThrow();
    expect(() => parseClientFrame('not json')).toThrow();
    expect(() => parseClientFrame('{"type":"resume","positions":{"not-a-uuid":1}}')).toThrow();
    expect(() => parseClientFrame(`{"type":"resume","positions":{"${c}":-1}}`)).toThrow();
    expect(parseClientFrame(serializeFrame(ClientFrames.ack(c, 7)))).toEqual({ type: 'ack', conversation_id: c, seq: 7 });
    expect(clientFrameSchema.safeParse({ type: 'ack', conversation_id: c, seq: 0 }).success).toBe(false);
  });
});
