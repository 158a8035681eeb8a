import { FILE_LINK, fileLinks, fileMessage } from '../media-links.test-kit';
import { newContact } from '../conformance.test-kit';
import { MessengerConnector } from './messenger.connector';

// Messenger's receipts name an instant in the thread (a watermark), not messages: the connector says
// so (a thread status) and the app expands it from its record of sends (see receipts.ts).
describe('MessengerConnector receipts', () => {
  const connector = new MessengerConnector({ baseUrl: 'http://127.0.0.1:9', accessToken: 'token', webhookSecret: 'secret', timeoutMs: 1_000 }, fileLinks);
  const page = { id: '106929381230219' };
  const webhook = (...messaging: Record<string, unknown>[]) => ({ object: 'page', entry: [{ id: page.id, time: Date.now(), messaging }] });

  afterEach(() => jest.restoreAllMocks());

  it('sends a file as a `file` attachment by URL, not saved for reuse', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ recipient_id: '99', message_id: 'm_F' })));
    await expect(connector.send(fileMessage('messenger', '99', { mime_type: 'application/pdf' }))).resolves.toEqual({ ok: true, providerMessageId: 'm_F' });
    expect(JSON.parse(fetch.mock.calls[0][1]?.body as string)).toEqual({
      recipient: { id: '99' },
      messaging_type: 'RESPONSE',
      message: { attachment: { type: 'file', payload: { url: FILE_LINK, is_reusable: false } } },
    });
  });

  it('sends an image over 8 MB as a file, and refuses anything over 25 MB', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ recipient_id: '99', message_id: 'm_F' })));
    await connector.send(fileMessage('messenger', '99', { mime_type: 'image/png', size_bytes: 9 * 1024 * 1024 }));
    expect(JSON.parse(fetch.mock.calls[0][1]?.body as string)).toMatchObject({ message: { attachment: { type: 'file' } } });
    await expect(connector.send(fileMessage('messenger', '99', { mime_type: 'video/mp4', size_bytes: 26 * 1024 * 1024 }))).resolves.toMatchObject({ ok: false, code: 'file-too-large' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('reports a URL Messenger could not fetch as a permanent failure with its reason', async () => {
    const body = { error: { message: '(#100) Failed to fetch the file from the url', type: 'OAuthException', code: 100, error_subcode: 2018008 } };
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status: 400 }));
    await expect(connector.send(fileMessage('messenger', '99', { mime_type: 'image/jpeg' }))).resolves.toEqual({
      ok: false,
      code: 'rejected',
      retryable: false,
      reason: '(#100/2018008) Failed to fetch the file from the url',
    });
  });

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
