import { newContact, outboundMessage } from '../conformance';
import { InstagramConnector } from './instagram.connector';
import { InstagramSimulator } from './instagram.simulator';

// Instagram's read receipt names the last message seen; earlier ones were necessarily seen too.
describe('InstagramConnector receipts', () => {
  const simulator = new InstagramSimulator({ latency: { kind: 'fixed', ms: 0 } });
  const account = { id: '17841405822304914' };
  let connector: InstagramConnector;

  beforeAll(() => simulator.start());
  afterAll(() => simulator.stop());
  beforeEach(() => {
    connector = new InstagramConnector(simulator.connectorConfig());
  });

  const read = (igsid: string, mid: string) => ({
    object: 'instagram',
    entry: [{ id: account.id, time: Date.now(), messaging: [{ sender: { id: igsid }, recipient: account, timestamp: 5_000, read: { mid } }] }],
  });

  async function send(contact: string, text: string): Promise<string> {
    const result = await connector.send(outboundMessage('instagram', contact, { type: 'text', text }));
    if (!result.ok) throw new Error(result.reason);
    return result.providerMessageId;
  }

  it('reads through the named message: it and every earlier one, once', async () => {
    const igsid = newContact();
    const [a, b, c] = [await send(igsid, 'a'), await send(igsid, 'b'), await send(igsid, 'c')];
    expect(connector.parseWebhook(read(igsid, b)).map((e) => e.providerMessageId)).toEqual([a, b]);
    expect(connector.parseWebhook(read(igsid, b))).toEqual([{ kind: 'status', providerMessageId: b, status: 'READ', at: new Date(5_000) }]);
    expect(connector.parseWebhook(read(igsid, c)).map((e) => e.providerMessageId)).toEqual([c]);
  });

  it('reports an unknown mid alone', () => {
    expect(connector.parseWebhook(read(newContact(), 'aWdfb2xk'))).toEqual([{ kind: 'status', providerMessageId: 'aWdfb2xk', status: 'READ', at: new Date(5_000) }]);
  });

  it('refuses a Messenger body: the webhook object differs', () => {
    expect(() => connector.parseWebhook({ object: 'page', entry: [] })).toThrow(/object/);
  });
});
