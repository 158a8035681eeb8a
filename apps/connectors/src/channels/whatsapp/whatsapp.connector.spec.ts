import type { ChannelConnectorConfig } from '../channel-connector';
import { FILE_LINK, fileLinks, fileMessage } from '../media-links.test-kit';
import { outboundMessage } from '../conformance.test-kit';
import { WhatsAppConnector } from './whatsapp.connector';

const config: ChannelConnectorConfig = { baseUrl: 'https://graph.example.test', accessToken: 'token', webhookSecret: 'secret', accountId: '106540352242922', timeoutMs: 1_000 };

const notification = (value: Record<string, unknown>, phoneNumberId = config.accountId, field = 'messages') => ({
  object: 'whatsapp_business_account',
  entry: [{ id: '102290129340398', changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value } }] }],
});

describe('WhatsAppConnector', () => {
  const connector = new WhatsAppConnector(config, fileLinks);
  afterEach(() => jest.restoreAllMocks());

  it('needs the phone number id', () => {
    expect(() => new WhatsAppConnector({ ...config, accountId: undefined }, fileLinks)).toThrow(/accountId/);
  });

  it('posts the Cloud API body to /{version}/{phone-number-id}/messages with the bearer token', async () => {
    const fetch = jest.spyOn(globalThis, 'fetch').mockResolvedValue(
      new Response(JSON.stringify({ messaging_product: 'whatsapp', contacts: [{ input: '15551234567', wa_id: '15551234567' }], messages: [{ id: 'wamid.X' }] })),
    );
    await expect(connector.send(outboundMessage('whatsapp', '15551234567', { type: 'text', text: 'hi' }))).resolves.toEqual({ ok: true, providerMessageId: 'wamid.X' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('https://graph.example.test/v23.0/106540352242922/messages');
    expect(new Headers(init?.headers).get('authorization')).toBe('Bearer token');
    expect(JSON.parse(init?.body as string)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '15551234567',
      type: 'text',
      text: { preview_url: false, body: 'hi' },
    });
  });

  describe('file messages', () => {
    const accepted = () =>
      jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: 'wamid.M' }] })));
    const sentBody = (fetch: ReturnType<typeof accepted>) => JSON.parse(fetch.mock.calls[0][1]?.body as string) as Record<string, unknown>;

    it('sends a document by link, with the name the recipient sees', async () => {
      const fetch = accepted();
      await expect(connector.send(fileMessage('whatsapp', '15551234567', { mime_type: 'application/pdf', filename: 'invoice 7.pdf' }))).resolves.toEqual({ ok: true, providerMessageId: 'wamid.M' });
      expect(sentBody(fetch)).toEqual({
        messaging_product: 'whatsapp',
        recipient_type: 'individual',
        to: '15551234567',
        type: 'document',
        document: { link: FILE_LINK, filename: 'invoice 7.pdf' },
      });
    });

    it.each([
      ['image/jpeg', 1_000_000, 'image'],
      ['image/png', 6 * 1024 * 1024, 'document'],
      ['video/3gpp', 1_000_000, 'video'],
      ['video/mp4', 17 * 1024 * 1024, 'document'],
      ['audio/ogg', 1_000_000, 'audio'],
      ['application/zip', 1_000_000, 'document'],
    ])('sends %s of %i bytes as %s', async (mimeType, size, type) => {
      const fetch = accepted();
      await connector.send(fileMessage('whatsapp', '15551234567', { mime_type: mimeType, size_bytes: size }));
      const body = sentBody(fetch);
      expect(body.type).toBe(type);
      expect(body[type]).toMatchObject({ link: FILE_LINK });
    });

    it('refuses a file over 100 MB without calling WhatsApp', async () => {
      const fetch = accepted();
      const result = await connector.send(fileMessage('whatsapp', '15551234567', { mime_type: 'video/mp4', size_bytes: 150 * 1024 * 1024 }));
      expect(result).toEqual({ ok: false, code: 'file-too-large', retryable: false, reason: 'whatsapp takes video/mp4 files up to 100 MB; this one is 150 MB' });
      expect(fetch).not.toHaveBeenCalled();
    });

    it('reports media WhatsApp could not fetch (131053) as FAILED with its details', () => {
      const error = { code: 131053, title: 'Media upload error', message: 'Media upload error', error_data: { details: 'Downloading media from weblink failed with http code 403, status message Forbidden' } };
      const events = connector.parseWebhook(notification({ statuses: [{ id: 'wamid.M', status: 'failed', timestamp: '1700000000', recipient_id: '1555', errors: [error] }] }));
      expect(events).toEqual([
        { kind: 'status', providerMessageId: 'wamid.M', status: 'FAILED', reason: '(#131053) Media upload error: Downloading media from weblink failed with http code 403, status message Forbidden', at: new Date(1_700_000_000_000) },
      ]);
    });
  });

  it('reports the 24 h window as a permanent outside-window failure', async () => {
    const body = { error: { message: '(#131047) Re-engagement message', type: 'OAuthException', code: 131047, error_data: { details: 'More than 24 hours have passed' } } };
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status: 400 }));
    await expect(connector.send(outboundMessage('whatsapp', '15551234567', { type: 'text', text: 'hi' }))).resolves.toMatchObject({
      ok: false,
      code: 'outside-window',
      retryable: false,
      reason: '(#131047) Re-engagement message: More than 24 hours have passed',
    });
  });

  it('maps failed statuses with the errors as the reason, and skips statuses that are no step of ours', () => {
    const events = connector.parseWebhook(
      notification({
        statuses: [
          { id: 'wamid.A', status: 'failed', timestamp: '1700000000', recipient_id: '1555', errors: [{ code: 131047, title: 'Re-engagement message' }] },
          { id: 'wamid.B', status: 'deleted', timestamp: '1700000001', recipient_id: '1555' },
        ],
      }),
    );
    expect(events).toEqual([{ kind: 'status', providerMessageId: 'wamid.A', status: 'FAILED', reason: '(#131047) Re-engagement message', at: new Date(1_700_000_000_000) }]);
  });

  it('skips non-text messages, other phone numbers and other fields', () => {
    const image = { from: '1555', id: 'wamid.I', timestamp: '1700000000', type: 'image', image: { id: 'media-1', mime_type: 'image/jpeg' } };
    const textFor = (id: string) => ({ from: '1555', id, timestamp: '1700000000', type: 'text', text: { body: 'hi' } });
    expect(connector.parseWebhook(notification({ messages: [image] }))).toEqual([]);
    expect(connector.parseWebhook(notification({ messages: [textFor('wamid.O')] }, '999'))).toEqual([]);
    expect(connector.parseWebhook(notification({ messages: [textFor('wamid.F')] }, config.accountId, 'account_update'))).toEqual([]);
  });

  it('refuses a messages change that is not the Cloud API shape', () => {
    const body = { object: 'whatsapp_business_account', entry: [{ id: '1', changes: [{ field: 'messages', value: { statuses: 'nope' } }] }] };
    expect(() => connector.parseWebhook(body)).toThrow(/whatsapp webhook payload/);
  });
});
