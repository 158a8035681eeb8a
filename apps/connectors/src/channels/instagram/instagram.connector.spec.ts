import { FILE_LINK, fileLinks, fileMessage } from '../media-links.test-kit';
import { newContact } from '../conformance.test-kit';
import { InstagramConnector } from './instagram.connector';

// Instagram's read receipt names the last message seen; earlier ones were necessarily seen too: the
// named message's status and a thread status through it (expanded by the app, see receipts.ts).
describe('InstagramConnector receipts', () => {
  const connector = new InstagramConnector({ baseUrl: 'http://127.0.0.1:9', accessToken: 'token', webhookSecret: 'secret', timeoutMs: 1_000 }, fileLinks);
  const account = { id: '17841405822304914' };

  afterEach(() => jest.restoreAllMocks());

  it('sends an image as an attachment by URL', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ recipient_id: '77', message_id: 'aWdf' })));
    await expect(connector.send(fileMessage('instagram', '77', { mime_type: 'image/jpeg' }))).resolves.toEqual({ ok: true, providerMessageId: 'aWdf' });
    expect(JSON.parse(fetch.mock.calls[0][1]?.body as string)).toEqual({ recipient: { id: '77' }, message: { attachment: { type: 'image', payload: { url: FILE_LINK } } } });
  });

  it('refuses documents, which Instagram cannot send, and images over 8 MB, without calling it', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch');
    const pdf = await connector.send(fileMessage('instagram', '77', { mime_type: 'application/pdf' }));
    expect(pdf).toMatchObject({ ok: false, code: 'unsupported-content', retryable: false });
    expect(!pdf.ok && pdf.reason).toMatch(/^instagram does not take application\/pdf files \(image: image\/png, image\/jpeg; video: .*; audio: .*\)$/);
    await expect(connector.send(fileMessage('instagram', '77', { mime_type: 'image/png', size_bytes: 9 * 1024 * 1024 }))).resolves.toMatchObject({
      ok: false,
      code: 'file-too-large',
      reason: 'instagram takes image/png files up to 8 MB; this one is 9 MB',
    });
    expect(fetch).not.toHaveBeenCalled();
  });

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
