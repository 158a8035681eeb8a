import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { MediaKind } from '../channel-connector';
import type { SentMedia, SimulatorOptions } from '../channel-simulator';
import { ProviderSimulator } from '../provider-simulator';
import { textLength } from '../send-preflight';
import type { WebhookFormat } from '../webhook-dispatcher';
import { telegramCapabilities } from './telegram.capabilities';
import { TELEGRAM_MEDIA_METHODS, telegramMessageId } from './telegram.connector';

const BOT_ID = 7_012_345_678;

const sendRequestSchema = z.object({
  chat_id: z.union([z.number().int(), z.string()]).optional(),
  text: z.string().optional(),
});

// Method names are case-insensitive; by URL, Telegram downloads photos up to 5 MB, anything else up to 20 MB.
const MB = 1024 * 1024;
const MEDIA_METHODS = new Map(
  (Object.entries(TELEGRAM_MEDIA_METHODS) as [MediaKind, { method: string; field: string }][]).map(([kind, m]) => [
    m.method.toLowerCase(),
    { kind, field: m.field, maxBytes: kind === 'image' ? 5 * MB : 20 * MB },
  ]),
);
// "In sendDocument, sending by URL will currently only work for GIF, PDF and ZIP files."
const DOCUMENT_BY_URL_TYPES = ['application/pdf', 'application/zip', 'image/gif'];

const failure = (reply: FastifyReply, code: number, description: string, parameters?: Record<string, number>): FastifyReply =>
  reply.code(code).send({ ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });

const unixSeconds = (): number => Math.floor(Date.now() / 1000);

// Telegram Bot API: /bot<token>/<method>, `{ ok, result }` or `{ ok: false, error_code,
// description, parameters }`. No receipts follow a send; only inbound Updates are posted.
export class TelegramSimulator extends ProviderSimulator {
  readonly channel = 'telegram' as const;
  private updateId = 100_000_000;
  // In a private chat both sides' messages share one numbering.
  private readonly lastMessageId = new Map<string, number>();

  constructor(options: SimulatorOptions = {}) {
    super({ ...options, accessToken: options.accessToken ?? `${BOT_ID}:AA${randomBytes(24).toString('base64url')}` }, telegramCapabilities, String(BOT_ID));
  }

  protected registerRoutes(app: FastifyInstance): void {
    app.post('/:botPath/:method', (request, reply) => this.call(request, reply));
  }

  protected webhookFormat(): WebhookFormat {
    return { serialize: (payload) => JSON.stringify(payload), sign: () => ({ 'x-telegram-bot-api-secret-token': this.webhookSecret }) };
  }

  // Telegram's edge answers an outage with its nginx page, not with JSON.
  protected outageReply(reply: FastifyReply): FastifyReply {
    return reply
      .code(503)
      .type('text/html')
      .send('<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n');
  }

  protected malformedReply(reply: FastifyReply, status: number, message: string): FastifyReply {
    return status === 404 ? failure(reply, 404, 'Not Found') : failure(reply, 400, `Bad Request: ${message}`);
  }

  async emitInboundMessage(input: { from: string; text: string }): Promise<{ providerMessageId: string }> {
    const chatId = Number(input.from);
    if (!Number.isSafeInteger(chatId)) throw new Error(`a Telegram chat id is an integer, not ${input.from}`);
    const messageId = this.nextMessageId(input.from);
    const person = { id: chatId, is_bot: false, first_name: 'Simulated', language_code: 'en' };
    await this.deliverNow({
      update_id: ++this.updateId,
      message: { message_id: messageId, from: person, chat: { id: chatId, first_name: 'Simulated', type: 'private' }, date: unixSeconds(), text: input.text },
    });
    return { providerMessageId: telegramMessageId(chatId, messageId) };
  }

  private async call(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { botPath, method } = request.params as { botPath: string; method: string };
    if (!botPath.startsWith('bot')) return failure(reply, 404, 'Not Found');
    if (botPath.slice(3) !== this.accessToken) return failure(reply, 401, 'Unauthorized');
    const name = method.toLowerCase();
    if (name === 'sendmessage') return this.sendMessage(request, reply);
    const media = MEDIA_METHODS.get(name);
    if (media) return this.sendMedia(request, reply, media);
    return failure(reply, 404, 'Not Found: method not found');
  }

