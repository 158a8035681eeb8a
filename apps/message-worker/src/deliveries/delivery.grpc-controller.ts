import { isUuid } from '@chat4all/contracts';
import { deliveryV1 } from '@chat4all/proto';
import { status } from '@grpc/grpc-js';
import { Controller } from '@nestjs/common';
import { GrpcMethod, RpcException } from '@nestjs/microservices';
import { DeadLetterService, type DeadLetterView } from '../dead-letters/dead-letter.service';
import { DeliveryQueryService } from './delivery-query.service';

export const MAX_DELIVERIES_PER_CALL = 100;
export const MAX_DEAD_LETTERS_PER_PAGE = 100;


const toDeadLetter = (d: DeadLetterView): deliveryV1.DeadLetter => ({
  id: d.id,
  eventId: d.eventId ?? '',
  sourceTopic: d.sourceTopic,
  sourcePartition: d.sourcePartition,
  sourceOffset: d.sourceOffset,
  recordKey: d.recordKey ?? '',
  valueJson: d.value,
  reason: d.reason,
  attempts: d.attempts,
  failedAt: d.failedAt.toISOString(),
  replayedAt: d.replayedAt?.toISOString() ?? '',
});

// DeliveryService (proto/chat4all/delivery/v1): how gateway reads delivery state and reaches the
// dead letters for its admin API.
@Controller()
export class DeliveryGrpcController {
  constructor(
    private readonly deliveries: DeliveryQueryService,
    private readonly deadLetters: DeadLetterService,
  ) {}

  @GrpcMethod(deliveryV1.DELIVERY_SERVICE_NAME, 'GetDeliveries')
  async getDeliveries(req: deliveryV1.GetDeliveriesRequest): Promise<deliveryV1.GetDeliveriesResponse> {
    const ids = req.messageIds ?? [];
    if (ids.length > MAX_DELIVERIES_PER_CALL || !ids.every(isUuid)) {
      throw new RpcException({ code: status.INVALID_ARGUMENT, message: `message_ids: at most ${MAX_DELIVERIES_PER_CALL} UUIDs` });
    }
    const found = await this.deliveries.byMessageIds(ids);
    return {
      deliveries: found.map((d) => ({
        messageId: d.messageId,
        status: d.status,
        failureReason: d.failureReason ?? '',
        history: d.history.map((h) => ({ status: h.status, at: h.at.toISOString() })),
      })),
    };
  }

  @GrpcMethod(deliveryV1.DELIVERY_SERVICE_NAME, 'ListDeadLetters')
  async listDeadLetters(req: deliveryV1.ListDeadLettersRequest): Promise<deliveryV1.ListDeadLettersResponse> {
    const limit = Math.min(Math.max(req.limit || 50, 1), MAX_DEAD_LETTERS_PER_PAGE);
    const page = await this.deadLetters.list({ limit, beforeId: req.beforeId || undefined, includeReplayed: req.includeReplayed ?? false });
    return { deadLetters: page.items.map(toDeadLetter), nextBeforeId: page.nextBeforeId ?? '' };
  }

  @GrpcMethod(deliveryV1.DELIVERY_SERVICE_NAME, 'ReplayDeadLetter')
  async replayDeadLetter(req: deliveryV1.ReplayDeadLetterRequest): Promise<deliveryV1.ReplayDeadLetterResponse> {
    const outcome = await this.deadLetters.replay(req.id, req.requestedBy || 'unknown');
    switch (outcome.kind) {
      case 'not-found':
        throw new RpcException({ code: status.NOT_FOUND, message: `no dead letter ${req.id}` });
      case 'already-replayed':
        throw new RpcException({ code: status.FAILED_PRECONDITION, message: `dead letter ${req.id} was already replayed at ${outcome.deadLetter.replayedAt?.toISOString()}` });
      case 'source-missing':
        // OUT_OF_RANGE: the request is fine, but what it points at (the dead letter's topic) is gone.
        throw new RpcException({ code: status.OUT_OF_RANGE, message: `dead letter ${req.id} came from topic ${outcome.topic}, which no longer exists` });
      case 'replayed':
        return { deadLetter: toDeadLetter(outcome.deadLetter) };
    }
  }
}
