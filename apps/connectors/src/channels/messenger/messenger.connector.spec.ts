import { newContact } from '../conformance.test-kit';
import { MessengerConnector } from './messenger.connector';

// Messenger's receipts name an instant in the thread (a watermark), not messages: the connector says
// so (a thread status) and the app expands it from its record of sends (see receipts.ts).
describe('MessengerConnector receipts', () => {
  const connector = new MessengerConnector({ baseUrl: 'http://127.0.0.1:9', accessToken: 'token', webhookSecret: 'secret', timeoutMs: 1_000 });
  const page = { id: '106929381230219' };
  const webhook = (...messaging: Record<string, unknown>[]) => ({ object: 'page', entry: [{ id: page.id, time: Date.now(), messaging }] });

  it('turns a delivery watermark into a thread status, and its named mids into statuses', () => {
    const psid = newContact();
    expect(connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, delivery: { mids: ['m_1', 'm_2'], watermark: 1_700_000_000_500 } }))).toEqual([
      { kind: 'status', providerMessageId: 'm_1', status: 'DELIVERED', at: new Date(1_700_000_000_500) },
      { kind: 'status', providerMessageId: 'm_2', status: 'DELIVERED', at: new Date(1_700_000_000_500) },
      { kind: 'thread-status', contact: psid, status: 'DELIVERED', through: { sentBy: new Date(1_700_000_000_500) }, at: new Date(1_700_000_000_500) },
    ]);
  });

  it('turns a read watermark into a thread status at the time the person read', () => {
    const psid = newContact();
    expect(connector.parseWebhook(webhook({ sender: { id: psid }, recipient: page, timestamp: 1_700_000_009_000, read: { watermark: 1_700_000_000_500 } }))).toEqual([
      { kind: 'thread-status', contact: psid, status: 'READ', through: { sentBy: new Date(1_700_000_000_500) }, at: new Date(1_700_000_009_000) },
    ]);
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
