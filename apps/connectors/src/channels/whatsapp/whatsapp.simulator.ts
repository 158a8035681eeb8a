import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { MediaKind } from '../channel-connector';
import type { SentMedia, SimulatorOptions } from '../channel-simulator';
import type { MediaDownload } from '../media-fetch';
import { graphErrorBody } from '../meta-graph';
import { MetaPlatformSimulator } from '../meta-simulator';
import { textLength } from '../send-preflight';
import { whatsappCapabilities } from './whatsapp.capabilities';

// Media by link only: this simulated platform has no /media upload endpoint, so no media ids.
const caption = z.string().max(1024).optional();
const envelope = { messaging_product: z.literal('whatsapp'), recipient_type: z.literal('individual').optional(), to: z.string().min(1) };
const sendRequestSchema = z.discriminatedUnion('type', [
  z.strictObject({ ...envelope, type: z.literal('text'), text: z.strictObject({ body: z.string().min(1), preview_url: z.boolean().optional() }) }),
  z.strictObject({ ...envelope, type: z.literal('image'), image: z.strictObject({ link: z.url(), caption }) }),
  z.strictObject({ ...envelope, type: z.literal('video'), video: z.strictObject({ link: z.url(), caption }) }),
  z.strictObject({ ...envelope, type: z.literal('audio'), audio: z.strictObject({ link: z.url() }) }),
  z.strictObject({ ...envelope, type: z.literal('document'), document: z.strictObject({ link: z.url(), caption, filename: z.string().min(1).optional() }) }),
]);
type SendRequest = z.infer<typeof sendRequestSchema>;

const MB = 1024 * 1024;
/** The largest file WhatsApp takes as this kind of message. */
const maxBytesOf = (kind: MediaKind): number => Math.max(...whatsappCapabilities.media.filter((r) => r.kind === kind).map((r) => r.maxBytes));

const WABA_ID = '102290129340398';
const DISPLAY_PHONE_NUMBER = '15550783881';

const wamid = (): string => `wamid.${randomBytes(30).toString('base64')}`;
const unixSeconds = (ms: number): string => String(Math.floor(ms / 1000));
const invalidParameter = (details: string) => graphErrorBody(100, '(#100) Invalid parameter', { details, messagingProduct: 'whatsapp' });

// WhatsApp Cloud API as seen from a business: the send endpoint with Meta's error codes, then the
// status webhooks (sent → delivered → read, or failed) signed with the app secret.
export class WhatsAppSimulator extends MetaPlatformSimulator {
  readonly channel = 'whatsapp' as const;

  constructor(options: SimulatorOptions = {}) {
    super(options, whatsappCapabilities, '106540352242922');
  }

  protected registerRoutes(app: FastifyInstance): void {
    app.post('/:version/:phoneNumberId/messages', (request, reply) => this.sendMessage(request, reply));
  }

  async emitInboundMessage(input: { from: string; text: string }): Promise<{ providerMessageId: string }> {
    const id = wamid();
    await this.deliverNow(
      this.notification({
        contacts: [{ profile: { name: 'Simulated Contact' }, wa_id: input.from }],
        messages: [{ from: input.from, id, timestamp: unixSeconds(Date.now()), type: 'text', text: { body: input.text } }],
      }),
    );
    return { providerMessageId: id };
  }