  /**
   * The checks every send makes before its content is taken, in Telegram's order: the error to answer
   * when one fails (not the reply itself: a Fastify reply is thenable, and awaiting it would send it).
   */
  private async refusal(chat: string): Promise<{ code: number; description: string; parameters?: Record<string, number> } | undefined> {
    const verdict = await this.judge(chat);
    switch (verdict.kind) {
      case 'throttled':
        return { code: 429, description: `Too Many Requests: retry after ${verdict.retryAfterSeconds}`, parameters: { retry_after: verdict.retryAfterSeconds } };
      case 'server-error':
        return { code: 500, description: 'Internal Server Error' };
      case 'invalid-recipient':
        return { code: 400, description: 'Bad Request: chat not found' };
      case 'accept':
        break;
    }
    // Telegram knows at once when a person blocked the bot; there is no later failure to report.
    if (this.isUndeliverable(chat)) return { code: 403, description: 'Forbidden: bot was blocked by the user' };
    // Private chats are addressed by their integer id (@username only reaches public chats).
    if (!/^-?\d+$/.test(chat)) return { code: 400, description: 'Bad Request: chat not found' };
    return undefined;
  }

  // sendPhoto & co. with an HTTP URL as the file: Telegram downloads it before answering, and says
  // so in a 400 when it cannot (unreachable, not found, too large, or a document of the wrong type).
  private async sendMedia(request: FastifyRequest, reply: FastifyReply, media: { kind: MediaKind; field: string; maxBytes: number }): Promise<FastifyReply> {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const chatId = body.chat_id;
    if (chatId === undefined || chatId === '') return failure(reply, 400, 'Bad Request: chat_id is empty');
    if (typeof chatId !== 'string' && typeof chatId !== 'number') return failure(reply, 400, 'Bad Request: invalid parameters');
    const file = body[media.field];
    if (typeof file !== 'string' || file === '') return failure(reply, 400, `Bad Request: there is no ${media.field} in the request`);
    // Anything but an HTTP URL would be a file_id of this bot; this simulated bot has sent none.
    if (!/^https?:\/\//i.test(file)) return failure(reply, 400, 'Bad Request: wrong file identifier/HTTP URL specified');
    const chat = String(chatId);
    const refused = await this.refusal(chat);
    if (refused) return failure(reply, refused.code, refused.description, refused.parameters);

    const download = await this.fetchMedia(file, media.maxBytes);
    if (!download.ok) return failure(reply, 400, 'Bad Request: failed to get HTTP URL content');
    const contentType = download.contentType?.split(';')[0].trim().toLowerCase();
    if (media.kind === 'document' && contentType !== undefined && !DOCUMENT_BY_URL_TYPES.includes(contentType)) {
      return failure(reply, 400, 'Bad Request: wrong type of the web page content');
    }
    const messageId = this.nextMessageId(chat);
    const id = Number(chat);
    const sent: SentMedia = { kind: media.kind, link: file, download };
    this.accept(telegramMessageId(id, messageId), chat, '', sent);
    const fileObject = { file_id: `BQACAgQAAxkBAAI${randomBytes(24).toString('base64url')}`, file_unique_id: randomBytes(8).toString('base64url'), file_size: download.bytes };
    return reply.code(200).send({
      ok: true,
      result: {
        ...sentMessage(id, messageId),
        ...(media.kind === 'image' ? { photo: [{ ...fileObject, width: 1280, height: 960 }] } : { [media.field]: { ...fileObject, ...(contentType ? { mime_type: contentType } : {}) } }),
      },
    });
  }

  private async sendMessage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const parsed = sendRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) return failure(reply, 400, 'Bad Request: invalid parameters');
    const { chat_id: chatId, text } = parsed.data;
    if (chatId === undefined || chatId === '') return failure(reply, 400, 'Bad Request: chat_id is empty');
    if (text === undefined || text.trim() === '') return failure(reply, 400, 'Bad Request: message text is empty');
    if (textLength(text) > telegramCapabilities.maxTextLength) return failure(reply, 400, 'Bad Request: message is too long');
    const chat = String(chatId);
    const refused = await this.refusal(chat);
    if (refused) return failure(reply, refused.code, refused.description, refused.parameters);

    const messageId = this.nextMessageId(chat);
    const id = Number(chat);
    this.accept(telegramMessageId(id, messageId), chat, text);
    return reply.code(200).send({
      ok: true,
      result: { ...sentMessage(id, messageId), text },
    });
  }

  private nextMessageId(chat: string): number {
    const next = (this.lastMessageId.get(chat) ?? 0) + 1;
    this.lastMessageId.set(chat, next);
    return next;
  }
}

/** The Message object the Bot API answers a send with, before its content fields. */
const sentMessage = (chatId: number, messageId: number) => ({
  message_id: messageId,
  from: { id: BOT_ID, is_bot: true, first_name: 'Chat4All', username: 'chat4all_bot' },
  chat: { id: chatId, first_name: 'Simulated', type: 'private' },
  date: unixSeconds(),
});
