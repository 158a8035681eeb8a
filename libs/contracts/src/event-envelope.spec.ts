import { createEnvelope, decodeEnvelope, InvalidEnvelopeError } from './event-envelope';
import { outboundTopic, TOPIC_SPECS, Topics } from './topics';

describe('event envelope', () => {
  it('round-trips through JSON', () => {
    const envelope = createEnvelope('message.created', 'conv-1', { text: 'hi' });
    expect(decodeEnvelope(Buffer.from(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it.each([
    ['null value', null, /no value/],
    ['not JSON', '{', /not JSON/],
    ['missing fields', JSON.stringify({ type: 'x' }), /event_id/],
    ['bad timestamp', JSON.stringify({ ...createEnvelope('t', 'a', {}), occurred_at: 'yesterday' }), /occurred_at/],
  ])('rejects %s', (_name, value, reason) => {
    expect(() => decodeEnvelope(value)).toThrow(InvalidEnvelopeError);
    expect(() => decodeEnvelope(value)).toThrow(reason);
  });
});

describe('topics', () => {
  it('declares every topic of the blueprint exactly once', () => {
    const names = TOPIC_SPECS.map((t) => t.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining([...Object.values(Topics), outboundTopic('whatsapp'), outboundTopic('telegram')]));
  });
});
