import type { ChannelConnectorConfig } from '../channel-connector';
import { FILE_LINK, fileLinks, fileMessage } from '../media-links.test-kit';
import { outboundMessage } from '../conformance.test-kit';
import { TelegramConnector } from './telegram.connector';

const config: ChannelConnectorConfig = { baseUrl: 'https://api.telegram.example', accessToken: '123:ABC', webhookSecret: 'secret_token-1', timeoutMs: 1_000 };

describe('TelegramConnector', () => {
  const connector = new TelegramConnector(config, fileLinks);
  afterEach(() => jest.restoreAllMocks());

  const answer = (status: number, body: unknown, headers: Record<string, string> = {}) =>
    jest.spyOn(globalThis, 'fetch').mockResolvedValue(new Response(JSON.stringify(body), { status, headers }));
  const send = (contact = '42', text = 'hi') => connector.send(outboundMessage('telegram', contact, { type: 'text', text }));

  it('posts sendMessage with the chat id as a number and names the message by chat and id', async () => {
    const fetch = answer(200, { ok: true, result: { message_id: 7, date: 1_700_000_000, chat: { id: 42, type: 'private' }, text: 'hi' } });
    await expect(send()).resolves.toEqual({ ok: true, providerMessageId: '42:7' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe('https://api.telegram.example/bot123:ABC/sendMessage');
    expect(JSON.parse(init?.body as string)).toEqual({ chat_id: 42, text: 'hi' });
  });

  it.each([
    ['image/png', 'sendPhoto', 'photo'],
    ['video/mp4', 'sendVideo', 'video'],
    ['audio/mpeg', 'sendAudio', 'audio'],
    ['application/pdf', 'sendDocument', 'document'],
  ])('sends %s with %s, the link as the %s', async (mimeType, method, field) => {
    const fetch = answer(200, { ok: true, result: { message_id: 8, date: 1_700_000_000, chat: { id: 42, type: 'private' } } });
    await expect(connector.send(fileMessage('telegram', '42', { mime_type: mimeType }))).resolves.toEqual({ ok: true, providerMessageId: '42:8' });
    const [url, init] = fetch.mock.calls[0];
    expect(url).toBe(`https://api.telegram.example/bot123:ABC/${method}`);
    expect(JSON.parse(init?.body as string)).toEqual({ chat_id: 42, [field]: FILE_LINK });
  });

  it('refuses what Telegram cannot take by URL: a photo over 5 MB, a document that is not PDF, ZIP or GIF', async () => {
    const fetch = answer(200, {});
    await expect(connector.send(fileMessage('telegram', '42', { mime_type: 'image/jpeg', size_bytes: 6 * 1024 * 1024 }))).resolves.toMatchObject({
      ok: false,
      code: 'file-too-large',
      retryable: false,
      reason: 'telegram takes image/jpeg files up to 5 MB; this one is 6 MB',
    });
    await expect(connector.send(fileMessage('telegram', '42', { mime_type: 'text/plain' }))).resolves.toMatchObject({ ok: false, code: 'unsupported-content', retryable: false });
    expect(fetch).not.toHaveBeenCalled();
  });

  it('reports a link Telegram could not download as a permanent failure', async () => {
    answer(400, { ok: false, error_code: 400, description: 'Bad Request: failed to get HTTP URL content' });
    await expect(connector.send(fileMessage('telegram', '42', { mime_type: 'application/pdf' }))).resolves.toMatchObject({
      ok: false,
      code: 'rejected',
      retryable: false,
      reason: '400: Bad Request: failed to get HTTP URL content',
    });
  });

  it.each([
    [403, 'Forbidden: bot was blocked by the user', 'recipient-unreachable', false],
    [403, 'Forbidden: user is deactivated', 'recipient-unreachable', false],
    [400, 'Bad Request: chat not found', 'invalid-recipient', false],
    [400, 'Bad Request: message is too long', 'text-too-long', false],
    [400, 'Bad Request: group chat was upgraded to a supergroup chat', 'rejected', false],
    [401, 'Unauthorized', 'unauthorized', false],
    [502, 'Bad Gateway', 'provider-unavailable', true],
  ])('maps %i "%s" to %s', async (status, description, code, retryable) => {
    answer(status, { ok: false, error_code: status, description });
    await expect(send()).resolves.toMatchObject({ ok: false, code, retryable, reason: `${status}: ${description}` });
  });

  it('takes the wait from parameters.retry_after, else from the description', async () => {
    answer(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 5', parameters: { retry_after: 5 } });
    await expect(send()).resolves.toMatchObject({ code: 'rate-limited', retryAfterMs: 5_000 });
    jest.restoreAllMocks();
    answer(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 12' });
    await expect(send()).resolves.toMatchObject({ code: 'rate-limited', retryAfterMs: 12_000 });
  });

  it('checks the secret token header, and nothing else', () => {
    expect(connector.verifySignature({ 'X-Telegram-Bot-Api-Secret-Token': 'secret_token-1' }, Buffer.from('{}'))).toBe(true);
    expect(connector.verifySignature({ 'x-telegram-bot-api-secret-token': ['secret_token-1', 'other'] }, Buffer.from('{}'))).toBe(false);
    expect(connector.verifySignature({ 'x-telegram-bot-api-secret-token': 'secret_token' }, Buffer.from('{}'))).toBe(false);
  });

  it('takes text messages from people, and skips other updates', () => {
    const message = (extra: Record<string, unknown>) => ({ message_id: 3, chat: { id: -1001234, type: 'supergroup' }, date: 1_700_000_000, ...extra });
    expect(connector.parseWebhook({ update_id: 1, message: message({ from: { id: 5, is_bot: false, first_name: 'A' }, text: 'hi' }) })).toEqual([
      { kind: 'message', providerMessageId: '-1001234:3', from: '-1001234', text: 'hi', at: new Date(1_700_000_000_000) },
    ]);
    expect(connector.parseWebhook({ update_id: 2, message: message({ photo: [{ file_id: 'x' }] }) })).toEqual([]);
    expect(connector.parseWebhook({ update_id: 3, message: message({ from: { id: 9, is_bot: true, first_name: 'B' }, text: 'bot' }) })).toEqual([]);
    expect(connector.parseWebhook({ update_id: 4, edited_message: message({ text: 'edit' }) })).toEqual([]);
  });
});
