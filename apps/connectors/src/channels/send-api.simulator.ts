import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ChannelCapabilities } from './channel-connector';
import type { SimulatorOptions } from './channel-simulator';
import { graphErrorBody } from './meta-graph';
import { MetaPlatformSimulator } from './meta-simulator';
import { textLength } from './send-preflight';

const sendRequestSchema = z.object({
  recipient: z.object({ id: z.string().min(1) }),
  messaging_type: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']).optional(),
  tag: z.string().optional(),
  message: z.object({ text: z.string().min(1) }),
});

export interface SentThreadMessage {
  mid: string;
  recipient: string;
  text: string;
  /** The platform's timestamp of the message, in ms; receipts' watermarks refer to it. */
  timestamp: number;
}

// Meta's Send API as Messenger and Instagram both serve it: POST /{version}/me/messages with the
// Page access token in the query string, `messaging` webhooks signed with the app secret.
export abstract class SendApiSimulator extends MetaPlatformSimulator {
  private lastTimestamp = 0;

  protected constructor(
    options: SimulatorOptions,
    private readonly limits: ChannelCapabilities,
    defaultAccountId: string,
    private readonly webhookObject: 'page' | 'instagram',
  ) {
    super(options, limits, defaultAccountId);
  }

  protected abstract newMid(): string;
  /** The platform's answer for a recipient it does not know. */
  protected abstract unknownRecipientError(): ReturnType<typeof graphErrorBody>;
  /** The `messaging` events that follow an accepted message (receipts, echoes), in platform order. */
  protected abstract followUps(sent: SentThreadMessage): Record<string, unknown>[];

  protected registerRoutes(app: FastifyInstance): void {
    app.post('/:version/me/messages', (request, reply) => this.sendMessage(request, reply));
  }

  async emitInboundMessage(input: { from: string; text: string }): Promise<{ providerMessageId: string }> {
    const mid = this.newMid();
    const timestamp = this.nextTimestamp();
    await this.deliverNow(this.envelope({ sender: { id: input.from }, recipient: { id: this.accountId }, timestamp, message: { mid, text: input.text } }));
    return { providerMessageId: mid };
  }

  /** One webhook body; Meta puts one event in each `messaging` array. */
  protected envelope(event: Record<string, unknown>): unknown {
    return { object: this.webhookObject, entry: [{ id: this.accountId, time: Date.now(), messaging: [event] }] };
  }

  private async sendMessage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { version } = request.params as { version: string };
    if (!/^v\d+\.\d+$/.test(version)) return this.malformedReply(reply, 404, `Unknown path components: /${version}/me/messages`);
    if ((request.query as { access_token?: string }).access_token !== this.accessToken) {
      return reply.code(400).send(graphErrorBody(190, 'Invalid OAuth access token.'));
    }
    const parsed = sendRequestSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(graphErrorBody(100, `(#100) ${parsed.error.issues[0]?.message ?? 'Invalid parameter'}`));
    const { recipient, message } = parsed.data;
    const tooLong =
      textLength(message.text) > this.limits.maxTextLength || (this.limits.maxTextBytes !== undefined && Buffer.byteLength(message.text) > this.limits.maxTextBytes);
    if (tooLong) {
      return reply.code(400).send(graphErrorBody(100, `(#100) Length of param message[text] must be less than or equal to ${this.limits.maxTextLength}`));
    }

    const verdict = await this.judge(recipient.id);
    switch (verdict.kind) {
      case 'throttled':
        return reply.code(400).send(graphErrorBody(613, '(#613) Calls to this API have exceeded the rate limit.'));
      case 'server-error':
        return reply.code(500).send(graphErrorBody(1200, '(#1200) Temporary send message failure. Please try again later', { type: 'FacebookApiException' }));
      case 'invalid-recipient':
        return reply.code(400).send(this.unknownRecipientError());
      case 'accept':
        break;
    }

    const mid = this.newMid();
    this.accept(mid, recipient.id, message.text);
    const sent = { mid, recipient: recipient.id, text: message.text, timestamp: this.nextTimestamp() };
    // The platform never reports a message it could not bring to the person: no receipts then.
    const followUps = this.isUndeliverable(recipient.id) ? [] : this.followUps(sent);
    await this.scheduleReceipts(followUps.map((event) => this.envelope(event)));
    return reply.code(200).send({ recipient_id: recipient.id, message_id: mid });
  }

  /** Strictly increasing, like the timestamps of one thread. */
  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}