  private async sendMessage(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const { version, phoneNumberId } = request.params as { version: string; phoneNumberId: string };
    if (!/^v\d+\.\d+$/.test(version)) return this.malformedReply(reply, 404, `Unknown path components: /${version}/${phoneNumberId}/messages`);
    if (request.headers.authorization !== `Bearer ${this.accessToken}`) {
      return reply.code(401).send(graphErrorBody(190, 'Invalid OAuth access token - Cannot parse access token'));
    }
    if (phoneNumberId !== this.accountId) {
      const message = `Unsupported post request. Object with ID '${phoneNumberId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`;
      return reply.code(400).send(graphErrorBody(100, message, { subcode: 33, type: 'GraphMethodException' }));
    }
    const parsed = sendRequestSchema.safeParse(request.body);
    if (!parsed.success) return reply.code(400).send(invalidParameter(paramProblem(parsed.error)));
    const body = parsed.data;
    const { to } = body;
    if (body.type === 'text' && textLength(body.text.body) > whatsappCapabilities.maxTextLength) {
      return reply.code(400).send(invalidParameter(`Param text['body'] must be at most ${whatsappCapabilities.maxTextLength} characters long.`));
    }

    const verdict = await this.judge(to);
    switch (verdict.kind) {
      case 'throttled':
        return verdict.scope === 'recipient'
          ? reply
              .code(400)
              .send(
                graphErrorBody(131056, '(#131056) (Business Account, Consumer Account) pair rate limit hit', {
                  details: 'Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time.',
                  messagingProduct: 'whatsapp',
                }),
              )
          : reply
              .code(400)
              .send(graphErrorBody(130429, '(#130429) Rate limit hit', { details: 'Cloud API message throughput has been reached.', messagingProduct: 'whatsapp' }));
      case 'server-error':
        return reply.code(500).send(graphErrorBody(131000, '(#131000) Something went wrong', { details: 'Message failed to send due to an unknown error.', messagingProduct: 'whatsapp' }));
      case 'invalid-recipient':
        return reply.code(400).send(graphErrorBody(131026, '(#131026) Message Undeliverable', { details: 'Message Undeliverable.', messagingProduct: 'whatsapp' }));
      case 'accept':
        break;
    }

    const id = wamid();
    const media = sentMedia(body);
    const accepted = this.accept(id, to, body.type === 'text' ? body.text.body : (mediaCaption(body) ?? ''), media);
    if (media) {
      // WhatsApp takes the message, then fetches the media: a link it cannot use is a failed status.
      this.afterAnswer(async () => {
        media.download = await this.fetchMedia(media.link, maxBytesOf(media.kind));
        const at = Date.now();
        const receipts = media.download.ok ? this.receipts(id, to, at) : [this.mediaFailed(id, to, at, media.kind, media.download)];
        await this.scheduleReceipts(receipts);
      });
    } else {
      await this.scheduleReceipts(this.receipts(id, to, accepted.acceptedAt.getTime()));
    }
    return reply.code(200).send({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to.replace(/\D/g, '') || to }], messages: [{ id }] });
  }

  private receipts(id: string, recipient: string, at: number): unknown[] {
    const status = (name: string, offsetMs: number, extra: Record<string, unknown> = {}) =>
      this.notification({ statuses: [{ id, status: name, timestamp: unixSeconds(at + offsetMs), recipient_id: recipient, ...extra }] });
    const pricing = { pricing: { billable: false, pricing_model: 'PMP', category: 'service', type: 'free_customer_service' } };
    if (this.isUndeliverable(recipient)) {
      const error = { code: 131026, title: 'Message undeliverable', message: 'Message undeliverable', error_data: { details: 'Message Undeliverable.' } };
      return [status('failed', 1_000, { errors: [error] })];
    }
    return [status('sent', 0, pricing), status('delivered', 1_000, pricing), status('read', 2_000)];
  }

  private mediaFailed(id: string, recipient: string, at: number, kind: MediaKind, download: Exclude<MediaDownload, { ok: true }>): unknown {
    const details =
      download.problem === 'too-large'
        ? `Media file size too big. Max file size we currently support: ${maxBytesOf(kind) / MB}MB. Please communicate with your receiver to get the media in another way.`
        : download.problem === 'http-status'
          ? `Downloading media from weblink failed with http code ${download.status}, status message ${download.detail.replace(/^HTTP \d+\s*/, '') || 'none'}`
          : `Downloading media from weblink failed: ${download.detail}`;
    const error = { code: 131053, title: 'Media upload error', message: 'Media upload error', error_data: { details } };
    return this.notification({ statuses: [{ id, status: 'failed', timestamp: unixSeconds(at), recipient_id: recipient, errors: [error] }] });
  }

  private notification(value: Record<string, unknown>): unknown {
    return {
      object: 'whatsapp_business_account',
      entry: [
        {
          id: WABA_ID,
          changes: [
            { field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY_PHONE_NUMBER, phone_number_id: this.accountId }, ...value } },
          ],
        },
      ],
    };
  }
}

function sentMedia(body: SendRequest): SentMedia | undefined {
  switch (body.type) {
    case 'text':
      return undefined;
    case 'image':
      return { kind: 'image', link: body.image.link };
    case 'video':
      return { kind: 'video', link: body.video.link };
    case 'audio':
      return { kind: 'audio', link: body.audio.link };
    case 'document':
      return { kind: 'document', link: body.document.link, ...(body.document.filename ? { filename: body.document.filename } : {}) };
  }
}

function mediaCaption(body: SendRequest): string | undefined {
  if (body.type === 'image') return body.image.caption;
  if (body.type === 'video') return body.video.caption;
  if (body.type === 'document') return body.document.caption;
  return undefined;
}

/** Graph's wording for a body it cannot take: an unknown type or field, or a bad value. */
function paramProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'Invalid parameter';
  const path = issue.path.map(String);
  if (path.length === 1 && path[0] === 'type') return 'Param type must be one of {AUDIO, DOCUMENT, IMAGE, TEXT, VIDEO}';
  if (issue.code === 'unrecognized_keys') return `Unexpected key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')} on param ${path.join('.') || 'body'}.`;
  return `Param ${path.join('.') || 'body'}: ${issue.message}`;
}
