import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InstagramSimulator } from './instagram/instagram.simulator';
import { downloadMedia } from './media-fetch';
import { MessengerSimulator } from './messenger/messenger.simulator';
import { TelegramSimulator } from './telegram/telegram.simulator';
import { WhatsAppSimulator } from './whatsapp/whatsapp.simulator';

// The simulated platforms' handling of media payloads, where the connectors' own checks would hide
// it: what they answer to a client that sends what the real API refuses, and what they record.
describe('simulated platforms: media', () => {
  let server: Server;
  let origin: string;
  const running: { stop(): Promise<void> }[] = [];

  beforeAll(async () => {
    // Stands in for a presigned object URL; /chunked streams without a Content-Length.
    server = createServer((request, response) => {
      if (request.url === '/chunked') {
        response.writeHead(200, { 'content-type': 'application/pdf' });
        for (let i = 0; i < 10; i++) response.write(Buffer.alloc(1_000, i));
        response.end();
        return;
      }
      if (request.url === '/invoice.pdf') return void response.writeHead(200, { 'content-type': 'application/pdf' }).end(Buffer.from('%PDF-1.7 …'));
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  const start = async <S extends { start(): Promise<string>; stop(): Promise<void> }>(simulator: S): Promise<S> => {
    running.push(simulator);
    await simulator.start();
    return simulator;
  };
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('downloads a streamed link, stopping one byte past the limit', async () => {
    await expect(downloadMedia(`${origin}/chunked`, { maxBytes: 10_000, timeoutMs: 1_000 })).resolves.toMatchObject({ ok: true, bytes: 10_000, contentType: 'application/pdf' });
    await expect(downloadMedia(`${origin}/chunked`, { maxBytes: 9_999, timeoutMs: 1_000 })).resolves.toMatchObject({ ok: false, problem: 'too-large' });
    await expect(downloadMedia(`${origin}/gone`, { maxBytes: 10, timeoutMs: 1_000 })).resolves.toMatchObject({ ok: false, problem: 'http-status', status: 404 });
    await expect(downloadMedia('http://127.0.0.1:9/x', { maxBytes: 10, timeoutMs: 1_000 })).resolves.toMatchObject({ ok: false, problem: 'unreachable' });
  });

  describe('WhatsApp', () => {
    const send = async (simulator: WhatsAppSimulator, body: Record<string, unknown>) => {
      const { baseUrl, accessToken, accountId } = simulator.connectorConfig();
      return post(`${baseUrl}/v23.0/${accountId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to: '15551234567', ...body }, { authorization: `Bearer ${accessToken}` });
    };

    it('records a document with its filename and link, and the bytes it fetched after answering', async () => {
      const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 } }));
      const answer = await send(simulator, { type: 'document', document: { link: `${origin}/invoice.pdf`, filename: 'invoice.pdf' } });
      expect(answer.status).toBe(200);
      await simulator.webhooksSettled();
      expect(simulator.accepted).toEqual([
        expect.objectContaining({ recipient: '15551234567', text: '', media: { kind: 'document', link: `${origin}/invoice.pdf`, filename: 'invoice.pdf', download: expect.objectContaining({ ok: true, bytes: 12 }) } }),
      ]);
    });

    it.each([
      [{ type: 'sticker', sticker: { link: 'https://example.test/s.webp' } }, 'Param type must be one of {AUDIO, DOCUMENT, IMAGE, TEXT, VIDEO}'],
      [{ type: 'audio', audio: { link: 'https://example.test/a.ogg', caption: 'no captions on audio' } }, 'Unexpected key(s) "caption" on param audio.'],
      [{ type: 'image', image: { link: 'https://example.test/i.png', id: '1013859600285441' } }, 'Unexpected key(s) "id" on param image.'],
      [{ type: 'document', document: { link: 'not a url' } }, 'Param document.link: Invalid URL'],
    ])('refuses %j with (#100) Invalid parameter', async (body, details) => {
      const simulator = await start(new WhatsAppSimulator({ latency: { kind: 'fixed', ms: 0 } }));
      expect(await send(simulator, body)).toMatchObject({ status: 400, body: { error: { code: 100, error_data: { details } } } });
      expect(simulator.accepted).toHaveLength(0);
    });
  });

  it('Messenger and Instagram refuse attachment types they do not have, and unknown payload fields', async () => {
    for (const simulator of [await start(new MessengerSimulator({ latency: { kind: 'fixed', ms: 0 } })), await start(new InstagramSimulator({ latency: { kind: 'fixed', ms: 0 } }))]) {
      const { baseUrl, accessToken } = simulator.connectorConfig();
      const url = `${baseUrl}/v23.0/me/messages?access_token=${accessToken}`;
      const attach = (attachment: Record<string, unknown>) => post(url, { recipient: { id: '1555' }, message: { attachment } });
      expect(await attach({ type: 'template', payload: { url: `${origin}/invoice.pdf` } })).toMatchObject({ status: 400, body: { error: { code: 100 } } });
      expect(await attach({ type: 'image', payload: { url: `${origin}/invoice.pdf`, attachment_id: '1' } })).toMatchObject({ status: 400, body: { error: { code: 100 } } });
      expect(await attach({ type: 'image', payload: { url: `${origin}/gone` } })).toMatchObject({ status: 400, body: { error: { code: 100, error_subcode: 2018008 } } });
      expect(simulator.accepted).toHaveLength(0);
    }
    const instagram = running.at(-1) as InstagramSimulator;
    const { baseUrl, accessToken } = instagram.connectorConfig();
    const file = await post(`${baseUrl}/v23.0/me/messages?access_token=${accessToken}`, { recipient: { id: '1555' }, message: { attachment: { type: 'file', payload: { url: `${origin}/invoice.pdf` } } } });
    expect(file).toMatchObject({ status: 400, body: { error: { code: 100, message: '(#100) Param message[attachment][type] must be one of {image, video, audio}' } } });
  });

  it('Telegram wants the file in its own field, as a URL, and refuses what it cannot download', async () => {
    const simulator = await start(new TelegramSimulator({ latency: { kind: 'fixed', ms: 0 } }));
    const { baseUrl, accessToken } = simulator.connectorConfig();
    const call = (method: string, body: Record<string, unknown>) => post(`${baseUrl}/bot${accessToken}/${method}`, { chat_id: 42, ...body });
    expect(await call('sendDocument', { photo: `${origin}/invoice.pdf` })).toMatchObject({ status: 400, body: { description: 'Bad Request: there is no document in the request' } });
    expect(await call('sendPhoto', { photo: 'AgACAgQAAxkBAAI' })).toMatchObject({ status: 400, body: { description: 'Bad Request: wrong file identifier/HTTP URL specified' } });
    expect(await call('sendDocument', { document: `${origin}/gone` })).toMatchObject({ status: 400, body: { description: 'Bad Request: failed to get HTTP URL content' } });
    expect(await call('sendVideo', { video: `${origin}/invoice.pdf` })).toMatchObject({ status: 200, body: { ok: true, result: { video: { file_size: 12 } } } });
    expect(await call('senddocument', { document: `${origin}/invoice.pdf` })).toMatchObject({ status: 200, body: { ok: true, result: { document: { mime_type: 'application/pdf' } } } });
    expect(simulator.accepted.map((m) => m.media?.kind)).toEqual(['video', 'document']);
  });
});
