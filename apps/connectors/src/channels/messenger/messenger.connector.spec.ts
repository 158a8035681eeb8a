import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundEvent } from '../channel-connector';
import { newContact, outboundMessage } from '../conformance';
import { MessengerConnector } from './messenger.connector';
import { MessengerSimulator } from './messenger.simulator';

// Watermark receipts (the part the conformance suite cannot see): which messages a watermark covers.
describe('MessengerConnector receipts', () => {
  const simulator = new MessengerSimulator({ latency: { kind: 'fixed', ms: 0 } });
  let connector: MessengerConnector;
  const page = { id: '106929381230219' };

  beforeAll(() => simulator.start());
  afterAll(() => simulator.stop());
  beforeEach(() => {
    connector = new MessengerConnector(simulator.connectorConfig());
  });

  const webhook = (...messaging: Record<string, unknown>[]) => ({ object: 'page', entry: [{ id: page.id, time: Date.now(), messaging }] });
  const statuses = (events: InboundEvent[]) => events.map((e) => (e.kind === 'status' ? `${e.providerMessageId}:${e.status}` : `message:${e.providerMessageId}`));

  async function send(contact: string, text: string): Promise<string> {
    const result = await connector.send(outboundMessage('messenger', contact, { type: 'text', text }));
    if (!result.ok) throw new Error(result.reason);
    return result.providerMessageId;
  }

  /** Two messages to one person, with an instant between them that a watermark can name. */
  async function twoMessages(contact: string) {
    const first = await send(contact, 'first');
    const between = Date.now();
    await sleep(5);
    const second = await send(contact, 'second');
    return { first, second, between };
  }

  it('expands a delivery watermark without mids into the messages sent before it', async () => {
    const psid = newContact();
    const { first, second, between } = await twoMessages(psid);
    const delivered = connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, delivery: { watermark: between } }));
    expect(statuses(delivered)).toEqual([`${first}:DELIVERED`]);
    expect(delivered[0].at).toEqual(new Date(between));
    const later = connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, delivery: { watermark: Date.now() } }));
    expect(statuses(later)).toEqual([`${second}:DELIVERED`]);
  });

  it('reports named mids once, with the ones the watermark covers', async () => {
    const psid = newContact();
    const { first, second } = await twoMessages(psid);
    const event = { sender: { id: psid }, recipient: page, delivery: { mids: [second], watermark: Date.now() } };
    expect(statuses(connector.parseWebhook(webhook(event))).sort()).toEqual([`${first}:DELIVERED`, `${second}:DELIVERED`].sort());
    // The same receipt again (platforms redeliver) adds nothing.
    expect(connector.parseWebhook(webhook(event))).toEqual([]);
  });

  it('expands a read watermark into every earlier message, once', async () => {
    const psid = newContact();
    const { first, second, between } = await twoMessages(psid);
    const read = (watermark: number) => webhook({ sender: { id: psid }, recipient: page, timestamp: watermark + 10, read: { watermark } });
    expect(statuses(connector.parseWebhook(read(between)))).toEqual([`${first}:READ`]);
    expect(statuses(connector.parseWebhook(read(Date.now())))).toEqual([`${second}:READ`]);
    expect(connector.parseWebhook(read(Date.now()))).toEqual([]);
  });

  it('keeps one person’s watermark away from another person’s messages', async () => {
    const [alice, bob] = [newContact(), newContact()];
    await send(alice, 'hi alice');
    const toBob = await send(bob, 'hi bob');
    const events = connector.parseWebhook(webhook({ sender: { id: bob }, recipient: page, read: { watermark: Date.now() } }));
    expect(statuses(events)).toEqual([`${toBob}:READ`]);
  });

  it('reports a named mid it never sent (e.g. before a restart), but cannot expand a watermark for it', () => {
    const psid = newContact();
    const events = connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, delivery: { mids: ['m_old'], watermark: Date.now() } }));
    expect(statuses(events)).toEqual(['m_old:DELIVERED']);
    expect(connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, read: { watermark: Date.now() } }))).toEqual([]);
  });

  it('skips echoes of its own messages and messages without text, and entries without messaging', () => {
    const psid = newContact();
    const body = {
      object: 'page',
      entry: [
        { id: page.id, time: 1, messaging: [{ sender: page, recipient: { id: psid }, timestamp: 1, message: { mid: 'm_echo', text: 'ours', is_echo: true } }] },
        { id: page.id, time: 2, messaging: [{ sender: { id: psid }, recipient: page, timestamp: 2, message: { mid: 'm_pic', attachments: [{ type: 'image' }] } }] },
        { id: page.id, time: 3, standby: [{ sender: { id: psid }, recipient: page }] },
        { id: page.id, time: 4, messaging: [{ sender: { id: psid }, recipient: page, timestamp: 4_000, message: { mid: 'm_text', text: 'hello' } }] },
      ],
    };
    expect(connector.parseWebhook(body)).toEqual([{ kind: 'message', providerMessageId: 'm_text', from: psid, text: 'hello', at: new Date(4_000) }]);
  });
});
