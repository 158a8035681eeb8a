import { inboundMessageSchema, type EventEnvelope } from '@chat4all/contracts';
import { messagingV1 } from '@chat4all/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { ClientGrpc } from '@nestjs/microservices';
import { firstValueFrom, timeout } from 'rxjs';
import type { Effect } from '../deliveries/delivery.service';
import { inboundIngested } from '../pipeline/worker-metrics';

export const MESSAGING_GRPC = Symbol('MESSAGING_GRPC');
const DEADLINE_MS = 5000;

/** gateway refused the message for good (e.g. a malformed field): retrying cannot help. */
export class PermanentInboundError extends Error {}

// messages.inbound: a contact wrote to us. gateway owns conversations and messages, so the worker
// hands the message to its MessagingService, which finds or creates the contact's conversation and
// writes the message once per (channel, provider_message_id) — the dedupe lives there, in the same
// transaction as the row, so a webhook redelivered three times (three events) is one message. The
// message then flows like any other (messages.created → this worker → realtime).
@Injectable()
export class InboundService implements OnModuleInit {
  private readonly logger = new Logger(InboundService.name);
  private service!: messagingV1.MessagingServiceClient;

  constructor(@Inject(MESSAGING_GRPC) private readonly client: ClientGrpc) {}

  onModuleInit(): void {
    this.service = this.client.getService<messagingV1.MessagingServiceClient>(messagingV1.MESSAGING_SERVICE_NAME);
  }

  async messageInbound(envelope: EventEnvelope): Promise<Effect> {
    const m = inboundMessageSchema.parse(envelope.payload);
    let r: messagingV1.IngestInboundMessageResponse;
    try {
      r = await firstValueFrom(
        this.service
          .ingestInboundMessage({ channel: m.channel, externalContact: m.external_contact, providerMessageId: m.provider_message_id, text: m.payload.text, receivedAt: m.received_at })
          .pipe(timeout(DEADLINE_MS)),
      );
    } catch (error) {
      const code = (error as { code?: number }).code;
      if (code === GrpcStatus.INVALID_ARGUMENT) throw new PermanentInboundError((error as Error).message);
      throw error; // unavailable, deadline, FAILED_PRECONDITION (no inbox members yet): retried, then dead-lettered
    }
    inboundIngested.inc({ channel: m.channel, outcome: r.created ? 'created' : 'duplicate' });
    if (r.conversationCreated) this.logger.log({ conversation_id: r.conversationId, channel: m.channel, message: 'new conversation for an external contact' });
    return r.created ? 'processed' : 'duplicate';
  }
}
