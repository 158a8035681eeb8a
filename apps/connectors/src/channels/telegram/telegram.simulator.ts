import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { SimulatorOptions } from '../channel-simulator';
import { ProviderSimulator } from '../provider-simulator';
import { textLength } from '../send-preflight';
import type { WebhookFormat } from '../webhook-dispatcher';
import { telegramCapabilities } from './telegram.capabilities';
import { telegramMessageId } from './telegram.connector';

const BOT_ID = 7_012_345_678;

const sendRequestSchema = z.object({
  chat_id: z.union([z.number().int(), z.string()]).optional(),
  text: z.string().optional(),
});

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
    // Method names are case-insensitive.
    if (method.toLowerCase() !== 'sendmessage') return failure(reply, 404, 'Not Found: method not found');
    return this.sendMessage(request, reply);
  }

  private async sendMessage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const parsed = sendRequestSchema.safeParse(request.body ?? {});
    if (!parsed.success) return failure(reply, 400, 'Bad Request: invalid parameters');
    const { chat_id: chatId, text } = parsed.data;
    if (chatId === undefined || chatId === '') return failure(reply, 400, 'Bad Request: chat_id is empty');
    if (text === undefined || text.trim() === '') return failure(reply, 400, 'Bad Request: message text is empty');
    if (textLength(text) > telegramCapabilities.maxTextLength) return failure(reply, 400, 'Bad Request: message is too long');
    const chat = String(chatId);

    const verdict = await this.judge(chat);
    switch (verdict.kind) {
      case 'throttled':
        return failure(reply, 429, `Too Many Requests: retry after ${verdict.retryAfterSeconds}`, { retry_after: verdict.retryAfterSeconds });
      case 'server-error':
        return failure(reply, 500, 'Internal Server Error');
      case 'invalid-recipient':
        return failure(reply, 400, 'Bad Request: chat not found');
      case 'accept':
        break;
    }
    // Telegram knows at once when a person blocked the bot; there is no later failure to report.
    if (this.isUndeliverable(chat)) return failure(reply, 403, 'Forbidden: bot was blocked by the user');
    // Private chats are addressed by their integer id (@username only reaches public chats).
    if (!/^-?\d+$/.test(chat)) return failure(reply, 400, 'Bad Request: chat not found');

    const messageId = this.nextMessageId(chat);
    const id = Number(chat);
    this.accept(telegramMessageId(id, messageId), chat, text);
    return reply.code(200).send({
      ok: true,
      result: {
        message_id: messageId,
        from: { id: BOT_ID, is_bot: true, first_name: 'Chat4All', username: 'chat4all_bot' },
        chat: { id, first_name: 'Simulated', type: 'private' },
        date: unixSeconds(),
        text,
      },
    });
  }

  private nextMessageId(chat: string): number {
    const next = (this.lastMessageId.get(chat) ?? 0) + 1;
    this.lastMessageId.set(chat, next);
    return next;
  }
}
