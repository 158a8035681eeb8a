import { EventEmitter } from 'node:events';
import type { Consumer, Producer } from 'kafkajs';
import { register } from 'prom-client';
import { countKafkaClientErrors, kafkaClientErrors } from './kafka-client-metrics';

// A kafkajs client as far as the counting goes: instrumentation events, and a disconnect() that
// emits DISCONNECT as kafkajs' does (kafkajs also disconnects a crashed consumer itself).
function fakeClient(events: Record<string, string>) {
  const emitter = new EventEmitter();
  return {
    events,
    on: (event: string, listener: () => void) => emitter.on(event, listener),
    emit: (event: string) => emitter.emit(event),
    disconnect: () => Promise.resolve(void emitter.emit(events.DISCONNECT)),
  };
}

describe('countKafkaClientErrors', () => {
  const service = `kafka-errors-${process.pid}`;
  const name = `kafka_errors_${process.pid}_kafka_client_errors_total`;
  const value = async (client: string, kind: string) => {
    const line = (await register.metrics()).split('\n').find((l) => l.startsWith(`${name}{client="${client}",kind="${kind}"}`));
    return line === undefined ? undefined : Number(line.split(' ').at(-1));
  };

  it("counts a consumer's crashes, request timeouts and disconnects nobody asked for, each from 0", async () => {
    const consumer = fakeClient({ CRASH: 'consumer.crash', REQUEST_TIMEOUT: 'consumer.network.request_timeout', DISCONNECT: 'consumer.disconnect' });
    countKafkaClientErrors(consumer as unknown as Consumer, 'consumer', kafkaClientErrors(service));
    expect(await value('consumer', 'crash')).toBe(0);
    consumer.emit('consumer.crash');
    consumer.emit('consumer.disconnect');
    consumer.emit('consumer.network.request_timeout');
    consumer.emit('consumer.network.request_timeout');
    await consumer.disconnect();
    expect(await value('consumer', 'crash')).toBe(1);
    expect(await value('consumer', 'disconnect')).toBe(1);
    expect(await value('consumer', 'request_timeout')).toBe(2);
  });

  it('has no crash series for a producer, and its owner closing it is not an error', async () => {
    const producer = fakeClient({ REQUEST_TIMEOUT: 'producer.network.request_timeout', DISCONNECT: 'producer.disconnect' });
    countKafkaClientErrors(producer as unknown as Producer, 'producer', kafkaClientErrors(service));
    await producer.disconnect();
    expect(await value('producer', 'disconnect')).toBe(0);
    expect(await value('producer', 'request_timeout')).toBe(0);
    expect(await value('producer', 'crash')).toBeUndefined();
  });
});
