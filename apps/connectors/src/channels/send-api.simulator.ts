import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ChannelCapabilities, MediaKind } from './channel-connector';
import type { SentMedia, SimulatorOptions } from './channel-simulator';
import { graphErrorBody } from './meta-graph';
import { MetaPlatformSimulator } from './meta-simulator';
import { textLength } from './send-preflight';

// One text or one attachment by URL (this simulated platform keeps no saved assets, so no attachment_id).
const sendRequestSchema = (attachmentTypes: [string, ...string[]]) =>
  z.strictObject({
    recipient: z.strictObject({ id: z.string().min(1) }),
    messaging_type: z.enum(['RESPONSE', 'UPDATE', 'MESSAGE_TAG']).optional(),
    tag: z.string().optional(),
    message: z
      .strictObject({
        text: z.string().min(1).optional(),
        attachment: z.strictObject({ type: z.enum(attachmentTypes), payload: z.strictObject({ url: z.url(), is_reusable: z.boolean().optional() }) }).optional(),
      })
      .refine((m) => (m.text === undefined) !== (m.attachment === undefined), 'Must have exactly one of message[text] or message[attachment]'),
  });

export interface SentThreadMessage {
  mid: string;
  recipient: string;
  text: string;
  /** The attachment as sent (`type` as the platform names it). */
  attachment?: { type: string; url: string };
  /** The platform's timestamp of the message, in ms; receipts' watermarks refer to it. */
  timestamp: number;
}

// Meta's Send API as Messenger and Instagram both serve it: POST /{version}/me/messages with the
// Page access token in the query string, `messaging` webhooks signed with the app secret.
export abstract class SendApiSimulator extends MetaPlatformSimulator {
  private lastTimestamp = 0;
  private readonly kindOf: Map<string, MediaKind>;
  private readonly schema: ReturnType<typeof sendRequestSchema>;

  /** `attachmentTypes`: the platform's attachment `type` for each kind of file it takes. */
  protected constructor(
    options: SimulatorOptions,
    private readonly limits: ChannelCapabilities,
    defaultAccountId: string,
    private readonly webhookObject: 'page' | 'instagram',
    attachmentTypes: Partial<Record<MediaKind, string>>,
  ) {
    super(options, limits, defaultAccountId);
    this.kindOf = new Map((Object.entries(attachmentTypes) as [MediaKind, string][]).map(([kind, type]) => [type, kind]));
    this.schema = sendRequestSchema([...this.kindOf.keys()] as [string, ...string[]]);
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
    const parsed = this.schema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(graphErrorBody(100, `(#100) ${paramProblem(parsed.error)}`));
    const { recipient, message } = parsed.data;
    const text = message.text ?? '';
    const tooLong = textLength(text) > this.limits.maxTextLength || (this.limits.maxTextBytes !== undefined && Buffer.byteLength(text) > this.limits.maxTextBytes);
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

    let media: SentMedia | undefined;
    if (message.attachment) {
      const { type, payload } = message.attachment;
      // The schema admits only the types in kindOf.
      const kind = this.kindOf.get(type) as MediaKind;
      // The Send API fetches the file before it answers, and refuses the send when it cannot.
      const download = await this.fetchMedia(payload.url, this.maxBytesOf(kind));
      if (!download.ok) {
        const error = download.problem === 'too-large' ? graphErrorBody(100, '(#100) Upload attachment failure.', { subcode: 2018047 }) : graphErrorBody(100, '(#100) Failed to fetch the file from the url', { subcode: 2018008 });
        return reply.code(400).send(error);
      }
      media = { kind, link: payload.url, download };
    }
    const mid = this.newMid();
    this.accept(mid, recipient.id, text, media);
    const attachment = message.attachment ? { type: message.attachment.type, url: message.attachment.payload.url } : undefined;
    const sent: SentThreadMessage = { mid, recipient: recipient.id, text, ...(attachment ? { attachment } : {}), timestamp: this.nextTimestamp() };
    // The platform never reports a message it could not bring to the person: no receipts then.
    const followUps = this.isUndeliverable(recipient.id) ? [] : this.followUps(sent);
    await this.scheduleReceipts(followUps.map((event) => this.envelope(event)));
    return reply.code(200).send({ recipient_id: recipient.id, message_id: mid });
  }

  /** The largest file the platform takes as this kind of attachment. */
  private maxBytesOf(kind: MediaKind): number {
    return Math.max(...this.limits.media.filter((r) => r.kind === kind).map((r) => r.maxBytes));
  }

  /** Strictly increasing, like the timestamps of one thread. */
  private nextTimestamp(): number {
    this.lastTimestamp = Math.max(Date.now(), this.lastTimestamp + 1);
    return this.lastTimestamp;
  }
}

/** Graph's wording for a body it cannot take: an unknown field or attachment type, or a bad value. */
function paramProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid parameter';
  const path = issue.path.map(String);
  const param = path.length === 0 ? 'body' : path[0] + path.slice(1).map((p) => `[${p}]`).join('');
  if (issue.code === 'unrecognized_keys') return `Param ${param} has unexpected field(s) ${issue.keys.join(', ')}`;
  if (issue.code === 'invalid_value') return `Param ${param} must be one of {${issue.values.map(String).join(', ')}}`;
  return `Param ${param}: ${issue.message}`;
}
