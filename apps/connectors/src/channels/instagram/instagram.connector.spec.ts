import { newContact } from '../conformance.test-kit';
import { InstagramConnector } from './instagram.connector';

// Instagram's read receipt names the last message seen; earlier ones were necessarily seen too: the
// named message's status and a thread status through it (expanded by the app, see receipts.ts).
describe('InstagramConnector receipts', () => {
  const connector = new InstagramConnector({ baseUrl: 'http://127.0.0.1:9', accessToken: 'token', webhookSecret: 'secret', timeoutMs: 1_000 });
  const account = { id: '17841405822304914' };

  it('reads the named message and the thread through it', () => {
    const igsid = newContact();
    const body = { object: 'instagram', entry: [{ id: account.id, time: Date.now(), messaging: [{ sender: { id: igsid }, recipient: account, timestamp: 5_000, read: { mid: 'aWdfYQ' } }] }] };
    expect(connector.parseWebhook(body)).toEqual([
      { kind: 'status', providerMessageId: 'aWdfYQ', status: 'READ', at: new Date(5_000) },
      { kind: 'thread-status', contact: igsid, status: 'READ', through: { providerMessageId: 'aWdfYQ' }, at: new Date(5_000) },
    ]);
  });

  it('refuses a Messenger body: the webhook object differs', () => {
    expect(() => connector.parseWebhook({ object: 'page', entry: [] })).toThrow(/object/);
  });
});
