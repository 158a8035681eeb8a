import { deadLetterHeaders, readDeadLetterHeaders, withoutDeadLetterHeaders } from './dead-letter';

describe('dead-letter headers', () => {
  const origin = { sourceTopic: 'messages.outbound.whatsapp', sourcePartition: 3, sourceOffset: '9007199254740993', reason: 'invalid', attempts: 4 };

  it('round-trip, 64-bit offsets included', () => {
    expect(readDeadLetterHeaders({ traceparent: 't', ...deadLetterHeaders(origin) })).toEqual(origin);
  });

  it('cut long reasons', () => {
    expect(deadLetterHeaders({ ...origin, reason: 'x'.repeat(5000) })['dlq-reason']).toHaveLength(2000);
  });

  it('leave out what an older record lacks or got wrong', () => {
    expect(readDeadLetterHeaders({ 'dlq-reason': 'bad', 'dlq-source-topic': 't', 'dlq-source-offset': '-1' })).toEqual({ reason: 'bad', sourceTopic: 't' });
  });

  it('strip to the record\'s own headers', () => {
    expect(withoutDeadLetterHeaders({ traceparent: 't', event_id: 'e', ...deadLetterHeaders(origin) })).toEqual({ traceparent: 't', event_id: 'e' });
  });
});
